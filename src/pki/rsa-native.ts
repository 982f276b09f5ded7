/**
 * node-forge RSA private keys whose private operation runs in node:crypto.
 *
 * forge's pure-JS private operation (≈30 ms at 2048 bits) dominates the cost of
 * signing certificates and of every TLS handshake. Under Node, the key's `sign`
 * (PKCS#1 v1.5 signatures, with or without DigestInfo) and `decrypt`
 * (RSAES-PKCS1-v1_5, OAEP, raw) are replaced by OpenSSL's, giving the same
 * bytes: RSA with PKCS#1 v1.5 type-1 padding is deterministic, and decryption
 * is done with no padding (Node 20 refuses `privateDecrypt` with
 * RSA_PKCS1_PADDING) and the padding removed here exactly as forge removes it,
 * throwing forge's own errors. Anything else (PSS) keeps forge's code. In a
 * browser the key is returned with forge's methods.
 */

import forge from "node-forge";
import { type NodeCryptoModule, nodeCrypto } from "../crypto/index.js";

/** A node-forge RSA private key. */
export type RsaPrivateKey = forge.pki.rsa.PrivateKey;
/** A node-forge RSA public key. */
export type RsaPublicKey = forge.pki.rsa.PublicKey;

type SignInput = forge.md.MessageDigest | forge.Bytes;
type KeyObject = ReturnType<NodeCryptoModule["createPrivateKey"]>;

const nativeKeys = new WeakSet<object>();

/**
 * Whether RSA private operations can run in node:crypto here.
 *
 * @example
 * ```ts
 * if (!nativeRsaAvailable()) console.log("pure-JS RSA: expect slow handshakes");
 * ```
 */
export function nativeRsaAvailable(): boolean {
  return nodeCrypto() !== undefined;
}

/**
 * Whether `key` came from `withNativeRsa` with node:crypto behind it.
 *
 * @example
 * ```ts
 * isNativeRsaKey(withNativeRsa(key)); // true under Node
 * ```
 */
export function isNativeRsaKey(key: RsaPrivateKey): boolean {
  return nativeKeys.has(key);
}

/**
 * A copy of `key` whose `sign` and `decrypt` run in node:crypto where available,
 * byte for byte as forge's. The argument is left as it was.
 *
 * @example
 * ```ts
 * const fast = withNativeRsa(key);
 * const md = forge.md.sha256.create().update("abc");
 * fast.sign(md) === key.sign(md); // true
 * ```
 */
export function withNativeRsa(key: RsaPrivateKey): RsaPrivateKey {
  const copy = forge.pki.setRsaPrivateKey(key.n, key.e, key.d, key.p, key.q, key.dP, key.dQ, key.qInv);
  const crypto = nodeCrypto();
  if (crypto === undefined) return copy;
  const keyObject = crypto.createPrivateKey({ key: jwkOf(copy), format: "jwk" });
  const pureSign = copy.sign;
  const modulus = BigInt(`0x${copy.n.toString(16)}`);
  const modulusBytes = Math.ceil(copy.n.bitLength() / 8);

  copy.sign = (md: SignInput, scheme?: forge.pki.rsa.SignatureScheme): forge.Bytes => {
    const name = typeof scheme === "string" ? scheme.toUpperCase() : scheme;
    let message: string;
    if (name === undefined || name === "RSASSA-PKCS1-V1_5") message = digestInfo(md as forge.md.MessageDigest);
    else if (name === "NONE" || name === "NULL" || name === null) message = md as string;
    else return pureSign(md, scheme); // RSASSA-PSS: forge's own encoding and raw RSA
    if (message.length > modulusBytes - 11) {
      throw Object.assign(new Error("Message is too long for PKCS#1 v1.5 padding."), {
        length: message.length,
        max: modulusBytes - 11,
      });
    }
    const padding = crypto.constants.RSA_PKCS1_PADDING;
    return crypto.privateEncrypt({ key: keyObject, padding }, Buffer.from(message, "latin1")).toString("latin1");
  };

  copy.decrypt = (data: forge.Bytes, scheme?: forge.pki.rsa.EncryptionScheme, schemeOptions?: unknown): forge.Bytes => {
    const block = rawDecrypt(crypto, keyObject, modulus, modulusBytes, data);
    const name = typeof scheme === "string" ? scheme.toUpperCase() : scheme === undefined ? "RSAES-PKCS1-V1_5" : scheme;
    if (name === "RSAES-PKCS1-V1_5") return decodePkcs1Type2(block);
    if (name === "RSA-OAEP" || name === "RSAES-OAEP") return forgePkcs1().decode_rsa_oaep(copy, block, schemeOptions);
    if (name === "RAW" || name === "NONE" || name === "NULL" || name === null) return block;
    throw new Error(`Unsupported encryption scheme: "${String(name)}".`);
  };

  nativeKeys.add(copy);
  return copy;
}

