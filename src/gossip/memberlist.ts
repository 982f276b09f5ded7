/**
 * memberlist's SWIM membership (state.go, net.go) on the simulated underlay:
 * one `Memberlist` per node, on UDP and TCP port 7946.
 *
 * Times, fan-outs and multipliers are the node's `GossipTimings`; the
 * figures below are the defaults.
 *
 * - Failure detection (state.go probe/probeNode): every probe interval the
 *   next node of a shuffled list gets a ping; without an ack within the probe
 *   timeout, 3 random others are asked to ping it (indirect ping) and a ping
 *   also goes over a stream (the TCP fallback); without any ack by the end of
 *   the interval the node is suspect, and dead once the suspicion timeout
 *   (4·max(1, log10 N) s) passes without it refuting.
 * - Dissemination (state.go gossip, queue.go): alive, suspect and dead news
 *   is queued and piggybacked, up to the packet's room, on pings and acks,
 *   and sent every 200 ms to 3 random members; each is sent
 *   4·ceil(log10(N+1)) times. A round with nothing queued sends nothing.
 * - Anti-entropy (state.go pushPull): every 30 s (more above 32 nodes) a full
 *   state exchange with one random member over a stream; joining is such an
 *   exchange with a known address.
 * - A node that hears itself suspected or declared dead refutes it with a
 *   higher incarnation.
 *
 * The delegate (networkdb) rides on it: its broadcasts share the gossip
 * packets, its user messages arrive through `notifyMsg`, and its state goes
 * with every push/pull. Every packet goes through `GossipWire`, which encodes
 * and encrypts it as memberlist does; what cannot be read is dropped with a
 * reason, counted and traced, and never reaches this class.
 */

import { EventEmitter } from "eventemitter3";
import type { Host, Ipv4Address, Stream } from "../net/index.js";
import { formatIpv4Bytes, parseIpv4Bytes } from "./address-bytes.js";
import type { Duration, EventHandle, Instant, Rng, Simulation } from "../sim/index.js";
import { BroadcastQueue } from "./broadcast-queue.js";
import {
  compoundHeaderOverhead,
  compoundOverhead,
  delegateVersion,
  delegateVersionMax,
  delegateVersionMin,
  gossipPort,
  protocolVersion,
  protocolVersionMax,
  protocolVersionMin,
  pushPullIntervalFor,
  suspicionTimeoutUs,
  udpBufferBytes,
} from "./constants.js";
import { type Alive, type GossipMessage, MessageType, type PushNodeState, decodeGossipMessage, encodeGossipMessage } from "./messages.js";
import { type GossipTimings, gossipTimings } from "./timings.js";
import type { GossipWire, StreamMessageReader } from "./wire.js";
import { sameBytes } from "../encoding/index.js";

/** A member's state as memberlist keeps it (state.go nodeStateType). */
export type MemberState = "alive" | "suspect" | "dead";
const stateNumber: Record<MemberState, number> = { alive: 0, suspect: 1, dead: 2 };
const stateOfNumber = (n: number): MemberState | undefined => (n === 0 ? "alive" : n === 1 ? "suspect" : n === 2 ? "dead" : undefined);

/** One member as this node sees it. */
export interface Member {
  readonly name: string;
  readonly address: Ipv4Address;
  readonly port: number;
  incarnation: number;
  state: MemberState;
  /** When the state last changed. */
  stateChange: Instant;
  meta: Uint8Array;
  /** [PMin, PMax, PCur, DMin, DMax, DCur] (state.go Node). */
  vsn: Uint8Array;
}

/** What networkdb plugs into memberlist (delegate.go). */
export interface MemberlistDelegate {
  /** A user message arrived (packet or stream). */
  notifyMsg(message: Uint8Array): void;
  /** Broadcasts to piggyback: each costs its length plus `overhead`, all within `limit`. */
  getBroadcasts(overhead: number, limit: number): Uint8Array[];
  /** The delegate's state for a push/pull. */
  localState(join: boolean): Uint8Array;
  /** A peer's delegate state from a push/pull. */
  mergeRemoteState(state: Uint8Array, join: boolean): void;
  /** How many broadcasts the delegate has queued (the gossip ticker parks while there are none anywhere). */
  pendingBroadcasts(): number;
}

