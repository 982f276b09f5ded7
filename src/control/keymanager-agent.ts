/**
 * How a node applies the key manager's keys: libnetwork's agent
 * (moby daemon/libnetwork/agent.go handleKeyChange, getKeys, getPrimaryKeyTag;
 * controller.go SetKeys) and the networkdb/memberlist keyring it drives
 * (networkdb/cluster.go SetKey, SetPrimaryKey, RemoveKey; memberlist keyring.go).
 *
 * Pure functions: the node layer calls them when a session message brings keys.
 * They reproduce the real code's known gap: one change handles only one added
 * and one removed key per subsystem, so a node that missed two or more
 * rotations ends with an inconsistent gossip keyring.
 */

import { type EncryptionKey, type KeySubsystem, keyringSize, keySubsystems, subsystemGossip, subsystemIpsec } from "./keymanager.js";
import { sameBytes } from "../encoding/index.js";

/** The outcome of looking up a subsystem's primary key. */
export type PrimaryKeyResult = { readonly ok: true; readonly key: EncryptionKey } | { readonly ok: false; readonly reason: string };

/**
 * The key a node sends with (agent.go getPrimaryKeyTag): the subsystem's keys
 * sorted by tag, then the second one, the middle of three. With two keys that
 * is the newer; with fewer than two there is none, and libnetwork gives up the
 * key change with this error (older versions indexed `keys[1]` unchecked).
 */
export function primaryKey(keys: readonly EncryptionKey[], subsystem: KeySubsystem, choice: PrimaryChoice = "middle"): PrimaryKeyResult {
  const sorted = sortedByTag(keys).filter((k) => k.subsystem === subsystem);
  if (sorted.length < 2) {
    return {
      ok: false,
      reason: `no primary key found for ${subsystem} subsystem: ${sorted.length} keys found on controller, expected at least 2`,
    };
  }
  return { ok: true, key: choice === "middle" ? sorted[1]! : sorted[sorted.length - 1]! };
}

/**
 * Which key a node sends with: `"middle"`, Swarm's choice (agent.go
 * getPrimaryKeyTag), or `"newest"`, a what-if that is not Swarm's: the key
 * just added, which nodes that have not yet heard of the rotation cannot open.
 */
export type PrimaryChoice = "middle" | "newest";

/**
 * A subsystem's keys as libnetwork first installs them (agent.go getKeys):
 * sorted by tag, then the first two swapped, so the primary (middle) key comes
 * first. networkdb builds its memberlist keyring from this list with index 0 as
 * primary; the overlay driver takes the list and its tags the same way.
 */
export function initialKeyOrder(keys: readonly EncryptionKey[], subsystem: KeySubsystem, choice: PrimaryChoice = "middle"): EncryptionKey[] {
  const sorted = sortedByTag(keys).filter((k) => k.subsystem === subsystem);
  if (choice === "newest") return sorted.length > 1 ? [sorted[sorted.length - 1]!, ...sorted.slice(0, -1)] : sorted;
  if (sorted.length > 1) [sorted[0], sorted[1]] = [sorted[1]!, sorted[0]!];
  return sorted;
}

/** One keyring operation, in the order the agent applies them. */
export type KeyringOp = { readonly op: "add" | "setPrimary" | "remove"; readonly key: EncryptionKey };

/** What a node does with a new key set: its keys afterwards, and the keyring operations per subsystem. */
export type KeyChange =
  | {
      readonly ok: true;
      /** The controller's keys afterwards (libnetwork's c.keys), sorted by tag as getPrimaryKeyTag leaves them. */
      readonly controllerKeys: readonly EncryptionKey[];
      /** networkdb: SetKey(added) → SetPrimaryKey(primary) → RemoveKey(deleted). */
      readonly gossip: readonly KeyringOp[];
      /** The overlay driver's EncryptionKeysUpdate: Key (add), Primary, Prune (remove). */
      readonly ipsec: readonly KeyringOp[];
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /** The controller's keys afterwards: unchanged if SetKeys refused, updated if handleKeyChange failed part way. */
      readonly controllerKeys: readonly EncryptionKey[];
      /** The gossip operations done before the failure. */
      readonly gossip: readonly KeyringOp[];
    };

/**
 * Applies a session message's keys to a node's keys, as libnetwork's SetKeys
 * and handleKeyChange do once the agent is running.
 *
 * SetKeys first refuses a set where some subsystem present has other than 3
 * keys. handleKeyChange then removes from the node's keys each one whose tag is
 * gone and appends each new one, but remembers only the **last** removed and
 * the last added key per subsystem, so only those reach the keyrings. Its
 * removal loop swaps the last key into the removed one's place and then moves
 * on, so the swapped-in key is never checked: a node that missed two or more
 * rotations can keep a stale key, which also shifts its idea of the primary.
 */
