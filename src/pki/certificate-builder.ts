/**
 * Building X.509 certificates with node-forge the way Go's crypto/x509 and
 * cfssl lay them out for Swarm: 20-byte positive serials, SHA-256 with RSA,
 * PrintableString names, and Go's extension order (key usage, extended key
 * usage, basic constraints, subject key ID, authority key ID, SANs).
 */

import forge from "node-forge";
import { CALENDAR_EPOCH_UNIX_MS, type Duration, type Instant, type Rng, dateAt, instant } from "../sim/index.js";
import { certSerialBytes, certTimeRoundingUs } from "./constants.js";
import type { RsaPrivateKey } from "./rsa-native.js";

/** The calendar's offset from a whole minute (0: simulated time zero is 2026-01-01T00:00Z). */
const EPOCH_MINUTE_OFFSET_US = (CALENDAR_EPOCH_UNIX_MS % 60_000) * 1_000;

/**
 * `at` rounded to the nearest calendar minute, halves up, as Go's
 * `time.Now().Round(time.Minute)` in cfssl signer/signer.go FillTemplate.
 */
export function roundToMinute(at: Instant): Instant {
  const unit = certTimeRoundingUs;
  const within = (((at + EPOCH_MINUTE_OFFSET_US) % unit) + unit) % unit;
  return instant(within * 2 >= unit ? at - within + unit : at - within);
}

/** `at + d` as an Instant. */
export function plus(at: Instant, d: Duration): Instant {
  return instant(at + d);
}

/**
 * A serial as forge wants it (hex): 20 bytes from `rng` with the top bit
 * cleared (cfssl signer/local/local.go), written as a minimal DER INTEGER (no
 * leading zero byte unless the next byte has its top bit set).
 */
export function drawSerialHex(rng: Rng): string {
  const bytes = rng.bytes(certSerialBytes);
  bytes[0] = bytes[0]! & 0x7f;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && bytes[start + 1]! < 0x80) start++;
  return [...bytes.subarray(start)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What a new certificate says and who signs it. */
export interface CertificateContent {
  readonly serialHex: string;
  readonly subject: forge.pki.CertificateField[];
  readonly issuer: forge.pki.CertificateField[];
  readonly publicKey: forge.pki.PublicKey;
  readonly notBefore: Instant;
  readonly notAfter: Instant;
  /** Extensions in the order they are written. */
  readonly extensions: object[];
  readonly signingKey: RsaPrivateKey;
}

/** A signed forge certificate (X.509 v3, sha256WithRSAEncryption). */
export function buildCertificate(content: CertificateContent): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.version = 2; // v3
  cert.serialNumber = content.serialHex;
  cert.validity.notBefore = dateAt(content.notBefore);
  cert.validity.notAfter = dateAt(content.notAfter);
  cert.setSubject(content.subject);
  cert.setIssuer(content.issuer);
  cert.publicKey = content.publicKey;
  cert.setExtensions(content.extensions);
  cert.sign(content.signingKey, forge.md.sha256.create());
  return cert;
}

/** A name of one CN attribute. */
export function commonNameOnly(cn: string): forge.pki.CertificateField[] {
  return [{ shortName: "CN", value: cn }];
}

/** Copies of a certificate's name attributes, for use as another certificate's issuer. */
export function nameOf(fields: forge.pki.CertificateField[]): forge.pki.CertificateField[] {
  return fields.map((f) => {
    const copy: forge.pki.CertificateField = { type: f.type, value: f.value };
    if (f.valueTagClass !== undefined) copy.valueTagClass = f.valueTagClass;
    return copy;
  });
}

/** The subject key identifier of a certificate (raw bytes string), from its extension or computed as forge computes it. */
export function subjectKeyIdOf(cert: forge.pki.Certificate): string {
  const ext = cert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier?: string } | undefined;
  if (ext?.subjectKeyIdentifier !== undefined) return forge.util.hexToBytes(ext.subjectKeyIdentifier);
  return cert.generateSubjectKeyIdentifier().getBytes();
}
