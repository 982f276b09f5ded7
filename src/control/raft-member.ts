/**
 * One manager's raft member (swarmkit manager/state/raft/raft.go Node): the
 * raft core ticked every second, its messages carried to the other managers
 * as `Raft/ProcessRaftMessage` calls over mutual TLS on port 2377, proposals
 * of store changes, and committed entries applied to the cluster store.
 *
 * Messages to a manager that cannot be reached are lost, as raft allows:
 * swarmkit's transport drops what it cannot deliver and raft retries with its
 * next heartbeat or append.
 */

import { EventEmitter } from "eventemitter3";
import type { Ipv4Address } from "../net/index.js";
import { type EventHandle, type Instant, duration } from "../sim/index.js";
import type { TlsIdentity, TlsPeer, TrustStore } from "../tls/index.js";
import { ManagerOu, authorizeOrgAndRole } from "./authorize.js";
import { type ControlConnection, type ControlContext, dialControlPlane } from "./endpoint.js";
import {
  type PersistentState,
  type RaftMessage,
  RaftCore,
  decodeProcessRaftMessageRequest,
  decodeConfChange,
  ConfChangeType,
  encodeProcessRaftMessageRequest,
  raftMethod,
  raftTickUs,
  electionTicks,
  raftRequestTimeoutUs,
  quorumSize,
} from "./raft/index.js";
import type { MethodHandler, Reply } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";
import { type ClusterStore, type ProposalResult, type Proposer, noLeaderReason } from "./store.js";
import { subjectOf } from "./caller.js";
import { type RaftMemberInfo, decodeRaftMemberInfo } from "./raft-membership.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A manager's raft role, term or leader changed. */
    "raft.state": { raftId: number; role: string; term: number; leader: number };
    /** A committed raft configuration change. */
    "raft.conf-change": { raftId: number; voters: number[] };
    /** The leader started handing leadership to member `to`. */
    "raft.transfer": { raftId: number; to: number };
  }
}

/** swarmkit raft.go ErrLostLeadership. */
export const lostLeadershipReason = "raft: lost leadership";

/** What a raft member runs with. */
export interface RaftMemberOptions {
  readonly context: ControlContext;
  /** The context for a new connection to another manager (its session cache follows the manager's identity). */
  readonly dialContext?: () => ControlContext;
  readonly store: ClusterStore;
  readonly raftId: number;
  /** The voting members when it starts (ignored when restoring). */
  readonly voters: readonly number[];
  /** What it was when it crashed: term, vote and log, as swarmkit's WAL keeps them. */
  readonly restore?: PersistentState;
  /** The identity and trust for each new connection to another manager. */
  readonly tls: () => { identity: TlsIdentity; trust: TrustStore };
}

/** Events a manager's services follow. */
export interface RaftMemberEvents {
  /** This member became leader (`true`) or stopped being one (`false`). */
  leadership: [leader: boolean];
  /** It learnt of a leader (itself or another), after a time without one. */
  leaderKnown: [leaderId: number];
  /** The voters changed (a conf change committed). */
  membership: [voters: readonly number[]];
  /**
   * This member learnt it was removed from the cluster (swarmkit
   * ErrMemberRemoved): it applied the conf change removing it, a peer refused
   * its message as a removed member's, or it restarted from a log whose
   * configuration no longer holds it. Emitted once, after the member stopped.
   */
  removed: [];
}

/** What a member says to a removed member's messages (swarmkit raft.ErrMemberRemoved). */
const memberRemovedMessage = "raft: member was removed from the cluster";

/** Messages queued on a connection still coming up, at most; more are dropped (raft tolerates loss). */
const maxQueuedPerPeer = 32;

/** One manager's raft member. */
export class RaftMember extends EventEmitter<RaftMemberEvents> implements Proposer {
  readonly raftId: number;
  private readonly core: RaftCore;
  private ticker: EventHandle | undefined;
  private readonly connections = new Map<number, { connection: ControlConnection; queued: number }>();
  /** When each peer last sent this member anything (the leader's view of reachability). */
  private readonly lastHeard = new Map<number, Instant>();
  /** Called when a peer is next heard from (`whenReachable`). */
  private readonly reachWaiters = new Map<number, Array<() => void>>();
  /** Proposals waiting to commit, by log index. */
  private readonly waiting = new Map<number, { term: number; done: (result: ProposalResult) => void }>();
  /** Each member's address (`host:port`), from the conf changes that added it and the join answer. */
  private readonly addresses = new Map<number, Ipv4Address>();
  /** Members removed by committed conf changes: their messages are refused (swarmkit ErrMemberRemoved). */
  private readonly removed = new Set<number>();
  /** Leadership signalled to the manager (`leadership` true): leader, and caught up once. */
  private wasLeader = false;
  /** The index of the last committed entry this member applied. */
  private appliedIndex = 0;
  /** Learnt it was removed; stopping on the next event. */
  private removing = false;
  private lastState = "";
  private lastLeaderId = 0;
  /** Since when each peer has been heard from with no gap of an election timeout (swarmkit transport peer.becameActive). */
  private readonly activeSince = new Map<number, Instant>();
  /** A leadership transfer under way (`transferLeadership`). */
  private transfer: { readonly done: (ok: boolean) => void; readonly timer: EventHandle } | undefined;
  private stopped = false;

