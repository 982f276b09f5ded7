/**
 * Certificate signing requests. A node makes a fresh key and a CSR for every
 * join and renewal (swarmkit ca/certificates.go GenerateNewCSR); swarmkit's CSR
 * has an empty subject, since the CA decides the subject anyway (issue.ts).
 * A subject and SANs can be asked for, to model a node that tries its luck.
 */

import forge from "node-forge";
import { pemEncode } from "./pem.js";
import { publicKeyOf } from "./keys.js";
import type { RsaPrivateKey } from "./rsa-native.js";

/** What a CSR asks for. The CA ignores all of it but the public key. */
export interface CsrRequest {
  /** Common name to ask for. */
  readonly commonName?: string;
  /** Organizational unit to ask for (a role: `swarm-manager`). */
  readonly organizationalUnit?: string;
  /** Organization to ask for (a cluster ID). */
  readonly organization?: string;
  /** DNS SANs to ask for, as an extension request. */
  readonly dnsNames?: readonly string[];
}

/**
 * A PEM CSR (`CERTIFICATE REQUEST`, Go-style line endings) for `key`, signed
 * with SHA-256. With no request it has an empty subject, like swarmkit's.
 *
 * @example
 * ```ts
 * const key = createRsaKey(nodeRng, "tls-key-1");
 * const csrPem = createCsr(key);
 * const greedy = createCsr(key, { organizationalUnit: "swarm-manager" });
 * ```
 */
export function createCsr(key: RsaPrivateKey, request: CsrRequest = {}): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = publicKeyOf(key);
  const subject: forge.pki.CertificateField[] = [];
  if (request.organization !== undefined) subject.push({ shortName: "O", value: request.organization });
  if (request.organizationalUnit !== undefined) subject.push({ shortName: "OU", value: request.organizationalUnit });
  if (request.commonName !== undefined) subject.push({ shortName: "CN", value: request.commonName });
  csr.setSubject(subject);
  if (request.dnsNames !== undefined && request.dnsNames.length > 0) {
    const altNames = request.dnsNames.map((value) => ({ type: 2, value }));
    csr.setAttributes([{ name: "extensionRequest", extensions: [{ name: "subjectAltName", altNames }] }]);
  }
  csr.sign(key, forge.md.sha256.create());
  return pemEncode("CERTIFICATE REQUEST", forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes());
}
