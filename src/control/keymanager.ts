/**
 * The key manager (swarmkit manager/keymanager/keymanager.go): the leader's
 * allocation and rotation of the symmetric network keys that every node uses
 * for gossip (networkdb over memberlist) and for the overlay data plane (IPsec).
 *
 * The leader keeps 3 keys per subsystem, each tagged with a Lamport time. With
 * no keys in the cluster object yet it makes 3 gossip keys then 3 IPsec keys;
 * then every rotation interval, on its own timer, it drops each subsystem's
 * oldest key and adds a new one. A leader change never rotates: the new
 * leader's timer starts afresh, so a real interval can exceed 12 h (swarmkit
 * issue #530). The keys reach the nodes through the dispatcher's session
 * messages (`onKeysChanged`); how a node applies them is keymanager-agent.ts.
 */

import { type Duration, type EventHandle, type Rng, type Scheduler, type Trace, hours } from "../sim/index.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A key manager started on the leader: made the first keys (`generated`) or took over the cluster's. */
    "keymanager.start": { generated: boolean; lamportClock: number; gossipTags: number[]; ipsecTags: number[] };
    /** The leader rotated the network keys: keys and tags per subsystem after the rotation. */
    "keymanager.rotate": {
      gossipKeys: number;
      ipsecKeys: number;
      gossipTags: number[];
      ipsecTags: number[];
      lamportClock: number;
    };
    /** The key manager stopped (its manager lost leadership); its timer is cancelled. */
    "keymanager.stop": { lamportClock: number };
  }
}

/** The gossip subsystem: networkdb's memberlist keyring (keymanager.go SubsystemGossip). */
export const subsystemGossip = "networking:gossip";
/** The overlay data-plane subsystem: IPsec SAs of encrypted overlays (keymanager.go SubsystemIPSec). */
export const subsystemIpsec = "networking:ipsec";
/** A key's subsystem (api/types.proto EncryptionKey.subsystem). */
export type KeySubsystem = typeof subsystemGossip | typeof subsystemIpsec;
/**
 * The subsystems in the order the key manager first makes their keys
 * (keymanager.go DefaultConfig().Subsystems: gossip, then IPsec).
 */
export const keySubsystems: readonly KeySubsystem[] = [subsystemGossip, subsystemIpsec];

/** The only algorithm: AES-128 in GCM mode for both subsystems (keymanager.go subsysToAlgo). */
export const keyAlgorithm = "AES_128_GCM";
/** Key length in bytes: 16, an AES-128 key (keymanager.go DefaultKeyLen). */
export const networkKeyBytes = 16;
/**
 * Keys kept per subsystem: 3, so that every key is installed for receiving a
 * full interval before it is used for sending and kept a full interval after
 * (keymanager.go keyringSize; libnetwork agent.go checks the same number).
 */
export const keyringSize = 3;
/** Default rotation interval: 12 h, on the leader's own ticker (keymanager.go DefaultKeyRotationInterval). */
export const rotationIntervalUs: Duration = hours(12);
/**
 * The Lamport clock of a new key manager starts at a uniform value in
 * 0..65535 (keymanager.go genSkew: two random bytes, big-endian), so that two
 * managers' tags rarely collide; each new key takes the next value.
 */
export const lamportSkewMax = 65_535;

/** A network key as the cluster object and the session messages carry it (api/types.proto EncryptionKey). */
export interface EncryptionKey {
  readonly subsystem: KeySubsystem;
  readonly algorithm: typeof keyAlgorithm;
  /** 16 random bytes. */
  readonly key: Uint8Array;
  /** The key's tag: the key manager's Lamport clock when it made the key. */
  readonly lamportTime: number;
}

/** What a key manager runs with. */
export interface KeyManagerOptions {
  /** Its own random stream: the Lamport skew and the key bytes come from it. */
  readonly rng: Rng;
  readonly scheduler: Scheduler;
  /** Publishes a new key set (the cluster object's NetworkBootstrapKeys, sent by the dispatcher). */
  readonly onKeysChanged: (keys: readonly EncryptionKey[]) => void;
  /** Time between rotations; default `rotationIntervalUs`. */
  readonly rotationIntervalUs?: Duration;
  readonly trace?: Trace;
  /** The manager it runs on, for the trace. */
  readonly node?: string;
}

/** The cluster's stored keys, for a key manager on a new leader (Cluster.NetworkBootstrapKeys and EncryptionKeyLamportClock). */
export interface StoredKeys {
  readonly keys: readonly EncryptionKey[];
  /** The stored clock; default the highest tag, which is what the last key manager stored. */
  readonly lamportClock?: number;
}

/** The key manager of one leader term: `start()` when it becomes leader, `stop()` when it stops being one. */
export class KeyManager {
  private keys: EncryptionKey[] = [];
  private clock: number;
  private timer: EventHandle | undefined;
  private phase: "new" | "running" | "stopped" = "new";
  private readonly intervalUs: Duration;

  constructor(private readonly options: KeyManagerOptions) {
    const interval = options.rotationIntervalUs ?? rotationIntervalUs;
    if (!Number.isSafeInteger(interval) || interval <= 0) {
      throw new RangeError(`"rotationIntervalUs" expected a whole number of microseconds > 0, got ${interval}`);
    }
    this.intervalUs = interval;
    // keymanager.go New: keyRing{lClock: genSkew()}.
    this.clock = options.rng.int(0, lamportSkewMax);
  }

  /** The current keys, in the order published. */
  get currentKeys(): readonly EncryptionKey[] {
    return this.keys.slice();
  }

  /** The Lamport clock: the tag of the newest key (Cluster.EncryptionKeyLamportClock). */
  get lamportClock(): number {
    return this.clock;
  }

