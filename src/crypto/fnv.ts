/**
 * FNV-1a, 32-bit (Fowler-Noll-Vo; draft-eastlake-fnv). Docker hashes with it
 * to derive ESP SPIs (Go's hash/fnv `New32a`).
 */

/** FNV-1a 32-bit offset basis. */
const OFFSET_BASIS = 0x811c9dc5;
/** FNV 32-bit prime, 2^24 + 2^8 + 0x93. */
const PRIME = 0x01000193;

/**
 * The FNV-1a 32-bit hash of `bytes`, as an unsigned integer.
 *
 * @example
 * ```ts
 * fnv1a32(new Uint8Array(0)); // 0x811c9dc5
 * fnv1a32(new TextEncoder().encode("a")); // 0xe40c292c
 * ```
 */
export function fnv1a32(bytes: Uint8Array): number {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`"bytes" expected Uint8Array, got type=${bytes === null ? "null" : typeof bytes}`);
  }
  let hash = OFFSET_BASIS;
  for (let i = 0; i < bytes.length; i++) {
    hash = Math.imul(hash ^ bytes[i]!, PRIME);
  }
  return hash >>> 0;
}
