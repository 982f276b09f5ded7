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
import { EventEmitter } from "eventemitter3";
import type { Ipv4Address } from "../net/index.js";
import { type Duration, type EventHandle, type Instant, type Rng, seconds } from "../sim/index.js";
import { type TlsIdentity, type TlsPeer, TrustStore } from "../tls/index.js";
import { CaMethod } from "./ca-messages.js";
import { rootRotationStart, trustedRootsPem } from "./ca-rotation.js";
import { CaServer } from "./ca-server.js";
import type { ClusterState, StoredNetwork } from "./cluster-store.js";
import { defaultAddressPool, defaultSubnetPrefixLength, gatewayOf, nextFreeSubnet, parseSubnet, subnetText, vxlanIdStart } from "./network-allocation.js";
import type { Dispatcher } from "./dispatcher.js";
import { DispatcherMethod } from "./dispatcher-messages.js";
import { DispatcherTaskMethod, ResourceAllocatorMethod } from "./assignment-messages.js";
import { type ControlContext, dialControlPlane, nodeTime, serveControlPlane } from "./endpoint.js";
import { Forwarder } from "./forward.js";
import { type NodeIdentity, contextFor, tlsIdentityOf } from "./identity.js";
import type { KeyManager } from "./keymanager.js";
import type { TaskOrchestration } from "./orchestration.js";
import { LeaderServices } from "./leader.js";
import { type PersistentState, raftMethod, raftRequestTimeoutUs } from "./raft/index.js";
import { RaftMember, addressOfMember } from "./raft-member.js";
import { decodeJoinResponse, encodeJoinRequest, joinHandler, raftJoinMethod } from "./raft-membership.js";
import type { MethodHandler } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";
import { storeEntryCodec } from "./store-codec.js";
import { ClusterStore, type ProposalResult, type Proposer, noLeaderReason } from "./store.js";

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

/** How a manager's raft member starts. */
export type RaftStart =
  /** The first manager (`swarm init`): alone, it elects itself. */
  | { readonly kind: "bootstrap"; readonly raftId: number }
  /** A new manager (joined or promoted): asks the leader to add it. */
  | { readonly kind: "join" }
  /** A manager restarting after a crash, from what its WAL kept. */
  | { readonly kind: "restore"; readonly raftId: number; readonly state: PersistentState };

/** What a manager runs with. */
export interface ManagerOptions {
  readonly context: ControlContext;
  /** The swarm's replicated store. */
  readonly store: ClusterStore;
  /** The manager's own identity, presented on every connection it accepts and makes. */
  readonly identity: () => NodeIdentity;
  readonly raft: RaftStart;
  /** RSA modulus size of new root keys. */
  readonly rsaBits: number;
  /** The key manager's rotation interval; default 12 h. */
  readonly keyRotationUs?: Duration;
  /**
   * Where a new manager asks to join raft (node.go runManager: the join
   * address, else a manager from the node's remotes other than itself);
   * default: the manager the node joined through.
   */
  readonly joinAddress?: () => Ipv4Address;
  /** Raft told this manager it was removed from the cluster (swarmkit ErrMemberRemoved: the manager's Run ends). */
  readonly onRemoved?: () => void;
}

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** This manager became the leader, or stopped being it. */
    "manager.leadership": { leader: boolean; term: number };
  }
}

/**
 * The services one manager runs. Every manager serves port 2377 and runs a
 * raft member; only the leader runs the CA signer, the dispatcher, the key
 * manager, the role manager and the root rotation reconciler, and followers
 * forward those calls to it.
 */
export class ManagerServices extends EventEmitter<{ leadership: [leader: boolean] }> {
  readonly caServer: CaServer;
  raft: RaftMember | undefined;
  private readonly listener: { stop(): void };
  private readonly forwarder: Forwarder;
  /** The control API's own random draws (join token rotation). */
  private readonly controlRng: Rng;
  /** Where the raft IDs of managers this one admits (as leader) are drawn. */
  private readonly raftIds: Rng;
  private leaderRun: LeaderServices | undefined;
  private joinTimer: EventHandle | undefined;
  private joinAttempts = 0;
  private stopped = false;
  /** Waiting for the manager to serve (`serving`). */
  private servingWaiters: Array<() => void> = [];
  /** Its raft member has known a leader. */
  private leaderSeen = false;
  /** The trust store of the current roots, kept while they stay the same. */
  private trust: { readonly rootsPem: string; readonly store: TrustStore } | undefined;

