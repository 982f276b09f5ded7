/**
 * The trace records of the underlay, added to the kernel's `TraceKinds` by
 * declaration merging. Delivered packets are not traced (a run sends millions);
 * what is traced is what changes the outcome: drops, partitions and heals,
 * link changes, traffic rules, hosts going down and up, streams that reset.
 */

import type { DropReason } from "./drops.js";
import type { StreamResetReason } from "./stream-events.js";

/** The net layer's trace kinds and their fields. */
export interface NetTraceKinds {
  /** A packet was dropped. `src`/`dst` are host names (dst: the address if no host has it). */
  "net.drop": { reason: DropReason; src: string; dst: string; protocol: number; length: number; detail?: string };
  /** Hosts were split into groups that cannot reach each other. */
  "net.partition": { groups: string[][] };
  /** Traffic from every host in `from` to every host in `to` is blocked (one way). */
  "net.block": { from: string[]; to: string[] };
  /** Every partition and block was lifted. */
  "net.heal": Record<string, never>;
  /** A link setting changed (`from`/`to` are `"*"` for the default of all links). */
  "net.link": { from: string; to: string; latency: string; lossPpm: number };
  /**
   * A traffic rule was put in force: what it matches (host names as given, the
   * IANA protocol number, a port) and what it does (`lossPpm` 1 000 000: drops all).
   */
  "net.rule-add": { id: number; from?: string; to?: string; host?: string; protocol?: number; port?: number; lossPpm?: number; delay?: string };
  /** Traffic rules were lifted (by `remove()`, or every one by `clearRules()`). */
  "net.rule-clear": { ids: number[] };
  /** A host went down (crashed): it neither sends nor receives, its streams reset. */
  "net.host.down": Record<string, never>;
  /** A host came back up. */
  "net.host.up": Record<string, never>;
  /** A stream reset. `local`/`remote` are `ip:port`. */
  "net.stream.reset": { reason: StreamResetReason; local: string; remote: string };
}

declare module "../sim/trace.js" {
  interface TraceKinds extends NetTraceKinds {}
}