  constructor(private readonly options: RaftMemberOptions) {
    super();
    this.raftId = options.raftId;
    this.core = new RaftCore({
      id: options.raftId,
      peers: options.voters,
      rng: options.context.rng.fork(`raft-${options.raftId}`),
      ...(options.restore === undefined ? {} : { restore: options.restore }),
    });
  }

  /** Starts ticking; a member alone in its configuration elects itself at once (swarmkit bootstrap). */
  start(): void {
    if (this.options.restore !== undefined && this.core.voters.length > 0 && !this.core.voters.includes(this.raftId)) {
      // raft.go: a restarted node whose configuration no longer has it stops with ErrMemberRemoved.
      this.removedFromCluster();
      return;
    }
    if (this.core.voters.length === 1 && this.core.voters[0] === this.raftId) this.core.campaign();
    this.process();
    this.arm();
  }

  /**
   * Stops and tells the manager, once, on the next event: what is being
   * applied finishes first, and the messages carrying the commit are sent
   * (raft.go waits for them before closing its connections).
   */
  private removedFromCluster(): void {
    if (this.stopped || this.removing) return;
    this.removing = true;
    this.options.context.sim.scheduler.after(duration(0), "raft.removed", () => {
      if (this.stopped) return;
      this.stop();
      this.emit("removed");
    });
  }

  /** Stops (crash, leave, demotion): no more ticks or messages; waiting proposals fail. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker !== undefined) this.options.context.sim.scheduler.cancel(this.ticker);
    for (const { connection } of this.connections.values()) connection.close();
    this.connections.clear();
    this.failWaiting(lostLeadershipReason);
    this.endTransfer(false);
    if (this.wasLeader) {
      this.wasLeader = false;
      this.emit("leadership", false);
    }
  }

  get isLeader(): boolean {
    return !this.stopped && this.core.role === "leader";
  }

  /** The leader's raft ID as this member knows it; 0 for none. */
  get leaderId(): number {
    return this.stopped ? 0 : this.core.leaderId;
  }

  get term(): number {
    return this.core.term;
  }

  get voters(): readonly number[] {
    return this.core.voters;
  }

  /** What a WAL would hold, to restart after a crash. */
  persistent(): PersistentState {
    return this.core.persistent();
  }

  /**
   * Whether this member (the leader) heard from `raftId` within an election
   * timeout: swarmkit's `Reachable` / `Unreachable` in `docker node ls`.
   */
  reachable(raftId: number): boolean {
    if (raftId === this.raftId) return !this.stopped;
    const heard = this.lastHeard.get(raftId);
    return heard !== undefined && this.options.context.sim.now - heard <= electionTicks * raftTickUs;
  }

  /**
   * swarmkit raft.go TransferLeadership, on the leader: hands leadership to
   * the member reachable for the longest time (transport.LongestActive) and
   * waits, up to raft's request timeout (25 s), for another member to lead;
   * `done(false)` if none is reachable, this member is not leading, or the
   * time runs out.
   */
  transferLeadership(done: (ok: boolean) => void): void {
    const to = this.isLeader && this.transfer === undefined ? this.longestActive() : undefined;
    if (to === undefined) return done(false);
    const { sim, node } = this.options.context;
    this.transfer = { done, timer: sim.scheduler.after(raftRequestTimeoutUs, "raft.transfer-timeout", () => this.endTransfer(false)) };
    sim.trace.record("raft.transfer", { raftId: this.raftId, to }, node);
    this.core.transferLeadership(to);
    this.process();
  }

  private longestActive(): number | undefined {
    let longest: number | undefined;
    for (const id of this.core.voters) {
      if (id === this.raftId || !this.reachable(id)) continue;
      if (longest === undefined || this.activeSince.get(id)! < this.activeSince.get(longest)!) longest = id;
    }
    return longest;
  }

