/**
 * The swarm root CA, made by the first manager at `docker swarm init`, and the
 * cross-signed certificate that carries trust from an old root to a new one
 * during `docker swarm ca --rotate`.
 *
 * swarmkit ca/certificates.go CreateRootCA asks cfssl initca for a self-signed
 * CA with CN=swarm-ca valid 630720000 s; cfssl signs it with the CA policy
 * (key usage cert sign + CRL sign, basic constraints CA:TRUE, no path length),
 * a 20-byte serial and the default 5-minute backdate. Swarm's root key is
 * ECDSA P-256; here it is RSA (see keys.ts).
 */

import { sha256 } from "@noble/hashes/sha2.js";
import forge from "node-forge";
import { type Instant, type Rng, duration, toHex } from "../sim/index.js";
import {
  buildCertificate,
  commonNameOnly,
  drawSerialHex,
  nameOf,
  plus,
  roundToMinute,
} from "./certificate-builder.js";
import { rootCaBackdateUs, rootCaValidityUs, rootCommonName } from "./constants.js";
import { type RsaKeyOptions, createRsaKey, publicKeyOf } from "./keys.js";
import { certificateToPem } from "./pem.js";
import type { RsaPrivateKey } from "./rsa-native.js";

/** A root CA: its certificate, its key and its digest. */
export interface RootCa {
  /** The certificate as Go-style PEM: the exact bytes nodes download and digest. */
  readonly certPem: string;
  /** The parsed certificate. */
  readonly certificate: forge.pki.Certificate;
  /** The CA key (private operation in node:crypto where available). */
  readonly key: RsaPrivateKey;
  /** SHA-256 of `certPem`, lowercase hex: what join tokens carry. */
  readonly digestHex: string;
}

/**
 * The CA digest: SHA-256 of the exact PEM bytes, lowercase hex. swarmkit
 * ca/certificates.go NewRootCA (`digest.FromBytes(rootCertBytes)`).
 *
 * @example
 * ```ts
 * caDigest(root.certPem) === root.digestHex; // true
 * ```
 */
export function caDigest(pem: string): string {
  return toHex(sha256(new TextEncoder().encode(pem)));
}

/**
 * A new self-signed root CA at simulated instant `at`. The key is
 * `createRsaKey(rng, "root-key", keyOptions)`; the serial is drawn from `rng`.
 * NotBefore = `at` rounded to the minute − 5 min; NotAfter = NotBefore + 20 years.
 *
 * @example
 * ```ts
 * const root = createRootCa(Rng.root(1).fork("pki").fork("root-ca-1"), EPOCH);
 * root.certificate.subject.getField("CN").value; // "swarm-ca"
 * ```
 */
export function createRootCa(rng: Rng, at: Instant, keyOptions: RsaKeyOptions = {}): RootCa {
  const key = createRsaKey(rng, "root-key", keyOptions);
  const notBefore = plus(roundToMinute(at), duration(-rootCaBackdateUs));
  const certificate = buildCertificate({
    serialHex: drawSerialHex(rng),
    subject: commonNameOnly(rootCommonName),
    issuer: commonNameOnly(rootCommonName),
    publicKey: publicKeyOf(key),
    notBefore,
    notAfter: plus(notBefore, rootCaValidityUs),
    extensions: [
      { name: "keyUsage", critical: true, keyCertSign: true, cRLSign: true },
      { name: "basicConstraints", critical: true, cA: true },
      { name: "subjectKeyIdentifier" },
    ],
    signingKey: key,
  });
  // Keep the certificate as parsed from its PEM, as every other holder sees it.
  return rootCaFromPem(certificateToPem(certificate), key);
}

/**
 * The new root cross-signed by the old one, as PEM: the new root's serial,
 * validity, subject, public key and extensions, with the old root as issuer and
 * the old key's signature. A leaf signed by the new key, sent with this
 * certificate, verifies under the old root. swarmkit ca/certificates.go
 * CrossSignCACertificate (the validity is copied, so no instant is needed).
 *
 * @example
 * ```ts
 * const intermediate = crossSignRoot(newRoot, oldRoot);
 * verifyChain([leafPem, intermediate], [oldRoot.certPem], now).ok; // true
 * ```
 */
export function crossSignRoot(newRoot: RootCa, oldRoot: RootCa): string {
  const source = newRoot.certificate;
  if (!isCa(source)) throw new RangeError(`"newRoot" expected a CA certificate, got one without CA:TRUE`);
  const cert = forge.pki.createCertificate();
  cert.version = 2;
  cert.serialNumber = source.serialNumber;
  cert.validity.notBefore = source.validity.notBefore;
  cert.validity.notAfter = source.validity.notAfter;
  cert.setSubject(nameOf(source.subject.attributes));
  cert.setIssuer(nameOf(oldRoot.certificate.subject.attributes));
  cert.publicKey = source.publicKey;
  // Go copies the template's extensions; the parsed ones carry their DER values.
  cert.setExtensions(source.extensions.map((e) => ({ ...e })));
  cert.sign(oldRoot.key, forge.md.sha256.create());
  return certificateToPem(cert);
}

function isCa(cert: forge.pki.Certificate): boolean {
  const bc = cert.getExtension("basicConstraints") as { cA?: boolean } | undefined;
  return bc?.cA === true;
}

/**
 * A RootCa from a certificate PEM and its key (a root kept in the cluster store).
 * The digest is of `certPem` exactly as given.
 *
 * @example
 * ```ts
 * const again = rootCaFromPem(root.certPem, root.key);
 * again.digestHex === root.digestHex; // true
 * ```
 */
export function rootCaFromPem(certPem: string, key: RsaPrivateKey): RootCa {
  const certificate = forge.pki.certificateFromPem(certPem);
  return { certPem, certificate, key, digestHex: caDigest(certPem) };
}
