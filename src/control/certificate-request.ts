/**
 * The half of a certificate request that joining and renewing share (swarmkit
 * ca/certificates.go GetRemoteSignedCertificate and RequestAndSaveNewCertificates):
 * poll NodeCertificateStatus until the CA has issued the certificate for this
 * CSR, then check the chain against the node's roots before keeping it.
 */

import { type CertInfo, type NodeRole, certificateStatusBackoff, readCertificate, splitPemBundle, type VerifyFailure, validateCertChain } from "../pki/index.js";
import type { Duration, Instant, Rng, Simulation } from "../sim/index.js";
import {
  CaMethod,
  IssuanceState,
  decodeIssueNodeCertificateResponse,
  decodeNodeCertificateStatusResponse,
  encodeIssueNodeCertificateRequest,
  encodeNodeCertificateStatusRequest,
} from "./ca-messages.js";
import type { ControlConnection } from "./endpoint.js";
import { GrpcCode, grpcErrorText } from "./rpc-frame.js";
import type { CallResult } from "./rpc.js";

/** The text of a failed call, as grpc-go writes it. */
export const callError = (r: Extract<CallResult, { ok: false }>): string => grpcErrorText(r.code, r.message);

/** The message of a call that outlived its context (Go's context.DeadlineExceeded through grpc). */
export const deadlineExceededMessage = "context deadline exceeded";

/**
 * Makes one call, failing it with DeadlineExceeded if no answer comes within
 * `timeoutUs` (grpc-go with a context deadline); without a timeout, waits.
 * `done` is called once; a late answer is dropped.
 *
 * @example
 * ```ts
 * callWithTimeout(sim, conn, CaMethod.issueNodeCertificate, body, caCallTimeoutUs, (r) => r.ok);
 * ```
 */
export function callWithTimeout(
  sim: Simulation,
  conn: ControlConnection,
  method: string,
  body: Uint8Array,
  timeoutUs: Duration | undefined,
  done: (result: CallResult) => void,
): void {
  let answered = false;
  const answer = (result: CallResult) => {
    if (answered) return;
    answered = true;
    if (timer !== undefined) sim.scheduler.cancel(timer);
    done(result);
  };
  const timer =
    timeoutUs === undefined
      ? undefined
      : sim.scheduler.after(timeoutUs, "rpc.deadline", () => answer({ ok: false, code: GrpcCode.deadlineExceeded, message: deadlineExceededMessage }));
  conn.call(method, body, answer);
}

/** How to wait for one certificate. */
export interface StatusPoll {
  readonly sim: Simulation;
  /** The connection IssueNodeCertificate went over; closed once the wait ends. */
  readonly conn: ControlConnection;
  /** The node ID the CA answered IssueNodeCertificate with. */
  readonly nodeId: string;
  /** The CSR sent: only a certificate issued for it is accepted. */
  readonly csrPem: string;
  /** Where the waits between polls are drawn. */
  readonly rng: Rng;
  /** Scheduler event kind of those waits. */
  readonly eventKind: string;
  /** Timeout of each NodeCertificateStatus call; a call that times out is polled again. None: wait. */
  readonly callTimeoutUs?: Duration;
}

/** The issued chain (PEM bundle, leaf first), or the error to report. */
export type PollOutcome = { readonly ok: true; readonly chainPem: string } | { readonly ok: false; readonly message: string };

/**
 * Polls NodeCertificateStatus until the certificate for `csrPem` is ISSUED
 * (the manager holds each answer until the state changes), waiting
 * `certificateStatusBackoff` between polls. An unreachable manager or a FAILED
 * issuance ends the wait; an answer for another CSR (the certificate issued
 * before this request) is polled again.
 *
 * @example
 * ```ts
 * pollCertificateStatus({ sim, conn, nodeId, csrPem, rng, eventKind: "join.poll" }, (r) => r.ok && keep(r.chainPem));
 * ```
 */
export function pollCertificateStatus(poll: StatusPoll, done: (outcome: PollOutcome) => void): void {
  const { sim, conn } = poll;
  const once = (failures: number) => {
    const request = encodeNodeCertificateStatusRequest({ nodeId: poll.nodeId });
    callWithTimeout(sim, conn, CaMethod.nodeCertificateStatus, request, poll.callTimeoutUs, (result) => {
      const retry = () => sim.scheduler.after(certificateStatusBackoff(failures + 1, poll.rng), poll.eventKind, () => once(failures + 1));
      if (!result.ok) return result.code === GrpcCode.unavailable ? done({ ok: false, message: callError(result) }) : retry();
      const status = decodeNodeCertificateStatusResponse(result.body);
      if (!status.ok || status.value.certificate === undefined) return retry();
      if (status.value.state === IssuanceState.failed) {
        conn.close();
        return done({ ok: false, message: status.value.err });
      }
      if (status.value.state !== IssuanceState.issued) return retry();
      if (decoder.decode(status.value.certificate.csr) !== poll.csrPem) return retry();
      conn.close();
      done({ ok: true, chainPem: decoder.decode(status.value.certificate.certificate) });
    });
  };
  once(0);
}

