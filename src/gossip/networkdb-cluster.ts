/**
 * networkdb's cluster life (cluster.go): joining through memberlist and
 * retrying, leaving, and the periodic tasks clusterInit starts: table gossip
 * every 200 ms, bulk sync every 30 s, a retry of a failed node every second,
 * the entry and network reaper every 5 s and the node reaper every 2 h (the
 * defaults: each period is the node's `GossipTimings`).
 */

import type { Ipv4Address } from "../net/index.js";
import type { Duration, EventHandle, Instant, Rng } from "../sim/index.js";
import { udpBufferBytes } from "./constants.js";
import type { Memberlist } from "./memberlist.js";
import type { BulkSyncer } from "./networkdb-bulk-sync.js";
import { NodeEventType, makeCompoundMessage, networkdbCompoundHeaderOverheadBytes, networkdbCompoundOverheadBytes } from "./networkdb-messages.js";
import { mRandomNodes } from "./networkdb-nodes.js";
import type { NetworkDbState } from "./networkdb-state.js";
import { Ticker } from "./networkdb-ticker.js";

/**
 * @example
 * ```ts
 * const cluster = new NetworkDbCluster(state, memberlist, syncer, rng.fork("networkdb"));
 * cluster.start();
 * cluster.join(["10.0.0.1"], "10.0.0.2");
 * ```
 */
export class NetworkDbCluster {
  private readonly tickers: Ticker[];
  private retryJoinTicker: Ticker | undefined;
  private readonly timers = new Set<EventHandle>();
  private running = false;
  /** When the table gossip ticker parked, on its beat, for want of anything queued. */
  private tableGossipParkedSince: Instant | undefined;

  constructor(
    private readonly state: NetworkDbState,
    private readonly memberlist: Memberlist,
    private readonly syncer: BulkSyncer,
    /** Picks table gossip targets and the failed node to retry. */
    private readonly rng: Rng,
  ) {
    const { sim } = state;
    const { reapPeriodUs, bulkSyncIntervalUs, retryIntervalUs, nodeReapPeriodUs } = state.timings;
    // cluster.go clusterInit's tickers; the table gossip one is kept apart, for it parks.
    this.tickers = [
      new Ticker(sim, reapPeriodUs, "gossip.reap", (done) => (this.reapState(), done())),
      new Ticker(sim, bulkSyncIntervalUs, "gossip.bulk-sync", (done) => this.bulkSyncTables(done)),
      new Ticker(sim, retryIntervalUs, "gossip.reconnect", (done) => this.reconnectNode(done)),
      new Ticker(sim, nodeReapPeriodUs, "gossip.reap-nodes", (done) => (this.reapDeadNodes(), done())),
    ];
  }

  /** Starts the periodic tasks. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const ticker of this.tickers) ticker.start();
    this.tableGossipParkedSince = undefined;
    this.after(this.state.timings.tableGossipIntervalUs, "gossip.table-gossip", () => this.tableGossipTick());
  }

  /** Stops every task and wait at once. */
  stop(): void {
    this.running = false;
    for (const ticker of this.tickers) ticker.stop();
    this.retryJoinTicker?.stop();
    for (const timer of this.timers) this.state.sim.scheduler.cancel(timer);
    this.timers.clear();
  }

  /**
   * cluster.go clusterJoin: a memberlist join through `addresses` (this
   * node's own, `self`, left out), then a node join event; when none answers,
   * the join is retried every retry interval until one does (retryJoin).
   */
  join(addresses: readonly Ipv4Address[], self: Ipv4Address): void {
    const targets = addresses.filter((a) => a !== self);
    if (targets.length === 0) return this.state.sendNodeEvent(NodeEventType.join);
    this.memberlist.join(targets, (joined) => {
      if (joined > 0) return this.state.sendNodeEvent(NodeEventType.join);
      this.retryJoinTicker?.stop();
      // The retry also goes on when the join event could not be sent in time.
      const retry: Ticker = new Ticker(this.state.sim, this.state.timings.retryIntervalUs, "gossip.retry-join", (done) =>
        this.memberlist.join(targets, (again) => {
          if (again === 0) return done();
          this.state.sendNodeEvent(NodeEventType.join, (error) => {
            if (error === undefined) retry.stop();
            done();
          });
        }),
      );
      this.retryJoinTicker = retry;
      retry.start();
    });
  }

  /**
   * cluster.go clusterLeave: a node leave event, gossiped before `stop` is
   * called (sendNodeEvent waits until it was sent, at most the node event
   * broadcast timeout, when there are peers to send it to).
   */
  leave(stop: () => void): void {
    this.state.sendNodeEvent(NodeEventType.leave, () => {
      if (this.running) stop();
    });
  }

  // --- table gossip (cluster.go gossip) ---

