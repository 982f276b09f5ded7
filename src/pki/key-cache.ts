/**
 * A cache of generated RSA keys, so that reruns of a scenario skip key
 * generation. Keys are a pure function of (seed, stream path, bits), so the
 * cache key names exactly those; a cached key is the very key that generation
 * would give. Caching is off unless a cache is passed.
 */

/**
 * Where generated keys are kept: PEM text by cache key.
 *
 * @example
 * ```ts
 * const cache: KeyCache = new MemoryKeyCache();
 * const key = createRsaKey(rng, "tls-key", { cache });
 * ```
 */
export interface KeyCache {
  /** The PEM stored under `key`, if any. */
  get(key: string): string | undefined;
  /** Stores `pem` under `key`. */
  set(key: string, pem: string): void;
}

/**
 * Version of the key derivation. Bump it whenever a change to key generation
 * would give different keys for the same stream, so that old caches miss.
 */
export const keyDerivationVersion = "rsa-v1";

/**
 * The cache key of the RSA key of `bits` bits drawn from stream `path` of `seed`.
 *
 * @example
 * ```ts
 * keyCacheKey(7, "pki/node-1/tls-key", 2048); // "rsa-v1/7/pki/node-1/tls-key/2048"
 * ```
 */
export function keyCacheKey(seed: number, path: string, bits: number): string {
  return `${keyDerivationVersion}/${seed}/${path}/${bits}`;
}

/**
 * A KeyCache in memory, for a process that runs many scenarios.
 *
 * @example
 * ```ts
 * const cache = new MemoryKeyCache();
 * cache.set("k", pem);
 * cache.get("k") === pem; // true
 * ```
 */
export class MemoryKeyCache implements KeyCache {
  private readonly entries = new Map<string, string>();

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, pem: string): void {
    this.entries.set(key, pem);
  }

  /** Number of keys held. */
  get size(): number {
    return this.entries.size;
  }
}
