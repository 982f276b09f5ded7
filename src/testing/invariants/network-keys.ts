/**
 * Every network key any node of a finished run held, gossip and IPsec, with
 * its Lamport tag: what the invariants decrypt the capture with and search
 * it for.
 *
 * - gossip: each node's `gossipKeysSeen()` (every key it ever received, in
 *   any membership);
 * - IPsec: each node's current IPsec keys (`keys.ipsecKeys`), plus the key of
 *   every ESP SA that carried traffic (`espSasCarried()`, removed SAs
 *   included), tagged through the `overlay.sa` records that installed it.
 */

import { spiHex } from "../../overlay/index.js";
import { toHex } from "../../sim/index.js";
import { heldNetworkKeys } from "../../swarm/index.js";
import type { FinishedRun } from "../run.js";
import { recordsOf, numberOf, textOf } from "./records.js";

/** The subsystems of network keys (swarmkit's networking:gossip and networking:ipsec). */
export type KeyKind = "gossip" | "ipsec";

/** One network key. */
export interface NetworkKey {
  readonly subsystem: KeyKind;
  /** Its Lamport tag (-1 if no record names it). */
  readonly tag: number;
  /** The 16-byte AES key. */
  readonly key: Uint8Array;
  /** The key as lowercase hex. */
  readonly hex: string;
}

/** The keys of a run, per subsystem, oldest tag first. */
export interface NetworkKeys {
  readonly gossip: readonly NetworkKey[];
  readonly ipsec: readonly NetworkKey[];
  /** IPsec keys by the SPI (`0x%08x`) of an SA made from them. */
  readonly ipsecBySpi: ReadonlyMap<string, NetworkKey>;
}

/** Keys by the world and the records they were read from. */
const cache = new WeakMap<object, WeakMap<readonly object[], NetworkKeys>>();

/**
 * The network keys any node of `run` held.
 *
 * @example
 * ```ts
 * const { gossip, ipsec } = networkKeysOf(run);
 * findPlaintext(run.capture, [...gossip, ...ipsec].map((k) => k.key));
 * ```
 */
export function networkKeysOf(run: FinishedRun): NetworkKeys {
  const byRecords = cache.get(run.cluster) ?? new WeakMap<readonly object[], NetworkKeys>();
  cache.set(run.cluster, byRecords);
  const known = byRecords.get(run.records);
  if (known !== undefined) return known;
  const gossip = new Map<string, NetworkKey>();
  const ipsec = new Map<string, NetworkKey>();
  const add = (into: Map<string, NetworkKey>, subsystem: KeyKind, tag: number, key: Uint8Array) => {
    const hex = toHex(key);
    if (!into.has(hex)) into.set(hex, { subsystem, tag, key: key.slice(), hex });
  };
  const tagOfSpi = new Map<string, number>();
  for (const record of recordsOf(run.records, "overlay.sa")) {
    const spi = textOf(record, "spi");
    const tag = numberOf(record, "keyTag");
    if (spi !== undefined && tag !== undefined) tagOfSpi.set(spi, tag);
  }
  const bySpi = new Map<string, NetworkKey>();
  for (const held of heldNetworkKeys(run.cluster)) {
    if (held.subsystem === "gossip") add(gossip, "gossip", held.tag ?? -1, held.key);
    else if (held.spi === undefined) add(ipsec, "ipsec", held.tag ?? -1, held.key);
    else {
      const spi = spiHex(held.spi);
      add(ipsec, "ipsec", tagOfSpi.get(spi) ?? -1, held.key);
      bySpi.set(spi, ipsec.get(toHex(held.key))!);
    }
  }
  const sorted = (keys: Map<string, NetworkKey>) => [...keys.values()].sort((a, b) => a.tag - b.tag);
  const keys: NetworkKeys = { gossip: sorted(gossip), ipsec: sorted(ipsec), ipsecBySpi: bySpi };
  byRecords.set(run.records, keys);
  return keys;
}

/**
 * The key's tag and the first 8 hex digits of its bytes, for evidence.
 *
 * @example
 * ```ts
 * keyLabel(key); // "gossip 54799 (3f9a01c2…)"
 * ```
 */
export function keyLabel(key: NetworkKey): string {
  return `${key.subsystem} ${key.tag} (${key.hex.slice(0, 8)}…)`;
}
