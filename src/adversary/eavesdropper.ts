/**
 * The eavesdropper: a passive observer on the underlay, as anyone with a
 * port mirror or a compromised switch between the hosts would be. It keeps a
 * copy of every packet put on the wire from the moment it is made, and never
 * changes a run: it is a tap, and taps only read (src/net tap.ts). Loopback
 * traffic never touches the wire, so it never sees it.
 */

import { type Fabric, type WirePath, wirePathOf, wirePaths } from "../net/index.js";
import type { Capture, CapturedPacket } from "./capture.js";
import { type PlaintextOptions, type PlaintextVerdict, type Secret, findPlaintext, zeroByPath } from "./plaintext.js";

/**
 * Packets kept at most, unless told otherwise: about a day of a small
 * swarm's gossip and control traffic, and a bound on memory ("put a limit on
 * everything"). Packets past it are counted in `missed`, not kept.
 */
export const defaultCaptureLimit = 1_000_000;

/** How to eavesdrop. */
export interface EavesdropperOptions {
  /** Packets kept at most (default `defaultCaptureLimit`). */
  readonly limit?: number;
}

/**
 * A tap that keeps every packet put on the wire, by path, for the plaintext
 * search and for the active attacks to pick from.
 *
 * @example
 * ```ts
 * const eve = new Eavesdropper(cluster.fabric);
 * // ... run the scenario ...
 * eve.count("esp"); // ESP packets seen
 * eve.findPlaintext(["Welcome to nginx!"]).leakyPaths; // [] on an encrypted overlay, ["vxlan"] on a plain one
 * ```
 */
export class Eavesdropper implements Capture {
  private readonly kept: CapturedPacket[] = [];
  private readonly byPath = zeroByPath();
  private readonly limit: number;
  private missedPackets = 0;
  private readonly untap: () => void;

  /** Starts watching every packet `fabric` puts on the wire. */
  constructor(fabric: Fabric, options: EavesdropperOptions = {}) {
    const limit = options.limit ?? defaultCaptureLimit;
    if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`"limit" expected a whole number >= 0, got ${limit}`);
    this.limit = limit;
    // "sent" only: each packet once, as it leaves its sender; the wire hands each tap its own copy of the bytes.
    this.untap = fabric.addTap((packet) => this.keep(packet.at, packet.src, packet.dst, packet.bytes), { outcomes: ["sent"] });
  }

  /** Every packet kept, oldest first; a packet's `index` is its place here. */
  get packets(): readonly CapturedPacket[] {
    return this.kept;
  }

  /** Packets seen after the capture was full, and so not kept. */
  get missed(): number {
    return this.missedPackets;
  }

  /**
   * Packets kept on `path`, or on every path.
   *
   * @example
   * ```ts
   * eve.count(); // all of them
   * eve.count("gossip"); // memberlist's UDP packets and TCP segments
   * ```
   */
  count(path?: WirePath): number {
    if (path === undefined) return this.kept.length;
    if (!(wirePaths as readonly string[]).includes(path)) throw new RangeError(`"path" expected one of ${wirePaths.join(", ")}, got "${String(path)}"`);
    return this.byPath[path];
  }

  /**
   * Where each secret appears in clear in the packets kept, per path, with evidence (see `findPlaintext`).
   *
   * @example
   * ```ts
   * const verdict = eve.findPlaintext(["Welcome to nginx!", "GET / HTTP/1.1"], { paths: ["esp", "gossip", "control"] });
   * if (!verdict.ok) console.log(verdict.findings.filter((f) => f.total > 0));
   * ```
   */
  findPlaintext(secrets: readonly Secret[], options: PlaintextOptions = {}): PlaintextVerdict {
    return findPlaintext(this.kept, secrets, options);
  }

  /** Stops watching; what was kept stays readable. */
  stop(): void {
    this.untap();
  }

  private keep(at: CapturedPacket["at"], src: string, dst: string, bytes: Uint8Array): void {
    if (this.kept.length >= this.limit) {
      this.missedPackets++;
      return;
    }
    const path = wirePathOf(bytes);
    this.byPath[path]++;
    this.kept.push({ index: this.kept.length, at, src, dst, path, bytes });
  }
}
