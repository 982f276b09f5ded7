/**
 * The fast AES-GCM backend: node:crypto (OpenSSL), the same bytes as the
 * noble backend several times faster at MTU sizes.
 *
 * This is the only file in src/ that names node:crypto, and it does not import
 * it: it asks the running platform for it with `process.getBuiltinModule`
 * (Node 20.16 and later). A browser bundle therefore has nothing to leave out
 * and no alias to configure; there the loader finds no `process` and the
 * adapter falls back to noble. The type-only import below is erased at build.
 */

import type { NodeCryptoModule } from "./node-crypto.js";
import type { Aead, OpenResult, TagLength } from "./aead.js";
import { nodeCrypto as loadNodeCryptoModule } from "./node-crypto.js";
import { checkAeadCall } from "./checks.js";

type GcmAlgorithm = "aes-128-gcm" | "aes-192-gcm" | "aes-256-gcm";

/** The OpenSSL cipher name for a checked key length. */
function algorithmFor(key: Uint8Array): GcmAlgorithm {
  return key.length === 16 ? "aes-128-gcm" : key.length === 24 ? "aes-192-gcm" : "aes-256-gcm";
}


function makeNodeAead(nodeCrypto: NodeCryptoModule): Aead {
  function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): Uint8Array {
    const { aad: additional, tagBytes } = checkAeadCall(key, nonce, "plaintext", plaintext, aad, tagLength);
    // With authTagLength set, OpenSSL emits the leftmost tagBytes of the GCM tag.
    const cipher = nodeCrypto.createCipheriv(algorithmFor(key), key, nonce, { authTagLength: tagBytes });
    // No AAD and empty AAD are the same GCM input; skipping the call saves a native round trip per gossip packet.
    if (additional.length > 0) cipher.setAAD(additional);
    const body = cipher.update(plaintext);
    cipher.final();
    const out = new Uint8Array(plaintext.length + tagBytes);
    out.set(body);
    out.set(cipher.getAuthTag(), plaintext.length);
    return out;
  }

  function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): OpenResult {
    const { aad: additional, tagBytes } = checkAeadCall(key, nonce, "sealed", sealed, aad, tagLength);
    if (sealed.length < tagBytes) return { ok: false, reason: "too-short" };
    const ciphertextLength = sealed.length - tagBytes;
    const decipher = nodeCrypto.createDecipheriv(algorithmFor(key), key, nonce, { authTagLength: tagBytes });
    decipher.setAuthTag(sealed.subarray(ciphertextLength));
    if (additional.length > 0) decipher.setAAD(additional);
    const body = decipher.update(sealed.subarray(0, ciphertextLength));
    try {
      decipher.final();
    } catch {
      // final() throws exactly when the tag does not match; the arguments were checked above.
      body.fill(0);
      return { ok: false, reason: "bad-tag" };
    }
    const plaintext = new Uint8Array(ciphertextLength);
    plaintext.set(body);
    return { ok: true, plaintext };
  }

  return Object.freeze({ backend: "node", seal, open });
}

let cached: Aead | null | undefined;

/**
 * The node:crypto backend, or undefined where node:crypto is not available
 * (a browser, or Node older than 20.16). Built once; stateless; safe to share.
 *
 * @example
 * ```ts
 * const aead = loadNodeAead() ?? nobleAead;
 * ```
 */
export function loadNodeAead(): Aead | undefined {
  if (cached === undefined) {
    const nodeCrypto = loadNodeCryptoModule();
    cached = nodeCrypto === undefined ? null : makeNodeAead(nodeCrypto);
  }
  return cached ?? undefined;
}
