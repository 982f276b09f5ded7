/**
 * Cryptographic building blocks: one AES-GCM adapter over byte-identical
 * backends (@noble/ciphers, node:crypto, per-key tables, and auto), FNV-1a and Docker's ESP SPI, and
 * seeded byte sources for keys and nonces.
 */
export {
  type Aead,
  type AeadBackend,
  type OpenFailure,
  type OpenResult,
  type TagLength,
  gcmNonceBytes,
  gossipTagBytes,
  espIcvBytes,
} from "./aead.js";
export { nobleAead } from "./aead-noble.js";
export { tablesAead } from "./aead-tables.js";
export { loadNodeAead } from "./aead-node.js";
export { autoTablesBelowBytes, createAead, defaultAead } from "./create-aead.js";
export { fnv1a32 } from "./fnv.js";
export { espSpi } from "./esp-spi.js";
export { type ByteSource, type ForgeRandom, bytesToBinaryString, forgeRandomFrom } from "./byte-source.js";
export { type NodeCryptoModule, nodeCrypto } from "./node-crypto.js";
export { type Sha256, createSha256 } from "./sha256.js";
export { HmacSha1, sha1, sha1Bytes } from "./hmac-sha1.js";
