/**
 * AES-GCM (NIST SP 800-38D) in JavaScript with everything that depends on the
 * key computed once per key: the AES round keys and a GHASH table of the hash
 * key H (for each of the 16 byte positions of a block and each byte value,
 * that byte times H: 64 KiB, so multiplying by H is 16 lookups).
 *
 * Why a third backend: the simulator seals and opens millions of short
 * messages under a handful of keys that change every 12 hours (gossip packets
 * of 30-300 bytes, ESP packets of a few hundred). node:crypto makes a cipher
 * object per message, about 3 µs of fixed cost before the first byte; noble
 * expands the key and builds its GHASH table per message. Here a 100-byte
 * message costs well under a microsecond. Large messages are faster in
 * OpenSSL (AES-NI, carry-less multiply), which is why `createAead("auto")`
 * uses this backend below a size and node:crypto above it. The bytes are
 * GCM's whatever the backend: `test/crypto/aead-vectors.test.ts` checks them
 * against published vectors, `test/crypto/aead-properties.test.ts` against
 * noble on random inputs; `npm run bench -- aead` measures the crossover.
 */

import type { Aead, OpenResult, TagLength } from "./aead.js";
import { type AesKey, encryptWords, expandAesKey } from "./aes-block.js";
import { checkAeadCall } from "./checks.js";
import { equalConstantTime, sameBytes } from "../encoding/bytes.js";

/** One key's precomputed state. */
interface GcmKey {
  /** A copy of the key's bytes, to notice a key array changed in place. */
  readonly bytes: Uint8Array;
  readonly aes: AesKey;
  /** table[(16·position + byte)·4 + word]: the byte at that position of a block, times H. */
  readonly table: Int32Array;
}

/** Distinct keys kept by content; the oldest is dropped beyond this (64 KiB each). */
const cachedKeysLimit = 64;
const byContent = new Map<string, GcmKey>();
const byObject = new WeakMap<Uint8Array, GcmKey>();


function contentId(key: Uint8Array): string {
  let id = "";
  for (let i = 0; i < key.length; i++) id += String.fromCharCode(key[i]!);
  return id;
}

/** The precomputed state for `key`, made on first use. */
function gcmKey(key: Uint8Array): GcmKey {
  const known = byObject.get(key);
  if (known !== undefined && sameBytes(known.bytes, key)) return known;
  const id = contentId(key);
  let state = byContent.get(id);
  if (state === undefined) {
    state = makeGcmKey(key);
    byContent.set(id, state);
    if (byContent.size > cachedKeysLimit) byContent.delete(byContent.keys().next().value!);
  }
  byObject.set(key, state);
  return state;
}

function makeGcmKey(key: Uint8Array): GcmKey {
  const aes = expandAesKey(key);
  const h = new Int32Array(4);
  encryptWords(aes, 0, 0, 0, 0, h);
  const table = new Int32Array(16 * 256 * 4);
  // v = H·x^j for j = 0..127, walking GCM's bit order: bit j is bit 7-(j mod 8) of byte j div 8.
  let v0 = h[0]!;
  let v1 = h[1]!;
  let v2 = h[2]!;
  let v3 = h[3]!;
  for (let position = 0; position < 16; position++) {
    const base = position * 256 * 4;
    for (let bit = 0x80; bit !== 0; bit >>>= 1) {
      const at = base + bit * 4;
      table[at] = v0;
      table[at + 1] = v1;
      table[at + 2] = v2;
      table[at + 3] = v3;
      // Times x: a right shift in GCM's bit order, reduced by x^128 + x^7 + x^2 + x + 1.
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ (carry ? 0xe1000000 | 0 : 0);
    }
    // Every other byte value is the XOR of its bits' entries.
    for (let value = 3; value < 256; value++) {
      const low = value & -value;
      if (low === value) continue;
      const at = base + value * 4;
      const a = base + low * 4;
      const b = base + (value ^ low) * 4;
      table[at] = table[a]! ^ table[b]!;
      table[at + 1] = table[a + 1]! ^ table[b + 1]!;
      table[at + 2] = table[a + 2]! ^ table[b + 2]!;
      table[at + 3] = table[a + 3]! ^ table[b + 3]!;
    }
  }
  return { bytes: key.slice(), aes, table };
}

