/**
 * The AES block cipher (FIPS 197), encryption direction only, in the classic
 * 32-bit T-table form: each round is sixteen table lookups and XORs on four
 * big-endian words. GCM's counter mode and its hash key need nothing else.
 *
 * The round keys of a key are computed once (`expandAesKey`) and kept by the
 * caller: for the short messages the simulator seals (gossip packets, ESP
 * packets of a few hundred bytes), expanding the key or making a native
 * cipher object per message costs more than encrypting the message.
 * Private to crypto/.
 */

/** The S-box, and the four T-tables of SubBytes ∘ ShiftRows ∘ MixColumns, built once at load. */
const SBOX = new Uint8Array(256);
const TE0 = new Int32Array(256);
const TE1 = new Int32Array(256);
const TE2 = new Int32Array(256);
const TE3 = new Int32Array(256);

/** Multiplication by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
function xtime(b: number): number {
  return ((b << 1) ^ (b & 0x80 ? 0x1b : 0)) & 0xff;
}

function buildTables(): void {
  // Powers and logarithms of the generator 3, for the multiplicative inverse.
  const power = new Uint8Array(256);
  const log = new Uint8Array(256);
  for (let i = 0, x = 1; i < 256; i++) {
    power[i] = x;
    log[x] = i;
    x ^= xtime(x);
  }
  for (let i = 0; i < 256; i++) {
    const inverse = i === 0 ? 0 : power[255 - log[i]!]!;
    let s = inverse;
    for (let r = 1; r < 5; r++) s ^= ((inverse << r) | (inverse >>> (8 - r))) & 0xff;
    SBOX[i] = s ^ 0x63;
  }
  for (let i = 0; i < 256; i++) {
    const s = SBOX[i]!;
    const s2 = xtime(s);
    const word = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
    TE0[i] = word;
    TE1[i] = (word >>> 8) | (word << 24);
    TE2[i] = (word >>> 16) | (word << 16);
    TE3[i] = (word >>> 24) | (word << 8);
  }
}
buildTables();

/** The round keys of one AES key: 4·(rounds+1) big-endian words. */
export interface AesKey {
  readonly rounds: number;
  readonly words: Int32Array;
}

/** FIPS 197 §5.2 KeyExpansion for a 16-, 24- or 32-byte key (the caller checked the length). */
export function expandAesKey(key: Uint8Array): AesKey {
  const nk = key.length >>> 2;
  const rounds = nk + 6;
  const words = new Int32Array(4 * (rounds + 1));
  for (let i = 0; i < nk; i++) {
    words[i] = (key[4 * i]! << 24) | (key[4 * i + 1]! << 16) | (key[4 * i + 2]! << 8) | key[4 * i + 3]!;
  }
  let rcon = 1;
  for (let i = nk; i < words.length; i++) {
    let t = words[i - 1]!;
    if (i % nk === 0) {
      t = (t << 8) | (t >>> 24);
      t = subWord(t) ^ (rcon << 24);
      rcon = xtime(rcon);
    } else if (nk > 6 && i % nk === 4) {
      t = subWord(t);
    }
    words[i] = words[i - nk]! ^ t;
  }
  return { rounds, words };
}

function subWord(w: number): number {
  return (SBOX[w >>> 24]! << 24) | (SBOX[(w >>> 16) & 0xff]! << 16) | (SBOX[(w >>> 8) & 0xff]! << 8) | SBOX[w & 0xff]!;
}

/**
 * Encrypts the block given as four big-endian words into `out[0..3]` (words
 * again): the form counter mode and GHASH both want, with no byte shuffling.
 */
export function encryptWords(key: AesKey, w0: number, w1: number, w2: number, w3: number, out: Int32Array): void {
  const rk = key.words;
  let s0 = w0 ^ rk[0]!;
  let s1 = w1 ^ rk[1]!;
  let s2 = w2 ^ rk[2]!;
  let s3 = w3 ^ rk[3]!;
  let k = 4;
  for (let round = 1; round < key.rounds; round++) {
    const t0 = TE0[s0 >>> 24]! ^ TE1[(s1 >>> 16) & 0xff]! ^ TE2[(s2 >>> 8) & 0xff]! ^ TE3[s3 & 0xff]! ^ rk[k]!;
    const t1 = TE0[s1 >>> 24]! ^ TE1[(s2 >>> 16) & 0xff]! ^ TE2[(s3 >>> 8) & 0xff]! ^ TE3[s0 & 0xff]! ^ rk[k + 1]!;
    const t2 = TE0[s2 >>> 24]! ^ TE1[(s3 >>> 16) & 0xff]! ^ TE2[(s0 >>> 8) & 0xff]! ^ TE3[s1 & 0xff]! ^ rk[k + 2]!;
    const t3 = TE0[s3 >>> 24]! ^ TE1[(s0 >>> 16) & 0xff]! ^ TE2[(s1 >>> 8) & 0xff]! ^ TE3[s2 & 0xff]! ^ rk[k + 3]!;
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
    k += 4;
  }
  out[0] = ((SBOX[s0 >>> 24]! << 24) | (SBOX[(s1 >>> 16) & 0xff]! << 16) | (SBOX[(s2 >>> 8) & 0xff]! << 8) | SBOX[s3 & 0xff]!) ^ rk[k]!;
  out[1] = ((SBOX[s1 >>> 24]! << 24) | (SBOX[(s2 >>> 16) & 0xff]! << 16) | (SBOX[(s3 >>> 8) & 0xff]! << 8) | SBOX[s0 & 0xff]!) ^ rk[k + 1]!;
  out[2] = ((SBOX[s2 >>> 24]! << 24) | (SBOX[(s3 >>> 16) & 0xff]! << 16) | (SBOX[(s0 >>> 8) & 0xff]! << 8) | SBOX[s1 & 0xff]!) ^ rk[k + 2]!;
  out[3] = ((SBOX[s3 >>> 24]! << 24) | (SBOX[(s0 >>> 16) & 0xff]! << 16) | (SBOX[(s1 >>> 8) & 0xff]! << 8) | SBOX[s2 & 0xff]!) ^ rk[k + 3]!;
}
