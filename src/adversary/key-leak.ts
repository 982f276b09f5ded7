/**
 * A network key leaked from a live node: the gossip or IPsec key, 16 bytes
 * of AES-128-GCM with its Lamport tag, as the node holds it at that instant
 * (its memberlist keyring, or its overlay driver's IPsec keys), as an
 * attacker who read the node's memory or its session message would have it.
 * What the key then opens in a capture is `keyExposure` (key-exposure.ts).
 *
 * The control plane's TLS is not in reach of a network key: leaking a
 * node's TLS private key (and reading its sessions) is not modelled.
 */

import { subsystemGossip, subsystemIpsec } from "../control/index.js";
import type { Instant } from "../sim/index.js";
import type { Cluster } from "../swarm/index.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The attacker took a network key from a node (the record's node): its subsystem and tag. */
    "adversary.leak": { subsystem: LeakSubsystem; tag: number };
  }
}

/** Which key: networkdb's gossip key or the overlay's IPsec key. */
export type LeakSubsystem = "gossip" | "ipsec";

/** A key in the attacker's hands. */
export interface LeakedKey {
  readonly subsystem: LeakSubsystem;
  /** Its tag: the key manager's Lamport time when it made the key. */
  readonly tag: number;
  /** The 16-byte AES-128 key (the attacker's own copy). */
  readonly key: Uint8Array;
  /** The node it was taken from. */
  readonly node: string;
  /** When it was taken. */
  readonly at: Instant;
}

/**
 * The leaked key, or why the node had no such key to leak.
 *
 * @example
 * ```ts
 * leakKey(cluster, "w9", "gossip"); // { ok: false, reason: 'no node "w9" in the cluster' }
 * ```
 */
export type LeakResult = { readonly ok: true; readonly key: LeakedKey } | { readonly ok: false; readonly reason: string };

/**
 * Takes the `subsystem` key that node `node` holds now: its primary (the key
 * it sends with) or the one tagged `which`. Traced as `adversary.leak`.
 * A node that is down, is not a member, holds no keys yet, or holds no key
 * with that tag has nothing to leak: the answer says so.
 *
 * @example
 * ```ts
 * const leak = leakKey(cluster, "w1", "gossip", "primary");
 * if (leak.ok) keyExposure(eve, leak.key).readable.gossip; // gossip packets the key opens
 * ```
 */
export function leakKey(cluster: Cluster, node: string, subsystem: LeakSubsystem, which: "primary" | number = "primary"): LeakResult {
  if (subsystem !== "gossip" && subsystem !== "ipsec") throw new RangeError(`"subsystem" expected "gossip" or "ipsec", got ${JSON.stringify(subsystem)}`);
  if (which !== "primary" && !(Number.isSafeInteger(which) && which >= 0)) throw new RangeError(`"which" expected "primary" or a key tag, got ${JSON.stringify(which)}`);
  const holder = cluster.nodes.get(node);
  if (holder === undefined) return { ok: false, reason: `no node "${node}" in the cluster` };
  if (holder.crashed) return { ok: false, reason: `${node} is down: the keys it held in memory are gone` };
  const keys = holder.keys;
  if (keys === undefined) return { ok: false, reason: `${node} holds no network keys: it is not a member of a swarm` };
  const held = keys.held(subsystem === "gossip" ? subsystemGossip : subsystemIpsec);
  const tag = which === "primary" ? held.primary : which;
  // The gossip ring is bytes; every key a node received is remembered with its tag.
  const candidates = subsystem === "gossip" ? keys.gossipKeysSeen() : keys.ipsecKeys.keys;
  const found = tag === undefined || !held.tags.includes(tag) ? undefined : candidates.find((k) => k.lamportTime === tag);
  if (found === undefined) {
    const holds = held.tags.length === 0 ? "none" : held.tags.join(", ");
    return { ok: false, reason: `${node} holds no ${subsystem} key ${which === "primary" ? "as primary" : `tagged ${which}`} (it holds ${holds})` };
  }
  const sim = cluster.sim;
  sim.trace.record("adversary.leak", { subsystem, tag: found.lamportTime }, node);
  return { ok: true, key: { subsystem, tag: found.lamportTime, key: found.key.slice(), node, at: sim.now } };
}
