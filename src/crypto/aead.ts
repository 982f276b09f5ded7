/**
 * The AES-GCM contract every backend meets, and the lengths the protocols use.
 *
 * Both planes that swarmsim encrypts use AES-GCM with a 12-byte nonce and
 * differ only in the tag: memberlist's gossip frames carry the full 16-byte
 * GCM tag, and the overlay's ESP packets (`rfc4106(gcm(aes))`) carry an
 * 8-byte ICV, the first 8 bytes of that same tag (NIST SP 800-38D §5.2.1.2:
 * a shorter tag is the leftmost bits of the full one).
 */

/**
 * The length of a GCM nonce in bytes: 96 bits, the length GCM is built for.
 *
 * @example
 * ```ts
 * const nonce = rng.fork("gossip").bytes(gcmNonceBytes);
 * ```
 */
export const gcmNonceBytes = 12;

/**
 * The tag length of memberlist's encrypted gossip frames, in bytes.
 * memberlist security.go: the AEAD from `cipher.NewGCM` uses the full 16-byte tag.
 *
 * @example
 * ```ts
 * const sealed = aead.seal(key, nonce, message, new Uint8Array(0), gossipTagBytes);
 * ```
 */
export const gossipTagBytes = 16;

/**
 * The ICV length of the overlay's ESP packets, in bytes.
 * moby drivers/overlay/encryption.go: `rfc4106(gcm(aes))` with an ICV of 64 bits.
 *
 * @example
 * ```ts
 * const sealed = aead.seal(key, saltAndIv, espPayload, spiAndSeq, espIcvBytes);
 * ```
 */
export const espIcvBytes = 8;

/**
 * A tag length the adapter accepts: 16 (gossip) or 8 (ESP).
 *
 * @example
 * ```ts
 * const tagLength: TagLength = espIcvBytes;
 * ```
 */
export type TagLength = 8 | 16;

/**
 * Which implementation does the work: `"noble"` (@noble/ciphers, pure
 * JavaScript, runs in a browser), `"node"` (node:crypto, OpenSSL),
 * `"tables"` (JavaScript keeping each key's round keys and GHASH table) or
 * `"auto"` (tables for short messages, node:crypto or noble for long ones).
 *
 * @example
 * ```ts
 * const backend: AeadBackend = "noble";
 * ```
 */
export type AeadBackend = "noble" | "node" | "tables" | "auto";

/**
 * Why `open` refused sealed bytes. A protocol outcome, not a programming error:
 * `"too-short"` when the bytes cannot even hold a tag, `"bad-tag"` when the tag
 * does not match (wrong key, wrong nonce, wrong AAD, or altered bytes).
 *
 * @example
 * ```ts
 * const r = aead.open(key, nonce, sealed);
 * if (!r.ok && r.reason === "bad-tag") dropFrame();
 * ```
 */
export type OpenFailure = "too-short" | "bad-tag";

/**
 * The outcome of `open`: the plaintext, or why there is none.
 *
 * @example
 * ```ts
 * const r: OpenResult = aead.open(key, nonce, sealed);
 * const text = r.ok ? r.plaintext : undefined;
 * ```
 */
export type OpenResult = { readonly ok: true; readonly plaintext: Uint8Array } | { readonly ok: false; readonly reason: OpenFailure };

/**
 * AES-GCM with a 12-byte nonce and a 16- or 8-byte tag. Keys are 16, 24 or
 * 32 bytes. Every backend gives byte-identical output.
 *
 * Arguments of the wrong type or length are programming mistakes and throw
 * (TypeError or RangeError naming the argument); bytes from the wire are never
 * trusted, and `open` answers hostile ones with `{ ok: false, reason }`.
 *
 * @example
 * ```ts
 * const aead = defaultAead();
 * const key = rng.bytes(16);
 * const nonce = rng.bytes(gcmNonceBytes);
 * const sealed = aead.seal(key, nonce, new TextEncoder().encode("hello"));
 * const r = aead.open(key, nonce, sealed);
 * // r.ok === true, r.plaintext is "hello"
 * ```
 */
export interface Aead {
  /** The implementation behind this adapter. */
  readonly backend: AeadBackend;
  /**
   * Encrypts and authenticates `plaintext` (and `aad`, default empty).
   * Returns ciphertext ‖ tag, `plaintext.length + tagLength` bytes.
   * `tagLength` defaults to 16.
   */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): Uint8Array;
  /**
   * Checks the tag of `sealed` (ciphertext ‖ tag) against `aad` (default
   * empty) and decrypts it. `tagLength` defaults to 16. Never throws on the
   * content of `sealed`.
   */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): OpenResult;
}
