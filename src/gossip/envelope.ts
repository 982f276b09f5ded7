/**
 * memberlist's encryption envelope, as pure functions over bytes.
 *
 * memberlist security.go: an encrypted message is
 * `[version: 1 byte][nonce: 12 bytes][AES-GCM ciphertext][tag: 16 bytes]`.
 * Version 1 (what Docker sends: networkdb cluster.go sets ProtocolVersion 2,
 * and net.go encryptionVersion uses version 0 only for protocol version 1)
 * seals the message as it is: 29 bytes of overhead. Version 0 first pads the
 * message with PKCS#7 to the 16-byte AES block (1 to 16 bytes, each the pad
 * length), so its overhead is up to 45 bytes.
 *
 * On UDP the AAD is the packet label, empty when no label is set (Docker sets
 * none): net.go rawSendMsgPacket / ingestPacket. On streams each message is
 * framed `[encryptMsg = 10][uint32 BE length of the envelope]` and the AAD is
 * those 5 bytes followed by the stream label: net.go encryptLocalState /
 * decryptRemoteState.
 *
 * The nonce comes from a ByteSource the caller passes (memberlist reads
 * crypto/rand), so a seed reproduces every byte. Decoding never throws on
 * the bytes it is given: it answers `{ ok: false, reason, message }` with
 * memberlist's error text in `message`.
 */

import { type Aead, type ByteSource, gcmNonceBytes, gossipTagBytes } from "../crypto/index.js";
import { allocBytes, concatBytes } from "../encoding/index.js";

/** An envelope version memberlist speaks (security.go min/maxEncryptionVersion). */
export type EncryptionVersion = 0 | 1;

/** The newest version a receiver accepts; a higher first byte is refused (security.go maxEncryptionVersion). */
export const maxEncryptionVersion = 1;
/** The version byte at the front of every envelope (security.go versionSize). */
export const versionBytes = 1;
/** The GCM nonce after the version byte (security.go nonceSize). */
export const nonceBytes = gcmNonceBytes;
/** The full GCM tag at the end (security.go tagSize; cipher.NewGCM's default). */
export const tagBytes = gossipTagBytes;
/** The AES block that version 0 pads to (security.go blockSize = aes.BlockSize). */
export const aesBlockBytes = 16;
/** memberlist net.go messageType encryptMsg: the first byte of an encrypted stream message. */
export const encryptMsgType = 10;
/** The stream header: the message type and a uint32 length (net.go encryptLocalState). */
export const streamHeaderBytes = 5;
/**
 * The largest stream envelope a receiver reads, in bytes: 20 MiB (net.go
 * maxPushStateBytes, "to guard against an attack vector where a huge amount
 * of state is sent").
 */
export const maxPushStateBytes = 20 * 1024 * 1024;

/** The AES-GCM adapter and the nonce source an encrypting node uses. */
export interface EnvelopeCrypto {
  /** AES-GCM: `createAead("noble")`, `createAead("node")` or `defaultAead()`. */
  readonly aead: Aead;
  /** Where nonces come from: a seeded stream, never the OS. */
  readonly nonces: ByteSource;
}

/**
 * Why an envelope was dropped: `"too-short"` (empty, or shorter than the
 * smallest envelope of its version), `"unknown-version"` (first byte above 1),
 * `"no-key"` (no installed key authenticates it), `"bad-padding"` (version 0
 * whose pad length is longer than the plaintext, where memberlist would panic).
 *
 * @example
 * ```ts
 * const r = decryptPayload(ring.keys(), packet, new Uint8Array(0), aead);
 * if (!r.ok && r.reason === "no-key") trace.record("gossip.drop", { reason: r.message });
 * ```
 */
export type DecryptFailure = "too-short" | "unknown-version" | "no-key" | "bad-padding";

/**
 * The outcome of opening an envelope: the message and which ring position
 * opened it, or why it was dropped (with memberlist's error text).
 *
 * @example
 * ```ts
 * const r: DecryptResult = decryptPayload(keys, packet, new Uint8Array(0), aead);
 * const message = r.ok ? r.plaintext : undefined;
 * ```
 */
export type DecryptResult =
  | { readonly ok: true; readonly plaintext: Uint8Array; readonly version: EncryptionVersion; readonly keyIndex: number }
  | { readonly ok: false; readonly reason: DecryptFailure; readonly message: string };

