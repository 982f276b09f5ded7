/**
 * Deterministic probable primes for RSA keys, drawn from a seeded stream.
 *
 * A search draws a random odd start with its top two bits set (so that the
 * product of two such primes has exactly twice their bits), sieves a window of
 * odd numbers after it by the small primes, and hands each survivor to a
 * Miller-Rabin test: node:crypto's `checkPrimeSync` under Node, a pure-BigInt
 * test elsewhere. Both say "prime" for exactly the same candidates (a prime
 * always passes; a random composite passing is far less likely than 2^-80), so
 * the same seed gives the same key on Node and in a browser.
 */

import type { Rng } from "../sim/index.js";
import { bigintFromBytes, modPow } from "./bigint.js";
import { nodeCrypto } from "../crypto/index.js";

/** A Miller-Rabin style test: whether `candidate` is (probably) prime after `rounds` rounds. */
export type PrimalityTest = (candidate: bigint, rounds: number) => boolean;

/** Odd primes below this bound sieve the candidates before any Miller-Rabin round. */
const SIEVE_BOUND = 1 << 15;
/** Odd numbers examined after each random start; a 1024-bit prime is ~355 odd numbers apart on average. */
const WINDOW = 4096;

const SMALL_PRIMES: readonly number[] = oddPrimesBelow(SIEVE_BOUND);

function oddPrimesBelow(bound: number): number[] {
  const composite = new Uint8Array(bound);
  const out: number[] = [];
  for (let i = 3; i < bound; i += 2) {
    if (composite[i]) continue;
    out.push(i);
    for (let j = i * i; j < bound; j += 2 * i) composite[j] = 1;
  }
  return out;
}

/**
 * Miller-Rabin rounds for a random candidate of `bits` bits, after Damgård,
 * Landrock and Pomerance: error below 2^-80. The same table as node-forge's
 * `_getMillerRabinTests`.
 */
export function millerRabinRounds(bits: number): number {
  const table: ReadonlyArray<readonly [maxBits: number, rounds: number]> = [
    [100, 27], [150, 18], [200, 15], [250, 12], [300, 9], [350, 8], [400, 7], [500, 6], [600, 5], [800, 4], [1250, 3],
  ];
  for (const [maxBits, rounds] of table) if (bits <= maxBits) return rounds;
  return 2;
}

/**
 * The pure-JS test: Miller-Rabin with the first `rounds` primes as fixed bases
 * (no randomness, so the answer depends on the candidate alone).
 */
export const pureMillerRabin: PrimalityTest = (n, rounds) => {
  if (n < 2n) return false;
  for (const p of SMALL_PRIMES.slice(0, 8)) {
    if (n === BigInt(p)) return true;
    if (n % BigInt(p) === 0n) return false;
  }
  if (n % 2n === 0n) return n === 2n;
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const bases = [2, ...SMALL_PRIMES].slice(0, Math.max(1, rounds));
  next: for (const base of bases) {
    if (BigInt(base) >= n - 1n) continue;
    let x = modPow(BigInt(base), d, n);
    if (x === 1n || x === n - 1n) continue;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) continue next;
    }
    return false;
  }
  return true;
};

let nativeTest: PrimalityTest | null | undefined;

/** node:crypto's Miller-Rabin (OpenSSL), or undefined where node:crypto is missing. */
export function nativePrimalityTest(): PrimalityTest | undefined {
  if (nativeTest === undefined) {
    const crypto = nodeCrypto();
    nativeTest = crypto === undefined ? null : (n, rounds) => crypto.checkPrimeSync(n, { checks: rounds });
  }
  return nativeTest ?? undefined;
}

/** Options of one prime search. */
export interface PrimeSearch {
  /** Size of the prime in bits (at least 64). */
  readonly bits: number;
  /** The test that confirms sieve survivors. */
  readonly test: PrimalityTest;
  /** Whether a candidate is acceptable beyond being prime (RSA: gcd(e, p − 1) = 1, p ≠ q). */
  readonly accept: (candidate: bigint) => boolean;
}

/**
 * A probable prime of exactly `bits` bits with its top two bits set, drawn from
 * `rng`. Deterministic in the stream's state.
 */
export function findPrime(rng: Rng, search: PrimeSearch): bigint {
  const { bits, test, accept } = search;
  const bytes = Math.ceil(bits / 8);
  const excess = bytes * 8 - bits;
  const limit = 1n << BigInt(bits);
  const rounds = millerRabinRounds(bits);
  for (;;) {
    const drawn = rng.bytes(bytes);
    drawn[0] = (drawn[0]! & (0xff >> excess)) | (0xc0 >> excess);
    drawn[bytes - 1] = drawn[bytes - 1]! | 1;
    const start = bigintFromBytes(drawn);
    const alive = sieveWindow(start);
    for (let j = 0; j < WINDOW; j++) {
      if (!alive[j]) continue;
      const candidate = start + 2n * BigInt(j);
      if (candidate >= limit) break;
      if (accept(candidate) && test(candidate, rounds)) return candidate;
    }
  }
}

/** alive[j] is 1 when start + 2j has no odd prime factor below the sieve bound. */
function sieveWindow(start: bigint): Uint8Array {
  const alive = new Uint8Array(WINDOW).fill(1);
  for (const p of SMALL_PRIMES) {
    const r = Number(start % BigInt(p));
    // start + 2j ≡ 0 (mod p)  ⇔  j ≡ (p − r) · 2⁻¹ (mod p), and 2⁻¹ = (p + 1) / 2.
    let j = (((p - r) % p) * ((p + 1) / 2)) % p;
    for (; j < WINDOW; j += p) alive[j] = 0;
  }
  return alive;
}
