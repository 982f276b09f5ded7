/**
 * One session's judgement of its peer's certificate, run from forge's
 * `verify` callback (tls.js verifyCertificateChain calls it for every
 * certificate of the chain, leaf first, with forge's own verdict at the
 * simulated date). It remembers the chain the peer sent and the first
 * problem found, so the failure can say why.
 */

import type forge from "node-forge";
import { type Instant, dateAt } from "../sim/index.js";
import { alertOfReason } from "./failure.js";
import type { ForgeVerified } from "./forge-api.js";
import { type TlsPeer, peerFromChain } from "./identity.js";
import type { PeerAuth } from "./session-types.js";
import type { TrustStore } from "./trust-store.js";
import { type CertificateProblem, classifyChainError, serverNameProblem } from "./verify.js";

/** @internal The peer check of one session. */
export class PeerCheck {
  /** The chain the peer sent, as forge parsed it (undefined: none yet, or an empty Certificate). */
  chain: forge.pki.Certificate[] | undefined;
  /** The first reason the chain was refused. */
  problem: CertificateProblem | undefined;

  constructor(
    private readonly peerAuth: PeerAuth,
    private readonly trust: TrustStore,
    private readonly serverName: string | undefined,
    private readonly clock: () => Instant,
  ) {}

  /** forge's `verify` callback: true to accept the certificate at `depth`, else the alert to refuse it with. */
  verify(verified: ForgeVerified, depth: number, certs: forge.pki.Certificate[]): ForgeVerified {
    this.chain = certs;
    if (this.peerAuth === "none") return true; // a client that does not verify (the join flow's first call)
    if (verified !== true) {
      return this.refuse(classifyChainError(verified as string | number, certs, depth, this.trust, dateAt(this.clock())));
    }
    if (depth === certs.length - 1) {
      const now = dateAt(this.clock());
      // forge checks the validity of the certificates sent, not of the trusted root it found.
      if (!this.trust.signedByValidRoot(certs[depth]!, now)) {
        const detail = `certificate signed by unknown authority (possibly because of "x509: certificate has expired or is not yet valid" while trying to verify candidate authority certificate "swarm-ca")`;
        return this.refuse({ reason: "unknown-ca", detail });
      }
    }
    if (depth === 0 && this.serverName !== undefined) {
      const problem = serverNameProblem(certs[0]!, this.serverName);
      if (problem !== undefined) return this.refuse(problem);
    }
    return true;
  }

  /** The peer a full handshake established: null if it sent no certificate. */
  peer(): TlsPeer | null {
    return this.chain === undefined || this.chain.length === 0 ? null : peerFromChain(this.chain, this.peerAuth !== "none");
  }

  /** Refuses the chain: forge then sends the alert named here and fails with our words. */
  private refuse(problem: CertificateProblem): ForgeVerified {
    this.problem ??= problem;
    return { alert: alertOfReason(problem.reason), message: problem.detail };
  }
}