  /** A table event was queued: a parked table gossip ticker resumes at its next beat. */
  unparkTableGossip(): void {
    const since = this.tableGossipParkedSince;
    if (since === undefined || !this.running) return;
    this.tableGossipParkedSince = undefined;
    const interval = this.state.timings.tableGossipIntervalUs;
    const next = interval - ((this.state.sim.now - since) % interval);
    this.after(next as Duration, "gossip.table-gossip", () => this.tableGossipTick());
  }

  private tableGossipTick(): void {
    if (this.state.pendingTableBroadcasts() === 0) {
      this.tableGossipParkedSince = this.state.sim.now;
      return;
    }
    this.after(this.state.timings.tableGossipIntervalUs, "gossip.table-gossip", () => this.tableGossipTick());
    this.gossip();
  }

  /** Each joined network's queued table events, as one compound message, to up to `tableGossipNodes` of its peers. */
  private gossip(): void {
    const { state } = this;
    const room = udpBufferBytes - networkdbCompoundHeaderOverheadBytes;
    for (const [nid, network] of state.attachments.of(state.name)) {
      const queue = network.tableBroadcasts;
      if (queue === undefined || queue.length === 0) continue;
      const targets = mRandomNodes(this.rng, state.timings.tableGossipNodes, state.attachments.nodesOf(nid), state.name);
      const messages = queue.take(networkdbCompoundOverheadBytes, room);
      if (messages.length === 0) continue;
      const compound = makeCompoundMessage(messages);
      for (const target of targets) {
        const node = state.nodes.active(target);
        if (node === undefined) break;
        this.memberlist.sendToUdp(node.member, compound);
        state.counters.gossipPacketsSent++;
        state.counters.tableEventsSent += messages.length;
      }
    }
  }

  // --- the other periodic tasks ---

  /** cluster.go bulkSyncTables: each of this node's networks, not leaving, with a random peer. */
  private bulkSyncTables(done: () => void): void {
    const { attachments, name } = this.state;
    const networks = attachments
      .of(name)
      .filter(([, n]) => !n.leaving)
      .map(([nid]) => nid);
    this.syncer.periodic(networks, (nid) => attachments.nodesOf(nid), done);
  }

  /**
   * cluster.go reconnectNode: a memberlist join with one random failed node;
   * once it answers, a node join event, this node's entries take a new time,
   * and a bulk sync with it brings both up to date.
   */
  private reconnectNode(done: () => void): void {
    const { state } = this;
    const failed = state.nodes.list("failed");
    if (failed.length === 0) return done();
    const node = failed[this.rng.int(0, failed.length - 1)]!;
    state.counters.reconnectAttempts++;
    this.memberlist.join([node.member.address], (joined) => {
      state.sim.trace.record("gossip.reconnect", { peer: node.name, joined: joined > 0 }, state.hostName);
      if (joined === 0 || !this.running) return done();
      state.counters.reconnects++;
      // Go gives up this round when the join event was not sent within the broadcast timeout.
      state.sendNodeEvent(NodeEventType.join, (error) => {
        if (error !== undefined || !this.running) return done();
        state.updateLocalTableTime();
        this.syncer.bulkSync([node.name], true, () => done());
      });
    });
  }

  /** cluster.go reapState: deleted entries first, then left networks (the entries' walk needs the network). */
  private reapState(): void {
    this.reapTableEntries();
    this.reapNetworks();
  }

  private reapTableEntries(): void {
    const { state } = this;
    const { reapPeriodUs } = state.timings;
    for (const [nid] of state.attachments.of(state.name)) {
      // Go walks in radix order; the order here only orders the trace's reap records.
      for (const { table, key, entry } of state.store.unordered(nid)) {
        if (!entry.deleting) continue;
        // One second spare, so that the residual reap time sent as whole seconds is never 0.
        if (entry.reapTimeUs > reapPeriodUs + 1_000_000) {
          entry.reapTimeUs -= reapPeriodUs;
          continue;
        }
        state.store.delete(table, nid, key);
        state.traceTable(table, nid, key, "reap", entry.owner);
      }
    }
  }

  private reapNetworks(): void {
    const { attachments } = this.state;
    const { reapPeriodUs } = this.state.timings;
    for (const { node, nid, attachment } of attachments.all()) {
      if (!attachment.leaving) continue;
      if (attachment.reapTimeUs <= 0) attachments.detach(node, nid);
      else attachment.reapTimeUs -= reapPeriodUs;
    }
  }

  /** cluster.go reapDeadNode. */
  private reapDeadNodes(): void {
    const { state } = this;
    for (const name of state.nodes.reap(state.timings.nodeReapPeriodUs)) {
      state.sim.trace.record("gossip.node", { peer: name, state: "forgotten" }, state.hostName);
    }
  }

  private after(delay: Duration, kind: string, run: () => void): void {
    const handle = this.state.sim.scheduler.after(delay, kind, () => {
      this.timers.delete(handle);
      if (this.running) run();
    });
    this.timers.add(handle);
  }
}
