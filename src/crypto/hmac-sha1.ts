/**
 * HMAC-SHA1 (RFC 2104 over FIPS 180-4's SHA-1) for one fixed key, in plain
 * JavaScript, made for many short messages: every TLS record of an AES-CBC-SHA
 * suite carries one over its 13-byte header and its fragment.
 *
 * The key's inner and outer pads are hashed once, when the key is set, so a
 * message costs its own blocks plus one for the outer hash; nothing is
 * allocated per message. For a ~100-byte record that is three compressions,
 * about half of what a fresh node:crypto `Hmac` object costs to make.
 */

/** SHA-1's block, in bytes. */
const blockBytes = 64;
/** SHA-1's digest, in bytes. */
export const sha1Bytes = 20;
/** FIPS 180-4 §5.3.1: SHA-1's initial hash value. */
const initialState: readonly number[] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];

/** The message schedule, shared: the simulation is single-threaded and a compression never re-enters. */
const schedule = new Int32Array(80);

/** FIPS 180-4 §6.1.2: one block of `bytes` at `offset` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  const w = schedule;
  for (let i = 0; i < 16; i++, offset += 4) {
    w[i] = (bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let i = 0;
  for (; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
}

/** The state's five words, big-endian, at `out[offset..offset+20)`. */
function writeState(state: Int32Array, out: Uint8Array, offset: number): void {
  for (let i = 0; i < 5; i++) {
    const word = state[i]!;
    out[offset++] = word >>> 24;
    out[offset++] = (word >>> 16) & 0xff;
    out[offset++] = (word >>> 8) & 0xff;
    out[offset++] = word & 0xff;
  }
}

/** FIPS 180-4 §5.1.1: the 0x80 byte, zeros, and the message's length in bits (`totalBytes`) closing the last block at `end`. */
function pad(block: Uint8Array, from: number, end: number, totalBytes: number): void {
  block[from] = 0x80;
  block.fill(0, from + 1, end - 8);
  const bits = totalBytes * 8;
  const high = Math.floor(bits / 2 ** 32);
  block[end - 8] = high >>> 24;
  block[end - 7] = (high >>> 16) & 0xff;
  block[end - 6] = (high >>> 8) & 0xff;
  block[end - 5] = high & 0xff;
  block[end - 4] = bits >>> 24;
  block[end - 3] = (bits >>> 16) & 0xff;
  block[end - 2] = (bits >>> 8) & 0xff;
  block[end - 1] = bits & 0xff;
}

/**
 * HMAC-SHA1 under one key.
 *
 * @example
 * ```ts
 * const mac = new HmacSha1(macKey);
 * const tag = new Uint8Array(20);
 * mac.digest(header, fragment, tag, 0); // HMAC-SHA1(key, header ‖ fragment)
 * ```
 */
export class HmacSha1 {
  private readonly inner = new Int32Array(5);
  private readonly outer = new Int32Array(5);
  private readonly state = new Int32Array(5);
  /** The message's tail blocks, grown as needed and reused. */
  private tail = new Uint8Array(4 * blockBytes);
  private readonly outerBlock = new Uint8Array(blockBytes);

  /** Precomputes the key's pads (RFC 2104 §2: a key longer than a block is hashed first). */
  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array)) throw new TypeError(`"key" expected a Uint8Array, got ${typeof key}`);
    const block = new Uint8Array(blockBytes);
    block.set(key.length > blockBytes ? sha1(key) : key);
    for (const [pad, state] of [
      [0x36, this.inner],
      [0x5c, this.outer],
    ] as const) {
      const padded = block.map((b) => b ^ pad);
      state.set(initialState);
      compress(state, padded, 0);
    }
  }

  /**
   * HMAC-SHA1(key, a ‖ b), written at `out[offset..offset+20)`. Two parts, so
   * that a header and a body need not be copied together first.
   */
  digest(a: Uint8Array, b: Uint8Array, out: Uint8Array, offset: number): void {
    const state = this.state;
    state.set(this.inner);
    hashTail(state, a, b, blockBytes, this.tailFor(a.length + b.length));
    const block = this.outerBlock;
    writeState(state, block, 0);
    pad(block, sha1Bytes, blockBytes, blockBytes + sha1Bytes);
    state.set(this.outer);
    compress(state, block, 0);
    writeState(state, out, offset);
  }

  private tailFor(length: number): Uint8Array {
    if (this.tail.length < length + blockBytes + 9) this.tail = new Uint8Array(2 * (length + blockBytes + 9));
    return this.tail;
  }
}

/**
 * Hashes a ‖ b into `state`, which has already absorbed `before` bytes, and
 * pads; the message is laid out in `scratch` (at least its length + 73 bytes)
 * first, since records are short.
 */
function hashTail(state: Int32Array, a: Uint8Array, b: Uint8Array, before: number, scratch: Uint8Array): void {
  const length = a.length + b.length;
  scratch.set(a, 0);
  scratch.set(b, a.length);
  const end = (Math.floor((length + 8) / blockBytes) + 1) * blockBytes;
  pad(scratch, length, end, before + length);
  for (let offset = 0; offset < end; offset += blockBytes) compress(state, scratch, offset);
}

/**
 * SHA-1 of `bytes` (FIPS 180-4), for keys longer than a block.
 *
 * @example
 * ```ts
 * sha1(new TextEncoder().encode("abc")); // a9993e36…
 * ```
 */
export function sha1(bytes: Uint8Array): Uint8Array {
  const state = Int32Array.from(initialState);
  const scratch = new Uint8Array(bytes.length + blockBytes + 9);
  hashTail(state, bytes, new Uint8Array(0), 0, scratch);
  const out = new Uint8Array(sha1Bytes);
  writeState(state, out, 0);
  return out;
}