/** Throws unless `version` is 0 or 1: asking for another is a programming mistake. */
function checkVersion(version: unknown): asserts version is EncryptionVersion {
  if (version !== 0 && version !== 1) throw new RangeError(`"version" expected 0 or 1, got ${String(version)}`);
}

/** Throws unless `value` is a Uint8Array. */
function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`"${name}" expected Uint8Array, got type=${value === null ? "null" : typeof value}`);
}

/**
 * The worst-case bytes encryption adds (memberlist security.go
 * encryptOverhead): 45 for version 0 (version 1, nonce 12, padding up to 16,
 * tag 16), 29 for version 1.
 *
 * @example
 * ```ts
 * encryptOverhead(1); // 29: a 1400-byte UDP budget leaves 1371 bytes of message
 * ```
 */
export function encryptOverhead(version: EncryptionVersion): number {
  checkVersion(version);
  return version === 0 ? versionBytes + nonceBytes + aesBlockBytes + tagBytes : versionBytes + nonceBytes + tagBytes;
}

/**
 * The envelope length for a message of `messageLength` bytes (memberlist
 * security.go encryptedLength). Version 0 always adds 1 to 16 padding bytes.
 *
 * @example
 * ```ts
 * encryptedLength(1, 100); // 129
 * encryptedLength(0, 100); // 145: 100 + 12 padding + 33
 * encryptedLength(0, 0);   // 45: the smallest version 0 envelope
 * ```
 */
export function encryptedLength(version: EncryptionVersion, messageLength: number): number {
  checkVersion(version);
  if (!Number.isSafeInteger(messageLength) || messageLength < 0) {
    throw new RangeError(`"messageLength" expected a whole number >= 0, got ${messageLength}`);
  }
  const padding = version === 0 ? aesBlockBytes - (messageLength % aesBlockBytes) : 0;
  return versionBytes + nonceBytes + messageLength + padding + tagBytes;
}

/**
 * PKCS#7 padding as memberlist security.go pkcs7encode writes it: `more =
 * 16 - len % 16` bytes (1 to 16, a full block when the length is already a
 * multiple of 16), each of value `more`.
 *
 * @example
 * ```ts
 * pkcs7Pad(new TextEncoder().encode("hello")); // "hello" followed by eleven 0x0b bytes
 * ```
 */
export function pkcs7Pad(message: Uint8Array): Uint8Array {
  checkBytes("message", message);
  const more = aesBlockBytes - (message.length % aesBlockBytes);
  const out = new Uint8Array(message.length + more);
  out.set(message);
  out.fill(more, message.length);
  return out;
}

/**
 * Seals `message` under `key` into an envelope of `version` (memberlist
 * security.go encryptPayload): `[version][nonce][ciphertext ‖ tag]`, the
 * nonce drawn from `crypto.nonces`, the message PKCS#7-padded first for
 * version 0. `aad` is authenticated but not sent: empty on UDP without a
 * label, the stream header on streams (see `encryptStreamPayload`).
 *
 * @example
 * ```ts
 * const crypto = { aead: defaultAead(), nonces: rng.fork("gossip").fork("node-1") };
 * const packet = encryptPayload(1, ring.primaryKey()!, message, new Uint8Array(0), crypto);
 * // packet.length === message.length + 29
 * ```
 */
export function encryptPayload(version: EncryptionVersion, key: Uint8Array, message: Uint8Array, aad: Uint8Array, crypto: EnvelopeCrypto): Uint8Array {
  checkVersion(version);
  checkBytes("message", message);
  checkBytes("aad", aad);
  const nonce = crypto.nonces.bytes(nonceBytes);
  if (!(nonce instanceof Uint8Array) || nonce.length !== nonceBytes) {
    throw new RangeError(`"crypto.nonces" expected to give ${nonceBytes} bytes, got length=${(nonce as Uint8Array | undefined)?.length}`);
  }
  const plaintext = version === 0 ? pkcs7Pad(message) : message;
  const sealed = crypto.aead.seal(key, nonce, plaintext, aad, tagBytes);
  const out = allocBytes(versionBytes + nonceBytes + sealed.length);
  out[0] = version;
  out.set(nonce, versionBytes);
  out.set(sealed, versionBytes + nonceBytes);
  return out;
}

