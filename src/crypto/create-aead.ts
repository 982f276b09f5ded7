/** Choosing an AES-GCM backend. */

import type { Aead, AeadBackend } from "./aead.js";
import { loadNodeAead } from "./aead-node.js";
import { nobleAead } from "./aead-noble.js";
import { tablesAead } from "./aead-tables.js";

/**
 * Below this many bytes of data the table-driven backend is faster than
 * node:crypto, whose fixed cost of making a cipher (about 3 µs) outweighs
 * AES-NI until a message is about this long (`npm run bench -- aead`).
 */
export const autoTablesBelowBytes = 448;

/** `"auto"`: the table-driven backend for short messages, `large` for the rest (and the tables' argument checks for anything else). */
function autoAead(large: Aead): Aead {
  const pick = (data: unknown): Aead => (data instanceof Uint8Array && data.length >= autoTablesBelowBytes ? large : tablesAead);
  return Object.freeze({
    backend: "auto",
    seal: (key, nonce, plaintext, aad, tagLength) => pick(plaintext).seal(key, nonce, plaintext, aad, tagLength),
    open: (key, nonce, sealed, aad, tagLength) => pick(sealed).open(key, nonce, sealed, aad, tagLength),
  } satisfies Aead);
}

let auto: Aead | undefined;

/**
 * The AES-GCM adapter on the named backend: `"noble"` (@noble/ciphers),
 * `"node"` (node:crypto), `"tables"` (JavaScript with per-key tables) or
 * `"auto"` (tables for short messages, node:crypto, or noble without it, for
 * long ones). All give the same bytes. Throws an Error for `"node"` where
 * node:crypto is not available, and a RangeError for an unknown name.
 *
 * @example
 * ```ts
 * const reference = createAead("noble");
 * const fast = createAead("node");
 * // reference.seal(k, n, p) and fast.seal(k, n, p) are the same bytes
 * ```
 */
export function createAead(backend: AeadBackend): Aead {
  switch (backend) {
    case "noble":
      return nobleAead;
    case "tables":
      return tablesAead;
    case "auto":
      return (auto ??= autoAead(loadNodeAead() ?? nobleAead));
    case "node": {
      const aead = loadNodeAead();
      if (aead === undefined) {
        throw new Error(`AES-GCM backend "node" needs node:crypto (Node 20.16 or later); use "noble" here`);
      }
      return aead;
    }
    default:
      throw new RangeError(`"backend" expected "auto", "noble", "node" or "tables", got ${JSON.stringify(backend)}`);
  }
}

/**
 * The fastest AES-GCM adapter available, `"auto"`: per-key tables for short
 * messages, node:crypto (noble outside Node) for long ones. Every backend
 * gives the same bytes, so the choice never changes a run.
 *
 * @example
 * ```ts
 * const aead = defaultAead();
 * const sealed = aead.seal(key, nonce, frame);
 * ```
 */
export function defaultAead(): Aead {
  return createAead("auto");
}
