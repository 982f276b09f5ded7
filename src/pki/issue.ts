/**
 * The CA signing a node's CSR (swarmkit ca/server.go signNodeCert →
 * ca/certificates.go ParseValidateAndSignCSR → cfssl's local signer).
 *
 * Only the CSR's public key is trusted (ca/config.go SigningPolicy: the CSR
 * whitelist is public key, key algorithm, signature algorithm). The subject is
 * the CA's: CN = node ID, OU = the role the CA holds for the node, O = the
 * cluster ID; the DNS SANs are the OU and the node ID, plus `swarm-ca` for a
 * manager (ca/certificates.go PrepareCSR). A CSR asking for anything else gets
 * it ignored. The CSR's own signature must verify (cfssl
 * signer.ParseCertificateRequest `CheckSignature`).
 */

import forge from "node-forge";
import { type Duration, type Instant, type Rng, duration } from "../sim/index.js";
import {
  buildCertificate,
  drawSerialHex,
  nameOf,
  plus,
  roundToMinute,
  subjectKeyIdOf,
} from "./certificate-builder.js";
import {
  caRoleName,
  nodeCertBackdateUs,
  nodeCertDefaultExpiryUs,
  nodeCertExpiryTooShortMessage,
  nodeCertMinExpiryUs,
} from "./constants.js";
import { certificateToPem } from "./pem.js";
import type { RootCa } from "./root-ca.js";
import { type NodeRole, ouOfRole } from "./roles.js";
import type { RsaPrivateKey, RsaPublicKey } from "./rsa-native.js";
import { withFastRsaVerify } from "./rsa-public.js";

type CertificateRequest = ReturnType<typeof forge.pki.certificationRequestFromPem>;

/**
 * What the CA signs with: a signing certificate and its key, and the
 * intermediates appended to every issued certificate. Normally the root and no
 * intermediates; during a root rotation the cross-signed new root, the new key,
 * and that cross-signed certificate as intermediate (swarmkit ca/server.go UpdateRootCA).
 */
export interface CaSigner {
  readonly certificate: forge.pki.Certificate;
  readonly key: RsaPrivateKey;
  /** PEM bundle appended after each leaf ("" when none). */
  readonly intermediatesPem: string;
}

/**
 * The signer of a root CA in its steady state.
 *
 * @example
 * ```ts
 * const signer = rootSigner(root);
 * ```
 */
export function rootSigner(root: RootCa): CaSigner {
  return { certificate: root.certificate, key: root.key, intermediatesPem: "" };
}

/**
 * The signer during a root rotation: signs with the new key as the cross-signed
 * certificate, and sends that certificate with every leaf so that nodes still
 * trusting only the old root accept the leaf.
 *
 * @example
 * ```ts
 * const signer = rotationSigner(newRoot, crossSignRoot(newRoot, oldRoot));
 * ```
 */
export function rotationSigner(newRoot: RootCa, crossSignedPem: string): CaSigner {
  return { certificate: forge.pki.certificateFromPem(crossSignedPem), key: newRoot.key, intermediatesPem: crossSignedPem };
}

/** One certificate request as the CA server sees it. */
export interface IssueRequest {
  /** The node's CSR (PEM). Only its public key is used. */
  readonly csrPem: string;
  /** The node ID the CA assigned (the CN). */
  readonly nodeId: string;
  /** The role the CA holds for this node (from the join token, or the node object on renewal). */
  readonly role: NodeRole;
  /** The cluster ID (the O). */
  readonly clusterId: string;
  /** Simulated issue time. */
  readonly at: Instant;
  /** Certificate lifetime; default 90 days. Under 1 h the signer uses the default, as swarmkit's. */
  readonly expiry?: Duration;
  /** Stream the 20-byte serial is drawn from. */
  readonly rng: Rng;
}

/** Why the CA refused a CSR. */
export type IssueFailure = "malformed-csr" | "bad-csr-signature";

/** An issued certificate, or why not. */
export type IssueResult =
  | {
      ok: true;
      /** The leaf alone (PEM). */
      certificatePem: string;
      /** What the node receives and keeps: the leaf followed by the intermediates. */
      chainPem: string;
    }
  | { ok: false; reason: IssueFailure; message: string };