export interface MemberlistEvents {
  /** A member became alive (it was unknown or dead). */
  join: [member: Member];
  /** A member was declared dead. */
  leave: [member: Member];
  /** A member's state changed (alive, suspect, dead). */
  state: [member: Member, previous: MemberState | undefined];
}

export interface MemberlistOptions {
  readonly sim: Simulation;
  readonly host: Host;
  /** The gossip node name: networkdb uses a random 12-hex ID, not the swarm node ID. */
  readonly name: string;
  /** Shuffles, random members, offsets and staggers. */
  readonly rng: Rng;
  readonly wire: GossipWire;
  readonly delegate?: MemberlistDelegate;
  /** Timers, fan-outs and multipliers; the spec's (constants.ts) for any left out. */
  readonly timings?: Partial<GossipTimings>;
}

/** Counts a node keeps of its gossip traffic. */
export interface MemberlistCounters {
  packetsSent: number;
  packetsReceived: number;
  streamsOpened: number;
  streamsAccepted: number;
}

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A member's state changed as this node sees it. */
    "gossip.member": { member: string; state: MemberState; incarnation: number; previous?: MemberState };
    /** A push/pull with a peer failed. */
    "gossip.push-pull-failed": { peer: string; reason: string };
  }
}

/** The type byte that frames each of the delegate's broadcasts (broadcast.go userMsgOverhead). */
const userMsgOverhead = 1;

type AckHandler = { readonly onAck: () => void; readonly timer: EventHandle };

/**
 * @example
 * ```ts
 * const list = new Memberlist({ sim, host, name: "3f2a9c41be07", rng: rng.fork("gossip"), wire, delegate });
 * list.start();
 * list.join(["10.0.0.2"]);
 * list.on("join", (m) => console.log(`${m.name} joined`));
 * ```
 */
export class Memberlist extends EventEmitter<MemberlistEvents> {
  readonly name: string;
  readonly counters: MemberlistCounters = { packetsSent: 0, packetsReceived: 0, streamsOpened: 0, streamsAccepted: 0 };
  /** The timings this node runs with, checked and complete. */
  readonly timings: GossipTimings;
  private readonly sim: Simulation;
  private readonly host: Host;
  private readonly rng: Rng;
  private readonly wire: GossipWire;
  private readonly delegate: MemberlistDelegate | undefined;
  /** Probe order (state.go m.nodes): shuffled when a round wraps, new members at a random place. */
  private nodes: Member[] = [];
  private readonly nodeMap = new Map<string, Member>();
  private readonly broadcasts: BroadcastQueue;
  private readonly ackHandlers = new Map<number, AckHandler>();
  private probeIndex = 0;
  private sequence = 0;
  private incarnation = 0;
  private probing = false;
  private running = false;
  private readonly timers: EventHandle[] = [];
  private readonly closers: Array<() => void> = [];
  /** The time of the next gossip tick, while the ticker is parked for want of anything to send. */
  private gossipParkedSince: Instant | undefined;

  constructor(options: MemberlistOptions) {
    super();
    this.sim = options.sim;
    this.host = options.host;
    this.name = options.name;
    this.rng = options.rng;
    this.wire = options.wire;
    this.delegate = options.delegate;
    this.timings = gossipTimings(options.timings);
    this.broadcasts = new BroadcastQueue(() => this.nodeMap.size, this.timings.retransmitMult);
  }