/** GHASH's running value Y (four big-endian words) and the keystream block, reused by every call. */
const y = new Int32Array(4);
const block = new Int32Array(4);

/** Y = (Y ⊕ X)·H for the block X = x0..x3. */
function ghashBlock(table: Int32Array, x0: number, x1: number, x2: number, x3: number): void {
  const w0 = y[0]! ^ x0;
  const w1 = y[1]! ^ x1;
  const w2 = y[2]! ^ x2;
  const w3 = y[3]! ^ x3;
  let z0 = 0;
  let z1 = 0;
  let z2 = 0;
  let z3 = 0;
  let at: number;
  at = ((w0 >>> 24) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 1024 + ((w0 >>> 16) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 2048 + ((w0 >>> 8) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 3072 + (w0 & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 4096 + ((w1 >>> 24) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 5120 + ((w1 >>> 16) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 6144 + ((w1 >>> 8) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 7168 + (w1 & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 8192 + ((w2 >>> 24) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 9216 + ((w2 >>> 16) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 10240 + ((w2 >>> 8) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 11264 + (w2 & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 12288 + ((w3 >>> 24) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 13312 + ((w3 >>> 16) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 14336 + ((w3 >>> 8) & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  at = 15360 + (w3 & 0xff) * 4;
  z0 ^= table[at]!; z1 ^= table[at + 1]!; z2 ^= table[at + 2]!; z3 ^= table[at + 3]!;
  y[0] = z0;
  y[1] = z1;
  y[2] = z2;
  y[3] = z3;
}

/** The big-endian word at `data[at..at+3]`, zero beyond `end` (GHASH pads the last block with zeros). */
function wordAt(data: Uint8Array, at: number, end: number): number {
  if (at + 4 <= end) return (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
  let w = 0;
  for (let i = 0; i < 4; i++) w |= (at + i < end ? data[at + i]! : 0) << (24 - 8 * i);
  return w;
}

/** GHASH over `data[0..length]`, zero-padded to whole blocks. */
function ghashBytes(table: Int32Array, data: Uint8Array, length: number): void {
  let at = 0;
  for (; at + 16 <= length; at += 16) {
    ghashBlock(
      table,
      (data[at]! << 24) | (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!,
      (data[at + 4]! << 24) | (data[at + 5]! << 16) | (data[at + 6]! << 8) | data[at + 7]!,
      (data[at + 8]! << 24) | (data[at + 9]! << 16) | (data[at + 10]! << 8) | data[at + 11]!,
      (data[at + 12]! << 24) | (data[at + 13]! << 16) | (data[at + 14]! << 8) | data[at + 15]!,
    );
  }
  if (at < length) ghashBlock(table, wordAt(data, at, length), wordAt(data, at + 4, length), wordAt(data, at + 8, length), wordAt(data, at + 12, length));
}

/**
 * S = GHASH_H(A ‖ 0* ‖ C ‖ 0* ‖ [len(A)]64 ‖ [len(C)]64), left in `y`
 * (SP 800-38D §7.1 step 5). Lengths are in bits; ours stay below 2^32 bits.
 */
function ghashMessage(table: Int32Array, aad: Uint8Array, ciphertext: Uint8Array, ciphertextLength: number): void {
  y.fill(0);
  if (aad.length > 0) ghashBytes(table, aad, aad.length);
  ghashBytes(table, ciphertext, ciphertextLength);
  ghashBlock(table, Math.floor(aad.length / 0x20000000), (aad.length * 8) | 0, Math.floor(ciphertextLength / 0x20000000), (ciphertextLength * 8) | 0);
}

/** XORs the keystream blocks nonce ‖ 2, nonce ‖ 3, ... into `input[0..length]`, written to `output` (SP 800-38D GCTR). */
function counterMode(aes: AesKey, n0: number, n1: number, n2: number, input: Uint8Array, output: Uint8Array, length: number): void {
  let counter = 2;
  let at = 0;
  // A Uint8Array store keeps the low 8 bits, so each byte is the input XOR the keystream word shifted, unmasked.
  for (; at + 16 <= length; at += 16, counter++) {
    encryptWords(aes, n0, n1, n2, counter, block);
    const k0 = block[0]!;
    const k1 = block[1]!;
    const k2 = block[2]!;
    const k3 = block[3]!;
    output[at] = input[at]! ^ (k0 >>> 24);
    output[at + 1] = input[at + 1]! ^ (k0 >>> 16);
    output[at + 2] = input[at + 2]! ^ (k0 >>> 8);
    output[at + 3] = input[at + 3]! ^ k0;
    output[at + 4] = input[at + 4]! ^ (k1 >>> 24);
    output[at + 5] = input[at + 5]! ^ (k1 >>> 16);
    output[at + 6] = input[at + 6]! ^ (k1 >>> 8);
    output[at + 7] = input[at + 7]! ^ k1;
    output[at + 8] = input[at + 8]! ^ (k2 >>> 24);
    output[at + 9] = input[at + 9]! ^ (k2 >>> 16);
    output[at + 10] = input[at + 10]! ^ (k2 >>> 8);
    output[at + 11] = input[at + 11]! ^ k2;
    output[at + 12] = input[at + 12]! ^ (k3 >>> 24);
    output[at + 13] = input[at + 13]! ^ (k3 >>> 16);
    output[at + 14] = input[at + 14]! ^ (k3 >>> 8);
    output[at + 15] = input[at + 15]! ^ k3;
  }
  if (at < length) {
    encryptWords(aes, n0, n1, n2, counter, block);
    for (let i = 0; at + i < length; i++) output[at + i] = input[at + i]! ^ (block[i >>> 2]! >>> (24 - 8 * (i & 3)));
  }
}

/** Writes the first `tagBytes` bytes of E(J0) ⊕ S, S being in `y`, at `out[at..]`. */
function writeTag(aes: AesKey, n0: number, n1: number, n2: number, out: Uint8Array, at: number, tagBytes: number): void {
  encryptWords(aes, n0, n1, n2, 1, block);
  for (let i = 0; i < tagBytes; i++) out[at + i] = ((block[i >>> 2]! ^ y[i >>> 2]!) >>> (24 - 8 * (i & 3))) & 0xff;
}

const expectedTag = new Uint8Array(16);

function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): Uint8Array {
  const { aad: additional, tagBytes } = checkAeadCall(key, nonce, "plaintext", plaintext, aad, tagLength);
  const { aes, table } = gcmKey(key);
  const n0 = wordAt(nonce, 0, 12);
  const n1 = wordAt(nonce, 4, 12);
  const n2 = wordAt(nonce, 8, 12);
  const length = plaintext.length;
  const out = new Uint8Array(length + tagBytes);
  counterMode(aes, n0, n1, n2, plaintext, out, length);
  ghashMessage(table, additional, out, length);
  writeTag(aes, n0, n1, n2, out, length, tagBytes);
  return out;
}

function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): OpenResult {
  const { aad: additional, tagBytes } = checkAeadCall(key, nonce, "sealed", sealed, aad, tagLength);
  if (sealed.length < tagBytes) return { ok: false, reason: "too-short" };
  const { aes, table } = gcmKey(key);
  const n0 = wordAt(nonce, 0, 12);
  const n1 = wordAt(nonce, 4, 12);
  const n2 = wordAt(nonce, 8, 12);
  const length = sealed.length - tagBytes;
  ghashMessage(table, additional, sealed, length);
  writeTag(aes, n0, n1, n2, expectedTag, 0, tagBytes);
  // The tag is checked before anything is decrypted, in time that depends on its length only.
  if (!equalConstantTime(expectedTag.subarray(0, tagBytes), sealed.subarray(length))) return { ok: false, reason: "bad-tag" };
  const plaintext = new Uint8Array(length);
  counterMode(aes, n0, n1, n2, sealed, plaintext, length);
  return { ok: true, plaintext };
}

/** The table-driven AES-GCM backend: pure JavaScript, any platform, per-key state cached. */
export const tablesAead: Aead = Object.freeze({ backend: "tables", seal, open });