  constructor(private readonly options: ManagerOptions) {
    super();
    const { context, store } = options;
    this.controlRng = context.rng.fork("controlapi");
    this.raftIds = context.rng.fork("raft-ids");
    this.caServer = new CaServer(context.sim, store, this.proposer, context.rng.fork("ca"), context.node, () => nodeTime(context));
    this.forwarder = new Forwarder({
      context: () => contextFor(context, options.identity()),
      tls: () => this.tls(),
      leaderAddress: () => (this.raft === undefined || this.raft.leaderId === 0 ? undefined : this.raft.addressOf(this.raft.leaderId)),
      clusterId: () => store.state.clusterId,
    });
    this.listener = serveControlPlane(context, () => this.tls(), this.methods());
    this.startRaft(options.raft);
  }

  get store(): ClusterStore {
    return this.options.store;
  }

  get state(): ClusterState {
    return this.options.store.state;
  }

  /** Whether this manager is the leader now. */
  get isLeader(): boolean {
    return this.raft?.isLeader === true;
  }

  /** What the leader's changes are proposed through. */
  readonly proposer: Proposer = {
    propose: (data, done) => (this.raft === undefined ? done({ ok: false, reason: noLeaderReason }) : this.raft.propose(data, done)),
  };

  /** The dispatcher, while leader. */
  get dispatcher(): Dispatcher | undefined {
    return this.leaderRun?.dispatcher;
  }

  /** The key manager, while leader. */
  get keyManager(): KeyManager | undefined {
    return this.leaderRun?.keyManager;
  }

  /** The orchestration of services and tasks, while leader. */
  get orchestration(): TaskOrchestration | undefined {
    return this.leaderRun?.orchestration;
  }

  /**
   * Its local API serves: manager.go Run marks ControlAPI SERVING once raft's
   * JoinAndStart returned, and the local proxies then wait for a leader
   * (raft.go LeaderConn polls each second); here both, as one step: the raft
   * member runs and has known a leader.
   */
  get serving(): boolean {
    return this.raft !== undefined && this.leaderSeen && !this.stopped;
  }

  /** Calls `ready` once the manager serves; never if it stops first. */
  whenServing(ready: () => void): void {
    if (this.serving) return ready();
    if (!this.stopped) this.servingWaiters.push(ready);
  }

  /**
   * The methods served to this manager's own agent, in-process; none until
   * its raft member runs. manager.go Run marks the local ControlAPI SERVING
   * only after raft's JoinAndStart, and node.go initManagerConnection hands
   * the agent its local connection only then: until a new manager is in
   * raft, its agent keeps using the remote managers.
   */
  localMethods(): ReadonlyMap<string, MethodHandler<TlsPeer | null>> | undefined {
    return this.serving ? this.methods() : undefined;
  }

  private tls(): { identity: TlsIdentity; trust: TrustStore } {
    return { identity: tlsIdentityOf(this.options.identity()), trust: this.currentTrust() };
  }

  /** The roots a caller's certificate may lead to: the cluster's root (ca/server.go UpdateRootCA). */
  private currentTrust(): TrustStore {
    const roots = trustedRootsPem(this.state);
    if (this.trust?.rootsPem !== roots.join("")) this.trust = { rootsPem: roots.join(""), store: new TrustStore(roots) };
    return this.trust.store;
  }

