/**
 * The CA server a manager runs on port 2377 (swarmkit ca/server.go): hands out
 * the root certificate, admits new nodes by join token, signs their CSRs, and
 * renews the certificates of nodes that call with a valid identity.
 */

import { type NodeRole, issueNodeCertificate, joinTokensEqual, newId } from "../pki/index.js";
import type { Instant, Rng, Simulation } from "../sim/index.js";
import type { TlsPeer } from "../tls/index.js";
import { ManagerOu, WorkerOu, authorizeOrgAndRole } from "./authorize.js";
import {
  CaMethod,
  IssuanceState,
  Membership,
  NodeRoleCode,
  decodeIssueNodeCertificateRequest,
  decodeNodeCertificateStatusRequest,
  encodeGetRootCACertificateResponse,
  encodeIssueNodeCertificateResponse,
  encodeNodeCertificateStatusResponse,
} from "./ca-messages.js";
import { callerOf } from "./caller.js";
import type { ClusterState, StoredNode } from "./cluster-store.js";
import type { MethodHandler, Reply } from "./rpc.js";
import { type ForwardedFor, GrpcCode } from "./rpc-frame.js";
import type { ClusterStore, Proposer } from "./store.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The CA admitted a new node by its join token. */
    "ca.admit": { nodeId: string; role: string };
    /** The CA refused a certificate request, and why. */
    "ca.refuse": { reason: string };
    /** The CA signed (or failed to sign) a node's certificate. */
    "ca.sign": { nodeId: string; role: string; ok: boolean; renewal: boolean; reason?: string };
  }
}

/** swarmkit ca/server.go: the message for a join token that matches neither role. */
export const invalidJoinTokenError = "A valid join token is necessary to join this cluster";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The CA service of the leader (followers forward its calls), over the
 * replicated cluster store: every change it makes is a raft proposal, and a
 * call is answered once its change committed.
 */