/** forge's PKCS#1 module (OAEP), which @types/node-forge does not declare. */
function forgePkcs1(): { decode_rsa_oaep(key: RsaPrivateKey, em: string, options: unknown): string } {
  return (forge as unknown as { pkcs1: ReturnType<typeof forgePkcs1> }).pkcs1;
}

/** forge's raw private operation (pki.rsa.decrypt with ml = false), its checks and errors included. */
function rawDecrypt(crypto: NodeCryptoModule, keyObject: KeyObject, modulus: bigint, k: number, data: string): string {
  if (data.length !== k) {
    throw Object.assign(new Error("Encrypted message length is invalid."), { length: data.length, expected: k });
  }
  const input = Buffer.from(data, "latin1");
  if (BigInt(`0x${input.toString("hex") || "0"}`) >= modulus) throw new Error("Encrypted message is invalid.");
  const padding = crypto.constants.RSA_NO_PADDING;
  return crypto.privateDecrypt({ key: keyObject, padding }, input).toString("latin1");
}

/**
 * Removes RSAES-PKCS1-v1_5 padding (block type 2) as forge's `_decodePkcs1_v1_5`
 * does for a private key: `00 02`, at least 8 non-zero padding bytes, `00`, message.
 */
function decodePkcs1Type2(block: string): string {
  const invalid = (): never => {
    throw new Error("Encryption block is invalid.");
  };
  if (block.charCodeAt(0) !== 0x00 || block.charCodeAt(1) !== 0x02) invalid();
  const zero = block.indexOf("\u0000", 2);
  if (zero < 0 || zero - 2 < 8) invalid();
  return block.slice(zero + 1);
}

/** The DER DigestInfo of a forge message digest, as forge's `emsaPkcs1v15encode` builds it. */
function digestInfo(md: forge.md.MessageDigest): string {
  const oid = (forge.pki.oids as Record<string, string | undefined>)[md.algorithm];
  if (oid === undefined) {
    throw Object.assign(new Error("Unknown message digest algorithm."), { algorithm: md.algorithm });
  }
  const { asn1 } = forge;
  const info = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""),
    ]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, md.digest().getBytes()),
  ]);
  return asn1.toDer(info).getBytes();
}

/** The key as a JSON Web Key, the quickest form node:crypto imports. */
function jwkOf(key: RsaPrivateKey): Record<string, string> {
  const b64 = (n: forge.jsbn.BigInteger): string => {
    const hex = n.toString(16);
    return Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, "hex").toString("base64url");
  };
  return {
    kty: "RSA",
    n: b64(key.n),
    e: b64(key.e),
    d: b64(key.d),
    p: b64(key.p),
    q: b64(key.q),
    dp: b64(key.dP),
    dq: b64(key.dQ),
    qi: b64(key.qInv),
  };
}

/** Parsed keys by PEM, so that a TLS layer parsing the same PEM on every handshake pays once. */
const parsedByPem = new Map<string, RsaPrivateKey>();
const PARSED_LIMIT = 256;

/**
 * `forge.pki.privateKeyFromPem` with the private operation in node:crypto,
 * remembered per PEM (the 256 most recent). Throws forge's errors on bad PEM.
 *
 * @example
 * ```ts
 * // forge's TLS server parses getPrivateKey()'s PEM on every handshake:
 * const key = privateKeyFromPemNative(pem);
 * key.decrypt(encryptedPremaster); // OpenSSL underneath
 * ```
 */
export function privateKeyFromPemNative(pem: string): RsaPrivateKey {
  const known = parsedByPem.get(pem);
  if (known !== undefined) return known;
  const key = withNativeRsa(forge.pki.privateKeyFromPem(pem) as RsaPrivateKey);
  if (parsedByPem.size >= PARSED_LIMIT) parsedByPem.delete(parsedByPem.keys().next().value as string);
  parsedByPem.set(pem, key);
  return key;
}
