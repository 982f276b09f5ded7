/**
 * What a forge error means for the session: forge reports its own faults and
 * the peer's fatal alerts through one `error` callback (tls.js `c.error`,
 * `handleAlert`), with an origin, an alert and a message.
 */

import { AlertDescription, type TlsFailure, alertName, reasonOfAlert } from "./failure.js";
import type { ForgeError } from "./forge-api.js";
import type { TlsRole } from "./session-types.js";
import type { CertificateProblem } from "./verify.js";

/** forge's words when a server that requires a client certificate gets none (tls.js handleCertificate). */
const NO_CLIENT_CERTIFICATE = "No client certificate provided.";

/** @internal What the session knew when forge failed. */
export interface FailureContext {
  readonly role: TlsRole;
  /** The handshake had completed. */
  readonly secure: boolean;
  /** Why this end refused the peer's chain, if it did. */
  readonly certificateProblem: CertificateProblem | undefined;
  /** A client that was asked for a certificate and had none to send. */
  readonly sentNoCertificate: boolean;
}

/**
 * @internal The failure a fatal forge error stands for. A peer's alert is
 * taken at its word, except that a client which sent no certificate when asked
 * reads a refusal as `no-certificate` (forge's server says illegal_parameter).
 */
export function failureOfForgeError(error: ForgeError, context: FailureContext): TlsFailure {
  const description = error.alert?.description;
  const alert = description === undefined ? undefined : alertName(description);
  const byAlert = reasonOfAlert(description ?? -1, context.secure);
  if (error.origin !== undefined && error.origin !== context.role) {
    const refusedForNoCertificate =
      context.sentNoCertificate &&
      (description === AlertDescription.illegal_parameter ||
        description === AlertDescription.handshake_failure ||
        description === AlertDescription.bad_certificate);
    const reason = refusedForNoCertificate ? "no-certificate" : byAlert;
    return { reason, origin: "peer", alert, detail: `the peer sent alert ${alert ?? "?"} (${error.message})` };
  }
  const problem = context.certificateProblem;
  const reason = problem?.reason ?? (error.message === NO_CLIENT_CERTIFICATE ? "no-certificate" : byAlert);
  return { reason, origin: "local", alert, detail: problem?.detail ?? error.message, ...(problem?.validity === undefined ? {} : { validity: problem.validity }) };
}
