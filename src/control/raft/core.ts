/**
 * A pure raft core for the managers, modelled on etcd raft (raft/raft.go), as
 * swarmkit drives it (manager/state/raft/raft.go): no network, no timers, no
 * storage. The caller ticks it once per `raftTickUs`, hands it the messages
 * that arrive, and drains `ready()` for the messages to send and the entries
 * newly committed. Everything `persistent()` returns is updated before the
 * messages that depend on it are handed out, as etcd's Ready contract asks.
 *
 * Left out, as swarmkit does not need them here: snapshots, pre-vote, read
 * index, learners and joint consensus.
 */

import { sameBytes } from "../../encoding/bytes.js";
import type { Rng } from "../../sim/index.js";
import * as spec from "./constants.js";
import { quorumSize, randomizedElectionTimeoutTicks } from "./constants.js";
import {
  ConfChangeType,
  RaftEntryType,
  RaftMessageType,
  campaignTransferContext,
  type RaftEntry,
  type RaftMessage,
  decodeConfChange,
  encodeConfChange,
} from "./messages.js";

/** A manager's raft role (etcd StateType, without pre-candidate). */
export type RaftRole = "follower" | "candidate" | "leader";

/** What a manager's WAL keeps to restart after a crash: etcd's HardState and log. */
export interface PersistentState {
  /** The latest term this node has seen. */
  readonly term: number;
  /** The candidate this node voted for in `term`, 0 for none. */
  readonly vote: number;
  /** The highest index known committed (HardState.Commit); restored entries up to it are delivered again. */
  readonly commit: number;
  /** The whole log, from index 1. */
  readonly entries: readonly RaftEntry[];
}

/** How to build a RaftCore. */
export interface RaftCoreOptions {
  /** This manager's raft ID (1 to 2^53-1). */
  readonly id: number;
  /**
   * The voting members before entry 1 of the log (swarmkit's bootstrap
   * members), including this node when it is one of them. Conf-change entries
   * are applied on top as they commit, so a joining manager passes the members
   * without itself and becomes a voter when its ConfChangeAddNode commits.
   */
  readonly peers: readonly number[];
  /** The node's own stream, drawn from only for randomized election timeouts. */
  readonly rng: Rng;
  /** Ticks without a leader before a campaign; default `electionTicks` (10). */
  readonly electionTicks?: number;
  /** Ticks between the leader's heartbeats; default `heartbeatTicks` (1). */
  readonly heartbeatTicks?: number;
  /** The leader lease and the leader's quorum check; default `checkQuorum` (on). */
  readonly checkQuorum?: boolean;
  /** State from `persistent()` of an earlier run of this node. */
  readonly restore?: PersistentState;
}

/** A proposal's place in the log, or why it was refused. */
export type ProposeResult =
  | { readonly ok: true; readonly index: number; readonly term: number }
  | { readonly ok: false; readonly reason: "not-leader" | "stopped" | "conf-change-pending" | "transferring" };

/** A membership change to propose; swarmkit's Join and Leave. */
export interface ConfChangeProposal {
  readonly type: "add" | "remove";
  /** Raft ID of the member. */
  readonly nodeId: number;
  /** raftpb.ConfChange.ID: swarmkit's request ID; default 0. */
  readonly id?: number;
  /** raftpb.ConfChange.Context: swarmkit's encoded api.RaftMember. */
  readonly context?: Uint8Array;
}

/** What accumulated since the last `ready()`. */
export interface RaftReady {
  /** Messages to send, in order. */
  readonly messages: RaftMessage[];
  /** Entries newly committed, in log order, each once; conf changes are already applied to `voters`. */
  readonly committed: RaftEntry[];
  /** Whether the role, term or leader changed (etcd's SoftState or HardState.Term). */
  readonly roleChanged: boolean;
}

const NONE = 0;

/** The messages peers exchange; local ones (MsgHup, MsgBeat, MsgProp, ...) and snapshots are not taken from the network. */
const PEER_MESSAGES: ReadonlySet<number> = new Set([
  RaftMessageType.MsgApp,
  RaftMessageType.MsgAppResp,
  RaftMessageType.MsgVote,
  RaftMessageType.MsgVoteResp,
  RaftMessageType.MsgHeartbeat,
  RaftMessageType.MsgHeartbeatResp,
  RaftMessageType.MsgTimeoutNow,
]);

