/**
 * Deterministic RSA keys: the same (seed, stream, bits) always gives the same
 * key, on Node and in a browser.
 *
 * Swarm's keys are ECDSA P-256 (swarmkit ca/certificates.go `RootKeyAlgo`,
 * cfssl csr.NewBasicKeyRequest); node-forge signs X.509 with RSA only, so the
 * simulator uses RSA (2048 bits by default). Two primes of bits/2 each come from
 * `findPrime` on the key's own stream; the key is assembled as forge assembles
 * its keys (p > q, d = e⁻¹ mod φ(n), CRT parameters) and returned with its
 * private operation in node:crypto where available.
 */

import forge from "node-forge";
import type { Rng } from "../sim/index.js";
import { modInverse } from "./bigint.js";
import { defaultRsaBits, rsaPublicExponent } from "./constants.js";
import { type KeyCache, keyCacheKey } from "./key-cache.js";
import { type PrimalityTest, findPrime, nativePrimalityTest, pureMillerRabin } from "./primes.js";
import { type RsaPrivateKey, withNativeRsa } from "./rsa-native.js";

/** How `createRsaKey` works. */
export interface RsaKeyOptions {
  /** Modulus size: a multiple of 16 from 512 to 8192. Default 2048. */
  readonly bits?: number;
  /** Where to look the key up first and store it after. Default: no cache. */
  readonly cache?: KeyCache;
  /**
   * `"auto"` (default): node:crypto for the primality tests and the private
   * operation where available. `"pure"`: forge's and this module's JS only, as
   * in a browser. Both give the same key.
   */
  readonly backend?: "auto" | "pure";
}

const E = BigInt(rsaPublicExponent);

/**
 * The RSA key named `name` under stream `rng`: drawn from `rng.fork(name)`, so
 * it depends on (seed, `rng.path` + name, bits) alone and draws nothing from
 * `rng` itself.
 *
 * @example
 * ```ts
 * const nodeRng = Rng.root(42).fork("pki").fork("node-1");
 * const key = createRsaKey(nodeRng, "tls-key-1");           // 2048 bits
 * const small = createRsaKey(nodeRng, "test-key", { bits: 1024 });
 * ```
 */
export function createRsaKey(rng: Rng, name: string, options: RsaKeyOptions = {}): RsaPrivateKey {
  const bits = options.bits ?? defaultRsaBits;
  if (!Number.isSafeInteger(bits) || bits < 512 || bits > 8192 || bits % 16 !== 0) {
    throw new RangeError(`"bits" expected a multiple of 16 from 512 to 8192, got ${bits}`);
  }
  const stream = rng.fork(name);
  const pure = options.backend === "pure";
  const cacheKey = keyCacheKey(stream.seed, stream.path, bits);
  const cached = options.cache?.get(cacheKey);
  if (cached !== undefined) {
    const key = keyFromCache(cached, bits);
    if (key !== undefined) return pure ? key : withNativeRsa(key);
  }
  const test = (pure ? undefined : nativePrimalityTest()) ?? pureMillerRabin;
  const key = generate(stream, bits, test);
  options.cache?.set(cacheKey, forge.pki.privateKeyToPem(key));
  return pure ? key : withNativeRsa(key);
}

function generate(stream: Rng, bits: number, test: PrimalityTest): RsaPrivateKey {
  const half = bits / 2;
  // gcd(e, p − 1) = 1 with e = 65537 prime means p ≢ 1 (mod e).
  const p = findPrime(stream, { bits: half, test, accept: (c) => c % E !== 1n });
  const q = findPrime(stream, { bits: half, test, accept: (c) => c % E !== 1n && c !== p });
  return rsaKeyFromPrimes(p, q);
}

/**
 * The forge private key of two primes with e = 65537 (in either order), built
 * as forge builds its keys. Pure JS; attach node:crypto with `withNativeRsa`.
 *
 * @example
 * ```ts
 * const key = rsaKeyFromPrimes(p, q);
 * key.n.toString(16) === (p * q).toString(16); // true
 * ```
 */
export function rsaKeyFromPrimes(first: bigint, second: bigint): RsaPrivateKey {
  // forge keeps p > q (rsa.js _generateKeyPair) and so does this.
  const [p, q] = first > second ? [first, second] : [second, first];
  const n = p * q;
  const phi = (p - 1n) * (q - 1n);
  const d = modInverse(E, phi);
  const big = (v: bigint) => new forge.jsbn.BigInteger(v.toString(16), 16);
  return forge.pki.setRsaPrivateKey(
    big(n), big(E), big(d), big(p), big(q), big(d % (p - 1n)), big(d % (q - 1n)), big(modInverse(q, p)),
  );
}

/**
 * The forge public key of a private key.
 *
 * @example
 * ```ts
 * csr.publicKey = publicKeyOf(key);
 * ```
 */
export function publicKeyOf(key: RsaPrivateKey): forge.pki.rsa.PublicKey {
  return forge.pki.setRsaPublicKey(key.n, key.e);
}

/** A cached PEM back to a key, or undefined if it is not a key of the expected size. */
function keyFromCache(pem: string, bits: number): RsaPrivateKey | undefined {
  try {
    const key = forge.pki.privateKeyFromPem(pem) as RsaPrivateKey;
    if (key.n.bitLength() !== bits || key.e.toString(10) !== String(rsaPublicExponent)) return undefined;
    return key;
  } catch {
    return undefined;
  }
}
