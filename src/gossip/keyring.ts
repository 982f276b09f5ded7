/**
 * memberlist's keyring: the AES keys a gossip node holds, primary first.
 *
 * memberlist keyring.go keeps the keys in one slice "ordered in such a way
 * where the first key (index 0) is the primary key, which is used for
 * encrypting messages, and is the first key tried during message decryption".
 * Every change goes through `installKeys(keys, primary)`, which rebuilds the
 * slice as the primary followed by the other keys in their old order. This
 * module keeps that behaviour exactly, and returns memberlist's errors as
 * values (`{ ok: false, reason, message }`, `message` being memberlist's own
 * text); only programming mistakes (a key that is not a Uint8Array) throw.
 *
 * Keys are copied on the way in and on the way out, so nothing outside the
 * ring can change a key it holds.
 */

import { sameBytes } from "../encoding/index.js";

/** The key lengths memberlist accepts: AES-128, AES-192, AES-256 (keyring.go ValidateKey). */
export const aesKeyLengths: readonly number[] = [16, 24, 32];

/** memberlist keyring.go ValidateKey: the error for a key of another length. */
export const keySizeMessage = "key size must be 16, 24 or 32 bytes";
/** memberlist keyring.go NewKeyring: keys given without a primary. */
export const emptyPrimaryMessage = "Empty primary key not allowed";
/** memberlist keyring.go UseKey: the key to make primary is not on the ring. */
export const keyNotInstalledMessage = "Requested key is not in the keyring";
/** memberlist keyring.go RemoveKey: the key to remove is the primary. */
export const removePrimaryMessage = "Removing the primary key is not allowed";

/**
 * Why the keyring refused a change, with memberlist's error text in `message`.
 *
 * @example
 * ```ts
 * const r = ring.removeKey(ring.primaryKey()!);
 * if (!r.ok) trace.record("gossip.key-refused", { reason: r.reason }); // "primary-removal"
 * ```
 */
export type KeyringFailure =
  | { readonly ok: false; readonly reason: "bad-key-size"; readonly message: typeof keySizeMessage }
  | { readonly ok: false; readonly reason: "empty-primary"; readonly message: typeof emptyPrimaryMessage }
  | { readonly ok: false; readonly reason: "not-installed"; readonly message: typeof keyNotInstalledMessage }
  | { readonly ok: false; readonly reason: "primary-removal"; readonly message: typeof removePrimaryMessage };

/**
 * The outcome of a change to the ring. `changed` is false where memberlist
 * returns no error but does nothing: adding a key already installed, making
 * the primary primary again, removing a key that is not installed.
 *
 * @example
 * ```ts
 * const r = ring.addKey(key);
 * if (r.ok && r.changed) history.add(key);
 * ```
 */
export type KeyringResult = { readonly ok: true; readonly changed: boolean } | KeyringFailure;

const badKeySize: KeyringFailure = { ok: false, reason: "bad-key-size", message: keySizeMessage };

/** Throws unless `value` is a Uint8Array: a key of the wrong type is a programming mistake. */
function checkKeyBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    const got = value === null ? "null" : typeof value === "object" ? `type=${(value as object).constructor?.name ?? "object"}` : `type=${typeof value}`;
    throw new TypeError(`"${name}" expected Uint8Array, got ${got}`);
  }
}


/**
 * Every key a node ever installed, each once, in the order it was first
 * installed: what the gossip keys file lists so a capture of any moment of the
 * run can be read (moby networkdb debug.go logEncKeys appends each key dockerd
 * installs to the file named by NETWORKDBKEYLOGFILE).
 *
 * dockerd's file is append-only and can name a key twice (networkdb
 * cluster.go logs the whole key list at clusterInit, and SetKey logs a key
 * again if it comes back after a removal); a reader tries each line as a key,
 * so listing a key once reads the same.
 *
 * @example
 * ```ts
 * const history = new KeyringHistory();
 * const ring = new Keyring(history);
 * ring.addKey(k1);
 * ring.addKey(k2);
 * ring.useKey(k2);
 * ring.removeKey(k1);
 * history.keys(); // [k1, k2]
 * ```
 */
export class KeyringHistory {
  private readonly installed: Uint8Array[] = [];

  /** Records `key`; returns true if it was not recorded before. */
  add(key: Uint8Array): boolean {
    checkKeyBytes("key", key);
    if (this.installed.some((k) => sameBytes(k, key))) return false;
    this.installed.push(key.slice());
    return true;
  }

  /** The keys recorded, in order of first installation (copies). */
  keys(): Uint8Array[] {
    return this.installed.map((k) => k.slice());
  }

  /** How many distinct keys were recorded. */
  get size(): number {
    return this.installed.length;
  }
}

/**
 * memberlist's Keyring (keyring.go): AES keys with the primary at index 0.
 * An empty ring means gossip is not encrypted (memberlist config.go
 * EncryptionEnabled: a keyring with at least one key).
 *
 * Given a `KeyringHistory`, the ring records in it every key it installs.
 *
 * @example
 * ```ts
 * const created = Keyring.create([k1, k2, k3], k2);
 * if (!created.ok) throw new Error(created.message);
 * const ring = created.keyring;
 * ring.keys();          // [k2, k1, k3]: the primary first, then the others in order
 * ring.useKey(k3);      // { ok: true, changed: true }; ring.keys() is [k3, k2, k1]
 * ring.removeKey(k3);   // { ok: false, reason: "primary-removal", message: "Removing the primary key is not allowed" }
 * ```
 */
export class Keyring {
  private ring: Uint8Array[] = [];

  /** An empty ring; `history` (optional) is told every key the ring installs. */
  constructor(private readonly history?: KeyringHistory) {}

