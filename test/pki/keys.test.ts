import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/index.js";
import {
  MemoryKeyCache,
  createRsaKey,
  isNativeRsaKey,
  keyCacheKey,
  nativeRsaAvailable,
  rsaKeyFromPrimes,
} from "../../src/pki/index.js";
import { millerRabinRounds, nativePrimalityTest, pureMillerRabin } from "../../src/pki/primes.js";
import { testBits } from "./fixtures.js";

const stream = (seed: number, ...path: string[]) => path.reduce((rng, name) => rng.fork(name), Rng.root(seed));
const big = (n: forge.jsbn.BigInteger) => BigInt(`0x${n.toString(16)}`);

describe("deterministic RSA keys", () => {
  it("the same seed, stream and name give the same key; another seed, stream or name another", () => {
    const a = createRsaKey(stream(1, "pki", "node-1"), "tls-key", { bits: testBits });
    const again = createRsaKey(stream(1, "pki", "node-1"), "tls-key", { bits: testBits });
    expect(again.n.equals(a.n)).toBe(true);
    expect(again.d.equals(a.d)).toBe(true);
    const others = [
      createRsaKey(stream(2, "pki", "node-1"), "tls-key", { bits: testBits }),
      createRsaKey(stream(1, "pki", "node-2"), "tls-key", { bits: testBits }),
      createRsaKey(stream(1, "pki", "node-1"), "tls-key-2", { bits: testBits }),
    ];
    for (const other of others) expect(other.n.equals(a.n)).toBe(false);
  });

  it("draws nothing from the stream it is given", () => {
    const used = stream(3, "pki");
    const untouched = stream(3, "pki");
    createRsaKey(used, "k", { bits: 512 });
    expect(used.uint32()).toBe(untouched.uint32());
  });

  it("is a valid RSA key: n of exactly `bits` bits, e = 65537, p > q, e·d ≡ 1 mod φ, CRT parameters", () => {
    for (const bits of [512, 1024, 1536]) {
      const key = createRsaKey(stream(4, "pki"), `k${bits}`, { bits });
      const [n, e, d, p, q] = [big(key.n), big(key.e), big(key.d), big(key.p), big(key.q)];
      expect(key.n.bitLength()).toBe(bits);
      expect(e).toBe(65537n);
      expect(p > q).toBe(true);
      expect(p * q).toBe(n);
      expect((e * d) % ((p - 1n) * (q - 1n))).toBe(1n);
      expect(big(key.dP)).toBe(d % (p - 1n));
      expect(big(key.dQ)).toBe(d % (q - 1n));
      expect((big(key.qInv) * q) % p).toBe(1n);
      expect(key.p.bitLength()).toBe(bits / 2);
      expect(key.q.bitLength()).toBe(bits / 2);
    }
  });

  it("the pure-JS path (a browser's) gives the very same key as node:crypto's", () => {
    const native = createRsaKey(stream(5, "pki"), "k", { bits: testBits });
    const pure = createRsaKey(stream(5, "pki"), "k", { bits: testBits, backend: "pure" });
    expect(pure.n.equals(native.n)).toBe(true);
    expect(isNativeRsaKey(native)).toBe(nativeRsaAvailable());
    expect(isNativeRsaKey(pure)).toBe(false);
  });

  it("signs and verifies with forge (the key works end to end)", () => {
    const key = createRsaKey(stream(6, "pki"), "k", { bits: testBits });
    const md = forge.md.sha256.create().update("swarm");
    const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
    expect(publicKey.verify(md.digest().getBytes(), key.sign(md))).toBe(true);
  });

  it("refuses sizes that are not a multiple of 16 from 512 to 8192", () => {
    for (const bits of [0, 256, 1000, 1025, 16384, 1.5]) {
      expect(() => createRsaKey(stream(1), "k", { bits })).toThrow(RangeError);
    }
  });
});

describe("key cache", () => {
  it("is keyed by seed, stream path and bits, and a hit is the same key", () => {
    const cache = new MemoryKeyCache();
    const first = createRsaKey(stream(7, "pki", "node-1"), "tls-key", { bits: testBits, cache });
    expect(cache.size).toBe(1);
    expect(cache.get(keyCacheKey(7, "pki/node-1/tls-key", testBits))).toBe(forge.pki.privateKeyToPem(first));
    const hit = createRsaKey(stream(7, "pki", "node-1"), "tls-key", { bits: testBits, cache });
    expect(hit.n.equals(first.n)).toBe(true);
    expect(isNativeRsaKey(hit)).toBe(nativeRsaAvailable());
    expect(cache.size).toBe(1);
  });

  it("ignores an entry that is not a key of the expected size, and replaces it", () => {
    const cache = new MemoryKeyCache();
    const cacheKey = keyCacheKey(8, "pki/k", 512);
    cache.set(cacheKey, "not a pem");
    const key = createRsaKey(stream(8, "pki"), "k", { bits: 512, cache });
    expect(key.n.bitLength()).toBe(512);
    const wrongSize = forge.pki.privateKeyToPem(createRsaKey(stream(8, "pki"), "other", { bits: 1024 }));
    cache.set(cacheKey, wrongSize);
    expect(createRsaKey(stream(8, "pki"), "k", { bits: 512, cache }).n.equals(key.n)).toBe(true);
    expect(cache.get(cacheKey)).not.toBe(wrongSize);
  });
});

describe("primality", () => {
  const primes = [2n, 3n, 65537n, 2n ** 61n - 1n, 2n ** 89n - 1n, 2n ** 127n - 1n];
  // Carmichael numbers and strong pseudoprimes to base 2 fool weak tests.
  const composites = [1n, 4n, 561n, 1105n, 2047n, 3215031751n, 2n ** 67n - 1n, (2n ** 61n - 1n) * (2n ** 31n - 1n)];

  it("pure Miller-Rabin and node:crypto agree on primes and on composites built to fool weak tests", () => {
    const native = nativePrimalityTest();
    for (const n of primes) {
      expect(pureMillerRabin(n, 5), String(n)).toBe(true);
      if (native && n > 3n) expect(native(n, 5), String(n)).toBe(true);
    }
    for (const n of composites) {
      expect(pureMillerRabin(n, 5), String(n)).toBe(false);
      if (native && n > 3n) expect(native(n, 5), String(n)).toBe(false);
    }
  });

  it("fixed bases can be fooled by a number built for them, which is why only random candidates are tested", () => {
    // 3215031751 = 151·751·28351 is a strong pseudoprime to bases 2, 3, 5 and 7.
    expect(pureMillerRabin(3215031751n, 4)).toBe(true);
    expect(pureMillerRabin(3215031751n, 5)).toBe(false);
  });

  it("uses forge's Miller-Rabin round counts", () => {
    expect([100, 512, 1024, 1536, 2048].map(millerRabinRounds)).toEqual([27, 5, 3, 2, 2]);
  });

  it("rsaKeyFromPrimes takes the primes in either order", () => {
    const p = 2n ** 127n - 1n;
    const q = 2n ** 89n - 1n;
    expect(rsaKeyFromPrimes(q, p).p.toString(16)).toBe(p.toString(16));
  });
});