/** What the leader knows of one member's log. etcd raft/tracker/progress.go. */
interface Progress {
  /** The highest index known replicated on the member. */
  match: number;
  /** The next index to send. */
  next: number;
  /** probe: one MsgApp at a time until the member's log is found; replicate: stream optimistically. */
  state: "probe" | "replicate";
  /** In probe state, a MsgApp is unanswered: wait for its response or a heartbeat response. */
  probeSent: boolean;
  /** The member sent the leader a message since the last quorum check. */
  recentActive: boolean;
}

const newProgress = (match: number, next: number, recentActive: boolean): Progress => ({ match, next, state: "probe", probeSent: false, recentActive });

/** The entries, from index 1 (no snapshot, so no offset). etcd raft/log.go raftLog, without the unstable/stable split. */
class RaftLog {
  private readonly entries: RaftEntry[];

  constructor(entries: readonly RaftEntry[]) {
    this.entries = entries.slice();
  }

  get lastIndex(): number {
    return this.entries.length;
  }

  /** The term of the entry at `index`; 0 for index 0 or past the end. */
  termAt(index: number): number {
    return index >= 1 && index <= this.entries.length ? this.entries[index - 1]!.term : 0;
  }

  lastTerm(): number {
    return this.termAt(this.lastIndex);
  }

  entryAt(index: number): RaftEntry {
    const entry = this.entries[index - 1];
    if (entry === undefined) throw new RangeError(`"index" expected 1 to ${this.lastIndex}, got ${index}`);
    return entry;
  }

  matchTerm(index: number, term: number): boolean {
    return index <= this.lastIndex && this.termAt(index) === term;
  }

  /** A candidate's log is at least as up-to-date as ours: a later last term, or the same and at least as long. Raft §5.4.1. */
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    return lastTerm > this.lastTerm() || (lastTerm === this.lastTerm() && lastIndex >= this.lastIndex);
  }

  /** The index of the first entry that is new or differs in term from ours; 0 when we hold them all. etcd log.go findConflict. */
  findConflict(entries: readonly RaftEntry[]): number {
    for (const e of entries) if (!this.matchTerm(e.index, e.term)) return e.index;
    return 0;
  }

  /** The last index at or below `index` whose term is at most `term`. etcd log.go findConflictByTerm. */
  findConflictByTerm(index: number, term: number): number {
    if (index > this.lastIndex) return index;
    let at = index;
    while (at > 0 && this.termAt(at) > term) at--;
    return at;
  }

  /** Appends `entries`, dropping ours from the first one's index on. */
  truncateAndAppend(entries: readonly RaftEntry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    this.entries.length = first.index - 1;
    this.entries.push(...entries);
  }

  append(entry: RaftEntry): void {
    this.entries.push(entry);
  }

  /** Entries from `from` on, at most `maxBytes` of them but always one if any. etcd util.go limitSize. */
  slice(from: number, maxBytes: number): RaftEntry[] {
    const out: RaftEntry[] = [];
    let bytes = 0;
    for (let i = from; i <= this.lastIndex; i++) {
      const entry = this.entryAt(i);
      bytes += encodedSize(entry);
      if (out.length > 0 && bytes > maxBytes) break;
      out.push(entry);
    }
    return out;
  }

  all(): RaftEntry[] {
    return this.entries.slice();
  }
}

/** An entry's size on the wire, cheaply: the data plus a bound on the varint fields. */
const encodedSize = (entry: RaftEntry): number => entry.data.length + 24;

/**
 * The raft state machine of one manager.
 *
 * @example
 * const core = new RaftCore({ id: 1, peers: [1], rng: rng.fork("raft") });
 * core.campaign(); // a single voter elects itself at once
 * core.propose(new TextEncoder().encode("store action")); // { ok: true, index: 2, term: 1 }
 * const { messages, committed } = core.ready(); // send `messages`, apply `committed`
 */
export class RaftCore {
  private readonly id: number;
  private readonly rng: Rng;
  private readonly electionTimeout: number;
  private readonly heartbeatTimeout: number;
  private readonly checkQuorumEnabled: boolean;
  private readonly log: RaftLog;