/**
 * Opens an envelope with the first key of `keys` (ring order) that
 * authenticates it (memberlist security.go decryptPayload), checking in
 * memberlist's order: empty ("Cannot decrypt empty payload"), version above 1
 * ("Unsupported encryption version N"), shorter than the smallest envelope of
 * its version ("Payload is too small to decrypt: N"), no key opens it ("No
 * installed keys could decrypt the message"). Version 0 plaintext then loses
 * as many trailing bytes as its last byte says (security.go pkcs7decode, which
 * checks nothing else: a pad byte of 0 strips nothing, and the pad bytes
 * themselves are not compared); a count longer than the plaintext, where Go
 * would panic on the slice bounds, is `"bad-padding"`. Never throws on
 * `frame`; a key in `keys` that is not 16, 24 or 32 bytes is a programming
 * mistake (a Keyring never holds one) and throws.
 *
 * @example
 * ```ts
 * const r = decryptPayload(ring.keys(), packet, new Uint8Array(0), aead);
 * if (r.ok) handleCommand(r.plaintext);
 * else trace.record("gossip.drop", { reason: r.reason }); // e.g. "no-key"
 * ```
 */
export function decryptPayload(keys: readonly Uint8Array[], frame: Uint8Array, aad: Uint8Array, aead: Aead): DecryptResult {
  checkBytes("frame", frame);
  checkBytes("aad", aad);
  if (frame.length === 0) return { ok: false, reason: "too-short", message: "Cannot decrypt empty payload" };
  const version = frame[0]!;
  if (version > maxEncryptionVersion) {
    return { ok: false, reason: "unknown-version", message: `Unsupported encryption version ${version}` };
  }
  const vsn = version as EncryptionVersion;
  if (frame.length < encryptedLength(vsn, 0)) {
    return { ok: false, reason: "too-short", message: `Payload is too small to decrypt: ${frame.length}` };
  }
  const nonce = frame.subarray(versionBytes, versionBytes + nonceBytes);
  const sealed = frame.subarray(versionBytes + nonceBytes);
  for (let i = 0; i < keys.length; i++) {
    const opened = aead.open(keys[i]!, nonce, sealed, aad, tagBytes);
    if (!opened.ok) continue;
    if (vsn === 1) return { ok: true, plaintext: opened.plaintext, version: vsn, keyIndex: i };
    return pkcs7Unpad(opened.plaintext, i);
  }
  return { ok: false, reason: "no-key", message: "No installed keys could decrypt the message" };
}

/** memberlist security.go pkcs7decode: strip `last` bytes, trusting the count, as Go does. */
function pkcs7Unpad(padded: Uint8Array, keyIndex: number): DecryptResult {
  // A version 0 envelope is at least 45 bytes, so `padded` holds at least 16.
  const more = padded[padded.length - 1]!;
  if (more > padded.length) {
    return {
      ok: false,
      reason: "bad-padding",
      message: `PKCS#7 pad length ${more} exceeds the ${padded.length}-byte plaintext (memberlist pkcs7decode would panic: slice bounds out of range)`,
    };
  }
  return { ok: true, plaintext: padded.subarray(0, padded.length - more), version: 0, keyIndex };
}

/**
 * The 5-byte stream header for an envelope of `envelopeLength` bytes:
 * `[encryptMsg = 10][uint32 BE envelopeLength]` (memberlist net.go
 * encryptLocalState). The length counts the whole envelope: version byte,
 * nonce, ciphertext (with version 0 padding) and tag, i.e.
 * `encryptedLength(version, message.length)`.
 *
 * @example
 * ```ts
 * streamHeader(encryptedLength(1, 28)); // 0a 00 00 00 39
 * ```
 */
export function streamHeader(envelopeLength: number): Uint8Array {
  if (!Number.isSafeInteger(envelopeLength) || envelopeLength < 0 || envelopeLength > 0xffffffff) {
    throw new RangeError(`"envelopeLength" expected a whole number from 0 to 4294967295, got ${envelopeLength}`);
  }
  const header = new Uint8Array(streamHeaderBytes);
  header[0] = encryptMsgType;
  new DataView(header.buffer).setUint32(1, envelopeLength, false);
  return header;
}

/** The AAD of a stream message: the 5-byte header, then the label (net.go appendBytes). */
function streamAad(header: Uint8Array, label: Uint8Array): Uint8Array {
  return label.length === 0 ? header : concatBytes([header, label]);
}

