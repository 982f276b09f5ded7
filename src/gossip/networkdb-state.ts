/**
 * What one networkdb node holds (networkdb.go NetworkDB): its two Lamport
 * clocks, its table entries, the cluster's nodes and their network
 * attachments, and the queues of node and network events for memberlist to
 * gossip; with the changes several parts of networkdb make to them:
 * queueing events (broadcast.go), moving nodes between lists
 * (event_delegate.go, nodemgmt.go), and dropping or re-timing entries in bulk
 * (networkdb.go).
 */

import type { EventHandle, Simulation } from "../sim/index.js";
import { BroadcastQueue } from "./broadcast-queue.js";
import type { Member } from "./memberlist.js";
import { LamportClock } from "./networkdb-clock.js";
import { MessageType, type TableEvent, TableEventType, encodeMessage } from "./networkdb-messages.js";
import { NetworkAttachments } from "./networkdb-networks.js";
import { type NodeState, NodeLists } from "./networkdb-nodes.js";
import { type TableEntry, TableStore } from "./networkdb-store.js";
import type { NetworkDbCounters, TableChange, TableTraceEvent } from "./networkdb-types.js";
import type { GossipTimings } from "./timings.js";

/** What the state needs from around it. */
export interface NetworkDbStateOptions {
  readonly sim: Simulation;
  /** This node's gossip name. */
  readonly name: string;
  /** The host's name, for the trace. */
  readonly hostName: string;
  /** The node's timings, checked and complete. */
  readonly timings: GossipTimings;
  /** Tells watchers of a change (Go's broadcaster.Write). */
  readonly emit: (change: TableChange) => void;
  /** A node or network event was queued: memberlist's parked gossip ticker resumes. */
  readonly unparkGossip: () => void;
  /** A table event was queued: the parked table gossip ticker resumes. */
  readonly unparkTableGossip: () => void;
}

/**
 * @example
 * ```ts
 * const state = new NetworkDbState({ sim, name, hostName: "node-1", timings: gossipTimings(), emit, unparkGossip, unparkTableGossip });
 * state.sendNodeEvent(NodeEventType.join);
 * ```
 */
export class NetworkDbState {
  readonly sim: Simulation;
  readonly name: string;
  readonly hostName: string;
  /** The node's timings: its queues, reap times and node event timeout. */
  readonly timings: GossipTimings;
  readonly counters: NetworkDbCounters = zeroCounters();
  /** Orders node and network events (networkdb.go networkClock). */
  readonly networkClock = new LamportClock();
  /** Orders table entries (networkdb.go tableClock). */
  readonly tableClock = new LamportClock();
  readonly store = new TableStore();
  readonly nodes: NodeLists;
  readonly attachments: NetworkAttachments;
  /** Network events to gossip to every node; both queues count the nodes networkdb has active (cluster.go clusterInit). */
  readonly networkBroadcasts: BroadcastQueue;
  /** Node events to gossip to every node. */
  readonly nodeBroadcasts: BroadcastQueue;

  constructor(private readonly options: NetworkDbStateOptions) {
    this.sim = options.sim;
    this.name = options.name;
    this.hostName = options.hostName;
    this.timings = options.timings;
    this.nodes = new NodeLists(options.timings.nodeReapIntervalUs);
    this.attachments = new NetworkAttachments((change) =>
      this.sim.trace.record("gossip.network", { nid: change.nid, peer: change.node, event: change.event }, this.hostName),
    );
    // cluster.go clusterInit: both queues take memberlist's RetransmitMult.
    this.networkBroadcasts = new BroadcastQueue(() => this.nodes.activeCount, options.timings.retransmitMult);
    this.nodeBroadcasts = new BroadcastQueue(() => this.nodes.activeCount, options.timings.retransmitMult);
  }

  // --- queueing (broadcast.go) ---

