/**
 * The dispatcher (swarmkit manager/dispatcher/dispatcher.go): runs on the
 * leader only. Every node keeps one session with it: `Session` registers the
 * node and streams session messages to it (the node object, the managers, the
 * root CA and the 6 network keys), `Heartbeat` keeps it alive. A node that
 * misses 3 heartbeat periods goes Down; a new dispatcher (after a leader
 * change) first gives every node 6 periods to come back. `Assignments` and
 * `UpdateTaskStatus`, a node's tasks, are served by dispatcher-tasks.ts.
 */

import { newId } from "../pki/index.js";
import type { EventHandle, Rng, Simulation } from "../sim/index.js";
import { ManagerOu, WorkerOu, authorizeOrgAndRole } from "./authorize.js";
import { callerOf, remoteAddressOf } from "./caller.js";
import type { StoredNode } from "./cluster-store.js";
import {
  heartbeatEpsilonUs,
  heartbeatPeriodUs,
  heartbeatGraceMultiplier,
  leaderChangeGraceMultiplier,
  nodeNotRegisteredMessage,
} from "./dispatcher-constants.js";
import {
  DispatcherMethod,
  type NodeDescription,
  type WeightedPeer,
  decodeHeartbeatRequest,
  decodeSessionRequest,
  encodeHeartbeatResponse,
  encodeSessionMessage,
  encryptionKeyMessageOf,
} from "./dispatcher-messages.js";
import { type ManagerStatusView, bytesBase64, nodeObjectOf } from "./node-object.js";
import type { MethodHandler, Reply } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";
import type { ClusterStore, Proposer, StoreAction } from "./store.js";
import { DispatcherTasks } from "./dispatcher-tasks.js";
import { DispatcherTaskMethod } from "./assignment-messages.js";
import { TaskWriter } from "./task-writer.js";
import type { TlsPeer } from "../tls/index.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A node opened a session with the dispatcher. */
    "dispatcher.session": { nodeId: string; sessionId: string };
    /** A node missed its heartbeats: the dispatcher marks it Down. */
    "node.down": { nodeId: string };
    /** A session message went out to a node: the key tags it carries. */
    "dispatcher.message": { nodeId: string; keyTags: number[] };
  }
}

/** What the dispatcher needs from the manager it runs on. */
export interface DispatcherOptions {
  readonly sim: Simulation;
  readonly rng: Rng;
  readonly store: ClusterStore;
  /** The leader's raft member, to write node status. */
  readonly proposer: Proposer;
  /** The managers as the leader sees them. */
  readonly managerStatus: (node: StoredNode) => ManagerStatusView | undefined;
  /** The manager's name, for traces. */
  readonly node: string;
  /** The leader's task writes, shared with its orchestration (default: the dispatcher's own). */
  readonly writer?: TaskWriter;
}

/** One node's session. */
interface Session {
  readonly sessionId: string;
  readonly reply: Reply;
  /** Its node is marked READY in the store (register's markNodeReady committed): messages may go out. */
  registered: boolean;
}

/** The leader's dispatcher; `start()` when leadership begins, `stop()` when it ends. */
export class Dispatcher {
  private readonly sessions = new Map<string, Session>();
  /** When each node is declared Down unless it heartbeats first. */
  private readonly expiries = new Map<string, EventHandle>();
  private readonly onChange = (actions: readonly StoreAction[]) => this.storeChanged(actions);
  private running = false;
  /** The managers list last sent, to send again only when it changes. */
  private lastManagers = "";
  /** Assignments and task status. */
  private readonly tasks: DispatcherTasks;

  constructor(private readonly options: DispatcherOptions) {
    this.tasks = new DispatcherTasks({
      sim: options.sim,
      writer: options.writer ?? new TaskWriter(options.store, options.proposer),
      sessionOf: (nodeId) => this.sessions.get(nodeId)?.sessionId,
      node: options.node,
    });
  }

  /** The RPC methods it serves, by gRPC path. */
  methods(): Map<string, MethodHandler<TlsPeer | null>> {
    return new Map<string, MethodHandler<TlsPeer | null>>([
      [
        DispatcherMethod.session,
        (peer, body, reply, forwarded, remote) =>
          this.session(callerIdOf(this.options.store, peer, forwarded), remoteAddressOf(peer, forwarded, remote, this.options.store.state.clusterId), body, reply),
      ],
      [DispatcherMethod.heartbeat, (peer, body, reply, forwarded) => this.heartbeat(callerIdOf(this.options.store, peer, forwarded), body, reply)],
      [DispatcherTaskMethod.assignments, (peer, body, reply, forwarded) => this.withCaller(peer, forwarded, reply, (nodeId) => this.tasks.assignments(nodeId, body, reply))],
      [DispatcherTaskMethod.updateTaskStatus, (peer, body, reply, forwarded) => this.withCaller(peer, forwarded, reply, (nodeId) => this.tasks.updateTaskStatus(nodeId, body, reply))],
    ]);
  }