  private currentTerm = 0;
  private votedFor = NONE;
  private lead = NONE;
  private state: RaftRole = "follower";
  private committed = 0;
  /** Committed entries up to here have had their conf changes applied (etcd's applied index). */
  private applied = 0;
  private voterSet: readonly number[];
  /** This node's removal has committed: it never campaigns or proposes again (swarmkit stops a removed member). */
  private removed = false;

  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private readonly votes = new Map<number, boolean>();
  private progress = new Map<number, Progress>();
  /** Index of the latest conf change proposed; another waits until it commits. etcd raft.go pendingConfIndex. */
  private pendingConfIndex = 0;
  /** The member this leader is handing leadership to, if any. etcd raft.go leadTransferee. */
  private leadTransferee = NONE;

  private outbox: RaftMessage[] = [];
  private newlyCommitted: RaftEntry[] = [];
  private softStateChanged = false;

  constructor(options: RaftCoreOptions) {
    this.id = checkRaftId(options.id, "id");
    this.voterSet = sortedIds(options.peers.map((p) => checkRaftId(p, "peers")));
    this.rng = options.rng;
    this.electionTimeout = checkTicks(options.electionTicks ?? spec.electionTicks, "electionTicks");
    this.heartbeatTimeout = checkTicks(options.heartbeatTicks ?? spec.heartbeatTicks, "heartbeatTicks");
    // etcd raft.go Config.validate: "election tick must be greater than heartbeat tick".
    if (this.electionTimeout <= this.heartbeatTimeout) {
      throw new RangeError(`"electionTicks" expected more than heartbeatTicks (${this.heartbeatTimeout}), got ${this.electionTimeout}`);
    }
    this.checkQuorumEnabled = options.checkQuorum ?? spec.checkQuorum;
    const restore = options.restore;
    if (restore !== undefined) checkRestore(restore);
    this.log = new RaftLog(restore?.entries ?? []);
    this.currentTerm = restore?.term ?? 0;
    this.votedFor = restore?.vote ?? NONE;
    this.becomeFollower(this.currentTerm, NONE);
    // etcd RestartNode: committed entries are applied again, replaying their conf changes.
    this.commitTo(restore?.commit ?? 0);
    this.applyCommitted();
  }

  /** The node's current role. */
  get role(): RaftRole {
    return this.state;
  }

  /** The latest term this node has seen. */
  get term(): number {
    return this.currentTerm;
  }

  /** The leader this node follows in `term` (itself when leading), 0 when unknown. */
  get leaderId(): number {
    return this.lead;
  }

  /** The highest log index known committed. */
  get commitIndex(): number {
    return this.committed;
  }

  /** The index of the last entry in the log. */
  get lastIndex(): number {
    return this.log.lastIndex;
  }

  /** The voting members, ascending, with every committed conf change applied. */
  get voters(): readonly number[] {
    return this.voterSet;
  }

  /** One tick (`raftTickUs`): followers and candidates count towards an election, the leader towards a heartbeat and a quorum check. */
  tick(): void {
    this.tracked(() => (this.state === "leader" ? this.tickHeartbeat() : this.tickElection()));
  }

  /** Takes one message from a peer. Messages not addressed to this node, local message types and snapshots are ignored. */
  step(message: RaftMessage): void {
    this.tracked(() => this.stepMessage(message));
  }

  /** Appends `data` as a normal entry, on the leader only (swarmkit does not forward proposals). */
  propose(data: Uint8Array): ProposeResult {
    return this.tracked(() => this.proposeEntry(RaftEntryType.EntryNormal, data.slice()));
  }

  /** Proposes adding or removing a voter, one at a time: refused while an earlier one is uncommitted. */
  proposeConfChange(change: ConfChangeProposal): ProposeResult {
    const type = change.type === "add" ? ConfChangeType.ConfChangeAddNode : ConfChangeType.ConfChangeRemoveNode;
    const data = encodeConfChange({ id: change.id ?? 0, type, nodeId: checkRaftId(change.nodeId, "nodeId"), context: change.context });
    return this.tracked(() => this.proposeEntry(RaftEntryType.EntryConfChange, data));
  }

  /**
   * On the leader: hands leadership to voter `to` (etcd MsgTransferLeader).
   * Proposals are refused meanwhile; once `to`'s log matches the leader's it
   * gets MsgTimeoutNow and campaigns at once, with votes granted despite the
   * lease. Given up after an election timeout without a new leader.
   */
  transferLeadership(to: number): void {
    this.tracked(() => this.startTransfer(to));
  }

  /** The member a transfer under way goes to, or 0. */
  get transferee(): number {
    return this.leadTransferee;
  }

