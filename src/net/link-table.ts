/**
 * The link settings of a fabric: a default for every directed link, overrides
 * per pair, and one pair of seeded streams per directed link.
 *
 * Each directed link draws loss and latency from its own streams
 * (`net/loss:a>b`, `net/latency:a>b`), so traffic on one link, or a setting
 * changed on it, never shifts the draws of another.
 */

import type { Rng } from "../sim/index.js";
import { type LinkSpec, checkLink, defaultLink } from "./link.js";
import { maxPartitionHosts } from "./partitions.js";

/** The streams one directed link draws from. */
export interface LinkStreams {
  readonly loss: Rng;
  readonly latency: Rng;
}

function pairKey(from: number, to: number): number {
  return from * maxPartitionHosts + to;
}

/** Default and per-pair link settings, and the per-link streams. */
export class LinkTable {
  private defaults: LinkSpec;
  private readonly overrides = new Map<number, Partial<LinkSpec>>();
  private readonly streams = new Map<number, LinkStreams>();

  constructor(
    /** The fabric's stream, `net`, that link streams fork from. */
    private readonly rng: Rng,
    defaults: Partial<LinkSpec> = {},
  ) {
    this.defaults = { ...defaultLink, ...defaults };
    checkLink(this.defaults);
  }

  /** The default for every link without an override. */
  get defaultLink(): LinkSpec {
    return this.defaults;
  }

  /** Changes the default of every link; fields an override sets keep the override's value. */
  setDefault(link: Partial<LinkSpec>): LinkSpec {
    const next = { ...this.defaults, ...link };
    checkLink(next);
    this.defaults = next;
    return next;
  }

  /** Overrides fields of the directed link `from`→`to`; unset fields follow the default. */
  setOverride(from: number, to: number, link: Partial<LinkSpec>): LinkSpec {
    const key = pairKey(from, to);
    const merged = { ...this.overrides.get(key), ...link };
    checkLink({ ...this.defaults, ...merged });
    this.overrides.set(key, merged);
    return { ...this.defaults, ...merged };
  }

  /** Drops the override of `from`→`to`: it follows the default again. */
  clearOverride(from: number, to: number): void {
    this.overrides.delete(pairKey(from, to));
  }

  /** The settings in force on `from`→`to`. */
  get(from: number, to: number): LinkSpec {
    const override = this.overrides.get(pairKey(from, to));
    return override === undefined ? this.defaults : { ...this.defaults, ...override };
  }

  /** The streams of `from`→`to` (named by host names), forked on first use. */
  streamsFor(from: number, to: number, fromName: string, toName: string): LinkStreams {
    const key = pairKey(from, to);
    let streams = this.streams.get(key);
    if (streams === undefined) {
      streams = { loss: this.rng.fork(`loss:${fromName}>${toName}`), latency: this.rng.fork(`latency:${fromName}>${toName}`) };
      this.streams.set(key, streams);
    }
    return streams;
  }
}
