/** Choosing an AES-GCM backend. */

import type { Aead, AeadBackend } from "./aead.js";
import { loadNodeAead } from "./aead-node.js";
import { nobleAead } from "./aead-noble.js";

/**
 * The AES-GCM adapter on the named backend. Throws an Error for `"node"` where
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
    case "node": {
      const aead = loadNodeAead();
      if (aead === undefined) {
        throw new Error(`AES-GCM backend "node" needs node:crypto (Node 20.16 or later); use "noble" here`);
      }
      return aead;
    }
    default:
      throw new RangeError(`"backend" expected "noble" or "node", got ${JSON.stringify(backend)}`);
  }
}

/**
 * The fastest AES-GCM adapter available: node:crypto under Node, noble
 * elsewhere. Both give the same bytes, so the choice never changes a run.
 *
 * @example
 * ```ts
 * const aead = defaultAead();
 * const sealed = aead.seal(key, nonce, frame);
 * ```
 */
export function defaultAead(): Aead {
  return loadNodeAead() ?? nobleAead;
}
