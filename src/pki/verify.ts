/**
 * Verifying a certificate chain at a simulated instant, with node-forge's chain
 * check and Go's outcome names.
 *
 * Every swarm root has the subject CN=swarm-ca, so a leaf from another swarm
 * finds a trusted root with the right name whose key does not verify it: Go
 * reports that as "certificate signed by unknown authority", and so does this
 * module (`unknown-authority`). Go also builds paths: a leaf sent with the
 * cross-signed intermediate still verifies directly under the new root once the
 * rotation is over. forge checks only the chain as given, so a failing chain is
 * retried without its trailing certificates before it is refused.
 */

import forge from "node-forge";
import { type Instant, instantOfDate } from "../sim/index.js";
import { type CertInfo, certInfoOf } from "./cert-info.js";
import { splitPemBundle } from "./pem.js";
import type { RsaPublicKey } from "./rsa-native.js";
import { withFastRsaVerify } from "./rsa-public.js";

/** Why a chain was refused. */
export type VerifyFailure =
  /** Text that is not a parsable RSA certificate (chain or roots). */
  | "malformed"
  /** An empty chain. */
  | "no-certificates"
  /** A certificate's NotAfter is before the instant. */
  | "expired"
  /** A certificate's NotBefore is after the instant. */
  | "not-yet-valid"
  /** No trusted root signed the top of the chain (Go: "signed by unknown authority"). */
  | "unknown-authority"
  /** A certificate's signature does not verify under the next certificate of the chain. */
  | "bad-signature"
  /** A certificate's issuer is not the subject of the next one. */
  | "bad-chain"
  /** A certificate used as an issuer is not a CA. */
  | "not-a-ca"
  /** A certificate has a critical extension node-forge does not support. */
  | "unsupported-certificate";

/** The outcome of a chain check. */
export type VerifyResult =
  | {
      ok: true;
      /** The leaf (first certificate). */
      leaf: CertInfo;
      /** The certificate that signed the leaf (an intermediate or a trusted root). */
      issuer: CertInfo;
    }
  | {
      ok: false;
      reason: VerifyFailure;
      /** Index in the chain of the certificate at fault, when known; the chain's length for its trusted root. */
      index?: number;
    };

type Certificate = forge.pki.Certificate;
type ChainError = { error?: string; message?: string };

const ERRORS = (forge.pki as unknown as { certificateError: Record<string, string> }).certificateError;

/**
 * Verifies `chain` (leaf first; PEMs or one PEM bundle) against the trusted root
 * PEMs at simulated instant `at`. Never throws on hostile input.
 *
 * @example
 * ```ts
 * const r = verifyChain(chainPem, [root.certPem], sim.now);
 * if (!r.ok && r.reason === "expired") renewNow();
 * ```
 */
export function verifyChain(chain: string | readonly string[], trustedRoots: readonly string[], at: Instant): VerifyResult {
  const certs = parseAll(typeof chain === "string" ? splitPemBundle(chain) : chain.flatMap(splitPemBundle));
  const roots = parseAll(trustedRoots.flatMap(splitPemBundle));
  if (certs === undefined || roots === undefined) return { ok: false, reason: "malformed" };
  if (certs.length === 0) return { ok: false, reason: "no-certificates" };
  let store: forge.pki.CAStore;
  try {
    store = forge.pki.createCaStore(roots);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  let first: VerifyResult | undefined;
  for (let length = certs.length; length >= 1; length--) {
    const result = tryPath(store, roots, certs.slice(0, length), at);
    if (result.ok) return result;
    first ??= result;
  }
  return first as VerifyResult;
}

/**
 * swarmkit's stricter check of a certificate bundle received from the CA or read
 * from disk (ca/certificates.go ValidateCertChain): every certificate in the
 * bundle valid at `at`, each signed by the next, and the whole chaining to a
 * trusted root.
 *
 * @example
 * ```ts
 * const r = validateCertChain(issued.chainPem, [root.certPem], sim.now);
 * ```
 */
export function validateCertChain(chain: string, trustedRoots: readonly string[], at: Instant): VerifyResult {
  const certs = parseAll(splitPemBundle(chain));
  if (certs === undefined) return { ok: false, reason: "malformed" };
  if (certs.length === 0) return { ok: false, reason: "no-certificates" };
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i] as Certificate;
    const timing = timeFailure(cert, at);
    if (timing !== undefined) return { ok: false, reason: timing, index: i };
    if (i > 0 && !signs(cert, certs[i - 1] as Certificate)) return { ok: false, reason: "bad-chain", index: i - 1 };
  }
  return verifyChain(chain, trustedRoots, at);
}