  private methods(): Map<string, MethodHandler<TlsPeer | null>> {
    const ca = this.caServer.methods();
    const leaderOnly = (method: string, onLeader: () => MethodHandler<TlsPeer | null> | undefined): [string, MethodHandler<TlsPeer | null>] => [
      method,
      (peer, body, reply, forwarded, remoteAddress) => {
        const handler = this.isLeader ? onLeader() : undefined;
        if (handler !== undefined) return handler(peer, body, reply, forwarded, remoteAddress);
        this.forwarder.forward(method, { peer, forwarded, remoteAddress }, body, reply);
      },
    ];
    return new Map<string, MethodHandler<TlsPeer | null>>([
      leaderOnly(CaMethod.getRootCACertificate, () => ca.get(CaMethod.getRootCACertificate)),
      leaderOnly(CaMethod.issueNodeCertificate, () => ca.get(CaMethod.issueNodeCertificate)),
      leaderOnly(CaMethod.nodeCertificateStatus, () => ca.get(CaMethod.nodeCertificateStatus)),
      leaderOnly(DispatcherMethod.session, () => this.leaderRun?.dispatcherMethods.get(DispatcherMethod.session)),
      leaderOnly(DispatcherMethod.heartbeat, () => this.leaderRun?.dispatcherMethods.get(DispatcherMethod.heartbeat)),
      leaderOnly(DispatcherTaskMethod.assignments, () => this.leaderRun?.methods.get(DispatcherTaskMethod.assignments)),
      leaderOnly(DispatcherTaskMethod.updateTaskStatus, () => this.leaderRun?.methods.get(DispatcherTaskMethod.updateTaskStatus)),
      leaderOnly(ResourceAllocatorMethod.attachNetwork, () => this.leaderRun?.methods.get(ResourceAllocatorMethod.attachNetwork)),
      leaderOnly(ResourceAllocatorMethod.detachNetwork, () => this.leaderRun?.methods.get(ResourceAllocatorMethod.detachNetwork)),
      leaderOnly(raftJoinMethod, () => joinHandler(this.store, () => this.raft, this.raftIds)),
      [raftMethod, (peer, body, reply, forwarded, remote) => (this.raft === undefined ? reply.error(GrpcCode.unavailable, "raft: not started") : this.raft.methods().get(raftMethod)!(peer, body, reply, forwarded, remote))],
    ]);
  }

  private startRaft(start: RaftStart): void {
    if (start.kind === "join") return this.joinRaft();
    const raftId = start.raftId;
    this.runRaft(raftId, start.kind === "restore" ? start.state : undefined);
  }

  private runRaft(raftId: number, restore: PersistentState | undefined): RaftMember {
    const member = new RaftMember({
      context: this.options.context,
      dialContext: () => contextFor(this.options.context, this.options.identity()),
      store: this.store,
      raftId,
      voters: this.store.bootstrapVoters,
      ...(restore === undefined ? {} : { restore }),
      tls: () => this.tls(),
    });
    this.raft = member;
    member.on("leadership", (leader) => this.followLeadership(leader));
    member.once("leaderKnown", () => {
      this.leaderSeen = true;
      for (const ready of this.servingWaiters.splice(0)) ready();
    });
    member.on("removed", () => {
      if (!this.stopped) this.options.onRemoved?.();
    });
    member.start();
    return member;
  }

  /**
   * Asks the leader (through a manager it knows) to add it to raft; a call
   * not answered within raft's request timeout (25 s) fails, and it tries
   * again 2 s after any failure until it is in (swarmkit fails the manager
   * and the daemon restarts the node, which draws a manager again).
   */
  private joinRaft(): void {
    if (this.stopped) return;
    const { sim } = this.options.context;
    const identity = this.options.identity();
    const connection = dialControlPlane(
      contextFor(this.options.context, identity),
      { address: this.options.joinAddress?.() ?? identity.managerAddr, identity: tlsIdentityOf(identity), trust: this.currentTrust(), peerAuth: "require", serverName: "swarm-manager" },
      `raft-join-${++this.joinAttempts}`,
    );
    const deadline = sim.scheduler.after(raftRequestTimeoutUs, "raft.join-deadline", () => connection.close());
    connection.call(raftJoinMethod, encodeJoinRequest({ addr: `${this.options.context.host.ip}:2377` }), (result) => {
      sim.scheduler.cancel(deadline);
      connection.close();
      if (this.stopped || this.raft !== undefined) return;
      const response = result.ok ? decodeJoinResponse(result.body) : undefined;
      if (response?.ok === true) {
        this.runRaft(response.value.raftId, undefined).learn(...response.value.members);
        return;
      }
      this.joinTimer = this.options.context.sim.scheduler.after(seconds(2), "raft.join-retry", () => this.joinRaft());
    });
  }

  private followLeadership(leader: boolean): void {
    const { sim, node } = this.options.context;
    sim.trace.record("manager.leadership", { leader, term: this.raft?.term ?? 0 }, node);
    if (leader && this.raft !== undefined) {
      this.leaderRun = new LeaderServices(this.options, this.raft, this.caServer);
    } else {
      this.leaderRun?.stop();
      this.leaderRun = undefined;
    }
    this.emit("leadership", leader);
  }

