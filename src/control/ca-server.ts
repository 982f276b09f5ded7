/**
 * The CA server a manager runs on port 2377 (swarmkit ca/server.go): hands out
 * the root certificate, admits new nodes by join token, signs their CSRs, and
 * renews the certificates of nodes that call with a valid identity.
 */

import { type NodeRole, issueNodeCertificate, joinTokensEqual, newId } from "../pki/index.js";
import type { Rng, Simulation } from "../sim/index.js";
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
import type { ClusterState, StoredNode } from "./cluster-store.js";
import type { MethodHandler, Reply } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";

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

/** The CA service of the managers, over one shared cluster state. */
export class CaServer {
  /** NodeCertificateStatus calls waiting for a node's certificate to leave PENDING. */
  private readonly waiting = new Map<string, Array<() => void>>();

  constructor(
    private readonly sim: Simulation,
    private readonly state: ClusterState,
    /** Where new node IDs and certificate serials are drawn. */
    private readonly rng: Rng,
    /** The manager's name, for trace records. */
    private readonly node: string,
  ) {}

  /** The RPC methods this server answers, keyed by gRPC path. */
  methods(): Map<string, MethodHandler<TlsPeer | null>> {
    return new Map<string, MethodHandler<TlsPeer | null>>([
      [CaMethod.getRootCACertificate, (_peer, _body, reply) => reply.ok(encodeGetRootCACertificateResponse({ certificate: encoder.encode(this.state.root.certPem) }))],
      [CaMethod.issueNodeCertificate, (peer, body, reply) => this.issueNodeCertificate(peer, body, reply)],
      [CaMethod.nodeCertificateStatus, (_peer, body, reply) => this.nodeCertificateStatus(body, reply)],
    ]);
  }

  /** Creates the node object of the manager that ran `docker swarm init`, already issued. */
  addInitialManager(node: StoredNode): void {
    this.state.nodes.set(node.id, node);
  }

  private issueNodeCertificate(peer: TlsPeer | null, body: Uint8Array, reply: Reply): void {
    const request = decodeIssueNodeCertificateRequest(body);
    if (!request.ok) return this.refuse(reply, GrpcCode.invalidArgument, `malformed request: ${request.reason}`);
    const csrPem = decoder.decode(request.value.csr);
    // A caller with a valid identity of this cluster renews (ca/server.go: worker, then manager).
    const subject = peer?.verified
      ? { commonName: peer.commonName ?? "", organizationalUnits: peer.organizationalUnit === undefined ? [] : [peer.organizationalUnit], organizations: peer.organization === undefined ? [] : [peer.organization] }
      : undefined;
    const removed = new Set(this.state.removedNodes.keys());
    const renewing = authorizeOrgAndRole(subject, this.state.clusterId, removed, [WorkerOu, ManagerOu]);
    if (renewing.ok) {
      const node = this.state.nodes.get(renewing.nodeId);
      if (node === undefined) return this.refuse(reply, GrpcCode.notFound, `node ${renewing.nodeId} not found`);
      node.certificate = { role: node.role, csrPem, state: "renew", chainPem: node.certificate.chainPem, err: "" };
      this.scheduleSigning(node, true);
      return reply.ok(encodeIssueNodeCertificateResponse({ nodeId: node.id, membership: Membership.accepted }));
    }
    // Otherwise a new node: the token decides the role, compared in constant time, manager first.
    const role = this.roleOfToken(request.value.token);
    if (role === undefined) return this.refuse(reply, GrpcCode.invalidArgument, invalidJoinTokenError);
    const node: StoredNode = {
      id: newId(this.rng),
      role,
      hostname: "",
      addr: "",
      availability: request.value.availability === 2 ? "drain" : request.value.availability === 1 ? "pause" : "active",
      membership: "accepted",
      status: "ready",
      certificate: { role, csrPem, state: "pending", chainPem: "", err: "" },
      createdAt: this.sim.now,
    };
    this.state.nodes.set(node.id, node);
    this.sim.trace.record("ca.admit", { nodeId: node.id, role }, this.node);
    this.scheduleSigning(node, false);
    reply.ok(encodeIssueNodeCertificateResponse({ nodeId: node.id, membership: Membership.accepted }));
  }

  private roleOfToken(token: string): NodeRole | undefined {
    if (joinTokensEqual(this.state.tokens.manager, token)) return "manager";
    if (joinTokensEqual(this.state.tokens.worker, token)) return "worker";
    return undefined;
  }

  /** swarmkit signs pending certificates in the CA's own loop, after the store write; here, at the same instant. */
  private scheduleSigning(node: StoredNode, renewal: boolean): void {
    this.sim.scheduler.after(0 as never, "ca.sign", () => this.sign(node, renewal));
  }

  private sign(node: StoredNode, renewal: boolean): void {
    const result = issueNodeCertificate(this.state.signer, {
      csrPem: node.certificate.csrPem,
      nodeId: node.id,
      role: node.role,
      clusterId: this.state.clusterId,
      at: this.sim.now,
      expiry: this.state.certExpiry,
      rng: this.rng,
    });
    if (result.ok) {
      node.certificate = { ...node.certificate, role: node.role, state: "issued", chainPem: result.chainPem, err: "" };
    } else {
      node.certificate = { ...node.certificate, state: "failed", err: result.message };
    }
    this.sim.trace.record("ca.sign", { nodeId: node.id, role: node.role, ok: result.ok, renewal, ...(result.ok ? {} : { reason: result.reason }) }, this.node);
    const waiters = this.waiting.get(node.id) ?? [];
    this.waiting.delete(node.id);
    for (const wake of waiters) wake();
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
