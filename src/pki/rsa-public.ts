/**
 * Faster RSA signature checks for node-forge public keys, on every platform.
 *
 * forge's public operation runs on its jsbn BigInteger (≈0.9 ms at 2048 bits);
 * native BigInt does the same e = 65537 exponentiation in ≈0.1 ms, in browsers
 * too. A key from `withFastRsaVerify` accepts a PKCS#1 v1.5 signature when the
 * recovered block is exactly what forge 1.4 accepts: `00 01`, at least eight
 * `FF`, `00`, then a canonical DER DigestInfo (with or without NULL parameters;
 * with them for MD2 and MD5) of a hash forge knows, holding the given digest
 * (or, with scheme NONE, the digest itself). Anything else goes to forge's own
 * `verify`, so a bad signature returns false or throws exactly as forge does.
 */

import forge from "node-forge";
import { bigintFromBytes, bigintToBytes, modPow } from "./bigint.js";
import type { RsaPublicKey } from "./rsa-native.js";

/** The digest algorithms forge's RSASSA-PKCS1-v1_5 verify accepts (RFC 8017 PKCS1-v1-5DigestAlgorithms). */
const DIGEST_OIDS: readonly string[] = ["md2", "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha512-224", "sha512-256"]
  .map((name) => (forge.pki.oids as Record<string, string | undefined>)[name])
  .filter((oid): oid is string => oid !== undefined);
const NULL_REQUIRED = new Set([forge.pki.oids["md2"], forge.pki.oids["md5"]]);

/** DER DigestInfo prefixes (everything before the digest bytes) by OID, parameters and digest length. */
const prefixes = new Map<string, string>();

function digestInfoPrefix(oid: string, withNull: boolean, digestLength: number): string {
  const key = `${oid}|${withNull}|${digestLength}`;
  let prefix = prefixes.get(key);
  if (prefix === undefined) {
    const { asn1 } = forge;
    const algorithm = [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes())];
    if (withNull) algorithm.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ""));
    const info = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, algorithm),
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, "\u0000".repeat(digestLength)),
    ]);
    const der = asn1.toDer(info).getBytes();
    prefix = der.slice(0, der.length - digestLength);
    prefixes.set(key, prefix);
  }
  return prefix;
}

/** Whether `message` is a canonical DigestInfo that forge would accept for `digest`. */
function isAcceptedDigestInfo(message: string, digest: string): boolean {
  if (!message.endsWith(digest)) return false;
  const prefix = message.slice(0, message.length - digest.length);
  for (const oid of DIGEST_OIDS) {
    if (prefix === digestInfoPrefix(oid, true, digest.length)) return true;
    if (!NULL_REQUIRED.has(oid) && prefix === digestInfoPrefix(oid, false, digest.length)) return true;
  }
  return false;
}

/** The message inside a PKCS#1 v1.5 type-1 block, as forge's decode finds it, or undefined. */
function type1Message(block: Uint8Array): string | undefined {
  if (block[0] !== 0x00 || block[1] !== 0x01) return undefined;
  let i = 2;
  while (i < block.length - 1 && block[i] === 0xff) i++;
  if (i - 2 < 8 || block[i] !== 0x00) return undefined;
  let out = "";
  for (let j = i + 1; j < block.length; j++) out += String.fromCharCode(block[j] as number);
  return out;
}

/**
 * A copy of `key` whose `verify` takes the quick path for signatures forge would
 * accept, and forge's path for everything else. Same answers, same errors.
 *
 * @example
 * ```ts
 * const issuerKey = withFastRsaVerify(rootCert.publicKey as RsaPublicKey);
 * issuerKey.verify(md.digest().getBytes(), leaf.signature); // true, ~10× sooner
 * ```
 */
export function withFastRsaVerify(key: RsaPublicKey): RsaPublicKey {
  const copy = forge.pki.setRsaPublicKey(key.n, key.e);
  const pureVerify = copy.verify;
  const n = BigInt(`0x${key.n.toString(16)}`);
  const e = BigInt(`0x${key.e.toString(16)}`);
  const k = Math.ceil(key.n.bitLength() / 8);
  copy.verify = (digest: forge.Bytes, signature: forge.Bytes, scheme?: forge.pki.rsa.SignatureScheme, ...rest: unknown[]) => {
    const name = typeof scheme === "string" ? scheme.toUpperCase() : scheme === undefined ? "RSASSA-PKCS1-V1_5" : scheme;
    if ((name === "RSASSA-PKCS1-V1_5" || name === "NONE" || name === "NULL" || name === null) && signature.length === k) {
      const y = bigintFromBytes(Uint8Array.from(signature, (c) => c.charCodeAt(0)));
      if (y < n) {
        const message = type1Message(bigintToBytes(modPow(y, e, n), k));
        const accepted =
          message !== undefined && (name === "RSASSA-PKCS1-V1_5" ? isAcceptedDigestInfo(message, digest) : message === digest);
        if (accepted) return true;
      }
    }
    return (pureVerify as (...args: unknown[]) => boolean)(digest, signature, scheme, ...rest);
  };
  return copy;
}