export function keyChange(controllerKeys: readonly EncryptionKey[], newKeys: readonly EncryptionKey[], choice: PrimaryChoice = "middle"): KeyChange {
  const counts = new Map<string, number>();
  for (const key of newKeys) {
    if (!keySubsystems.includes(key.subsystem)) {
      return { ok: false, reason: "key received for unrecognized subsystem", controllerKeys, gossip: [] };
    }
    counts.set(key.subsystem, (counts.get(key.subsystem) ?? 0) + 1);
  }
  for (const [subsystem, count] of counts) {
    if (count !== keyringSize) {
      return { ok: false, reason: `incorrect number of keys for subsystem ${subsystem}`, controllerKeys, gossip: [] };
    }
  }

  const keys = controllerKeys.slice();
  const deleted = new Map<KeySubsystem, EncryptionKey>();
  const added = new Map<KeySubsystem, EncryptionKey>();
  let end = keys.length;
  for (let i = 0; i < end; i++) {
    const current = keys[i]!;
    if (newKeys.some((k) => k.lamportTime === current.lamportTime)) continue;
    deleted.set(current.subsystem, current);
    keys[i] = keys[end - 1]!;
    end--;
    // agent.go increments i here too: the key just swapped in is not checked.
  }
  keys.length = end;
  for (const key of newKeys) {
    if (keys.some((k) => k.lamportTime === key.lamportTime)) continue;
    keys.push(key);
    added.set(key.subsystem, key);
  }
  const sorted = sortedByTag(keys);

  const gossip: KeyringOp[] = [];
  const addedGossip = added.get(subsystemGossip);
  if (addedGossip !== undefined) gossip.push({ op: "add", key: addedGossip });
  const gossipPrimary = primaryKey(sorted, subsystemGossip, choice);
  if (!gossipPrimary.ok) return { ok: false, reason: gossipPrimary.reason, controllerKeys: sorted, gossip };
  gossip.push({ op: "setPrimary", key: gossipPrimary.key });
  const ipsecPrimary = primaryKey(sorted, subsystemIpsec, choice);
  if (!ipsecPrimary.ok) return { ok: false, reason: ipsecPrimary.reason, controllerKeys: sorted, gossip };
  const deletedGossip = deleted.get(subsystemGossip);
  if (deletedGossip !== undefined) gossip.push({ op: "remove", key: deletedGossip });

  const ipsec: KeyringOp[] = [];
  const addedIpsec = added.get(subsystemIpsec);
  if (addedIpsec !== undefined) ipsec.push({ op: "add", key: addedIpsec });
  ipsec.push({ op: "setPrimary", key: ipsecPrimary.key });
  const prunedIpsec = deleted.get(subsystemIpsec);
  if (prunedIpsec !== undefined) ipsec.push({ op: "remove", key: prunedIpsec });
  return { ok: true, controllerKeys: sorted, gossip, ipsec };
}

/**
 * The ordered keyring operations for one subsystem when a node holding
 * `oldKeys` receives `newKeys`: add(new) → setPrimary(middle) → remove(old),
 * each at most once (see `keyChange`). Empty if the change was refused or
 * failed before reaching this subsystem.
 */
export function keyringUpdate(
  oldKeys: readonly EncryptionKey[],
  newKeys: readonly EncryptionKey[],
  subsystem: KeySubsystem,
): readonly KeyringOp[] {
  const change = keyChange(oldKeys, newKeys);
  if (subsystem === subsystemGossip) return change.gossip;
  return change.ok ? change.ipsec : [];
}

/**
 * networkdb's gossip keys: its own list (`config.Keys`) and memberlist's
 * keyring (primary at index 0), which can drift apart.
 */
export interface GossipKeyring {
  /** networkdb config.Keys: what SetPrimaryKey may choose from. */
  readonly configKeys: readonly Uint8Array[];
  /** memberlist's keyring: index 0 sends; every key is tried on receive. */
  readonly ring: readonly Uint8Array[];
}

/** The keyring networkdb starts with: `initialKeyOrder` of the gossip keys, primary first (cluster.go clusterInit). */
export function initialGossipKeyring(keys: readonly EncryptionKey[], choice: PrimaryChoice = "middle"): GossipKeyring {
  const ordered = initialKeyOrder(keys, subsystemGossip, choice).map((k) => k.key);
  return { configKeys: ordered, ring: ordered };
}

/**
 * Applies keyring operations as networkdb and memberlist do. SetKey appends
 * a key not yet known. SetPrimaryKey acts only on a key networkdb knows and
 * moves it to the front. RemoveKey drops the key from networkdb's list, but
 * memberlist refuses to remove its primary ("Removing the primary key is not
 * allowed", ignored by networkdb), so the two lists can disagree.
 */
export function applyGossipOps(keyring: GossipKeyring, ops: readonly KeyringOp[]): GossipKeyring {
  let configKeys = keyring.configKeys.slice();
  let ring = keyring.ring.slice();
  for (const { op, key } of ops) {
    const bytes = key.key;
    if (op === "add") {
      if (configKeys.some((k) => sameBytes(k, bytes))) continue;
      configKeys.push(bytes);
      if (!ring.some((k) => sameBytes(k, bytes))) ring.push(bytes);
    } else if (op === "setPrimary") {
      if (!configKeys.some((k) => sameBytes(k, bytes))) continue;
      if (ring.some((k) => sameBytes(k, bytes))) ring = [bytes, ...ring.filter((k) => !sameBytes(k, bytes))];
    } else {
      const index = configKeys.findIndex((k) => sameBytes(k, bytes));
      if (index < 0) continue;
      configKeys = configKeys.filter((_, i) => i !== index);
      if (ring.length > 0 && !sameBytes(ring[0]!, bytes)) ring = ring.filter((k) => !sameBytes(k, bytes));
    }
  }
  return { configKeys, ring };
}

function sortedByTag(keys: readonly EncryptionKey[]): EncryptionKey[] {
  return keys.slice().sort((a, b) => a.lamportTime - b.lamportTime);
}

