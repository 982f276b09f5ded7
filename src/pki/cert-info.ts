/**
 * Reading a certificate the way swarmkit reads its peers: node ID from the CN,
 * role from the first OU, cluster from the first O (swarmkit ca/transport.go
 * MutableTLSCreds NodeID/Role/Organization), plus validity and issuer.
 */

import forge from "node-forge";
import { type Instant, instantOfDate } from "../sim/index.js";
import { type NodeRole, roleOfOu } from "./roles.js";

/** What a certificate says about its holder. */
export interface CertInfo {
  /** CN: the node ID ("" if the certificate has no CN). */
  readonly nodeId: string;
  /** The role of the first OU, or undefined if that OU is no swarm role. */
  readonly role: NodeRole | undefined;
  /** First OU as written ("" if none). */
  readonly organizationalUnit: string;
  /** First O: the cluster ID ("" if none). */
  readonly clusterId: string;
  /** Start of validity, on the simulated clock. */
  readonly notBefore: Instant;
  /** End of validity, on the simulated clock. */
  readonly notAfter: Instant;
  /** CN of the issuer ("swarm-ca" for every swarm certificate). */
  readonly issuerCn: string;
  /** Serial number, lowercase hex as encoded. */
  readonly serial: string;
  /** DNS subject alternative names, in order. */
  readonly sans: readonly string[];
  /** Whether basic constraints say CA:TRUE. */
  readonly isCa: boolean;
  /** Subject key identifier, hex, if present. */
  readonly subjectKeyId: string | undefined;
  /** Key identifier of the authority key identifier, hex, if present. */
  readonly authorityKeyId: string | undefined;
}

/** The outcome of reading untrusted certificate text. */
export type CertInfoResult = { ok: true; info: CertInfo } | { ok: false; reason: "malformed" };

/**
 * Reads a PEM certificate (the first block of a bundle). Never throws: text
 * that is not an RSA X.509 certificate node-forge can parse is `malformed`.
 *
 * @example
 * ```ts
 * const r = readCertificate(leafPem);
 * if (r.ok) console.log(r.info.nodeId, r.info.role, formatInstant(r.info.notAfter));
 * ```
 */
export function readCertificate(pem: string): CertInfoResult {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(pem);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  try {
    return { ok: true, info: certInfoOf(cert) };
  } catch {
    return { ok: false, reason: "malformed" };
  }
}

/**
 * The CertInfo of a parsed forge certificate (throws on a certificate forge
 * built but could not have parsed; `readCertificate` never throws).
 *
 * @example
 * ```ts
 * certInfoOf(forge.pki.certificateFromPem(pem)).nodeId;
 * ```
 */
export function certInfoOf(cert: forge.pki.Certificate): CertInfo {
  const field = (name: forge.pki.CertificateField[], shortName: string): string => {
    const found = name.find((a) => a.shortName === shortName);
    return typeof found?.value === "string" ? found.value : "";
  };
  const organizationalUnit = field(cert.subject.attributes, "OU");
  const san = cert.getExtension("subjectAltName") as { altNames?: Array<{ type: number; value: string }> } | undefined;
  const bc = cert.getExtension("basicConstraints") as { cA?: boolean } | undefined;
  const ski = cert.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier?: string } | undefined;
  return {
    nodeId: field(cert.subject.attributes, "CN"),
    role: roleOfOu(organizationalUnit),
    organizationalUnit,
    clusterId: field(cert.subject.attributes, "O"),
    notBefore: instantOfDate(cert.validity.notBefore),
    notAfter: instantOfDate(cert.validity.notAfter),
    issuerCn: field(cert.issuer.attributes, "CN"),
    serial: cert.serialNumber.toLowerCase(),
    sans: (san?.altNames ?? []).filter((n) => n.type === 2).map((n) => n.value),
    isCa: bc?.cA === true,
    subjectKeyId: ski?.subjectKeyIdentifier,
    authorityKeyId: authorityKeyIdOf(cert),
  };
}

/** The keyIdentifier [0] of the authority key identifier extension, hex. */
function authorityKeyIdOf(cert: forge.pki.Certificate): string | undefined {
  const ext = cert.getExtension("authorityKeyIdentifier") as { value?: string } | undefined;
  if (typeof ext?.value !== "string") return undefined;
  try {
    const seq = forge.asn1.fromDer(ext.value);
    const parts = Array.isArray(seq.value) ? seq.value : [];
    const keyId = parts.find((p) => p.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && p.type === 0);
    return typeof keyId?.value === "string" ? forge.util.bytesToHex(keyId.value) : undefined;
  } catch {
    return undefined;
  }
}