  private endTransfer(ok: boolean): void {
    const transfer = this.transfer;
    if (transfer === undefined) return;
    this.transfer = undefined;
    this.options.context.sim.scheduler.cancel(transfer.timer);
    transfer.done(ok);
  }

  /** Calls `reached` at once if `raftId` is reachable, else when this member next hears from it. */
  whenReachable(raftId: number, reached: () => void): void {
    if (this.reachable(raftId)) return reached();
    const waiters = this.reachWaiters.get(raftId);
    if (waiters === undefined) this.reachWaiters.set(raftId, [reached]);
    else waiters.push(reached);
  }

  /**
   * Whether removing `raftId` keeps a quorum of reachable members (swarmkit
   * raft.go CanRemoveMember): the members left that this leader reaches must
   * be a quorum of the smaller configuration.
   */
  canRemove(raftId: number): boolean {
    const left = this.core.voters.filter((id) => id !== raftId);
    const reachable = left.filter((id) => this.reachable(id)).length;
    return reachable >= quorumSize(left.length);
  }

  /** The members this member knows, with their addresses (for a join answer). */
  members(): RaftMemberInfo[] {
    return this.core.voters.flatMap((raftId) => {
      const addr = this.addressOf(raftId);
      const node = [...this.options.store.state.nodes.values()].find((n) => n.raftId === raftId);
      return addr === undefined ? [] : [{ raftId, nodeId: node?.id ?? "", addr: `${addr}:2377` }];
    });
  }

  /** Records members' addresses (the join answer's list, or a conf change's context). */
  learn(...encoded: Array<Uint8Array | RaftMemberInfo>): void {
    for (const item of encoded) {
      const info = item instanceof Uint8Array ? decodeRaftMemberInfo(item) : { ok: true as const, value: item };
      if (info.ok && info.value.raftId !== 0) this.addresses.set(info.value.raftId, info.value.addr.split(":")[0] as Ipv4Address);
    }
  }

  /** The underlay address of member `raftId`: learnt from raft, else from its node object. */
  addressOf(raftId: number): Ipv4Address | undefined {
    return this.addresses.get(raftId) ?? addressOfMember(this.options.store, raftId);
  }

  /** The RPC method it serves. */
  methods(): Map<string, MethodHandler<TlsPeer | null>> {
    return new Map([[raftMethod, (peer, body, reply) => this.receive(peer, body, reply)]]);
  }

  propose(data: Uint8Array, done: (result: ProposalResult) => void): void {
    if (this.stopped) return done({ ok: false, reason: lostLeadershipReason });
    const proposed = this.core.propose(data);
    if (!proposed.ok) return done({ ok: false, reason: noLeaderReason });
    this.waiting.set(proposed.index, { term: proposed.term, done });
    this.process();
  }

  /** Adds or removes a voter (the leader only); `done` when the change committed. `context` is the encoded member. */
  changeVoters(type: "add" | "remove", raftId: number, done: (result: ProposalResult) => void, context?: Uint8Array): void {
    if (this.stopped) return done({ ok: false, reason: lostLeadershipReason });
    const proposed = this.core.proposeConfChange({ type, nodeId: raftId, ...(context === undefined ? {} : { context }) });
    if (!proposed.ok) return done({ ok: false, reason: noLeaderReason });
    this.waiting.set(proposed.index, { term: proposed.term, done });
    this.process();
  }

  private arm(): void {
    this.ticker = this.options.context.sim.scheduler.after(raftTickUs, "raft.tick", () => {
      this.core.tick();
      this.process();
      this.arm();
    });
  }