/**
 * One encrypted stream message, as memberlist net.go encryptLocalState writes
 * it: `[10][uint32 BE envelope length][envelope]`, the envelope sealed with
 * the 5-byte header (then `label`, empty by default, as Docker sets none) as
 * its AAD.
 *
 * @example
 * ```ts
 * const bytes = encryptStreamPayload(1, ring.primaryKey()!, pushPullMessage, crypto);
 * stream.write(bytes); // bytes.length === pushPullMessage.length + 34
 * ```
 */
export function encryptStreamPayload(
  version: EncryptionVersion,
  key: Uint8Array,
  message: Uint8Array,
  crypto: EnvelopeCrypto,
  label: Uint8Array = new Uint8Array(0),
): Uint8Array {
  checkVersion(version);
  checkBytes("message", message);
  checkBytes("label", label);
  const header = streamHeader(encryptedLength(version, message.length));
  const envelope = encryptPayload(version, key, message, streamAad(header, label), crypto);
  return concatBytes([header, envelope]);
}

/**
 * Why a stream message could not be read: `"incomplete"` (the header or the
 * envelope has not all arrived; memberlist's io.CopyN then fails with EOF if
 * the stream ends), `"not-encrypted"` (the first byte is not encryptMsg while
 * this node encrypts), `"too-large"` (the length is above maxPushStateBytes),
 * or a reason of the envelope itself.
 *
 * @example
 * ```ts
 * const r = decryptStreamPayload(ring.keys(), received, aead);
 * if (!r.ok && r.reason === "incomplete") waitForMoreBytes();
 * ```
 */
export type StreamDecryptFailure = "incomplete" | "not-encrypted" | "too-large" | DecryptFailure;

/**
 * The outcome of reading one encrypted stream message: the message and how
 * many bytes of the stream it took, or why it could not be read.
 *
 * @example
 * ```ts
 * const r: StreamDecryptResult = decryptStreamPayload(keys, received, aead);
 * if (r.ok) received = received.subarray(r.consumed);
 * ```
 */
export type StreamDecryptResult =
  | { readonly ok: true; readonly plaintext: Uint8Array; readonly version: EncryptionVersion; readonly keyIndex: number; readonly consumed: number }
  | { readonly ok: false; readonly reason: StreamDecryptFailure; readonly message: string };

/**
 * Reads one encrypted stream message from the front of `bytes` (memberlist
 * net.go readStream / decryptRemoteState): checks the encryptMsg type byte
 * ("Encryption is configured but remote state is not encrypted"), reads the
 * uint32 length and refuses one above 20 MiB ("Remote node state is larger
 * than limit (N)"), takes that many bytes as the envelope and opens it with
 * the header (then `label`) as AAD. Never throws on `bytes`.
 *
 * @example
 * ```ts
 * const r = decryptStreamPayload(ring.keys(), received, aead);
 * if (r.ok) handleStreamMessage(r.plaintext); // r.plaintext[0] is the message type
 * ```
 */
export function decryptStreamPayload(
  keys: readonly Uint8Array[],
  bytes: Uint8Array,
  aead: Aead,
  label: Uint8Array = new Uint8Array(0),
): StreamDecryptResult {
  checkBytes("bytes", bytes);
  checkBytes("label", label);
  if (bytes.length === 0) return { ok: false, reason: "incomplete", message: "EOF" };
  if (bytes[0] !== encryptMsgType) {
    return { ok: false, reason: "not-encrypted", message: "Encryption is configured but remote state is not encrypted" };
  }
  if (bytes.length < streamHeaderBytes) return { ok: false, reason: "incomplete", message: "EOF" };
  const envelopeLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1, false);
  if (envelopeLength > maxPushStateBytes) {
    return { ok: false, reason: "too-large", message: `Remote node state is larger than limit (${envelopeLength})` };
  }
  const consumed = streamHeaderBytes + envelopeLength;
  if (bytes.length < consumed) return { ok: false, reason: "incomplete", message: "EOF" };
  const header = bytes.subarray(0, streamHeaderBytes);
  const opened = decryptPayload(keys, bytes.subarray(streamHeaderBytes, consumed), streamAad(header, label), aead);
  return opened.ok ? { ...opened, consumed } : opened;
}