const decoder = new TextDecoder();

/** A chain the node may keep: its certificates as PEMs, what the leaf says, and the role it gives. */
export type CheckedChain =
  | { readonly ok: true; readonly chainPem: string[]; readonly leaf: CertInfo; readonly role: NodeRole }
  | { readonly ok: false; readonly message: string };

/**
 * Checks an issued chain before keeping it (swarmkit ValidateCertChain): every
 * certificate valid at `now`, each signed by the next, leading to one of
 * `rootsPem`; and the leaf names `nodeId` with a swarm role.
 *
 * @example
 * ```ts
 * const checked = checkIssuedChain(chainPem, identity.rootsPem, sim.now, identity.nodeId);
 * ```
 */
export function checkIssuedChain(chainPem: string, rootsPem: readonly string[], now: Instant, nodeId: string): CheckedChain {
  const valid = validateCertChain(chainPem, rootsPem, now);
  const leaf = readCertificate(splitPemBundle(chainPem)[0] ?? "");
  if (!valid.ok) return { ok: false, message: goVerifyError(valid.reason) };
  if (!leaf.ok || leaf.info.nodeId !== nodeId || leaf.info.role === undefined) {
    return { ok: false, message: "the CA returned an invalid certificate: wrong subject" };
  }
  return { ok: true, chainPem: splitPemBundle(chainPem), leaf: leaf.info, role: leaf.info.role };
}

/**
 * What Go's `x509.Certificate.Verify` says for a refused chain: swarmkit
 * returns its error as is (ca/certificates.go RequestAndSaveNewCertificates,
 * "Before we overwrite our local key + certificate, let's make sure the server
 * gave us one that is valid"), and the daemon prints it.
 */
function goVerifyError(reason: VerifyFailure): string {
  switch (reason) {
    case "expired":
    case "not-yet-valid":
      return "x509: certificate has expired or is not yet valid";
    case "unknown-authority":
    case "bad-signature":
    case "bad-chain":
      return "x509: certificate signed by unknown authority";
    default:
      return `x509: ${reason}`;
  }
}

/** One certificate request: IssueNodeCertificate, then the wait for the certificate. */
export interface CertificateRequest extends Omit<StatusPoll, "nodeId"> {
  /** The join token; empty on renewal (the CA knows the node by its certificate). */
  readonly token: string;
  /** api NodeSpec.Availability code. */
  readonly availability: number;
}

/** The node ID and issued chain, or the error to report. */
export type RequestOutcome =
  | { readonly ok: true; readonly nodeId: string; readonly chainPem: string }
  | { readonly ok: false; readonly message: string };

/**
 * Sends IssueNodeCertificate{CSR, token} and polls until the certificate for
 * that CSR is issued (swarmkit ca/certificates.go GetRemoteSignedCertificate).
 * The connection is closed when the request ends, either way.
 *
 * @example
 * ```ts
 * requestNodeCertificate({ sim, conn, csrPem, token, availability: 0, rng, eventKind: "join.poll" }, (r) => r.ok && keep(r));
 * ```
 */
export function requestNodeCertificate(request: CertificateRequest, done: (outcome: RequestOutcome) => void): void {
  const { sim, conn } = request;
  const body = encodeIssueNodeCertificateRequest({ csr: new TextEncoder().encode(request.csrPem), token: request.token, availability: request.availability });
  callWithTimeout(sim, conn, CaMethod.issueNodeCertificate, body, request.callTimeoutUs, (result) => {
    if (!result.ok) {
      conn.close();
      return done({ ok: false, message: callError(result) });
    }
    const response = decodeIssueNodeCertificateResponse(result.body);
    if (!response.ok) {
      conn.close();
      return done({ ok: false, message: `malformed IssueNodeCertificate response: ${response.reason}` });
    }
    const nodeId = response.value.nodeId;
    pollCertificateStatus({ ...request, nodeId }, (issued) => done(issued.ok ? { ok: true, nodeId, chainPem: issued.chainPem } : issued));
  });
}