  /** An authorized caller's node ID to `serve`, while running; else the refusal. */
  private withCaller(peer: TlsPeer | null, forwarded: Parameters<typeof callerOf>[1], reply: Reply, serve: (nodeId: string) => void): void {
    const caller = callerIdOf(this.options.store, peer, forwarded);
    if (!caller.ok) return reply.error(caller.code, caller.message);
    if (!this.running) return reply.error(GrpcCode.unavailable, "dispatcher is stopped");
    serve(caller.nodeId);
  }

  /**
   * Starts on a new leader (dispatcher.go Run, markNodesUnknown): every node
   * not already Down becomes Unknown and has 6 heartbeat periods to open a
   * session; the tasks of a Down node are orphaned in 24 h unless it returns.
   */
  start(): void {
    this.running = true;
    this.options.store.on("change", this.onChange);
    this.tasks.start();
    const unknown: StoreAction[] = [];
    for (const node of this.options.store.state.nodes.values()) {
      if (node.status === "down") {
        this.tasks.nodeDown(node.id);
        continue;
      }
      unknown.push({ kind: "update-node", node: { ...node, status: "unknown", statusMessage: "Node moved to \"unknown\" state due to leadership change in cluster" } });
      this.expireAfter(node.id, heartbeatPeriodUs * leaderChangeGraceMultiplier);
    }
    if (unknown.length > 0) this.options.store.update(this.options.proposer, unknown);
  }

  /** Stops (leadership lost): every session ends, so agents reconnect to the new leader. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.options.store.off("change", this.onChange);
    this.tasks.stop();
    for (const timer of this.expiries.values()) this.options.sim.scheduler.cancel(timer);
    this.expiries.clear();
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) session.reply.error(GrpcCode.unavailable, "dispatcher is stopped");
  }

  /** The node IDs with an open session. */
  get connected(): readonly string[] {
    return [...this.sessions.keys()];
  }

  private session(nodeId: AuthorizedCaller, remoteAddress: string, body: Uint8Array, reply: Reply): void {
    if (!nodeId.ok) return reply.error(nodeId.code, nodeId.message);
    if (!this.running) return reply.error(GrpcCode.unavailable, "dispatcher is stopped");
    const request = decodeSessionRequest(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed session request: ${request.reason}`);
    const node = this.options.store.state.nodes.get(nodeId.nodeId);
    if (node === undefined) return reply.error(GrpcCode.notFound, `node ${nodeId.nodeId} not found`);
    const previous = this.sessions.get(node.id);
    const session: Session = { sessionId: newId(this.options.rng), reply, registered: false };
    this.sessions.set(node.id, session);
    this.tasks.nodeUp(node.id);
    if (previous !== undefined) {
      this.tasks.sessionEnded(node.id, previous.sessionId);
      previous.reply.error(GrpcCode.aborted, "session replaced");
    }
    reply.onCancel(() => {
      if (this.sessions.get(node.id) !== session) return;
      this.sessions.delete(node.id);
      this.tasks.sessionEnded(node.id, session.sessionId);
    });
    this.options.sim.trace.record("dispatcher.session", { nodeId: node.id, sessionId: session.sessionId }, this.options.node);
    this.expireAfter(node.id, heartbeatPeriodUs * heartbeatGraceMultiplier);
    // dispatcher.go register + nodeUpdates: READY, with the description the node reported.
    const description = request.value.description;
    const addr = remoteAddress === "" ? {} : { addr: remoteAddress };
    // dispatcher.go register returns once markNodeReady's update committed; only then does Session send its first message.
    this.options.store.updateNode(this.options.proposer, node.id, () => ({ status: "ready", statusMessage: "", ...addr, ...reportedOf(description) }), (result) => {
      if (this.sessions.get(node.id) !== session) return;
      if (result.ok) {
        session.registered = true;
        return this.send(node.id);
      }
      this.sessions.delete(node.id);
      this.tasks.sessionEnded(node.id, session.sessionId);
      reply.error(GrpcCode.unavailable, result.reason);
    });
  }

  private heartbeat(nodeId: AuthorizedCaller, body: Uint8Array, reply: Reply): void {
    if (!nodeId.ok) return reply.error(nodeId.code, nodeId.message);
    const request = decodeHeartbeatRequest(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed heartbeat: ${request.reason}`);
    const session = this.sessions.get(nodeId.nodeId);
    if (!this.running || session === undefined || session.sessionId !== request.value.sessionId) {
      return reply.error(GrpcCode.notFound, nodeNotRegisteredMessage);
    }
    // dispatcher.go Heartbeat: a period drawn from [5 s − 0.5 s, 5 s + 0.5 s), and 3 of them before Down.
    const period = heartbeatPeriodUs - heartbeatEpsilonUs + this.options.rng.int(0, 2 * heartbeatEpsilonUs - 1);
    this.expireAfter(nodeId.nodeId, period * heartbeatGraceMultiplier);
    reply.ok(encodeHeartbeatResponse({ periodUs: period }));
  }

