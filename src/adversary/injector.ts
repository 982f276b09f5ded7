/**
 * The attacker's own machine on the underlay: a host added to the fabric
 * (named "adversary" unless told), from which replayed and tampered packets
 * are put on the wire. This is the honest model of an attacker on the path:
 * its packets take the fabric's links, partitions and rules like any host's
 * and every tap (the census, the pcap, the wire digest) sees them leave it,
 * whatever source address their bytes claim.
 *
 * Adding the host is safe for a run's determinism: it takes the next free
 * address after the swarm's nodes (or the one given), forks streams of its
 * own (`net/isn:adversary`, `adversary/adversary`) and draws from no one
 * else's; the cluster's nodes are a map of their own that it never joins.
 * Two things do see it: a fabric partition puts hosts named in no group
 * together, so the attacker lands in that group; and `Fabric.hosts` lists it.
 * Packets addressed to it are dropped as `no-listener`: it runs no services.
 */

import type { Fabric, Host, Ipv4Address, WirePath } from "../net/index.js";
import type { Rng, Trace } from "../sim/index.js";
import type { CapturedPacket } from "./capture.js";
import { zeroByPath } from "./plaintext.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The attacker's host joined the underlay. */
    "adversary.host": { ip: string };
    /**
     * The attacker put a captured packet back on the wire: `packet` is its
     * index in the capture, `from`/`to` its original sender and destination;
     * a bit flip says which byte (from the IPv4 header's start) and bit mask.
     */
    "adversary.inject": { how: InjectionKind; packet: number; path: WirePath; from: string; to: string; length: number; byte?: number; mask?: number };
  }
}

/** The attacker's host name unless told otherwise. */
export const defaultAttackerName = "adversary";

/** How a packet was injected: re-sent as captured, or with one bit flipped. */
export type InjectionKind = "replay" | "bit-flip";

/** Where to put the attacker's host. */
export interface InjectorOptions {
  /** Its host name (default "adversary"); must not be a node's. */
  readonly name?: string;
  /** Its address (default: the next free 10.0.0.x). */
  readonly ip?: Ipv4Address;
}

/** One packet the attacker put on the wire. */
export interface Injected {
  /** The captured packet it copies (its index in the capture). */
  readonly packet: number;
  readonly path: WirePath;
  /** Where it went: the captured packet's destination host. */
  readonly to: string;
  /** Bit flips only: the byte changed, from the start of the IPv4 header. */
  readonly byte?: number;
  /** Bit flips only: the bit flipped in that byte (0x80 is its first bit on the wire). */
  readonly mask?: number;
}

/**
 * What one attack injected.
 *
 * @example
 * ```ts
 * const report = replay(attacker, eve, { path: "esp", to: "w1", last: 3 });
 * // { how: "replay", injected: [{ packet: 310, path: "esp", to: "w1" }, ...], byPath: { esp: 3, vxlan: 0, ... }, skipped: 0 }
 * ```
 */
export interface InjectionReport {
  readonly how: InjectionKind;
  /** Every packet injected, in the order sent. */
  readonly injected: readonly Injected[];
  /** Packets injected per path (every path listed). */
  readonly byPath: Readonly<Record<WirePath, number>>;
  /** Packets selected but not injected (a bit flip found no bit of the region to flip). */
  readonly skipped: number;
}

/**
 * The attacker's host and its seeded stream: what replays and bit flips are
 * sent from, each traced as `adversary.inject` on the attacker's host.
 *
 * @example
 * ```ts
 * const eve = new Eavesdropper(cluster.fabric);
 * const attacker = new Injector(cluster.fabric); // host "adversary", 10.0.0.5 after four nodes
 * replay(attacker, eve, { path: "esp", to: "w1", last: 10 });
 * ```
 */
export class Injector {
  /** The attacker's host on the underlay. */
  readonly host: Host;
  /** The attacker's stream (`adversary/<name>`), that each attack forks one of its own from. */
  private readonly rng: Rng;
  private readonly trace: Trace;
  private attacks = 0;

  /** Adds the attacker's host to `fabric` (throws if the name or address is taken). */
  constructor(fabric: Fabric, options: InjectorOptions = {}) {
    this.host = fabric.addHost(options.name ?? defaultAttackerName, options.ip);
    this.rng = fabric.sim.rng.fork("adversary").fork(this.host.name);
    this.trace = fabric.sim.trace;
    this.trace.record("adversary.host", { ip: this.host.ip }, this.host.name);
  }

  /** The attacker's host name. */
  get name(): string {
    return this.host.name;
  }

  /**
   * A new seeded stream for one attack (`adversary/<name>/<kind>-<n>`): each
   * attack draws from its own, so adding one never shifts another's draws.
   *
   * @example
   * ```ts
   * const rng = attacker.attackStream("bit-flip"); // adversary/adversary/bit-flip-1
   * ```
   */
  attackStream(kind: string): Rng {
    return this.rng.fork(`${kind}-${++this.attacks}`);
  }

  /**
   * Puts `bytes`, made from `captured`, on the wire as they are (their source
   * address may be another host's), and traces it.
   *
   * @example
   * ```ts
   * attacker.inject("replay", eve.packets[42]!, eve.packets[42]!.bytes);
   * ```
   */
  inject(how: InjectionKind, captured: CapturedPacket, bytes: Uint8Array, flip?: { readonly byte: number; readonly mask: number }): Injected {
    const fields = { how, packet: captured.index, path: captured.path, from: captured.src, to: captured.dst, length: bytes.length };
    // Traced before it is sent, so that a drop the wire decides at sending (a partition) follows the injection it ends.
    this.trace.record("adversary.inject", flip === undefined ? fields : { ...fields, ...flip }, this.host.name);
    this.host.sendPacket(bytes);
    return { packet: captured.index, path: captured.path, to: captured.dst, ...flip };
  }
}

/**
 * @internal The report of an attack from what it injected.
 */
export function reportOf(how: InjectionKind, injected: readonly Injected[], skipped: number): InjectionReport {
  const byPath = zeroByPath();
  for (const packet of injected) byPath[packet.path]++;
  return { how, injected, byPath, skipped };
}