  /**
   * memberlist keyring.go NewKeyring: with no keys and no primary, an empty
   * ring; otherwise `primaryKey` is required, is installed first, and each of
   * `keys` is added after it (duplicates, the primary among them, are skipped).
   *
   * @example
   * ```ts
   * Keyring.create([k1, k2], k1);     // { ok: true, keyring } with keys [k1, k2]
   * Keyring.create([k1]);             // { ok: false, reason: "empty-primary", ... }
   * Keyring.create([], new Uint8Array(5)); // { ok: false, reason: "bad-key-size", ... }
   * ```
   */
  static create(
    keys: readonly Uint8Array[],
    primaryKey?: Uint8Array,
    history?: KeyringHistory,
  ): { readonly ok: true; readonly keyring: Keyring } | KeyringFailure {
    if (!Array.isArray(keys)) throw new TypeError(`"keys" expected an array of Uint8Array, got type=${typeof keys}`);
    keys.forEach((k, i) => checkKeyBytes(`keys[${i}]`, k));
    if (primaryKey !== undefined) checkKeyBytes("primaryKey", primaryKey);
    const keyring = new Keyring(history);
    if (keys.length === 0 && (primaryKey === undefined || primaryKey.length === 0)) return { ok: true, keyring };
    // Go's len(primaryKey) == 0 covers both nil and an empty slice.
    if (primaryKey === undefined || primaryKey.length === 0) return { ok: false, reason: "empty-primary", message: emptyPrimaryMessage };
    for (const key of [primaryKey, ...keys]) {
      const added = keyring.addKey(key);
      if (!added.ok) return added;
    }
    return { ok: true, keyring };
  }

  /**
   * memberlist keyring.go AddKey: appends `key` to the ring, as the primary if
   * the ring was empty. A key already on the ring is left where it is
   * (`changed: false`); a key of another length than 16, 24 or 32 bytes is
   * refused with "key size must be 16, 24 or 32 bytes".
   *
   * @example
   * ```ts
   * ring.addKey(k1); // { ok: true, changed: true }
   * ring.addKey(k1); // { ok: true, changed: false }
   * ```
   */
  addKey(key: Uint8Array): KeyringResult {
    checkKeyBytes("key", key);
    if (!aesKeyLengths.includes(key.length)) return badKeySize;
    if (this.indexOf(key) >= 0) return { ok: true, changed: false };
    const copy = key.slice();
    this.install([...this.ring, copy], this.ring[0] ?? copy);
    this.history?.add(copy);
    return { ok: true, changed: true };
  }

  /**
   * memberlist keyring.go UseKey: makes an installed key the primary, moving it
   * to the front; the others keep their order. A key not on the ring is refused
   * with "Requested key is not in the keyring".
   *
   * @example
   * ```ts
   * // ring.keys() is [k1, k2, k3]
   * ring.useKey(k3); // { ok: true, changed: true }; ring.keys() is [k3, k1, k2]
   * ```
   */
  useKey(key: Uint8Array): KeyringResult {
    checkKeyBytes("key", key);
    const at = this.indexOf(key);
    if (at < 0) return { ok: false, reason: "not-installed", message: keyNotInstalledMessage };
    if (at === 0) return { ok: true, changed: false };
    this.install(this.ring, this.ring[at]!);
    return { ok: true, changed: true };
  }

  /**
   * memberlist keyring.go RemoveKey: drops a secondary key. The primary is
   * never removed ("Removing the primary key is not allowed"); a key that is
   * not installed is no error (`changed: false`). Like memberlist, the key's
   * length is not checked here.
   *
   * @example
   * ```ts
   * // ring.keys() is [k1, k2]
   * ring.removeKey(k1); // { ok: false, reason: "primary-removal", ... }
   * ring.removeKey(k2); // { ok: true, changed: true }; ring.keys() is [k1]
   * ```
   */
  removeKey(key: Uint8Array): KeyringResult {
    checkKeyBytes("key", key);
    const primary = this.ring[0];
    if (primary !== undefined && sameBytes(key, primary)) {
      return { ok: false, reason: "primary-removal", message: removePrimaryMessage };
    }
    const at = this.indexOf(key);
    if (at < 0) return { ok: true, changed: false };
    this.install(
      this.ring.filter((_, i) => i !== at),
      primary!,
    );
    return { ok: true, changed: true };
  }

  /**
   * The keys in ring order, primary first (copies): the order in which a
   * receiver tries them (memberlist keyring.go GetKeys).
   *
   * @example
   * ```ts
   * const keys = ring.keys(); // keys[0] is the primary
   * ```
   */
  keys(): Uint8Array[] {
    return this.ring.map((k) => k.slice());
  }

  /**
   * The key a sender encrypts with, or undefined for an empty ring (memberlist
   * keyring.go GetPrimaryKey).
   *
   * @example
   * ```ts
   * const frame = encryptPayload(1, ring.primaryKey()!, message, new Uint8Array(0), crypto);
   * ```
   */
  primaryKey(): Uint8Array | undefined {
    return this.ring[0]?.slice();
  }

  /** How many keys are installed; 0 means gossip is not encrypted (memberlist config.go EncryptionEnabled). */
  get size(): number {
    return this.ring.length;
  }

  /** Where `key` sits on the ring, or -1. */
  private indexOf(key: Uint8Array): number {
    return this.ring.findIndex((k) => sameBytes(k, key));
  }

  /** memberlist keyring.go installKeys: the primary first, then every other key in order. */
  private install(keys: readonly Uint8Array[], primary: Uint8Array): void {
    this.ring = [primary, ...keys.filter((k) => !sameBytes(k, primary))];
  }
}