  /** Starts an election now (MsgHup), as swarmkit does to bootstrap a new single-manager cluster. */
  campaign(): void {
    this.tracked(() => this.hup(false));
  }

  /** Drains the messages to send, the newly committed entries and whether the role, term or leader changed. */
  ready(): RaftReady {
    const out: RaftReady = { messages: this.outbox, committed: this.newlyCommitted, roleChanged: this.softStateChanged };
    this.outbox = [];
    this.newlyCommitted = [];
    this.softStateChanged = false;
    return out;
  }

  /** The state a WAL keeps: term, vote, commit index and log. */
  persistent(): PersistentState {
    return { term: this.currentTerm, vote: this.votedFor, commit: this.committed, entries: this.log.all() };
  }

  // -------------------------------------------------------------------------
  // Entry points

  /**
   * Runs `action`, then applies what it committed, as swarmkit applies each Ready's committed entries
   * after sending its messages; notes a change of role, term or leader for `ready()`.
   */
  private tracked<T>(action: () => T): T {
    const before = `${this.state}/${this.currentTerm}/${this.lead}`;
    const result = action();
    this.applyCommitted();
    // etcd leaves a removed leader in place ("TODO(tbg): step down"); swarmkit transfers leadership before
    // removing itself, and removes itself only when that fails: then it steps down here, after the messages
    // carrying the new commit index are queued.
    if (this.state === "leader" && this.removed) this.becomeFollower(this.currentTerm, NONE);
    if (`${this.state}/${this.currentTerm}/${this.lead}` !== before) this.softStateChanged = true;
    return result;
  }