export class CaServer {
  /** NodeCertificateStatus calls waiting for a node's certificate to leave PENDING. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    /** The leader's raft member, through which it writes. */
    private readonly proposer: Proposer,
    /** Where new node IDs and certificate serials are drawn. */
    private readonly rng: Rng,
    /** The manager's name, for trace records. */
    private readonly node: string,
    /** The manager's clock: certificates are issued at what it reads (a skewed clock skews them). */
    private readonly clock: () => Instant = () => sim.now,
  ) {
    store.on("change", this.onChange);
  }

  private readonly onChange = () => this.wake();

  /** Stops following the store (the manager stops). */
  stop(): void {
    this.store.off("change", this.onChange);
    this.waiting.clear();
  }

  private get state(): ClusterState {
    return this.store.state;
  }

  /** The RPC methods this server answers, keyed by gRPC path. */
  methods(): Map<string, MethodHandler<TlsPeer | null>> {
    return new Map<string, MethodHandler<TlsPeer | null>>([
      [CaMethod.getRootCACertificate, (_peer, _body, reply) => reply.ok(encodeGetRootCACertificateResponse({ certificate: encoder.encode(this.state.root.certPem) }))],
      [CaMethod.issueNodeCertificate, (peer, body, reply, forwarded) => this.issueNodeCertificate(peer, forwarded, body, reply)],
      [CaMethod.nodeCertificateStatus, (_peer, body, reply) => this.nodeCertificateStatus(body, reply)],
    ]);
  }

  /**
   * Signs what a previous leader left unsigned (ca/server.go Run: on start the
   * CA reconciles every node whose certificate is pending or being renewed).
   */
  signPending(): void {
    for (const node of this.state.nodes.values()) {
      if (node.certificate.state === "pending" || node.certificate.state === "renew") this.scheduleSigning(node.id, node.certificate.state === "renew");
    }
  }

  private issueNodeCertificate(peer: TlsPeer | null, forwarded: ForwardedFor | undefined, body: Uint8Array, reply: Reply): void {
    const request = decodeIssueNodeCertificateRequest(body);
    if (!request.ok) return this.refuse(reply, GrpcCode.invalidArgument, `malformed request: ${request.reason}`);
    const csrPem = decoder.decode(request.value.csr);
    // A caller with a valid identity of this cluster renews (ca/server.go: worker, then manager).
    const subject = callerOf(peer, forwarded, this.state.clusterId);
    const removed = new Set(this.state.removedNodes.keys());
    const renewing = authorizeOrgAndRole(subject, this.state.clusterId, removed, [WorkerOu, ManagerOu]);
    if (renewing.ok) {
      const node = this.state.nodes.get(renewing.nodeId);
      if (node === undefined) return this.refuse(reply, GrpcCode.notFound, `node ${renewing.nodeId} not found`);
      const certificate = { role: node.role, csrPem, state: "renew" as const, chainPem: node.certificate.chainPem, err: "" };
      return this.store.update(this.proposer, [{ kind: "update-node", node: { ...node, certificate } }], (result) => {
        if (!result.ok) return reply.error(GrpcCode.unavailable, result.reason);
        this.scheduleSigning(node.id, true);
        reply.ok(encodeIssueNodeCertificateResponse({ nodeId: node.id, membership: Membership.accepted }));
      });
    }
    // Otherwise a new node: the token decides the role, compared in constant time, manager first.
    const role = this.roleOfToken(request.value.token);
    if (role === undefined) return this.refuse(reply, GrpcCode.invalidArgument, invalidJoinTokenError);
    const node: StoredNode = {
      id: newId(this.rng),
      role,
      desiredRole: role,
      hostname: "",
      addr: "",
      availability: request.value.availability === 2 ? "drain" : request.value.availability === 1 ? "pause" : "active",
      membership: "accepted",
      status: "unknown",
      statusMessage: "",
      certificate: { role, csrPem, state: "pending", chainPem: "", err: "" },
      createdAt: this.sim.now,
    };
    this.store.update(this.proposer, [{ kind: "create-node", node }], (result) => {
      if (!result.ok) return reply.error(GrpcCode.unavailable, result.reason);
      this.sim.trace.record("ca.admit", { nodeId: node.id, role }, this.node);
      this.scheduleSigning(node.id, false);
      reply.ok(encodeIssueNodeCertificateResponse({ nodeId: node.id, membership: Membership.accepted }));
    });
  }

  private roleOfToken(token: string): NodeRole | undefined {
    if (joinTokensEqual(this.state.tokens.manager, token)) return "manager";
    if (joinTokensEqual(this.state.tokens.worker, token)) return "worker";
    return undefined;
  }

  /** swarmkit signs pending certificates in the CA's own loop, after the store write; here, at the same instant. */
  private scheduleSigning(nodeId: string, renewal: boolean): void {
    this.sim.scheduler.after(0 as never, "ca.sign", () => this.sign(nodeId, renewal));
  }

  private sign(nodeId: string, renewal: boolean): void {
    const node = this.state.nodes.get(nodeId);
    if (node === undefined || (node.certificate.state !== "pending" && node.certificate.state !== "renew")) return;
    const result = issueNodeCertificate(this.state.signer, {
      csrPem: node.certificate.csrPem,
      nodeId: node.id,
      role: node.role,
      clusterId: this.state.clusterId,
      at: this.clock(),
      expiry: this.state.certExpiry,
      rng: this.rng,
    });
    const certificate = result.ok
      ? { ...node.certificate, role: node.role, state: "issued" as const, chainPem: result.chainPem, err: "" }
      : { ...node.certificate, state: "failed" as const, err: result.message };
    this.sim.trace.record("ca.sign", { nodeId: node.id, role: node.role, ok: result.ok, renewal, ...(result.ok ? {} : { reason: result.reason }) }, this.node);
    this.store.update(this.proposer, [{ kind: "update-node", node: { ...node, certificate } }]);
  }

  /** A change committed: status calls waiting on a node whose certificate is now issued or failed get their answer. */
  private wake(): void {
    for (const [nodeId, waiters] of [...this.waiting]) {
      const state = this.state.nodes.get(nodeId)?.certificate.state;
      if (state !== "issued" && state !== "failed" && state !== undefined) continue;
      this.waiting.delete(nodeId);
      for (const answer of waiters) answer();
    }
  }

  private nodeCertificateStatus(body: Uint8Array, reply: Reply): void {
    const request = decodeNodeCertificateStatusRequest(body);
    if (!request.ok) return this.refuse(reply, GrpcCode.invalidArgument, `malformed request: ${request.reason}`);
    const answer = () => {
      const node = this.state.nodes.get(request.value.nodeId);
      if (node === undefined) return reply.error(GrpcCode.notFound, `node ${request.value.nodeId} not found`);
      const c = node.certificate;
      if (c.state !== "issued" && c.state !== "failed") {
        // ca/server.go NodeCertificateStatus: wait for the certificate to be issued or to fail.
        const list = this.waiting.get(node.id) ?? [];
        list.push(answer);
        this.waiting.set(node.id, list);
        return;
      }
      const state = c.state === "issued" ? IssuanceState.issued : IssuanceState.failed;
      reply.ok(
        encodeNodeCertificateStatusResponse({
          state,
          err: c.err,
          certificate: { role: NodeRoleCode[c.role], csr: encoder.encode(c.csrPem), state, err: c.err, certificate: encoder.encode(c.chainPem), cn: node.id },
        }),
      );
    };
    answer();
  }

  private refuse(reply: Reply, code: number, message: string): void {
    this.sim.trace.record("ca.refuse", { reason: message }, this.node);
    reply.error(code, message);
  }
}