  /**
   * `docker swarm ca --rotate`: a new root, cross-signed by the current one,
   * that the CA signs with from now on; the reconciler then has every node
   * renew before the new root replaces the old one.
   */
  rotateRootCa(rsaBits: number, done: (result: ProposalResult) => void): void {
    const { sim, node, keyCache } = this.options.context;
    const changes = rootRotationStart(this.state, { sim, rng: this.options.context.rng.fork("ca-rotation"), rsaBits, node, ...(keyCache === undefined ? {} : { keyCache }) });
    this.store.update(this.proposer, [{ kind: "update-cluster", changes }], (result) => {
      if (result.ok) this.leaderRun?.reconciler.start();
      done(result);
    });
  }

  /**
   * `docker swarm join-token --rotate ROLE`: a new secret under the same digest;
   * the old token stops working at once, joined nodes are unaffected.
   */
  rotateJoinToken(role: NodeRole, done: (result: ProposalResult, token: string) => void): void {
    const token = generateJoinToken(this.state.root.digestHex, this.controlRng);
    const tokens = { ...this.state.tokens, [role]: token };
    this.store.update(this.proposer, [{ kind: "update-cluster", changes: { tokens } }], (result) => {
      if (result.ok) this.options.context.sim.trace.record("swarm.token-rotated", { role }, this.options.context.node);
      done(result, token);
    });
  }

  /** What a WAL keeps, for a restart after a crash. */
  persistent(): { raftId: number; state: PersistentState } | undefined {
    return this.raft === undefined ? undefined : { raftId: this.raft.raftId, state: this.raft.persistent() };
  }

  /** Stops serving (the node left the swarm, crashed, or was demoted). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.servingWaiters = [];
    if (this.joinTimer !== undefined) this.options.context.sim.scheduler.cancel(this.joinTimer);
    this.listener.stop();
    this.forwarder.stop();
    this.caServer.stop();
    this.raft?.stop();
  }
}

/**
 * The routing-mesh network a new swarm starts with (swarmkit manager.go
 * newIngressNetwork, allocated by the leader): the first subnet of the
 * default address pool and the first VNI.
 */
function ingressNetwork(id: string, createdAt: Instant): StoredNetwork {
  const pool = parseSubnet(defaultAddressPool);
  if (!pool.ok) throw new Error(pool.reason);
  const subnet = nextFreeSubnet(pool.subnet, defaultSubnetPrefixLength, [])!;
  return {
    id,
    name: "ingress",
    driver: "overlay",
    options: {},
    labels: {},
    attachable: false,
    ingress: true,
    subnet: subnetText(subnet),
    subnetFromSpec: false,
    gateway: gatewayOf(subnet),
    vni: vxlanIdStart,
    createdAt,
  };
}

/**
 * Creates a cluster on this node (swarmkit manager bootstrap): the root CA,
 * the cluster ID, both join tokens, and the node's own manager certificate,
 * signed locally.
 */
export function initCluster(context: ControlContext, options: InitOptions): { store: ClusterStore; identity: NodeIdentity; raftId: number } {
  const { sim, rng } = context;
  const ids = rng.fork("ids");
  const root = createRootCa(rng.fork("root-ca-1"), nodeTime(context), { bits: options.rsaBits, cache: context.keyCache });
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
    networks: new Map(),
    services: new Map(),
    tasks: new Map(),
    networkKeys: [],
    lamportClock: 0,
  };
  // swarmkit draws the first member's raft ID at random (raft.go: a random uint64).
  const raftId = rng.fork("raft-id").int(1, Number.MAX_SAFE_INTEGER);
  const key = createRsaKey(rng, "node-key-1", { bits: options.rsaBits, cache: context.keyCache });
  const csrPem = createCsr(key);
  const role: NodeRole = "manager";
  const issued = issueNodeCertificate(state.signer, { csrPem, nodeId, role, clusterId, at: nodeTime(context), expiry: state.certExpiry, rng: rng.fork("ca") });
  if (!issued.ok) throw new Error(`swarm init could not sign its own certificate: ${issued.message}`);
  state.nodes.set(nodeId, {
    id: nodeId,
    role,
    desiredRole: role,
    hostname: options.hostname,
    addr: context.host.ip,
    availability: "active",
    membership: "accepted",
    status: "ready",
    statusMessage: "",
    raftId,
    certificate: { role, csrPem, state: "issued", chainPem: issued.chainPem, err: "" },
    createdAt: sim.now,
  });
  const ingress = ingressNetwork(newId(rng.fork("network-ids")), sim.now);
  state.networks.set(ingress.id, ingress);
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
  return { store: new ClusterStore(state, storeEntryCodec, [raftId]), identity, raftId };
}