  private receive(peer: TlsPeer | null, body: Uint8Array, reply: Reply): void {
    const state = this.options.store.state;
    const caller = authorizeOrgAndRole(subjectOf(peer), state.clusterId, new Set(state.removedNodes.keys()), [ManagerOu]);
    if (!caller.ok) return reply.error(caller.code, caller.message);
    if (this.stopped) return reply.error(GrpcCode.unavailable, "raft: stopped");
    const request = decodeProcessRaftMessageRequest(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed raft message: ${request.reason}`);
    const message = request.value;
    if (message.to !== this.raftId) return reply.error(GrpcCode.notFound, `raft: message for member ${message.to}, not ${this.raftId}`);
    if (this.removed.has(message.from)) return reply.error(GrpcCode.notFound, memberRemovedMessage);
    if (!this.reachable(message.from)) this.activeSince.set(message.from, this.options.context.sim.now);
    this.lastHeard.set(message.from, this.options.context.sim.now);
    const waiters = this.reachWaiters.get(message.from);
    if (waiters !== undefined) {
      this.reachWaiters.delete(message.from);
      for (const reached of waiters) reached();
    }
    this.core.step(message);
    this.process();
    reply.ok(new Uint8Array(0));
  }

  /** Drains the core: sends its messages, applies what committed, follows role changes. */
  private process(): void {
    if (this.stopped) return;
    const ready = this.core.ready();
    for (const message of ready.messages) this.send(message);
    for (const entry of ready.committed) {
      if (entry.type === 1) {
        const change = decodeConfChange(entry.data);
        if (change.ok && change.value.type === ConfChangeType.ConfChangeRemoveNode) this.removed.add(change.value.nodeId);
        if (change.ok && change.value.context !== undefined) this.learn(change.value.context);
        this.options.context.sim.trace.record("raft.conf-change", { raftId: this.raftId, voters: [...this.core.voters] }, this.options.context.node);
        this.emit("membership", this.core.voters);
      } else {
        this.options.store.applyCommitted(entry.index, entry.data);
      }
      this.appliedIndex = entry.index;
      const waiter = this.waiting.get(entry.index);
      if (waiter === undefined) continue;
      this.waiting.delete(entry.index);
      waiter.done(waiter.term === entry.term ? { ok: true } : { ok: false, reason: lostLeadershipReason });
    }
    this.followRole();
    if (this.removed.has(this.raftId)) this.removedFromCluster();
  }

  private followRole(): void {
    const state = `${this.core.role}/${this.core.term}/${this.core.leaderId}`;
    if (state !== this.lastState) {
      const hadLeader = this.lastLeaderId !== 0;
      this.lastState = state;
      this.lastLeaderId = this.core.leaderId;
      this.options.context.sim.trace.record(
        "raft.state",
        { raftId: this.raftId, role: this.core.role, term: this.core.term, leader: this.core.leaderId },
        this.options.context.node,
      );
      if (!hadLeader && this.core.leaderId !== 0) this.emit("leaderKnown", this.core.leaderId);
      if (this.core.leaderId !== 0 && this.core.leaderId !== this.raftId) this.endTransfer(true);
    }
    // raft.go Run: a new leader signals its leadership (and the manager starts the leader's services,
    // the key manager among them) only once it has applied every entry of its log (caughtUp), so that
    // they start from the state the previous leader left, not from entries it had yet to apply.
    const leader = this.core.role === "leader" && (this.wasLeader || this.appliedIndex >= this.core.lastIndex);
    if (leader === this.wasLeader) return;
    this.wasLeader = leader;
    if (!leader) this.failWaiting(lostLeadershipReason);
    this.emit("leadership", leader);
  }

  private failWaiting(reason: string): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const { done } of waiting) done({ ok: false, reason });
  }

  private send(message: RaftMessage): void {
    const peer = this.connectionTo(message.to);
    if (peer === undefined || peer.queued >= maxQueuedPerPeer) return;
    peer.queued++;
    peer.connection.call(raftMethod, encodeProcessRaftMessageRequest(message), (result) => {
      peer.queued--;
      if (!result.ok && result.code === GrpcCode.unavailable) this.dropConnection(message.to, peer.connection);
      if (!result.ok && result.code === GrpcCode.notFound && result.message === memberRemovedMessage) this.removedFromCluster();
    });
  }

  private connectionTo(raftId: number): { connection: ControlConnection; queued: number } | undefined {
    const existing = this.connections.get(raftId);
    if (existing !== undefined && existing.connection.usable) return existing;
    const address = this.addressOf(raftId);
    if (address === undefined) return undefined;
    const { identity, trust } = this.options.tls();
    const connection = dialControlPlane(
      this.options.dialContext?.() ?? this.options.context,
      { address, identity, trust, peerAuth: "require", serverName: "swarm-manager" },
      `raft-${this.raftId}-to-${raftId}-${this.options.context.sim.now}`,
    );
    const entry = { connection, queued: 0 };
    this.connections.set(raftId, entry);
    return entry;
  }

  private dropConnection(raftId: number, connection: ControlConnection): void {
    if (this.connections.get(raftId)?.connection !== connection) return;
    this.connections.delete(raftId);
    connection.close();
  }
}

/** The underlay address of the manager with raft ID `raftId`, from the store's node objects. */
export function addressOfMember(store: ClusterStore, raftId: number): Ipv4Address | undefined {
  for (const node of store.state.nodes.values()) if (node.raftId === raftId) return node.addr;
  return undefined;
}