  /**
   * broadcast.go sendNodeEvent: this node joins or leaves the cluster, at a
   * new network time. `sent` hears when the event has been sent its last time,
   * at once without peers, or an error after the node event broadcast timeout (5 s by default).
   */
  sendNodeEvent(type: number, sent?: (error?: string) => void): void {
    const message = encodeMessage(MessageType.nodeEvent, { type, lTime: this.networkClock.increment(), nodeName: this.name });
    let timer: EventHandle | undefined;
    let settled = false;
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) this.sim.scheduler.cancel(timer);
      sent?.(error);
    };
    this.nodeBroadcasts.queue({ message, finished: () => settle() });
    this.options.unparkGossip();
    if (sent === undefined) return;
    if (this.nodes.activeCount <= 1) return settle();
    timer = this.sim.scheduler.after(this.timings.nodeEventBroadcastTimeoutUs, "gossip.node-event-timeout", () => {
      timer = undefined;
      settle("timed out broadcasting node event");
    });
  }

  /** broadcast.go sendNetworkEvent: this node joins or leaves network `nid`. */
  sendNetworkEvent(nid: string, type: number, ltime: number): void {
    this.queueNetworkEvent(nid, this.name, encodeMessage(MessageType.networkEvent, { type, lTime: ltime, nodeName: this.name, networkId: nid }));
  }

  /** Queues an encoded node event GossipMessage (no name: node events never replace one another). */
  queueNodeEvent(message: Uint8Array): void {
    this.nodeBroadcasts.queue({ message });
    this.options.unparkGossip();
  }

  /** Queues an encoded network event GossipMessage; it replaces a queued one for the same node and network. */
  queueNetworkEvent(nid: string, node: string, message: Uint8Array): void {
    this.networkBroadcasts.queue({ name: `${nid}\u0000${node}`, message });
    this.options.unparkGossip();
  }

  /** Queues an encoded table event on network `nid`'s queue, if this node is in it; it replaces a queued one for the same entry. */
  queueTableEvent(nid: string, table: string, key: string, message: Uint8Array): void {
    const queue = this.attachments.get(this.name, nid)?.tableBroadcasts;
    if (queue === undefined) return;
    queue.queue({ name: `${nid}\u0000${table}\u0000${key}`, message });
    this.options.unparkTableGossip();
  }

  /** Table events queued on all of this node's networks. */
  pendingTableBroadcasts(): number {
    let pending = 0;
    for (const [, n] of this.attachments.of(this.name)) pending += n.tableBroadcasts?.length ?? 0;
    return pending;
  }

  /** Every entry of `networks` as a TableEvent message, a create or a delete (cluster.go bulkSyncNode's walk). */
  bulkSyncEvents(networks: readonly string[]): Uint8Array[] {
    return networks.flatMap((nid) =>
      this.store.network(nid).map(({ table, key, entry }) => {
        // A live entry's message changes only with its Lamport time: kept between syncs (a deleting one carries its reap countdown).
        const cached = entry.deleting ? undefined : this.encodedEntries.get(entry);
        if (cached !== undefined && cached.ltime === entry.ltime) return cached.message;
        const event: TableEvent = {
          type: entry.deleting ? TableEventType.delete : TableEventType.create,
          lTime: entry.ltime,
          nodeName: entry.owner,
          networkId: nid,
          tableName: table,
          key,
          value: entry.value,
          // Go truncates the seconds to an int32.
          residualReapTime: Math.trunc(entry.reapTimeUs / 1_000_000),
        };
        const message = encodeMessage(MessageType.tableEvent, event);
        if (!entry.deleting) this.encodedEntries.set(entry, { ltime: entry.ltime, message });
        return message;
      }),
    );
  }

  /** Each live entry's TableEvent message as bulk syncs last sent it, with the Lamport time it was encoded at. */
  private readonly encodedEntries = new WeakMap<TableEntry, { readonly ltime: number; readonly message: Uint8Array }>();

  // --- nodes (event_delegate.go, nodemgmt.go) ---

  /** event_delegate.go NotifyJoin: memberlist has the node alive. */
  notifyJoin(member: Member): void {
    if (this.changeNodeState(member.name, "active")) return;
    this.purgeReincarnation(member);
    const known = this.nodes.find(member.name) !== undefined;
    this.nodes.add({ name: member.name, member, ltime: 0, reapTimeUs: 0 });
    if (!known) this.sim.trace.record("gossip.node", { peer: member.name, state: "active" }, this.hostName);
  }

  /** event_delegate.go NotifyLeave: memberlist declared the node dead; unless it said it leaves, it failed. */
  notifyLeave(member: Member): void {
    if (this.nodes.find(member.name)?.state === "active") this.changeNodeState(member.name, "failed");
  }

  /**
   * nodemgmt.go changeNodeState: whether the node moved. A node that leaves or
   * fails loses its attachments and entries here, so that when it comes back
   * its creates are taken as new.
   */
  changeNodeState(name: string, to: NodeState): boolean {
    const previous = this.nodes.find(name)?.state;
    if (this.nodes.move(name, to) !== "moved") return false;
    this.sim.trace.record("gossip.node", { peer: name, state: to, ...(previous === undefined ? {} : { previous }) }, this.hostName);
    if (to !== "active") {
      this.attachments.deleteNodeFromNetworks(name);
      this.deleteNodeTableEntries(name);
    }
    return true;
  }

  /** nodemgmt.go purgeReincarnation: a new name at the address and port of a known node is that node restarted; the old one has left. */
  private purgeReincarnation(member: Member): void {
    for (const state of ["active", "failed", "left"] as const) {
      for (const node of this.nodes.list(state)) {
        if (node.name !== member.name && node.member.address === member.address && node.member.port === member.port) {
          this.changeNodeState(node.name, "left");
          return;
        }
      }
    }
  }

  // --- entries in bulk (networkdb.go) ---

  /**
   * networkdb.go deleteNodeNetworkEntries. Another node left network `nid`:
   * its entries there are marked deleting. This node left it: its own entries
   * are marked deleting (one tick later, so they win over the live ones) and
   * the others' dropped, so that a later join takes them again as new.
   */
  deleteNodeNetworkEntries(nid: string, node: string): void {
    const local = node === this.name;
    for (const { table, key, entry } of this.store.network(nid)) {
      if (entry.owner !== node && !local) continue;
      if (entry.deleting && !local) continue;
      if (entry.owner === node) {
        const ltime = local ? entry.ltime + 1 : entry.ltime;
        if (!entry.deleting) {
          this.store.set(table, nid, key, { owner: entry.owner, ltime, value: entry.value, deleting: true, reapTimeUs: this.timings.reapEntryIntervalUs });
          this.traceTable(table, nid, key, "delete", entry.owner);
        }
      } else {
        this.store.delete(table, nid, key);
        this.traceTable(table, nid, key, "remove", entry.owner);
      }
      if (!entry.deleting) this.options.emit({ event: "delete", table, nid, key, value: entry.value, owner: entry.owner });
    }
  }

  /** networkdb.go deleteNodeTableEntries: every entry `node` owns is dropped (it left or failed). */
  deleteNodeTableEntries(node: string): void {
    for (const { table, nid, key, entry } of this.store.all()) {
      if (entry.owner !== node) continue;
      this.store.delete(table, nid, key);
      this.traceTable(table, nid, key, "remove", node);
      if (!entry.deleting) this.options.emit({ event: "delete", table, nid, key, value: entry.value, owner: node });
    }
  }

  /** networkdb.go updateLocalNetworkTime: this node's attachments take a new network time. */
  updateLocalNetworkTime(): void {
    const ltime = this.networkClock.increment();
    for (const [, n] of this.attachments.of(this.name)) n.ltime = ltime;
  }

  /** networkdb.go updateLocalTableTime (cluster.go reconnectNode through 2017): this node's entries take a new table time. */
  updateLocalTableTime(): void {
    const ltime = this.tableClock.increment();
    for (const { entry } of this.store.all()) if (entry.owner === this.name) entry.ltime = ltime;
  }

  // --- observing ---

  /** Tells watchers of a change. */
  emit(change: TableChange): void {
    this.options.emit(change);
  }

  /** Records a change of an entry in the trace. */
  traceTable(table: string, nid: string, key: string, event: TableTraceEvent, owner: string): void {
    this.sim.trace.record("gossip.table", { table, nid, key, event, owner }, this.hostName);
  }

  /** Counts and traces a message that could not be read (Go logs it). */
  drop(reason: string): void {
    this.counters.messagesDropped++;
    this.sim.trace.record("gossip.networkdb-drop", { reason }, this.hostName);
  }
}

/** Counters at zero. */
function zeroCounters(): NetworkDbCounters {
  return {
    gossipPacketsSent: 0,
    tableEventsSent: 0,
    tableEventsReceived: 0,
    tableEventsApplied: 0,
    bulkSyncsSent: 0,
    bulkSyncsAnswered: 0,
    bulkSyncsReceived: 0,
    bulkSyncsAcked: 0,
    bulkSyncTimeouts: 0,
    bulkSyncFailures: 0,
    reconnectAttempts: 0,
    reconnects: 0,
    messagesDropped: 0,
  };
}