  /** etcd raft.go tickElection. */
  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup(false);
    }
  }

  /** etcd raft.go tickHeartbeat: a quorum check every election timeout, a heartbeat every heartbeat timeout. */
  private tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorumEnabled) this.checkQuorumActive();
      if (this.state !== "leader") return;
      // "If current leader cannot transfer leadership in electionTimeout, it becomes leader again."
      this.leadTransferee = NONE;
    }
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.bcastHeartbeat();
    }
  }

  private proposeEntry(type: RaftEntryType, data: Uint8Array): ProposeResult {
    if (this.removed) return { ok: false, reason: "stopped" };
    if (this.state !== "leader") return { ok: false, reason: "not-leader" };
    // etcd raft.go stepLeader MsgProp: dropped while leadership is being transferred (ErrProposalDropped).
    if (this.leadTransferee !== NONE) return { ok: false, reason: "transferring" };
    // etcd raft.go stepLeader MsgProp: one conf change at a time (etcd silently turns a second one into an empty entry).
    if (type === RaftEntryType.EntryConfChange && this.pendingConfIndex > this.committed) return { ok: false, reason: "conf-change-pending" };
    const entry = this.appendEntry(type, data);
    if (type === RaftEntryType.EntryConfChange) this.pendingConfIndex = entry.index;
    this.bcastAppend();
    return { ok: true, index: entry.index, term: entry.term };
  }

  /** etcd raft.go hup: a leader, or a node that is not a voter, does not campaign. A transfer's campaign says so in its votes. */
  private hup(transfer: boolean): void {
    if (this.state === "leader" || !this.promotable()) return;
    this.becomeCandidate();
    if (this.poll(this.id, true) === "won") {
      this.becomeLeader();
      return;
    }
    const context = transfer ? { context: campaignTransferContext } : {};
    for (const to of this.voterSet) {
      if (to !== this.id) this.send({ type: RaftMessageType.MsgVote, to, index: this.log.lastIndex, logTerm: this.log.lastTerm(), ...context });
    }
  }

  /** etcd raft.go stepLeader MsgTransferLeader. */
  private startTransfer(to: number): void {
    if (this.state !== "leader" || to === this.id) return;
    const pr = this.progress.get(to);
    if (pr === undefined || this.leadTransferee === to) return;
    this.electionElapsed = 0;
    this.leadTransferee = to;
    if (pr.match === this.log.lastIndex) this.send({ type: RaftMessageType.MsgTimeoutNow, to });
    else this.sendAppend(to, true);
  }

  // -------------------------------------------------------------------------
  // Role changes (etcd raft.go becomeFollower, becomeCandidate, becomeLeader, reset)

  private reset(term: number): void {
    if (this.currentTerm !== term) {
      this.currentTerm = term;
      this.votedFor = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = randomizedElectionTimeoutTicks(this.electionTimeout, this.rng);
    this.votes.clear();
    this.progress = new Map();
    this.pendingConfIndex = 0;
    this.leadTransferee = NONE;
  }

  private becomeFollower(term: number, lead: number): void {
    this.reset(term);
    this.lead = lead;
    this.state = "follower";
  }

  private becomeCandidate(): void {
    this.reset(this.currentTerm + 1);
    this.votedFor = this.id;
    this.state = "candidate";
  }

  private becomeLeader(): void {
    this.reset(this.currentTerm);
    this.lead = this.id;
    this.state = "leader";
    const last = this.log.lastIndex;
    for (const id of this.voterSet) if (id !== this.id) this.progress.set(id, newProgress(0, last + 1, false));
    // "Conservatively set the pendingConfIndex to the last index in the log": a conf change may be pending.
    this.pendingConfIndex = last;
    // A new leader commits entries of earlier terms only through one of its own (Raft §5.4.2).
    this.appendEntry(RaftEntryType.EntryNormal, new Uint8Array(0));
    this.bcastAppend();
  }

  private promotable(): boolean {
    return !this.removed && this.voterSet.includes(this.id);
  }

  /** Records a vote and tallies the voters'. etcd raft.go poll, quorum/majority.go VoteResult. */
  private poll(from: number, granted: boolean): "won" | "lost" | "pending" {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    let yes = 0;
    let no = 0;
    for (const id of this.voterSet) {
      const vote = this.votes.get(id);
      if (vote === true) yes++;
      else if (vote === false) no++;
    }
    const quorum = quorumSize(this.voterSet.length);
    if (yes >= quorum) return "won";
    return no > this.voterSet.length - quorum ? "lost" : "pending";
  }

  // -------------------------------------------------------------------------
  // Messages (etcd raft.go Step, stepLeader, stepCandidate, stepFollower)

  private stepMessage(m: RaftMessage): void {
    if (m.to !== this.id || m.from === this.id || m.from === NONE || !PEER_MESSAGES.has(m.type)) return;
    if (m.term > this.currentTerm && !this.acceptHigherTerm(m)) return;
    if (m.term < this.currentTerm) {
      this.answerStaleTerm(m);
      return;
    }
    if (m.type === RaftMessageType.MsgVote) this.handleVote(m);
    else if (this.state === "leader") this.stepLeader(m);
    else if (this.state === "candidate") this.stepCandidate(m);
    else this.stepFollower(m);
  }

  /** A higher term makes this node a follower of it, unless the message is a vote and the leader lease holds. */
  private acceptHigherTerm(m: RaftMessage): boolean {
    // etcd raft.go Step: "if a server receives a RequestVote request within the minimum election timeout of
    // hearing from a current leader, it does not update its term or grant its vote" (inLease), unless the
    // vote is a leadership transfer's ("force").
    if (m.type === RaftMessageType.MsgVote && !isTransferVote(m) && this.inLease()) return false;
    const fromLeader = m.type === RaftMessageType.MsgApp || m.type === RaftMessageType.MsgHeartbeat;
    this.becomeFollower(m.term, fromLeader ? m.from : NONE);
    return true;
  }

  private inLease(): boolean {
    return this.checkQuorumEnabled && this.lead !== NONE && this.electionElapsed < this.electionTimeout;
  }

  /**
   * etcd raft.go Step, lower term: with CheckQuorum, a stale leader's MsgApp or MsgHeartbeat is answered
   * with our term, so that it steps down. Otherwise a node whose term rose while it was cut off (its votes
   * ignored under the lease) could never rejoin. Everything else of a lower term is dropped.
   */
  private answerStaleTerm(m: RaftMessage): void {
    const fromLeader = m.type === RaftMessageType.MsgApp || m.type === RaftMessageType.MsgHeartbeat;
    if (this.checkQuorumEnabled && fromLeader) this.send({ type: RaftMessageType.MsgAppResp, to: m.from });
  }

  /** One vote per term, for a candidate whose log is at least as up-to-date. etcd raft.go Step case MsgVote. */
  private handleVote(m: RaftMessage): void {
    const canVote = this.votedFor === m.from || (this.votedFor === NONE && this.lead === NONE);
    if (canVote && this.log.isUpToDate(m.index, m.logTerm)) {
      this.send({ type: RaftMessageType.MsgVoteResp, to: m.from, term: m.term });
      this.electionElapsed = 0;
      this.votedFor = m.from;
    } else {
      this.send({ type: RaftMessageType.MsgVoteResp, to: m.from, reject: true });
    }
  }

  private stepFollower(m: RaftMessage): void {
    // etcd raft.go stepFollower MsgTimeoutNow: the leader hands over; campaign now, as a transfer.
    if (m.type === RaftMessageType.MsgTimeoutNow) return this.hup(true);
    if (m.type !== RaftMessageType.MsgApp && m.type !== RaftMessageType.MsgHeartbeat) return;
    this.electionElapsed = 0;
    this.lead = m.from;
    this.handleFromLeader(m);
  }

  private stepCandidate(m: RaftMessage): void {
    if (m.type === RaftMessageType.MsgApp || m.type === RaftMessageType.MsgHeartbeat) {
      // Another node won this term.
      this.becomeFollower(m.term, m.from);
      this.handleFromLeader(m);
    } else if (m.type === RaftMessageType.MsgVoteResp) {
      const result = this.poll(m.from, !m.reject);
      if (result === "won") this.becomeLeader();
      else if (result === "lost") this.becomeFollower(this.currentTerm, NONE);
    }
  }

  private stepLeader(m: RaftMessage): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.type === RaftMessageType.MsgAppResp) this.handleAppendResponse(m, pr);
    else if (m.type === RaftMessageType.MsgHeartbeatResp) {
      pr.probeSent = false;
      if (pr.match < this.log.lastIndex) this.sendAppend(m.from, true);
    }
  }

  private handleFromLeader(m: RaftMessage): void {
    if (m.type === RaftMessageType.MsgApp) this.handleAppendEntries(m);
    else this.handleHeartbeat(m);
  }

  // -------------------------------------------------------------------------
  // Replication

  /** etcd raft.go handleAppendEntries and log.go maybeAppend. */
  private handleAppendEntries(m: RaftMessage): void {
    if (m.index < this.committed) {
      this.send({ type: RaftMessageType.MsgAppResp, to: m.from, index: this.committed });
      return;
    }
    if (!entriesFollow(m)) return;
    if (!this.log.matchTerm(m.index, m.logTerm)) {
      this.rejectAppend(m);
      return;
    }
    const conflict = this.log.findConflict(m.entries);
    if (conflict !== 0 && conflict <= this.committed) {
      throw new Error(`raft ${this.id}: entry ${conflict} conflicts with a committed entry (commit ${this.committed})`);
    }
    if (conflict !== 0) this.log.truncateAndAppend(m.entries.slice(conflict - m.index - 1));
    const lastNew = m.index + m.entries.length;
    this.commitTo(Math.min(m.commit, lastNew));
    this.send({ type: RaftMessageType.MsgAppResp, to: m.from, index: lastNew });
  }

  /** A hint that skips every entry of a term the leader cannot match. etcd raft.go handleAppendEntries (3.5). */
  private rejectAppend(m: RaftMessage): void {
    const hint = this.log.findConflictByTerm(Math.min(m.index, this.log.lastIndex), m.logTerm);
    this.send({ type: RaftMessageType.MsgAppResp, to: m.from, index: m.index, reject: true, rejectHint: hint, logTerm: this.log.termAt(hint) });
  }

  /** The leader sends commit = min(match, commit), so it never runs past our log; clamp anyway (etcd panics). */
  private handleHeartbeat(m: RaftMessage): void {
    this.commitTo(Math.min(m.commit, this.log.lastIndex));
    this.send({ type: RaftMessageType.MsgHeartbeatResp, to: m.from });
  }

  /** etcd raft.go stepLeader case MsgAppResp. */
  private handleAppendResponse(m: RaftMessage, pr: Progress): void {
    if (m.reject) {
      const hint = m.logTerm > 0 ? this.log.findConflictByTerm(m.rejectHint, m.logTerm) : m.rejectHint;
      const wasReplicating = pr.state === "replicate";
      if (maybeDecreaseTo(pr, m.index, hint)) {
        if (wasReplicating) becomeProbe(pr);
        this.sendAppend(m.from, true);
      }
      return;
    }
    if (m.index > this.log.lastIndex) return;
    const wasPaused = isPaused(pr);
    if (pr.match >= m.index) {
      pr.next = Math.max(pr.next, m.index + 1);
      return;
    }
    pr.match = m.index;
    pr.next = Math.max(pr.next, m.index + 1);
    pr.probeSent = false;
    if (pr.state === "probe") becomeReplicate(pr);
    if (!this.commitAndBroadcast() && wasPaused) this.sendAppend(m.from, true);
    // Send what else there is, without empty messages for the commit index alone.
    while (this.sendAppend(m.from, false));
    // The transferee has caught up: it may campaign now.
    if (m.from === this.leadTransferee && pr.match === this.log.lastIndex) this.send({ type: RaftMessageType.MsgTimeoutNow, to: m.from });
  }

  /** Commits what a quorum holds; when that advances, tells every follower at once. */
  private commitAndBroadcast(): boolean {
    let advanced = false;
    while (this.maybeCommit()) advanced = true;
    if (advanced) this.bcastAppend();
    return advanced;
  }

  /** The highest index on a quorum of voters, if it is of the current term. etcd raft.go maybeCommit, log.go maybeCommit. */
  private maybeCommit(): boolean {
    const matches = this.voterSet.map((id) => (id === this.id ? this.log.lastIndex : (this.progress.get(id)?.match ?? 0)));
    matches.sort((a, b) => b - a);
    const index = matches[quorumSize(matches.length) - 1] ?? 0;
    if (index <= this.committed || this.log.termAt(index) !== this.currentTerm) return false;
    this.commitTo(index);
    return true;
  }

  /** Marks entries committed up to `index` and queues them for `ready()`. */
  private commitTo(index: number): void {
    while (this.committed < index) {
      const entry = this.log.entryAt(this.committed + 1);
      this.committed = entry.index;
      this.newlyCommitted.push(entry);
    }
  }

  /**
   * Applies the conf changes of newly committed entries. Done after the step that committed them, so
   * the leader's MsgApp carrying the new commit index still reaches a member it removes, which then
   * learns of its removal. A smaller quorum may commit more at once. etcd raft.go applyConfChange.
   */
  private applyCommitted(): void {
    while (this.applied < this.committed) {
      let changed = false;
      for (; this.applied < this.committed; this.applied++) {
        const entry = this.log.entryAt(this.applied + 1);
        if (entry.type === RaftEntryType.EntryConfChange) changed = this.applyConfChange(entry) || changed;
      }
      if (changed && this.state === "leader" && !this.removed) this.commitAndBroadcast();
    }
  }

  /**
   * Applies one committed conf change to the voters (and the leader's progress); true when the voters
   * changed. An undecodable one is skipped, on every node alike.
   */
  private applyConfChange(entry: RaftEntry): boolean {
    const change = decodeConfChange(entry.data);
    if (!change.ok) return false;
    const { type, nodeId } = change.value;
    if (type === ConfChangeType.ConfChangeAddNode && !this.voterSet.includes(nodeId)) {
      this.voterSet = sortedIds([...this.voterSet, nodeId]);
      // etcd confchange: a new member starts recently active, so that the next quorum check does not count it against the leader.
      if (this.state === "leader" && nodeId !== this.id) this.progress.set(nodeId, newProgress(0, this.log.lastIndex + 1, true));
      return true;
    }
    if (type === ConfChangeType.ConfChangeRemoveNode && this.voterSet.includes(nodeId)) {
      this.voterSet = this.voterSet.filter((id) => id !== nodeId);
      this.progress.delete(nodeId);
      if (nodeId === this.id) this.removed = true;
      return true;
    }
    return false;
  }

  /** The leader appends one entry of its term; with a single voter it commits at once. */
  private appendEntry(type: RaftEntryType, data: Uint8Array): RaftEntry {
    const entry: RaftEntry = { term: this.currentTerm, index: this.log.lastIndex + 1, type, data };
    this.log.append(entry);
    while (this.maybeCommit());
    return entry;
  }

  private bcastAppend(): void {
    for (const to of this.voterSet) if (to !== this.id) this.sendAppend(to, true);
  }

  /** etcd raft.go bcastHeartbeat: commit = min(match, commit), as a follower may not hold the leader's commit index yet. */
  private bcastHeartbeat(): void {
    for (const to of this.voterSet) {
      const pr = this.progress.get(to);
      if (to === this.id || pr === undefined) continue;
      this.send({ type: RaftMessageType.MsgHeartbeat, to, commit: Math.min(pr.match, this.committed) });
    }
  }

  /** Sends a MsgApp from the member's next index. etcd raft.go maybeSendAppend. */
  private sendAppend(to: number, sendIfEmpty: boolean): boolean {
    const pr = this.progress.get(to);
    if (pr === undefined || isPaused(pr)) return false;
    const entries = this.log.slice(pr.next, spec.maxSizePerMsgBytes);
    if (entries.length === 0 && !sendIfEmpty) return false;
    const index = pr.next - 1;
    this.send({ type: RaftMessageType.MsgApp, to, index, logTerm: this.log.termAt(index), entries, commit: this.committed });
    const last = entries[entries.length - 1];
    if (last !== undefined && pr.state === "replicate") pr.next = last.index + 1;
    else if (last !== undefined) pr.probeSent = true;
    return true;
  }

  /** etcd raft.go stepLeader case MsgCheckQuorum: step down unless a quorum (counting this node) was active. */
  private checkQuorumActive(): void {
    const active = this.voterSet.filter((id) => id === this.id || this.progress.get(id)?.recentActive === true).length;
    for (const pr of this.progress.values()) pr.recentActive = false;
    if (active < quorumSize(this.voterSet.length)) this.becomeFollower(this.currentTerm, NONE);
  }

  private send(fields: Partial<RaftMessage> & Pick<RaftMessage, "type" | "to">): void {
    this.outbox.push({
      from: this.id,
      term: this.currentTerm,
      logTerm: 0,
      index: 0,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
      ...fields,
    });
  }
}