  /**
   * Starts on the leader (keymanager.go Run). With no stored keys it makes 3
   * gossip keys then 3 IPsec keys and publishes them; with stored keys it takes
   * them and their clock over without rotating or publishing. Either way the
   * rotation timer starts now.
   */
  start(stored?: StoredKeys): void {
    if (this.phase !== "new") throw new RangeError(`key manager expected to be new to start, it is ${this.phase}`);
    this.phase = "running";
    const generated = stored === undefined || stored.keys.length === 0;
    if (generated) {
      for (const subsystem of keySubsystems) {
        for (let i = 0; i < keyringSize; i++) this.keys.push(this.allocateKey(subsystem));
      }
    } else {
      for (const key of stored.keys) checkKey(key);
      this.keys = stored.keys.slice();
      this.clock = stored.lamportClock ?? Math.max(...stored.keys.map((k) => k.lamportTime));
    }
    this.options.trace?.record("keymanager.start", { generated, lamportClock: this.clock, ...this.tagFields() }, this.options.node);
    if (generated) this.publish();
    this.arm();
  }

  /**
   * Rotates now (keymanager.go rotateKey): each subsystem drops its oldest key
   * when it has 3 and gains a new one; then the new set is published.
   */
  rotate(): void {
    if (this.phase !== "running") throw new RangeError(`key manager expected to be running to rotate, it is ${this.phase}`);
    // rotateKey walks a Go map of subsystems, whose order is random: it decides
    // which subsystem's new key gets the lower tag and which group comes first.
    const order = this.options.rng.chance(1, 2) ? keySubsystems : keySubsystems.slice().reverse();
    this.keys = rotateKeys(this.keys, order, (subsystem) => this.allocateKey(subsystem));
    const tags = this.tagFields();
    this.options.trace?.record(
      "keymanager.rotate",
      { gossipKeys: tags.gossipTags.length, ipsecKeys: tags.ipsecTags.length, ...tags, lamportClock: this.clock },
      this.options.node,
    );
    this.publish();
  }

  /** Stops (the manager lost leadership): the timer is cancelled and the keys stay as stored. */
  stop(): void {
    if (this.phase !== "running") return;
    this.phase = "stopped";
    if (this.timer !== undefined) this.options.scheduler.cancel(this.timer);
    this.timer = undefined;
    this.options.trace?.record("keymanager.stop", { lamportClock: this.clock }, this.options.node);
  }

  private arm(): void {
    // time.NewTicker(RotationInterval): every interval from Run, never re-aligned.
    this.timer = this.options.scheduler.after(this.intervalUs, "keymanager.rotate", () => {
      this.timer = undefined;
      this.rotate();
      this.arm();
    });
  }

  /** keymanager.go allocateKey: 16 random bytes, the clock's next value as the tag. */
  private allocateKey(subsystem: KeySubsystem): EncryptionKey {
    const key = this.options.rng.bytes(networkKeyBytes);
    this.clock++;
    return { subsystem, algorithm: keyAlgorithm, key, lamportTime: this.clock };
  }

  private publish(): void {
    this.options.onKeysChanged(this.keys.slice());
  }

  private tagFields(): { gossipTags: number[]; ipsecTags: number[] } {
    const tagsOf = (s: KeySubsystem) => this.keys.filter((k) => k.subsystem === s).map((k) => k.lamportTime);
    return { gossipTags: tagsOf(subsystemGossip), ipsecTags: tagsOf(subsystemIpsec) };
  }
}

/**
 * One rotation of a key set, as keymanager.go rotateKey computes it: keys are
 * grouped by subsystem (keeping their order), subsystems are visited in
 * `order`; a group of exactly 3 loses the key `oldestIndex` finds, and every
 * group gains `allocate(subsystem)`. Returns the groups concatenated in `order`.
 * Subsystems absent from `keys` are left out, as a Go map of groups would.
 */
export function rotateKeys(
  keys: readonly EncryptionKey[],
  order: readonly KeySubsystem[],
  allocate: (subsystem: KeySubsystem) => EncryptionKey,
): EncryptionKey[] {
  const out: EncryptionKey[] = [];
  for (const subsystem of order) {
    const group = keys.filter((k) => k.subsystem === subsystem);
    if (group.length === 0) continue;
    if (group.length === keyringSize) group.splice(oldestIndex(group), 1);
    group.push(allocate(subsystem));
    out.push(...group);
  }
  return out;
}

/**
 * The index rotateKey drops, found exactly as keymanager.go does: it ranges
 * over `keys[1:]` but stores that range's index, one less than the key's. Since
 * a subsystem's keys are always stored oldest first, the answer is always 0 in
 * a running cluster and the slip never shows; on other orders it can pick a key
 * that is not the oldest (`[5, 4, 3]` drops 4).
 */
export function oldestIndex(keys: readonly EncryptionKey[]): number {
  let min = 0;
  for (let i = 0; i < keys.length - 1; i++) {
    if (keys[i + 1]!.lamportTime < keys[min]!.lamportTime) min = i;
  }
  return min;
}

function checkKey(key: EncryptionKey): void {
  if (!keySubsystems.includes(key.subsystem)) {
    throw new RangeError(`"keys" expected subsystems ${keySubsystems.join(" or ")}, got "${key.subsystem}"`);
  }
  if (!(key.key instanceof Uint8Array) || key.key.length !== networkKeyBytes) {
    throw new RangeError(`"keys" expected Uint8Array keys of length ${networkKeyBytes}, got length=${key.key?.length}`);
  }
  if (!Number.isSafeInteger(key.lamportTime) || key.lamportTime < 0) {
    throw new RangeError(`"keys" expected whole Lamport times >= 0, got ${key.lamportTime}`);
  }
}