  private expireAfter(nodeId: string, after: number): void {
    const previous = this.expiries.get(nodeId);
    if (previous !== undefined) this.options.sim.scheduler.cancel(previous);
    this.expiries.set(nodeId, this.options.sim.scheduler.after(after as never, "dispatcher.expire", () => this.expire(nodeId)));
  }

  /** dispatcher.go markNodeNotReady: Down, "heartbeat failure", and the session ends. */
  private expire(nodeId: string): void {
    this.expiries.delete(nodeId);
    const session = this.sessions.get(nodeId);
    this.sessions.delete(nodeId);
    this.tasks.sessionEnded(nodeId);
    this.tasks.nodeDown(nodeId);
    session?.reply.error(GrpcCode.notFound, nodeNotRegisteredMessage);
    this.options.sim.trace.record("node.down", { nodeId }, this.options.node);
    this.options.store.updateNode(this.options.proposer, nodeId, () => ({ status: "down", statusMessage: "heartbeat failure" }));
  }

  /** After a committed change: the nodes it concerns hear of it (all of them for cluster changes or manager changes). */
  private storeChanged(actions: readonly StoreAction[]): void {
    const managers = JSON.stringify(this.managers());
    const everyone = actions.some((a) => a.kind === "update-cluster") || managers !== this.lastManagers;
    this.lastManagers = managers;
    for (const action of actions) {
      if (action.kind === "remove-node") this.endRemoved(action.nodeId);
    }
    if (everyone) {
      for (const nodeId of this.sessions.keys()) this.send(nodeId);
      return;
    }
    for (const action of actions) if (action.kind === "create-node" || action.kind === "update-node") this.send(action.node.id);
  }

  private endRemoved(nodeId: string): void {
    const session = this.sessions.get(nodeId);
    this.sessions.delete(nodeId);
    this.tasks.sessionEnded(nodeId);
    this.tasks.nodeUp(nodeId);
    const timer = this.expiries.get(nodeId);
    if (timer !== undefined) this.options.sim.scheduler.cancel(timer);
    this.expiries.delete(nodeId);
    session?.reply.error(GrpcCode.permissionDenied, `node ${nodeId} was removed from swarm`);
  }

  /** A session message to `nodeId` (dispatcher.go Session's loop). */
  private send(nodeId: string): void {
    const session = this.sessions.get(nodeId);
    const state = this.options.store.state;
    const node = state.nodes.get(nodeId);
    if (session === undefined || node === undefined || !session.registered || session.reply.done) return;
    const keys = state.networkKeys.map(encryptionKeyMessageOf);
    session.reply.message(
      encodeSessionMessage({
        sessionId: session.sessionId,
        node: nodeObjectOf(node),
        managers: this.managers(),
        networkBootstrapKeys: keys,
        rootCa: new TextEncoder().encode(state.root.certPem),
      }),
    );
    this.options.sim.trace.record("dispatcher.message", { nodeId, keyTags: keys.map((k) => k.lamportTime) }, this.options.node);
  }

  /**
   * Every raft member, reachable or not, each weighted alike (dispatcher.go
   * getWeightedPeers over GetMemberlist, remotes.DefaultObservationWeight).
   */
  private managers(): WeightedPeer[] {
    const peers: WeightedPeer[] = [];
    for (const node of this.options.store.state.nodes.values()) {
      const status = this.options.managerStatus(node);
      if (status !== undefined) peers.push({ peer: { nodeId: node.id, addr: `${status.addr ?? node.addr}:2377` }, weight: 10 });
    }
    return peers;
  }
}

/** A caller the dispatcher serves, by node ID; or the refusal. */
export type AuthorizedCaller = { ok: true; nodeId: string } | { ok: false; code: number; message: string };

/** The node calling the dispatcher: a worker or manager of this cluster, not removed (dispatcher.go uses ca.AuthorizeForwardedRoleAndOrg). */
export function callerIdOf(store: ClusterStore, peer: TlsPeer | null, forwarded: Parameters<typeof callerOf>[1]): AuthorizedCaller {
  const state = store.state;
  return authorizeOrgAndRole(callerOf(peer, forwarded, state.clusterId), state.clusterId, new Set(state.removedNodes.keys()), [WorkerOu, ManagerOu]);
}

/** What a node's description reports that the store keeps: hostname, platform and TLS info. */
function reportedOf(description: NodeDescription): Partial<StoredNode> {
  const tls = description.tlsInfo;
  const { os, architecture } = description.platform;
  return {
    ...(description.hostname === "" ? {} : { hostname: description.hostname }),
    ...(os === "" ? {} : { platform: { os, architecture } }),
    ...(tls === undefined
      ? {}
      : {
          tlsInfo: {
            trustRoot: new TextDecoder().decode(tls.trustRoot),
            certIssuerSubject: bytesBase64(tls.certIssuerSubject),
            certIssuerPublicKey: bytesBase64(tls.certIssuerPublicKey),
          },
        }),
  };
}