/** A MsgVote whose context is `campaignTransfer`. */
function isTransferVote(m: RaftMessage): boolean {
  return m.context !== undefined && sameBytes(m.context, campaignTransferContext);
}

// ---------------------------------------------------------------------------
// Progress (etcd raft/tracker/progress.go)

/** Probing with a MsgApp unanswered. (Replicate would pause on a full inflight window; this model has none.) */
const isPaused = (pr: Progress): boolean => pr.state === "probe" && pr.probeSent;

function becomeProbe(pr: Progress): void {
  pr.state = "probe";
  pr.next = pr.match + 1;
  pr.probeSent = false;
}

function becomeReplicate(pr: Progress): void {
  pr.state = "replicate";
  pr.next = pr.match + 1;
  pr.probeSent = false;
}

/** Moves `next` back after a rejection; false when the rejection is stale. etcd progress.go MaybeDecrTo. */
function maybeDecreaseTo(pr: Progress, rejected: number, matchHint: number): boolean {
  if (pr.state === "replicate") {
    if (rejected <= pr.match) return false;
    pr.next = pr.match + 1;
    return true;
  }
  // Probes go one at a time, so a rejection of anything but next - 1 is stale.
  if (pr.next - 1 !== rejected) return false;
  pr.next = Math.max(Math.min(rejected, matchHint + 1), 1);
  pr.probeSent = false;
  return true;
}

