/**
 * A manager's control-plane services: the cluster state (created by
 * `docker swarm init`), the CA server over it, the listener on port 2377, and
 * the root CA rotation it drives.
 */

import {
  type NodeRole,
  createCsr,
  createRootCa,
  createRsaKey,
  generateJoinToken,
  issueNodeCertificate,
  newId,
  nodeCertDefaultExpiryUs,
  rootSigner,
  splitPemBundle,
} from "../pki/index.js";
import type { Rng } from "../sim/index.js";
import { TrustStore } from "../tls/index.js";
import { RootRotationReconciler, startRootRotation, trustedRootsPem } from "./ca-rotation.js";
import { CaServer } from "./ca-server.js";
import type { ClusterState } from "./cluster-store.js";
import { type ControlContext, serveControlPlane } from "./endpoint.js";
import { type NodeIdentity, tlsIdentityOf } from "./identity.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** `docker swarm init` created a cluster: its ID and root CA digest. */
    "swarm.init": { clusterId: string; nodeId: string; caDigest: string };
    /** A join token was rotated. */
    "swarm.token-rotated": { role: string };
  }
}

/** What `docker swarm init` is given. */
export interface InitOptions {
  readonly rsaBits: number;
  /** `--cert-expiry` (default 90 days). */
  readonly certExpiry?: number;
  /** The node's hostname, recorded on its node object. */
  readonly hostname: string;
}

/** The services one manager runs. */
export class ManagerServices {
  readonly caServer: CaServer;
  private readonly listener: { stop(): void };
  /** The control API's own random draws (join token rotation). */
  private readonly controlRng: Rng;
  /** Drives a root rotation started here to its end (the leader's, in swarmkit). */
  private readonly reconciler: RootRotationReconciler;
  /** The trust store of the current roots, kept while they stay the same. */
  private trust: { readonly rootsPem: string; readonly store: TrustStore } | undefined;

  constructor(
    readonly context: ControlContext,
    /** The shared (raft-replicated) cluster state. */
    readonly state: ClusterState,
    /** The manager's own identity, presented on every connection it accepts. */
    private identity: () => NodeIdentity,
  ) {
    this.caServer = new CaServer(context.sim, state, context.rng.fork("ca"), context.node);
    this.controlRng = context.rng.fork("controlapi");
    this.reconciler = new RootRotationReconciler(state, { sim: context.sim, rng: context.rng.fork("ca-rotation"), node: context.node });
    this.listener = serveControlPlane(context, () => ({ identity: tlsIdentityOf(this.identity()), trust: this.currentTrust() }), this.caServer.methods());
  }

  /** The roots a caller's certificate may lead to: the cluster's root (ca/server.go UpdateRootCA). */
  private currentTrust(): TrustStore {
    const roots = trustedRootsPem(this.state);
    if (this.trust?.rootsPem !== roots.join("")) this.trust = { rootsPem: roots.join(""), store: new TrustStore(roots) };
    return this.trust.store;
  }

  /**
   * `docker swarm ca --rotate`: a new root, cross-signed by the current one,
   * that the CA signs with from now on; the reconciler then has every node
   * renew before the new root replaces the old one.
   */
  rotateRootCa(rsaBits: number): void {
    const { sim, node, keyCache } = this.context;
    startRootRotation(this.state, { sim, rng: this.context.rng.fork("ca-rotation"), rsaBits, node, ...(keyCache === undefined ? {} : { keyCache }) });
    this.reconciler.start();
  }

  /**
   * `docker swarm join-token --rotate ROLE`: a new secret under the same digest;
   * the old token stops working at once, joined nodes are unaffected.
   */
  rotateJoinToken(role: NodeRole): string {
    const token = generateJoinToken(this.state.root.digestHex, this.controlRng);
    this.state.tokens[role] = token;
    this.context.sim.trace.record("swarm.token-rotated", { role }, this.context.node);
    return token;
  }

  /** Stops serving (the node left the swarm or crashed). */
  stop(): void {
    this.listener.stop();
    this.reconciler.stop();
  }
}

/**
 * Creates a cluster on this node (swarmkit manager bootstrap): the root CA,
 * the cluster ID, both join tokens, and the node's own manager certificate,
 * signed locally.
 */
export function initCluster(context: ControlContext, options: InitOptions): { state: ClusterState; identity: NodeIdentity } {
  const { sim, rng } = context;
  const ids = rng.fork("ids");
  const root = createRootCa(rng.fork("root-ca-1"), sim.now, { bits: options.rsaBits, cache: context.keyCache });
  const clusterId = newId(ids);
  const nodeId = newId(ids);
  const tokens = rng.fork("join-tokens");
  const state: ClusterState = {
    clusterId,
    root,
    signer: rootSigner(root),
    tokens: { worker: generateJoinToken(root.digestHex, tokens), manager: generateJoinToken(root.digestHex, tokens) },
    certExpiry: (options.certExpiry ?? nodeCertDefaultExpiryUs) as never,
    rootRotation: undefined,
    forceRotate: 0,
    nodes: new Map(),
    removedNodes: new Map(),
    sessions: new Map(),
  };
  const key = createRsaKey(rng, "node-key-1", { bits: options.rsaBits, cache: context.keyCache });
  const csrPem = createCsr(key);
  const role: NodeRole = "manager";
  const issued = issueNodeCertificate(state.signer, { csrPem, nodeId, role, clusterId, at: sim.now, expiry: state.certExpiry, rng: rng.fork("ca") });
  if (!issued.ok) throw new Error(`swarm init could not sign its own certificate: ${issued.message}`);
  state.nodes.set(nodeId, {
    id: nodeId,
    role,
    hostname: options.hostname,
    addr: context.host.ip,
    availability: "active",
    membership: "accepted",
    status: "ready",
    certificate: { role, csrPem, state: "issued", chainPem: issued.chainPem, err: "" },
    createdAt: sim.now,
  });
  sim.trace.record("swarm.init", { clusterId, nodeId, caDigest: root.digestHex }, context.node);
  const identity: NodeIdentity = {
    nodeId,
    role,
    clusterId,
    chainPem: splitPemBundle(issued.chainPem),
    key,
    rootsPem: [root.certPem],
    managerAddr: context.host.ip,
  };
  return { state, identity };
}
