/**
 * Judging a peer's certificate chain at simulated time. forge walks the chain
 * (x509.js verifyCertificateChain, run by tls.js with the connection's
 * `verifyOptions`, whose `validityCheckDate` this layer sets to the simulated
 * date before every call) and reports each certificate to a `verify` callback;
 * these pure functions turn forge's verdict into a failure reason, the way
 * Go's crypto/x509 words it for swarmkit.
 */

import forge from "node-forge";
import { dnsNamesOf } from "./identity.js";
import type { TlsFailureReason } from "./failure.js";
import { forgePkiSlot } from "./forge-api.js";
import type { TrustStore } from "./trust-store.js";

/** A certificate the peer sent that cannot be accepted, and why. */
export interface CertificateProblem {
  readonly reason: Extract<TlsFailureReason, "bad-certificate" | "unknown-ca" | "expired" | "not-yet-valid">;
  readonly detail: string;
  /** For `expired` and `not-yet-valid`: the time of the check and the bound it fell outside. */
  readonly validity?: CertificateValidityProblem;
}

/** When a certificate was checked, and the NotBefore or NotAfter it fell outside. */
export interface CertificateValidityProblem {
  readonly now: Date;
  readonly bound: Date;
}

const CERTIFICATE_ERRORS = forgePkiSlot.certificateError;

/**
 * Why forge refused the certificate at `depth` of `chain` (leaf at 0), given
 * its certificate error `verified`.
 *
 * forge answers "unknown CA" only when no root even has the issuer's name. In
 * Swarm every cluster's root is called CN=swarm-ca, so a node of another swarm
 * presents a chain whose top names a trusted root that did not sign it; forge
 * calls that a bad signature, Go (and so swarmkit) "signed by unknown
 * authority". The top of the chain not signed by any trusted root is
 * `unknown-ca` here too.
 *
 * @example
 * ```ts
 * classifyChainError("forge.pki.CertificateExpired", [leaf], 0, trust, dateAt(sim.now));
 * // { reason: "expired", detail: "certificate expired: NotAfter 2026-01-01T00:00:00.000Z is before 2026-01-02T00:00:00.000Z" }
 * ```
 */
export function classifyChainError(
  verified: string | number,
  chain: readonly forge.pki.Certificate[],
  depth: number,
  trust: TrustStore,
  now: Date,
): CertificateProblem {
  const cert = chain[depth];
  if (cert === undefined) return { reason: "bad-certificate", detail: `certificate ${depth} of ${chain.length} refused (${String(verified)})` };
  const what = depth === 0 ? "certificate" : `issuer certificate ${depth}`;
  if (verified === CERTIFICATE_ERRORS.certificate_expired) {
    const { notBefore, notAfter } = cert.validity;
    if (now < notBefore) {
      return { reason: "not-yet-valid", detail: `${what} not yet valid: NotBefore ${notBefore.toISOString()} is after ${now.toISOString()}`, validity: { now, bound: notBefore } };
    }
    return { reason: "expired", detail: `${what} expired: NotAfter ${notAfter.toISOString()} is before ${now.toISOString()}`, validity: { now, bound: notAfter } };
  }
  const top = depth === chain.length - 1;
  if (verified === CERTIFICATE_ERRORS.unknown_ca || (top && !trust.signed(cert))) {
    return { reason: "unknown-ca", detail: `${what} not issued by a trusted root (issuer ${issuerName(cert)})` };
  }
  return { reason: "bad-certificate", detail: `${what} refused (${String(verified)})` };
}

function issuerName(cert: forge.pki.Certificate): string {
  return cert.issuer.attributes.map((a) => `${a.shortName ?? a.name ?? a.type}=${String(a.value)}`).join(",");
}

/**
 * Why a server leaf is not valid for `serverName`, or undefined if it is. As
 * Go's crypto/tls checks a client's `ServerName` (swarmkit sets it to the
 * role, `swarm-manager`, or `swarm-ca`), against the DNS names of the
 * subjectAltName only, never the CN.
 */
export function serverNameProblem(leaf: forge.pki.Certificate, serverName: string): CertificateProblem | undefined {
  const names = dnsNamesOf(leaf);
  if (names.includes(serverName)) return undefined;
  const valid = names.length === 0 ? "no DNS name" : names.join(", ");
  return { reason: "bad-certificate", detail: `certificate is valid for ${valid}, not ${serverName}` };
}

/**
 * Whether `chain` (leaf first) still verifies against `trust` at `now`: forge's
 * own chain check, at the simulated date. Used before resuming a session, whose
 * abbreviated handshake carries no certificate: the chain it was made with
 * must still be good (not expired since, still under a trusted root).
 */
export function chainVerifiesAt(chain: readonly forge.pki.Certificate[], trust: TrustStore, now: Date): boolean {
  if (chain.length === 0) return false;
  try {
    return forge.pki.verifyCertificateChain(trust.caStore, [...chain], { validityCheckDate: now });
  } catch {
    return false; // forge throws its certificate error
  }
}