// ---------------------------------------------------------------------------
// Argument checks

/** The entries of a MsgApp run on from its index, one by one; a message where they do not is dropped. */
function entriesFollow(m: RaftMessage): boolean {
  return m.entries.every((e, i) => e.index === m.index + 1 + i && e.term <= m.term && (i === 0 ? e.term >= m.logTerm : e.term >= m.entries[i - 1]!.term));
}

function checkRaftId(id: number, name: string): number {
  if (!Number.isSafeInteger(id) || id < 1) throw new RangeError(`"${name}" expected raft IDs from 1 to 2^53-1, got ${id}`);
  return id;
}

function checkTicks(ticks: number, name: string): number {
  if (!Number.isSafeInteger(ticks) || ticks < 1) throw new RangeError(`"${name}" expected a whole number of ticks >= 1, got ${ticks}`);
  return ticks;
}

function sortedIds(ids: readonly number[]): readonly number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

function checkRestore(state: PersistentState): void {
  for (const [name, value] of [["term", state.term], ["vote", state.vote]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"restore.${name}" expected a whole number from 0 to 2^53-1, got ${value}`);
  }
  const bad = state.entries.findIndex((e, i) => e.index !== i + 1 || e.term > state.term || (i > 0 && e.term < state.entries[i - 1]!.term));
  if (bad !== -1) throw new RangeError(`"restore.entries" expected indexes 1, 2, ... with terms rising to at most ${state.term}, got a break at position ${bad}`);
  if (!Number.isSafeInteger(state.commit) || state.commit < 0 || state.commit > state.entries.length) {
    throw new RangeError(`"restore.commit" expected 0 to ${state.entries.length}, got ${state.commit}`);
  }
}
