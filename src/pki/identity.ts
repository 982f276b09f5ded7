/**
 * Random identifiers as swarmkit makes them (identity/randomid.go): 17 random
 * bytes with the top bit set, as a big-endian integer in base 36, characters
 * 1 to 25. Setting the top bit fixes the length, so no padding is needed; the
 * extra byte evens out the first character. Node, service, task and network
 * IDs all have this form.
 */

import type { Rng } from "../sim/index.js";

const ENTROPY_BYTES = 17;
const ID_LENGTH = 25;
const ID_PATTERN = /^[0-9a-z]{25}$/;

/**
 * A new 25-character base36 identifier drawn from `rng`.
 *
 * @example
 * ```ts
 * const nodeId = newId(rng.fork("node-ids")); // e.g. "y4pm2hcp0dfvnwrzs5q8i6b1t"
 * ```
 */
export function newId(rng: Rng): string {
  const bytes = rng.bytes(ENTROPY_BYTES);
  bytes[0] = bytes[0]! | 0x80;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return value.toString(36).slice(1, ID_LENGTH + 1);
}

/**
 * Whether `id` has the form `newId` makes.
 *
 * @example
 * ```ts
 * isId("y4pm2hcp0dfvnwrzs5q8i6b1t"); // true
 * isId("swarm-ca");                  // false
 * ```
 */
export function isId(id: string): boolean {
  return ID_PATTERN.test(id);
}
