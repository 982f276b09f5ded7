/**
 * Why a session failed. A failure is a protocol outcome, never an exception:
 * the session reports it, traces it and closes its stream.
 */

import type { StreamResetReason } from "../net/index.js";

/**
 * Why a session failed. Append-only: traces and expectations name these.
 * - `bad-certificate`: the peer's certificate is unusable: unparsable, badly
 *   signed by its issuer, a CA constraint broken, an unsupported critical
 *   extension, or not valid for the server name asked for.
 * - `unknown-ca`: the chain does not lead to a trusted root (a node of another swarm).
 * - `expired`: a certificate's NotAfter has passed at simulated time.
 * - `not-yet-valid`: a certificate's NotBefore is still to come at simulated time.
 * - `no-certificate`: the peer sent no certificate where one was required.
 * - `handshake-failure`: the handshake failed otherwise (bytes that are not TLS,
 *   an unexpected message, a wrong Finished, no common version).
 * - `protocol-error`: after the handshake, a record failed (bad MAC, undecodable).
 * - `peer-closed`: the peer closed the connection before the handshake completed.
 * - `handshake-timeout`: the handshake did not complete in time (see `handshakeTimeoutUs`).
 * - `stream-reset`: the underlying stream reset (see `streamReset`).
 * - `internal-error`: forge threw; the stream is reset.
 *
 * @example
 * ```ts
 * session.on("failure", ({ reason }) => {
 *   if (reason === "unknown-ca") log("a node of another swarm");
 * });
 * ```
 */
export type TlsFailureReason =
  | "bad-certificate"
  | "unknown-ca"
  | "expired"
  | "not-yet-valid"
  | "no-certificate"
  | "handshake-failure"
  | "protocol-error"
  | "peer-closed"
  | "handshake-timeout"
  | "stream-reset"
  | "internal-error";

/**
 * A session's failure.
 *
 * @example
 * ```ts
 * session.on("failure", (f) => log(`${f.origin} ${f.reason}: ${f.detail}`));
 * // "local unknown-ca: certificate not issued by a trusted root"
 * ```
 */
export interface TlsFailure {
  readonly reason: TlsFailureReason;
  /** `local`: this end found the fault (and told the peer with an alert); `peer`: the peer did and said so. */
  readonly origin: "local" | "peer";
  /** The TLS alert sent or received (`unknown_ca`, `bad_certificate`, ...), if any. */
  readonly alert?: string;
  /** What happened, in words. */
  readonly detail: string;
  /** With `stream-reset`: why the stream reset. */
  readonly streamReset?: StreamResetReason;
  /** With `expired` or `not-yet-valid` found here: when, and the certificate's bound it fell outside. */
  readonly validity?: { readonly now: Date; readonly bound: Date };
}

/**
 * Alert descriptions, RFC 5246 §7.2. The numbers are the protocol.
 *
 * @example
 * ```ts
 * failure.alert === alertName(AlertDescription.certificate_expired); // "certificate_expired"
 * ```
 */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  user_canceled: 90,
  no_renegotiation: 100,
} as const;

const ALERT_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(AlertDescription).map(([name, code]) => [code, name]));

/**
 * The RFC name of an alert description, or `alert_<n>` for one RFC 5246 does not name.
 *
 * @example
 * ```ts
 * alertName(AlertDescription.unknown_ca); // "unknown_ca"
 * alertName(48); // "unknown_ca"
 * ```
 */
export function alertName(description: number): string {
  return ALERT_NAMES.get(description) ?? `alert_${description}`;
}

/** The alert that tells the peer about a certificate failure. */
export function alertOfReason(reason: TlsFailureReason): number {
  switch (reason) {
    case "unknown-ca":
      return AlertDescription.unknown_ca;
    case "expired":
    case "not-yet-valid":
      return AlertDescription.certificate_expired; // RFC 5246 has one alert for both
    default:
      return AlertDescription.bad_certificate;
  }
}

/**
 * The reason an alert stands for. Certificate alerts keep their meaning (a peer
 * cannot tell us "not yet valid" apart from "expired": both are
 * certificate_expired); anything else is a handshake failure before the
 * handshake completed and a protocol error after.
 */
export function reasonOfAlert(description: number, secure: boolean): TlsFailureReason {
  switch (description) {
    case AlertDescription.unknown_ca:
      return "unknown-ca";
    case AlertDescription.certificate_expired:
      return "expired";
    case AlertDescription.bad_certificate:
    case AlertDescription.unsupported_certificate:
    case AlertDescription.certificate_revoked:
    case AlertDescription.certificate_unknown:
      return "bad-certificate";
    default:
      return secure ? "protocol-error" : "handshake-failure";
  }
}
