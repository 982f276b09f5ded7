/**
 * `docker swarm join`: how a node gets its first certificate (swarmkit
 * node/node.go and ca/certificates.go).
 *
 * 1. Parse the token. 2. Fetch the root CA without verifying the manager, and
 * pin it: its SHA-256 must be the token's digest. 3. Make a key and a CSR.
 * 4. IssueNodeCertificate{CSR, token} over TLS that verifies the manager
 * against the pinned root; the manager answers with the new node ID. 5. Poll
 * NodeCertificateStatus until the certificate is issued, check it, keep it.
 */

import {
  caDigest,
  certRetryIntervalUs,
  createCsr,
  createRsaKey,
  parseJoinToken,
  rootCaDownloadAttempts,
} from "../pki/index.js";
import type { Ipv4Address } from "../net/index.js";
import { TrustStore } from "../tls/index.js";
import { Availability, CaMethod, decodeGetRootCACertificateResponse } from "./ca-messages.js";
import { callError, checkIssuedChain, requestNodeCertificate } from "./certificate-request.js";
import { type ControlContext, dialControlPlane, nodeTime } from "./endpoint.js";
import type { NodeIdentity } from "./identity.js";
import { GrpcCode } from "./rpc-frame.js";

/** What a join needs. */
export interface JoinRequest {
  readonly token: string;
  readonly managerAddr: Ipv4Address;
  /** RSA modulus size of the node's key. */
  readonly rsaBits: number;
  readonly availability: "active" | "pause" | "drain";
}

/** The node's identity, or the daemon's error message. */
export type JoinOutcome = { readonly ok: true; readonly identity: NodeIdentity } | { readonly ok: false; readonly message: string };

/** The name swarmkit's node certificates carry for the CA (managers' SANs include it). */
const caServerName = "swarm-ca";
const decoder = new TextDecoder();

/** Runs a join; `done` is called once, from a scheduled event or at once for a malformed token. */
export function joinSwarm(context: ControlContext, request: JoinRequest, done: (outcome: JoinOutcome) => void): void {
  const token = parseJoinToken(request.token);
  if (!token.ok) return done({ ok: false, message: token.reason });
  const digestHex = token.digestHex;
  let connections = 0;
  const dial = (options: Parameters<typeof dialControlPlane>[1]) => dialControlPlane(context, options, `join-${++connections}`);

  // 2. The root CA, fetched without verification, pinned by digest; retried on connection errors.
  const fetchRoot = (attempt: number) => {
    const conn = dial({ address: request.managerAddr, trust: TrustStore.empty, peerAuth: "none" });
    conn.call(CaMethod.getRootCACertificate, new Uint8Array(0), (result) => {
      conn.close();
      if (!result.ok) {
        if (result.code === GrpcCode.unavailable && attempt < rootCaDownloadAttempts) {
          context.sim.scheduler.after(certRetryIntervalUs, "join.retry", () => fetchRoot(attempt + 1));
          return;
        }
        return done({ ok: false, message: callError(result) });
      }
      const response = decodeGetRootCACertificateResponse(result.body);
      const rootPem = response.ok ? decoder.decode(response.value.certificate) : "";
      if (!response.ok || caDigest(rootPem) !== digestHex) {
        return done({ ok: false, message: `remote CA does not match fingerprint. Expected: ${digestHex}` });
      }
      requestCertificate(rootPem);
    });
  };

  // 3-4. A key, a CSR, and the request, verifying the manager against the pinned root.
  const requestCertificate = (rootPem: string) => {
    const key = createRsaKey(context.rng, "node-key", { bits: request.rsaBits, cache: context.keyCache });
    const csrPem = createCsr(key);
    const trust = new TrustStore([rootPem]);
    const conn = dial({ address: request.managerAddr, trust, peerAuth: "require", serverName: caServerName });
    // 4-5. IssueNodeCertificate with the token, then wait until ISSUED; check the chain and keep it.
    const issue = { sim: context.sim, conn, csrPem, token: request.token, availability: Availability[request.availability], rng: context.rng, eventKind: "join.poll" };
    requestNodeCertificate(issue, (issued) => {
      if (!issued.ok) return done({ ok: false, message: issued.message });
      const checked = checkIssuedChain(issued.chainPem, [rootPem], nodeTime(context), issued.nodeId);
      if (!checked.ok) return done({ ok: false, message: checked.message });
      done({
        ok: true,
        identity: {
          nodeId: issued.nodeId,
          role: checked.role,
          clusterId: checked.leaf.clusterId,
          chainPem: checked.chainPem,
          key,
          rootsPem: [rootPem],
          managerAddr: request.managerAddr,
        },
      });
    });
  };

  fetchRoot(1);
}
