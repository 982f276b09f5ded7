/**
 * The reference AES-GCM backend: @noble/ciphers, pure JavaScript, audited,
 * and the one a browser build uses.
 *
 * noble's `gcm` always writes and checks a 16-byte tag. For the 8-byte ICV of
 * ESP, sealing keeps the first 8 bytes of that tag (SP 800-38D: a truncated
 * tag is the leftmost bits). Opening cannot hand noble a short tag, so it
 * decrypts with AES-CTR from counter block J0+1 (nonce ‖ 00000002, where GCM
 * starts its keystream), reseals the result to recompute the full tag, and
 * compares its first 8 bytes in constant time. The plaintext is wiped and
 * withheld when they differ.
 */

import { ctr, gcm } from "@noble/ciphers/aes.js";
import type { Aead, OpenResult, TagLength } from "./aead.js";
import { checkAeadCall } from "./checks.js";
import { equalConstantTime } from "../encoding/bytes.js";


/** GCM's first keystream counter block for a 96-bit nonce: nonce ‖ 0x00000002 (SP 800-38D §7.1). */
function firstPayloadCounter(nonce: Uint8Array): Uint8Array {
  const block = new Uint8Array(16);
  block.set(nonce);
  block[15] = 2;
  return block;
}

function seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): Uint8Array {
  const { aad: additional, tagBytes } = checkAeadCall(key, nonce, "plaintext", plaintext, aad, tagLength);
  const full = gcm(key, nonce, additional).encrypt(plaintext);
  return tagBytes === 16 ? full : full.slice(0, plaintext.length + tagBytes);
}

function open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, tagLength?: TagLength): OpenResult {
  const { aad: additional, tagBytes } = checkAeadCall(key, nonce, "sealed", sealed, aad, tagLength);
  if (sealed.length < tagBytes) return { ok: false, reason: "too-short" };
  if (tagBytes === 16) {
    try {
      return { ok: true, plaintext: gcm(key, nonce, additional).decrypt(sealed) };
    } catch {
      // noble throws on a tag mismatch; its inputs were checked above, so that is the only cause.
      return { ok: false, reason: "bad-tag" };
    }
  }
  const ciphertextLength = sealed.length - tagBytes;
  const plaintext = ctr(key, firstPayloadCounter(nonce)).decrypt(sealed.subarray(0, ciphertextLength));
  const resealed = gcm(key, nonce, additional).encrypt(plaintext);
  const expectedTag = resealed.subarray(ciphertextLength, ciphertextLength + tagBytes);
  if (!equalConstantTime(expectedTag, sealed.subarray(ciphertextLength))) {
    plaintext.fill(0);
    return { ok: false, reason: "bad-tag" };
  }
  return { ok: true, plaintext };
}

/**
 * The @noble/ciphers backend. Stateless; safe to share.
 *
 * @example
 * ```ts
 * const sealed = nobleAead.seal(key, nonce, payload, aad, espIcvBytes);
 * const r = nobleAead.open(key, nonce, sealed, aad, espIcvBytes);
 * ```
 */
export const nobleAead: Aead = Object.freeze({ backend: "noble", seal, open });