function tryPath(store: forge.pki.CAStore, roots: readonly Certificate[], path: Certificate[], at: Instant): VerifyResult {
  let failedDepth = 0;
  let timing: VerifyFailure | undefined;
  try {
    forge.pki.verifyCertificateChain(store, path, {
      // forge compares Dates to the millisecond; validity is checked here instead, to the
      // microsecond, first for each certificate as forge would (Go compares nanoseconds).
      validityCheckDate: null,
      verify: (verified: true | string, depth: number) => {
        timing = timeFailure(path[depth] as Certificate, at);
        if (timing !== undefined) {
          failedDepth = depth;
          return { error: ERRORS.certificate_expired, message: "Certificate is not valid yet or has expired." };
        }
        if (verified !== true) failedDepth = depth;
        return verified;
      },
    } as unknown as Parameters<typeof forge.pki.verifyCertificateChain>[2]);
  } catch (caught) {
    return { ok: false, reason: timing ?? failureOf(caught as ChainError, path, failedDepth), index: failedDepth };
  }
  // The trust anchor must be valid too (Go checks every certificate of the chain it builds).
  const last = path[path.length - 1] as Certificate;
  const anchors = roots.filter((root) => signs(root, last));
  const anchor = anchors.find((root) => timeFailure(root, at) === undefined);
  if (anchors.length > 0 && anchor === undefined) {
    return { ok: false, reason: timeFailure(anchors[0] as Certificate, at) as VerifyFailure, index: path.length };
  }
  const leaf = path[0] as Certificate;
  return { ok: true, leaf: certInfoOf(leaf), issuer: certInfoOf(path[1] ?? anchor ?? leaf) };
}

/** `expired` or `not-yet-valid` if `cert` is not valid at `at` (bounds included), else undefined. */
function timeFailure(cert: Certificate, at: Instant): VerifyFailure | undefined {
  if (at < instantOfDate(cert.validity.notBefore)) return "not-yet-valid";
  if (at > instantOfDate(cert.validity.notAfter)) return "expired";
  return undefined;
}

function failureOf(caught: ChainError, path: readonly Certificate[], depth: number): VerifyFailure {
  switch (caught?.error) {
    case ERRORS.unknown_ca:
      return "unknown-authority";
    case ERRORS.unsupported_certificate:
      return "unsupported-certificate";
    case ERRORS.bad_certificate: {
      const message = caught.message ?? "";
      if (message.startsWith("Certificate signature is invalid")) {
        // The last certificate's parent comes from the trust store: no trusted key signed it.
        return depth === path.length - 1 ? "unknown-authority" : "bad-signature";
      }
      if (message.startsWith("Certificate issuer is invalid")) return "bad-chain";
      return "not-a-ca";
    }
    default:
      return "malformed";
  }
}

/** Whether `issuer`'s key verifies `cert`'s signature and names match. Never throws. */
function signs(issuer: Certificate, cert: Certificate): boolean {
  try {
    return cert.isIssuer(issuer) && issuer.verify(cert);
  } catch {
    return false;
  }
}

/** Parsed certificates with quick signature checks (rsa-public.ts), or undefined if any does not parse. */
function parseAll(pems: readonly string[]): Certificate[] | undefined {
  try {
    return pems.map((pem) => {
      const cert = forge.pki.certificateFromPem(pem);
      cert.publicKey = withFastRsaVerify(cert.publicKey as RsaPublicKey);
      return cert;
    });
  } catch {
    return undefined;
  }
}