  /** The members, in name order (this node included). */
  members(): readonly Member[] {
    return [...this.nodeMap.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The members alive or suspect: what networkdb counts as the cluster. */
  liveMembers(): Member[] {
    return this.members().filter((m) => m.state !== "dead");
  }

  /** Whether the node is up and gossiping. */
  get isRunning(): boolean {
    return this.running;
  }

  /** Binds port 7946 (UDP and TCP), marks this node alive and starts the tickers, each at a random stagger (state.go schedule). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const udp = this.host.udp.bind(gossipPort, (m) => this.receivePacket(m.srcIp, m.payload));
    const tcp = this.host.listen(gossipPort, (stream) => this.acceptStream(stream));
    this.closers.push(() => udp.close(), () => tcp.close());
    this.setAlive();
    const { probeIntervalUs, gossipIntervalUs } = this.timings;
    this.tickAfter(this.stagger(probeIntervalUs), "gossip.probe", () => this.probeTick());
    this.tickAfter(this.stagger(pushPullIntervalFor(this.nodeMap.size, this.timings)), "gossip.push-pull", () => this.pushPullTick());
    this.gossipParkedSince = undefined;
    this.tickAfter(this.stagger(gossipIntervalUs), "gossip.gossip", () => this.gossipTick());
  }

  /** Stops everything without a word to the others (a crash): they will find out by probing. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers.splice(0)) this.sim.scheduler.cancel(timer);
    for (const { timer } of this.ackHandlers.values()) this.sim.scheduler.cancel(timer);
    this.ackHandlers.clear();
    for (const close of this.closers.splice(0)) close();
    this.broadcasts.reset();
    this.nodes = [];
    this.nodeMap.clear();
    this.probing = false;
  }

  /**
   * Joins through the members at `addresses`: a push/pull with each
   * (memberlist.go Join). `done` hears how many answered, once all have
   * answered or failed (memberlist's Join returns an error when none did).
   */
  join(addresses: readonly Ipv4Address[], done?: (joined: number) => void): void {
    const targets = addresses.filter((a) => a !== this.host.ip);
    let pending = targets.length;
    let joined = 0;
    if (pending === 0) done?.(0);
    for (const address of targets) {
      this.pushPullWith(address, true, (ok) => {
        if (ok) joined++;
        if (--pending === 0) done?.(joined);
      });
    }
  }

  /** The member named `name`, as this node sees it. */
  member(name: string): Member | undefined {
    return this.nodeMap.get(name);
  }

  /** This node as a member. */
  get localMember(): Member | undefined {
    return this.nodeMap.get(this.name);
  }

  /**
   * memberlist.go SendToUDP: one user message to `to`, alone in its packet
   * (no piggybacked broadcasts), with the CRC header when `to` speaks
   * protocol 5 or more.
   */
  sendToUdp(to: Member, payload: Uint8Array): void {
    if (!this.running) return;
    this.sendPacket(to.address, [encodeGossipMessage({ type: MessageType.user, Payload: payload })], to.vsn[1]! >= 5);
  }

  /**
   * memberlist.go SendToTCP (net.go sendUserMsg): one user message over a
   * fresh stream, with its length header. `failed` hears why, when the stream
   * could not be opened or was reset before the message went (SendToTCP's error).
   */
  sendToTcp(to: Member, payload: Uint8Array, failed?: (reason: string) => void): void {
    if (!this.running) return;
    this.exchange(
      to.address,
      encodeGossipMessage({ type: MessageType.user, Payload: payload }, { via: "stream" }),
      (this.sim.now + this.timings.tcpTimeoutUs) as Instant,
      undefined,
      failed,
    );
  }

  /** Queues a broadcast of the delegate's on memberlist's own queue (used for nothing else here). */
  private queueBroadcast(name: string, message: Uint8Array): void {
    this.broadcasts.queue({ name, message });
    this.unparkGossip();
  }

  // --- timers ---

  private stagger(interval: Duration): Duration {
    return this.rng.int(0, interval - 1) as Duration;
  }

  private tickAfter(delay: Duration, kind: string, run: () => void): EventHandle {
    const handle = this.sim.scheduler.after(delay, kind, () => {
      const at = this.timers.indexOf(handle);
      if (at >= 0) this.timers.splice(at, 1);
      if (this.running) run();
    });
    this.timers.push(handle);
    return handle;
  }

  private cancelTimer(handle: EventHandle): void {
    this.sim.scheduler.cancel(handle);
    const at = this.timers.indexOf(handle);
    if (at >= 0) this.timers.splice(at, 1);
  }

  private probeTick(): void {
    this.tickAfter(this.timings.probeIntervalUs, "gossip.probe", () => this.probeTick());
    // Go's ticker drops ticks while a round is still running: rounds never overlap.
    if (!this.probing) this.probe();
  }

  private pushPullTick(): void {
    this.tickAfter(pushPullIntervalFor(this.nodeMap.size, this.timings), "gossip.push-pull", () => this.pushPullTick());
    const [peer] = this.randomMembers(1, [this.name]);
    if (peer !== undefined) this.pushPullWith(peer.address, false);
  }

  /**
   * state.go gossip: up to GossipNodes random members, each sent what fits of
   * the queued broadcasts. When nothing is queued the ticker parks instead of
   * firing every interval to find nothing, and resumes on its own beat when
   * something is queued.
   */
  private gossipTick(): void {
    if (!this.hasBroadcasts()) {
      this.gossipParkedSince = this.sim.now;
      return;
    }
    this.tickAfter(this.timings.gossipIntervalUs, "gossip.gossip", () => this.gossipTick());
    const targets = this.randomMembers(this.timings.gossipNodes, [this.name], true);
    const limit = udpBufferBytes - compoundHeaderOverhead - this.wire.overhead;
    for (const node of targets) {
      const messages = this.getBroadcasts(compoundOverhead, limit);
      if (messages.length === 0) return;
      this.sendPacket(node.address, messages, node.vsn[1]! >= 5);
    }
  }

  private hasBroadcasts(): boolean {
    return this.broadcasts.length > 0 || (this.delegate?.pendingBroadcasts() ?? 0) > 0;
  }

  /** Something was queued (here or by the delegate): a parked gossip ticker resumes at its next beat. */
  unparkGossip(): void {
    const since = this.gossipParkedSince;
    if (since === undefined || !this.running) return;
    this.gossipParkedSince = undefined;
    const elapsed = this.sim.now - since;
    const { gossipIntervalUs } = this.timings;
    const next = gossipIntervalUs - (elapsed % gossipIntervalUs);
    this.tickAfter(next as Duration, "gossip.gossip", () => this.gossipTick());
  }

  /**
   * memberlist's own broadcasts first, then the delegate's in the room left,
   * each framed as a user message: its type byte counts as overhead
   * (broadcast.go getBroadcasts, userMsgOverhead).
   */
  private getBroadcasts(overhead: number, limit: number): Uint8Array[] {
    const own = this.broadcasts.take(overhead, limit);
    if (this.delegate === undefined) return own;
    let used = 0;
    for (const m of own) used += overhead + m.length;
    const available = limit - used;
    if (available <= overhead + userMsgOverhead) return own;
    const user = this.delegate.getBroadcasts(overhead + userMsgOverhead, available);
    return [...own, ...user.map((payload) => encodeGossipMessage({ type: MessageType.user, Payload: payload }))];
  }

  // --- failure detection ---

  /** state.go probe: the next live node that is not us, shuffling when the list wraps. */
  private probe(): void {
    let checked = 0;
    for (;;) {
      if (checked >= this.nodes.length) return;
      if (this.probeIndex >= this.nodes.length) {
        this.resetNodes();
        this.probeIndex = 0;
        checked++;
        continue;
      }
      const node = this.nodes[this.probeIndex++]!;
      if (node.name === this.name || node.state === "dead") {
        checked++;
        continue;
      }
      this.probeNode(node);
      return;
    }
  }

  /** state.go resetNodes: members dead for longer than GossipToTheDeadTime leave the list, the rest is shuffled. */
  private resetNodes(): void {
    const gone = (n: Member) => n.state === "dead" && this.sim.now - n.stateChange > this.timings.gossipToTheDeadTimeUs;
    for (const n of this.nodes) if (gone(n)) this.nodeMap.delete(n.name);
    this.nodes = this.rng.shuffle(this.nodes.filter((n) => !gone(n)));
  }

  /** state.go probeNode. */
  private probeNode(node: Member): void {
    this.probing = true;
    const seqNo = this.nextSeqNo();
    const started = this.sim.now;
    let fallbackAcked = false;
    let indirect: EventHandle | undefined;
    // Nobody answered by the end of the interval: the fallback's answer counts, else suspect it (state.go probeNode's end).
    const timedOut = () => {
      this.probing = false;
      if (fallbackAcked || !this.running) return;
      const current = this.nodeMap.get(node.name);
      if (current !== undefined) this.suspectNode({ Incarnation: current.incarnation, Node: node.name, From: this.name });
    };
    // An ack, direct or relayed, ends the probe at once.
    const acked = () => {
      this.probing = false;
      if (indirect !== undefined) this.cancelTimer(indirect);
    };
    const { probeIntervalUs, probeTimeoutUs, indirectChecks } = this.timings;
    this.setAckHandler(seqNo, acked, probeIntervalUs, timedOut);
    this.sendMessages(node.address, [encodeGossipMessage({ type: MessageType.ping, SeqNo: seqNo, Node: node.name })]);
    indirect = this.tickAfter(probeTimeoutUs, "gossip.probe-timeout", () => {
      for (const peer of this.randomMembers(indirectChecks, [this.name, node.name])) {
        this.sendMessages(peer.address, [
          encodeGossipMessage({ type: MessageType.indirectPing, SeqNo: seqNo, Target: parseIpv4Bytes(node.address), Port: node.port, Node: node.name }),
        ]);
      }
      // The TCP fallback (protocol version 3 and up): a ping over a stream, answered by the deadline.
      if (node.vsn[1]! >= 3) {
        this.streamPing(node, seqNo, (started + probeIntervalUs) as Instant, () => {
          fallbackAcked = true;
        });
      }
    });
  }

  /** Waits `timeout` for the ack numbered `seqNo` (net.go setAckHandler): `onAck` if it comes, `onTimeout` if not. */
  private setAckHandler(seqNo: number, onAck: () => void, timeout: Duration, onTimeout?: () => void): void {
    const timer = this.sim.scheduler.after(timeout, "gossip.ack-timeout", () => {
      this.ackHandlers.delete(seqNo);
      onTimeout?.();
    });
    this.ackHandlers.set(seqNo, {
      onAck: () => {
        this.sim.scheduler.cancel(timer);
        onAck();
      },
      timer,
    });
  }

  private nextSeqNo(): number {
    this.sequence = (this.sequence + 1) >>> 0;
    return this.sequence;
  }

  private nextIncarnation(): number {
    this.incarnation = (this.incarnation + 1) >>> 0;
    return this.incarnation;
  }

  // --- state changes (state.go aliveNode, suspectNode, deadNode) ---

  private versions(): Uint8Array {
    return Uint8Array.of(protocolVersionMin, protocolVersionMax, protocolVersion, delegateVersionMin, delegateVersionMax, delegateVersion);
  }

  /** memberlist.go setAlive: this node, alive with the first incarnation. */
  private setAlive(): void {
    this.aliveNode(
      { Incarnation: this.nextIncarnation(), Node: this.name, Addr: parseIpv4Bytes(this.host.ip), Port: gossipPort, Meta: new Uint8Array(0), Vsn: this.versions() },
      true,
    );
  }

  private aliveNode(alive: Alive, bootstrap = false): void {
    const address = alive.Addr === null ? undefined : formatIpv4Bytes(alive.Addr);
    if (address === undefined) return;
    const a = { Incarnation: alive.Incarnation, Node: alive.Node, Addr: alive.Addr!, Port: alive.Port, Meta: alive.Meta ?? new Uint8Array(0), Vsn: alive.Vsn ?? new Uint8Array(0) };
    let state = this.nodeMap.get(a.Node);
    const created = state === undefined;
    if (state === undefined) {
      // A new member starts dead at incarnation 0, so any alive news makes it alive (state.go aliveNode).
      state = { name: a.Node, address, port: a.Port, incarnation: 0, state: "dead", stateChange: this.sim.now, meta: a.Meta, vsn: a.Vsn.slice() };
      this.nodeMap.set(a.Node, state);
      // A random place in the probe order keeps the failure detection bound low.
      const n = this.nodes.length;
      const offset = n === 0 ? 0 : this.rng.int(0, n - 1);
      this.nodes.push(state);
      [this.nodes[offset], this.nodes[n]] = [this.nodes[n]!, this.nodes[offset]!];
    }
    if (state.address !== address || state.port !== a.Port) return; // a conflicting address: ignored
    const local = state.name === this.name;
    // Old news, also about a member still listed dead: it comes back only with a higher incarnation.
    if (!local && a.Incarnation <= state.incarnation) return;
    if (local && a.Incarnation < state.incarnation) return;
    const previous = state.state;
    if (!bootstrap && local) {
      if (a.Incarnation === state.incarnation && sameBytes(a.Meta, state.meta) && sameBytes(a.Vsn, state.vsn)) return;
      // Someone says something about us that is not what we are: refute it.
      state.incarnation = this.refutingIncarnation(a.Incarnation);
      this.broadcastAlive(state);
      return;
    }
    this.queueBroadcast(a.Node, encodeGossipMessage({ type: MessageType.alive, ...a }));
    if (a.Vsn.length > 0) state.vsn = a.Vsn.slice();
    state.incarnation = a.Incarnation;
    state.meta = a.Meta;
    if (previous !== "alive") this.changeState(state, "alive", created ? undefined : previous);
    if (previous === "dead") this.emit("join", state);
  }

  private refutingIncarnation(heard: number): number {
    let inc = this.nextIncarnation();
    while (heard >= inc) inc = this.nextIncarnation();
    return inc;
  }

  private broadcastAlive(state: Member): void {
    this.queueBroadcast(
      state.name,
      encodeGossipMessage({
        type: MessageType.alive,
        Incarnation: state.incarnation,
        Node: state.name,
        Addr: parseIpv4Bytes(state.address),
        Port: state.port,
        Meta: state.meta,
        Vsn: state.vsn,
      }),
    );
  }

  private suspectNode(s: { Incarnation: number; Node: string; From: string }): void {
    const state = this.nodeMap.get(s.Node);
    if (state === undefined || s.Incarnation < state.incarnation || state.state !== "alive") return;
    if (state.name === this.name) {
      state.incarnation = this.refutingIncarnation(s.Incarnation);
      this.broadcastAlive(state);
      return;
    }
    this.queueBroadcast(s.Node, encodeGossipMessage({ type: MessageType.suspect, ...s }));
    state.incarnation = s.Incarnation;
    this.changeState(state, "suspect", "alive");
    const changed = state.stateChange;
    this.tickAfter(suspicionTimeoutUs(this.nodeMap.size, this.timings), "gossip.suspicion-timeout", () => {
      const now = this.nodeMap.get(s.Node);
      if (now !== undefined && now.state === "suspect" && now.stateChange === changed) {
        this.deadNode({ Incarnation: now.incarnation, Node: now.name, From: this.name });
      }
    });
  }

  private deadNode(d: { Incarnation: number; Node: string; From: string }): void {
    const state = this.nodeMap.get(d.Node);
    if (state === undefined || d.Incarnation < state.incarnation || state.state === "dead") return;
    if (state.name === this.name) {
      state.incarnation = this.refutingIncarnation(d.Incarnation);
      this.broadcastAlive(state);
      return;
    }
    this.queueBroadcast(d.Node, encodeGossipMessage({ type: MessageType.dead, ...d }));
    state.incarnation = d.Incarnation;
    const previous = state.state;
    this.changeState(state, "dead", previous);
    this.emit("leave", state);
  }

  private changeState(member: Member, to: MemberState, previous: MemberState | undefined): void {
    member.state = to;
    member.stateChange = this.sim.now;
    this.sim.trace.record(
      "gossip.member",
      { member: member.name, state: to, incarnation: member.incarnation, ...(previous === undefined ? {} : { previous }) },
      this.host.name,
    );
    this.emit("state", member, previous);
  }

  /** state.go mergeState: alive as alive; suspect and dead both as suspect. */
  private mergeState(remote: readonly PushNodeState[]): void {
    for (const r of remote) {
      const state = stateOfNumber(r.State);
      if (state === "alive") {
        this.aliveNode({ Incarnation: r.Incarnation, Node: r.Name, Addr: r.Addr, Port: r.Port, Meta: r.Meta, Vsn: r.Vsn });
      } else if (state !== undefined) {
        this.suspectNode({ Incarnation: r.Incarnation, Node: r.Name, From: this.name });
      }
    }
  }

  /**
   * util.go kRandomNodes: up to k random members, not excluded, not dead;
   * gossip also goes to members dead for less than GossipToTheDeadTime
   * (state.go gossip), which is how a healed partition hears of itself again.
   */
  private randomMembers(k: number, exclude: readonly string[], gossip = false): Member[] {
    const reachable = (n: Member) => n.state !== "dead" || (gossip && this.sim.now - n.stateChange <= this.timings.gossipToTheDeadTimeUs);
    const candidates = this.nodes.filter((n) => reachable(n) && !exclude.includes(n.name));
    const picked: Member[] = [];
    // util.go: 3·n random draws at most, skipping repeats.
    for (let i = 0; i < 3 * candidates.length && picked.length < k; i++) {
      const node = candidates[this.rng.int(0, candidates.length - 1)]!;
      if (!picked.includes(node)) picked.push(node);
    }
    return picked;
  }

  // --- packets ---

  /** net.go sendMsg: one message, with what broadcasts fit piggybacked in a compound. */
  private sendMessages(to: Ipv4Address, messages: Uint8Array[]): void {
    let used = 0;
    for (const m of messages) used += m.length;
    const room = udpBufferBytes - used - compoundHeaderOverhead - this.wire.overhead;
    const extra = this.getBroadcasts(compoundOverhead, room);
    // net.go rawSendMsgPacket finds the node by address, which fails with networkdb's names: no CRC here.
    this.sendPacket(to, [...messages, ...extra], false);
  }

  private sendPacket(to: Ipv4Address, messages: Uint8Array[], crc: boolean): void {
    if (messages.length === 0) return;
    this.counters.packetsSent++;
    this.host.udp.send(gossipPort, to, gossipPort, this.wire.packet(messages, crc));
  }

  private receivePacket(from: Ipv4Address, payload: Uint8Array): void {
    if (!this.running) return;
    const opened = this.wire.openPacket(payload, from);
    if (!opened.ok) return;
    this.counters.packetsReceived++;
    for (const bytes of opened.messages) this.handleMessage(from, bytes);
  }

  private handleMessage(from: Ipv4Address, bytes: Uint8Array): void {
    const decoded = decodeGossipMessage(bytes);
    if (!decoded.ok) {
      this.wire.dropped(from, "malformed", decoded.reason);
      return;
    }
    this.handle(from, decoded.value);
  }

  private handle(from: Ipv4Address, message: GossipMessage): void {
    switch (message.type) {
      case MessageType.ping:
        // net.go handlePing: a ping for another name is not ours to answer.
        if (message.Node !== "" && message.Node !== this.name) return;
        this.sendMessages(from, [encodeGossipMessage({ type: MessageType.ack, SeqNo: message.SeqNo, Payload: null })]);
        return;
      case MessageType.indirectPing: {
        // net.go handleIndirectPing: ping the target for the asker, and pass its ack on.
        const seqNo = this.nextSeqNo();
        const target = message.Target === null ? undefined : formatIpv4Bytes(message.Target);
        if (target === undefined) return;
        this.setAckHandler(seqNo, () => this.sendMessages(from, [encodeGossipMessage({ type: MessageType.ack, SeqNo: message.SeqNo, Payload: null })]), this.timings.probeIntervalUs);
        this.sendMessages(target, [encodeGossipMessage({ type: MessageType.ping, SeqNo: seqNo, Node: message.Node })]);
        return;
      }
      case MessageType.ack: {
        const handler = this.ackHandlers.get(message.SeqNo);
        if (handler === undefined) return;
        this.ackHandlers.delete(message.SeqNo);
        handler.onAck();
        return;
      }
      case MessageType.suspect:
        return this.suspectNode(message);
      case MessageType.alive:
        return this.aliveNode(message);
      case MessageType.dead:
        return this.deadNode(message);
      case MessageType.user:
        this.delegate?.notifyMsg(message.Payload);
        return;
      default:
        this.wire.dropped(from, "malformed", `msg type (${message.type}) not supported`);
    }
  }

  // --- streams ---

  /** The TCP fallback ping (net.go sendPingAndWaitForAck): a ping over a stream, its ack by `deadline`. */
  private streamPing(node: Member, seqNo: number, deadline: Instant, acked: () => void): void {
    this.exchange(node.address, encodeGossipMessage({ type: MessageType.ping, SeqNo: seqNo, Node: node.name }), deadline, (reply) => {
      const decoded = decodeGossipMessage(reply, { via: "stream" });
      if (decoded.ok && decoded.value.type === MessageType.ack && decoded.value.SeqNo === seqNo) acked();
    });
  }

  /** state.go pushPullNode: send our state, read theirs, merge (net.go sendAndReceiveState). */
  private pushPullWith(address: Ipv4Address, join: boolean, done?: (ok: boolean) => void): void {
    const local = encodeGossipMessage({
      type: MessageType.pushPull,
      join,
      nodes: this.localStates(),
      userState: this.delegate?.localState(join) ?? new Uint8Array(0),
    });
    const failed = (reason: string) => {
      this.sim.trace.record("gossip.push-pull-failed", { peer: address, reason }, this.host.name);
      done?.(false);
    };
    this.exchange(
      address,
      local,
      (this.sim.now + this.timings.tcpTimeoutUs) as Instant,
      (reply) => {
        const decoded = decodeGossipMessage(reply, { via: "stream" });
        if (!decoded.ok || decoded.value.type !== MessageType.pushPull) return failed(decoded.ok ? "not a push/pull" : decoded.reason);
        this.mergeState(decoded.value.nodes);
        if (decoded.value.userState.length > 0) this.delegate?.mergeRemoteState(decoded.value.userState, join);
        done?.(true);
      },
      failed,
    );
  }

  private localStates(): PushNodeState[] {
    return this.nodes.map((n) => ({
      Name: n.name,
      Addr: parseIpv4Bytes(n.address),
      Port: n.port,
      Meta: n.meta,
      Incarnation: n.incarnation,
      State: stateNumber[n.state],
      Vsn: n.vsn,
    }));
  }

  /**
   * Opens a stream to `address` and writes one message; with `onReply`,
   * reads one back by `deadline`, then closes. `onFail` hears why no reply
   * came: a timeout, a reset, the stream ending, or a reply that could not be read.
   */
  private exchange(
    address: Ipv4Address,
    message: Uint8Array,
    deadline: Instant,
    onReply?: (reply: Uint8Array) => void,
    onFail?: (reason: string) => void,
  ): void {
    this.counters.streamsOpened++;
    const stream = this.host.connect(address, gossipPort);
    const reader = this.wire.streamReader(address);
    let done = false;
    const settle = (reason?: string) => {
      if (done) return false;
      done = true;
      this.sim.scheduler.cancel(timeout);
      if (reason !== undefined && this.running) onFail?.(reason);
      return true;
    };
    const timeout = this.sim.scheduler.at(deadline, "gossip.stream-timeout", () => {
      if (settle("i/o timeout")) stream.reset();
    });
    stream.on("connect", () => {
      stream.write(this.wire.streamMessage(message));
      if (onReply === undefined && settle()) stream.close();
    });
    stream.on("data", (bytes) => {
      if (done) return;
      const reply = reader.push(bytes);
      if (reply === "incomplete") return;
      if (reply === "dropped") settle("the reply could not be read");
      else if (settle() && this.running) onReply?.(reply);
      stream.close();
    });
    stream.on("end", () => {
      reader.end();
      if (settle("EOF")) stream.close();
    });
    stream.on("reset", (reason) => settle(`connection reset: ${reason}`));
  }

  /** net.go handleConn: one message in, and for a push/pull or a ping, one answer out. */
  private acceptStream(stream: Stream): void {
    this.counters.streamsAccepted++;
    const reader: StreamMessageReader = this.wire.streamReader(stream.remoteAddress);
    stream.on("data", (bytes) => {
      const message = reader.push(bytes);
      if (message === "incomplete") return;
      if (message === "dropped" || !this.running) return stream.close();
      const decoded = decodeGossipMessage(message, { via: "stream" });
      if (!decoded.ok) {
        this.wire.dropped(stream.remoteAddress, "malformed", decoded.reason);
        return stream.close();
      }
      const m = decoded.value;
      if (m.type === MessageType.pushPull) {
        const reply = encodeGossipMessage({
          type: MessageType.pushPull,
          join: false,
          nodes: this.localStates(),
          userState: this.delegate?.localState(m.join) ?? new Uint8Array(0),
        });
        stream.write(this.wire.streamMessage(reply));
        this.mergeState(m.nodes);
        if (m.userState.length > 0) this.delegate?.mergeRemoteState(m.userState, m.join);
      } else if (m.type === MessageType.ping) {
        if (m.Node === "" || m.Node === this.name) {
          stream.write(this.wire.streamMessage(encodeGossipMessage({ type: MessageType.ack, SeqNo: m.SeqNo, Payload: null })));
        }
      } else if (m.type === MessageType.user) {
        this.delegate?.notifyMsg(m.Payload);
      }
      stream.close();
    });
  }
}