/**
 * Signs a node certificate from a CSR, ignoring whatever subject and extensions
 * the CSR asks for.
 *
 * @example
 * ```ts
 * const r = issueNodeCertificate(rootSigner(root), {
 *   csrPem, nodeId, role: "worker", clusterId, at: sim.now, rng: caRng,
 * });
 * if (r.ok) send(r.chainPem);
 * ```
 */
export function issueNodeCertificate(signer: CaSigner, request: IssueRequest): IssueResult {
  const csr = parseCsr(request.csrPem);
  if (csr === undefined) return { ok: false, reason: "malformed-csr", message: "failed to sign node certificate: CSR decode failed" };
  if (!csrSignatureValid(csr)) {
    return { ok: false, reason: "bad-csr-signature", message: "failed to sign node certificate: CSR signature does not verify" };
  }
  const ou = ouOfRole(request.role);
  const { notBefore, notAfter } = nodeCertValidity(request.at, request.expiry ?? nodeCertDefaultExpiryUs);
  const hosts = request.role === "manager" ? [ou, request.nodeId, caRoleName] : [ou, request.nodeId];
  const leaf = buildCertificate({
    serialHex: drawSerialHex(request.rng),
    subject: [
      { shortName: "O", value: request.clusterId },
      { shortName: "OU", value: ou },
      { shortName: "CN", value: request.nodeId },
    ],
    issuer: nameOf(signer.certificate.subject.attributes),
    publicKey: csr.publicKey as forge.pki.PublicKey,
    notBefore,
    notAfter,
    extensions: [
      { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      { name: "basicConstraints", critical: true, cA: false },
      { name: "subjectKeyIdentifier" },
      { name: "authorityKeyIdentifier", keyIdentifier: subjectKeyIdOf(signer.certificate) },
      { name: "subjectAltName", altNames: hosts.map((value) => ({ type: 2, value })) },
    ],
    signingKey: signer.key,
  });
  const certificatePem = certificateToPem(leaf);
  return { ok: true, certificatePem, chainPem: certificatePem + signer.intermediatesPem };
}

/**
 * Validity of a node certificate issued at `at` with lifetime `expiry`:
 * NotBefore = `at` rounded to the nearest minute − 1 h; NotAfter = that rounded
 * time + expiry. An expiry under 1 h becomes the 90-day default, as swarmkit's
 * signing policy does (ca/config.go SigningPolicy); the profile's expiry is
 * expiry + 1 h counted from the backdated NotBefore (cfssl FillTemplate).
 *
 * @example
 * ```ts
 * nodeCertValidity(minutes(90) + seconds(31), hours(2160));
 * // { notBefore: 31 min, notAfter: 91 min + 2160 h }
 * ```
 */
export function nodeCertValidity(at: Instant, expiry: Duration): { notBefore: Instant; notAfter: Instant } {
  const effective = expiry < nodeCertMinExpiryUs ? nodeCertDefaultExpiryUs : expiry;
  const notBefore = plus(roundToMinute(at), duration(-nodeCertBackdateUs));
  return { notBefore, notAfter: plus(notBefore, duration(effective + nodeCertBackdateUs)) };
}

/**
 * The control API's check of a requested node certificate expiry
 * (`docker swarm update --cert-expiry`), with swarmkit's message.
 * swarmkit manager/controlapi/cluster.go validateClusterSpec.
 *
 * @example
 * ```ts
 * checkNodeCertExpiry(minutes(30)); // { ok: false, reason: "minimum certificate expiry time is: 1h0m0s" }
 * ```
 */
export function checkNodeCertExpiry(expiry: Duration): { ok: true } | { ok: false; reason: string } {
  return expiry < nodeCertMinExpiryUs ? { ok: false, reason: nodeCertExpiryTooShortMessage } : { ok: true };
}

function parseCsr(pem: string): CertificateRequest | undefined {
  try {
    const csr = forge.pki.certificationRequestFromPem(pem);
    return csr.publicKey === null ? undefined : csr;
  } catch {
    return undefined;
  }
}

function csrSignatureValid(csr: CertificateRequest): boolean {
  try {
    csr.publicKey = withFastRsaVerify(csr.publicKey as RsaPublicKey);
    return csr.verify();
  } catch {
    return false;
  }
}
