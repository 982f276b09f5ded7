/**
 * The network keys one node holds, as libnetwork's agent keeps them
 * (moby daemon/libnetwork/agent.go): the controller's key list, networkdb's
 * gossip keyring, and the overlay driver's IPsec keys with their primary;
 * plus when each key arrived, for observers.
 */

import type { Instant } from "../sim/index.js";
import { type EncryptionKey, type KeySubsystem, subsystemGossip, subsystemIpsec } from "./keymanager.js";
import { type GossipKeyring, type KeyringOp, type PrimaryChoice, applyGossipOps, initialGossipKeyring, initialKeyOrder, keyChange } from "./keymanager-agent.js";
import { sameBytes } from "../encoding/index.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A node applied a session message's keys: its gossip ring (tags, primary first) and IPsec primary after. */
    "agent.keys": { gossipRing: number[]; ipsecPrimary: number; ok: boolean; reason?: string };
  }
}

/** A subsystem's keys on a node, for observers. */
export interface HeldKeys {
  /** Tags of the keys held, oldest first. */
  readonly tags: readonly number[];
  /** The tag of the key the node sends with; undefined before it has keys. */
  readonly primary: number | undefined;
}

/**
 * What a key change asks of the overlay driver, as libnetwork's agent hands
 * it over (agent.go): the first keys as one list, primary first
 * (`EncryptionKeysConfig`, the driver's setKeys), and each later change as
 * one update of a new key, the primary and a key to prune
 * (`EncryptionKeysUpdate`, the driver's updateKeys).
 */
export type IpsecChange =
  | { readonly kind: "set"; readonly keys: readonly EncryptionKey[]; readonly primary: EncryptionKey | undefined }
  | { readonly kind: "update"; readonly newKey?: EncryptionKey; readonly primary?: EncryptionKey; readonly prune?: EncryptionKey };

/** What one key change did, or why it failed part way; `ipsec` is what the overlay driver is to do, when anything. */
export type KeyUpdate =
  | { readonly changed: false }
  | { readonly changed: true; readonly ok: boolean; readonly reason?: string; readonly ipsec?: IpsecChange };

/** One node's keys. */
export class NodeKeys {
  /** libnetwork's `c.keys`: every key the controller knows, sorted by tag after a change. */
  private controllerKeys: readonly EncryptionKey[] = [];
  /** networkdb's and memberlist's gossip keys. */
  private gossip: GossipKeyring = { configKeys: [], ring: [] };
  /** The overlay driver's IPsec keys (oldest first) and its primary. */
  private ipsec: { keys: EncryptionKey[]; primary: EncryptionKey | undefined } = { keys: [], primary: undefined };
  /** When each key (by tag) first reached this node. */
  private readonly arrivals = new Map<number, Instant>();
  /** Every key received, by tag. */
  private readonly seen = new Map<number, EncryptionKey>();

  /** `choice`: which key to send with; "middle" as Swarm does, "newest" only to show why not. */
  constructor(private readonly choice: PrimaryChoice = "middle") {}

  /**
   * Applies the keys of a session message (agent.go SetKeys): the first set
   * initializes everything; later sets go through handleKeyChange, with its
   * known gap. Nothing changes if no tag is new (libnetwork compares tags).
   */
  apply(keys: readonly EncryptionKey[], at: Instant): KeyUpdate {
    if (keys.length === 0 || keys.every((k) => this.controllerKeys.some((c) => c.lamportTime === k.lamportTime))) return { changed: false };
    for (const key of keys) {
      if (this.arrivals.has(key.lamportTime)) continue;
      this.arrivals.set(key.lamportTime, at);
      this.seen.set(key.lamportTime, key);
    }
    if (this.controllerKeys.length === 0) return this.initialize(keys);
    const change = keyChange(this.controllerKeys, keys, this.choice);
    this.controllerKeys = change.controllerKeys;
    this.gossip = applyGossipOps(this.gossip, change.gossip);
    if (!change.ok) return { changed: true, ok: false, reason: change.reason };
    this.applyIpsec(change.ipsec);
    return { changed: true, ok: true, ipsec: ipsecUpdateOf(change.ipsec) };
  }

  private initialize(keys: readonly EncryptionKey[]): KeyUpdate {
    this.controllerKeys = keys.slice().sort((a, b) => a.lamportTime - b.lamportTime);
    this.gossip = initialGossipKeyring(keys, this.choice);
    const ipsec = initialKeyOrder(keys, subsystemIpsec, this.choice);
    this.ipsec = { keys: ipsec.slice().sort((a, b) => a.lamportTime - b.lamportTime), primary: ipsec[0] };
    return { changed: true, ok: true, ipsec: { kind: "set", keys: ipsec, primary: ipsec[0] } };
  }

  /** The overlay driver's updateKeys: add the new key, switch the primary, prune the old one. */
  private applyIpsec(ops: readonly KeyringOp[]): void {
    for (const { op, key } of ops) {
      if (op === "add" && !this.ipsec.keys.some((k) => k.lamportTime === key.lamportTime)) this.ipsec.keys.push(key);
      else if (op === "setPrimary") this.ipsec.primary = key;
      else if (op === "remove") this.ipsec.keys = this.ipsec.keys.filter((k) => k.lamportTime !== key.lamportTime);
    }
  }

  /** The keys held for `subsystem`: gossip as memberlist's ring holds them, IPsec as the overlay driver does. */
  held(subsystem: KeySubsystem): HeldKeys {
    if (subsystem === subsystemGossip) {
      const tags = this.gossip.ring.map((bytes) => this.tagOf(bytes));
      return { tags: tags.slice().sort((a, b) => a - b), primary: tags[0] };
    }
    return { tags: this.ipsec.keys.map((k) => k.lamportTime).sort((a, b) => a - b), primary: this.ipsec.primary?.lamportTime };
  }

  /** memberlist's ring, primary first (the key bytes). */
  get gossipRing(): readonly Uint8Array[] {
    return this.gossip.ring;
  }

  /** The IPsec keys and primary the overlay driver holds. */
  get ipsecKeys(): { readonly keys: readonly EncryptionKey[]; readonly primary: EncryptionKey | undefined } {
    return this.ipsec;
  }

  /** Every gossip key this node ever received, oldest tag first. */
  gossipKeysSeen(): EncryptionKey[] {
    return [...this.seen.values()].filter((k) => k.subsystem === subsystemGossip).sort((a, b) => a.lamportTime - b.lamportTime);
  }

  /** When the key tagged `tag` reached this node. */
  arrivedAt(tag: number): Instant | undefined {
    return this.arrivals.get(tag);
  }

  /** The tag of key bytes held in the ring: every key ever received is remembered, stale ones included. */
  private tagOf(bytes: Uint8Array): number {
    for (const key of this.seen.values()) if (sameBytes(key.key, bytes)) return key.lamportTime;
    return -1;
  }
}

/** The driver's update for a change's IPsec operations: one call with the new key, the primary and the pruned key (agent.go handleKeyChange). */
function ipsecUpdateOf(ops: readonly KeyringOp[]): IpsecChange {
  let update: { newKey?: EncryptionKey; primary?: EncryptionKey; prune?: EncryptionKey } = {};
  for (const { op, key } of ops) {
    if (op === "add") update = { ...update, newKey: key };
    else if (op === "setPrimary") update = { ...update, primary: key };
    else update = { ...update, prune: key };
  }
  return { kind: "update", ...update };
}
