/**
 * An incremental SHA-256 whose running digest can be read at any time: node:crypto
 * (OpenSSL) where the platform has it, @noble/hashes elsewhere. Both are SHA-256,
 * so the digest is the same bytes either way; the native one is several times
 * faster on packet-sized updates, which matters for the wire digest (every packet
 * a run puts on the wire).
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { nodeCrypto } from "./node-crypto.js";

/** A running SHA-256. */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** The digest of everything so far, lowercase hex; updating may go on after. */
  digestHex(): string;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * A new running SHA-256 on the fastest backend available (`"noble"` forces the
 * pure-JS one, as in a browser).
 *
 * @example
 * ```ts
 * const h = createSha256();
 * h.update(new TextEncoder().encode("abc"));
 * h.digestHex(); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function createSha256(backend: "auto" | "noble" = "auto"): Sha256 {
  const native = backend === "auto" ? nodeCrypto() : undefined;
  if (native !== undefined) {
    const h = native.createHash("sha256");
    return { update: (bytes) => void h.update(bytes), digestHex: () => h.copy().digest("hex") };
  }
  const h = sha256.create();
  return { update: (bytes) => void h.update(bytes), digestHex: () => hex(h.clone().digest()) };
}
