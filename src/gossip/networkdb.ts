/**
 * libnetwork's networkdb (libnetwork/networkdb: networkdb.go, cluster.go,
 * delegate.go, broadcast.go, event_delegate.go, nodemgmt.go) of late 2017 to
 * early 2018: after its garbage-collection fixes (residual reap time, inSync),
 * with the node-state management of nodemgmt.go; on top of `Memberlist`.
 *
 * - Node events (join, leave) and network events (a node joined or left a
 *   network) ride memberlist's gossip to every node, ordered by the network
 *   Lamport clock; memberlist's push/pull carries every attachment known.
 * - Table events (create, update, delete of an entry of a table in a network)
 *   go only to the nodes of that network: every 200 ms each joined network's
 *   queue is packed into one compound message and sent to up to 3 of its
 *   peers; every 30 s, and on joining, a bulk sync over a stream exchanges
 *   every entry of shared networks. The table Lamport clock orders entries.
 * - A deleted entry lingers 30 min, marked deleting, then is reaped; a node
 *   memberlist declares dead becomes failed, its entries and attachments are
 *   dropped, and it is retried every second; once a retry joins it, a bulk
 *   sync brings both sides up to date (how a partition heals).
 *
 * Times, fan-outs and multipliers are the node's `GossipTimings`, shared
 * with its memberlist; the figures above are the defaults.
 *
 * Where this departs from the Go code, and why:
 * - Tickers: Go draws a random stagger that only delays the first read of a
 *   ticker created at the same moment, so ticks still land on multiples of the
 *   interval from New; here they do so, and no stagger is drawn.
 * - Table gossip: one ticker for every network, as Go's gossip(); it parks
 *   while no network has a table event queued and resumes on its beat, where
 *   Go wakes every 200 ms to find nothing; no peers are drawn for a network
 *   with nothing queued.
 * - Go blocks a goroutine on a cluster join retry, a reconnect, a node event's
 *   sending, a bulk sync's answer and JoinNetwork's first sync; here each is a
 *   chain of callbacks. A periodic task still running when it ticks runs again
 *   as soon as it ends, and drops further ticks, as a Go ticker's channel of
 *   one does (`Ticker`).
 * - Go picks offsets with crypto/rand and iterates maps in random order (the
 *   failed node to retry, networks to gossip and sync, push/pull state); here
 *   the node's seeded stream draws, and maps are walked sorted by name. Entries
 *   are walked in radix order (sorted paths), as Go does, but for the
 *   reaper's walk, whose order only orders its trace records; a network's walk
 *   takes that network only, where Go's `/nid` prefix also matches longer IDs.
 * - A bulk sync's answer does not take the ack slot of its peer (Go's
 *   bulkSyncNode registers one for answers too, which can orphan a wait in
 *   progress until it times out).
 * - Node events get the room that network events left in a packet; the 2017
 *   delegate hands both queues the whole limit, which can overrun the packet
 *   (later Go does it this way).
 * - leave(): this memberlist has no graceful Leave, so the node gossips its
 *   leave NodeEvent (waiting, as sendNodeEvent does, until it was sent or 5 s
 *   passed) and stops; memberlist's later dead verdict changes nothing for the
 *   peers that moved it to left. (A peer whose push/pull with it came after
 *   the leave took the leave's clock time from it, ignores the leave as old,
 *   and marks the node failed: so does Go.)
 * - reconnectNode refreshes the table time of this node's entries before the
 *   bulk sync, as cluster.go did through most of 2017.
 * - createEntry over an entry that is being deleted succeeds, as
 *   networkdb.go's comment says (the end-2017 condition refused it).
 * - Watchers hear what Go's broadcaster writes: changes learned from others
 *   (events, node failure or leave, network leave), not this node's own
 *   createEntry/updateEntry/deleteEntry; each event also names the entry's
 *   owner. The NodeTable events of the event delegate are left out: memberlist's
 *   `join` and `leave` events say the same.
 * - Compound messages nest at most 4 deep (Go recurses without a limit).
 *
 * The parts follow Go's files: networkdb-state.ts (networkdb.go's struct,
 * broadcast.go, event_delegate.go, nodemgmt.go), networkdb-delegate.ts
 * (delegate.go), networkdb-cluster.ts and networkdb-bulk-sync.ts (cluster.go).
 */

import { EventEmitter } from "eventemitter3";
import type { Host, Ipv4Address } from "../net/index.js";
import type { Rng, Simulation } from "../sim/index.js";
import { BroadcastQueue } from "./broadcast-queue.js";
import { reapNetworkIntervalFor } from "./constants.js";
import { Memberlist } from "./memberlist.js";
import { BulkSyncer } from "./networkdb-bulk-sync.js";
import { NetworkDbCluster } from "./networkdb-cluster.js";
import { NetworkDbDelegate, changeOf } from "./networkdb-delegate.js";
import { MessageType, NetworkEventType, type TableEvent, TableEventType, encodeMessage } from "./networkdb-messages.js";
import type { NodeState } from "./networkdb-nodes.js";
import { NetworkDbState } from "./networkdb-state.js";
import type { TableEntry } from "./networkdb-store.js";
import type { NetworkDbCounters, NetworkDbEvents, NetworkDbResult, NetworkView, TableEntryView } from "./networkdb-types.js";
import { type GossipTimings, gossipTimings } from "./timings.js";
import type { GossipWire } from "./wire.js";

export * from "./networkdb-types.js";

/** What a networkdb node is built from. */
export interface NetworkDbOptions {
  readonly sim: Simulation;
  readonly host: Host;
  /** The gossip node name: a random 12-hex ID (`gossipNodeName`), not the swarm node ID. */
  readonly name: string;
  /** The node's stream: networkdb and its memberlist fork their own from it. */
  readonly rng: Rng;
  readonly wire: GossipWire;
  /** Timers, fan-outs and multipliers of memberlist and networkdb; the spec's (constants.ts) for any left out. */
  readonly timings?: Partial<GossipTimings>;
}

/**
 * @example
 * ```ts
 * const db = new NetworkDb({ sim, host, name: gossipNodeName(rng.fork("name")), rng, wire });
 * db.start();
 * db.join(["10.0.0.1"]);
 * db.joinNetwork("net-1");
 * db.createEntry("endpoint_table", "net-1", "ep-1", record);
 * db.on("table", (change) => console.log(change.event, change.key));
 * ```
 */
export class NetworkDb extends EventEmitter<NetworkDbEvents> {
  /** This node's gossip name. */
  readonly name: string;
  /** The memberlist underneath, with this node's delegate (delegate.go). */
  readonly memberlist: Memberlist;
  /** The timings this node and its memberlist run with, checked and complete. */
  readonly timings: GossipTimings;
  private readonly host: Host;
  private readonly state: NetworkDbState;
  private readonly syncer: BulkSyncer;
  private readonly cluster: NetworkDbCluster;
  private lifecycle: "new" | "running" | "stopped" = "new";

  constructor(options: NetworkDbOptions) {
    super();
    const { sim, host, name } = options;
    this.name = name;
    this.host = host;
    const timings = gossipTimings(options.timings);
    this.timings = timings;
    const rng = options.rng.fork("networkdb");
    this.state = new NetworkDbState({
      sim,
      name,
      hostName: host.name,
      timings,
      emit: (change) => this.emit("table", change),
      unparkGossip: () => this.memberlist.unparkGossip(),
      unparkTableGossip: () => this.cluster.unparkTableGossip(),
    });
    const state = this.state;
    this.syncer = new BulkSyncer({
      sim,
      rng,
      name,
      hostName: host.name,
      bulkSyncTimeoutUs: timings.bulkSyncTimeoutUs,
      activeMember: (node) => state.nodes.active(node)?.member,
      tableEvents: (networks) => state.bulkSyncEvents(networks),
      tableTime: () => state.tableClock.time(),
      commonNetworks: (node) => state.attachments.commonNetworks(name, node),
      sendToTcp: (to, payload, failed) => this.memberlist.sendToTcp(to, payload, failed),
      count: (what) => state.counters[what]++,
    });
    const delegate = new NetworkDbDelegate(state, this.syncer);
    this.memberlist = new Memberlist({ sim, host, name, rng: options.rng.fork("memberlist"), wire: options.wire, delegate, timings });
    // The event delegate (event_delegate.go): memberlist's verdicts on nodes.
    this.memberlist.on("join", (member) => state.notifyJoin(member));
    this.memberlist.on("leave", (member) => state.notifyLeave(member));
    this.cluster = new NetworkDbCluster(state, this.memberlist, this.syncer, rng);
  }

  /** Counts of what this node sent, received and did. */
  get counters(): Readonly<NetworkDbCounters> {
    return this.state.counters;
  }

  // --- the cluster ---

  /** Starts memberlist and networkdb's periodic tasks (networkdb.go New, cluster.go clusterInit). */
  start(): void {
    if (this.lifecycle === "running") return;
    if (this.lifecycle === "stopped") throw new Error(`networkdb ${this.name} was stopped: a restarted daemon is a new node with a new name`);
    this.lifecycle = "running";
    this.memberlist.start();
    this.cluster.start();
  }

  /** Stops everything at once, telling no one (a crash): the others find out through memberlist. */
  stop(): void {
    if (this.lifecycle !== "running") return;
    this.lifecycle = "stopped";
    this.cluster.stop();
    this.syncer.stop();
    this.memberlist.stop();
  }

  /** Whether the node is up and gossiping. */
  get isRunning(): boolean {
    return this.lifecycle === "running";
  }

  /** Joins the cluster through the nodes at `addresses`, retrying every second until one answers (cluster.go clusterJoin). */
  join(addresses: readonly Ipv4Address[]): void {
    if (this.lifecycle !== "running") return;
    this.cluster.join(addresses, this.host.ip);
  }

  /** Leaves the cluster: a node leave event, gossiped before the node stops (cluster.go clusterLeave). */
  leave(stopped?: () => void): void {
    if (this.lifecycle !== "running") return stopped?.();
    this.cluster.leave(() => {
      this.stop();
      stopped?.();
    });
  }

  // --- networks (networkdb.go JoinNetwork, LeaveNetwork) ---

  /**
   * Joins network `nid`: a network join event to every node, and a bulk sync
   * with each node already in the network; `synced` hears when that is done
   * (Go's JoinNetwork returns then) and the network is in sync.
   */
  joinNetwork(nid: string, synced?: () => void): void {
    const { state } = this;
    const ltime = state.networkClock.increment();
    const attachment = {
      ltime,
      leaving: false,
      reapTimeUs: 0,
      inSync: false,
      tableBroadcasts: new BroadcastQueue(() => state.attachments.nodesOf(nid).length, this.timings.tableRetransmitMult),
    };
    state.attachments.attach(this.name, nid, attachment);
    state.attachments.addNetworkNode(nid, this.name);
    const nodes = state.attachments.nodesOf(nid);
    state.sendNetworkEvent(nid, NetworkEventType.join, ltime);
    this.syncer.bulkSync(nodes, true, () => {
      attachment.inSync = true;
      synced?.();
    });
  }

  /**
   * Leaves network `nid`: a network leave event; this node's entries of it are
   * marked deleting and the others' dropped; the attachment lingers, leaving,
   * until reaped.
   */
  leaveNetwork(nid: string): NetworkDbResult {
    const { state } = this;
    const ltime = state.networkClock.increment();
    state.sendNetworkEvent(nid, NetworkEventType.leave, ltime);
    state.attachments.deleteNetworkNode(nid, this.name);
    state.deleteNodeNetworkEntries(nid, this.name);
    const own = state.attachments.get(this.name, nid);
    if (own === undefined) return { ok: false, reason: `could not find network ${nid} while trying to leave` };
    own.ltime = ltime;
    own.reapTimeUs = reapNetworkIntervalFor(this.timings);
    own.leaving = true;
    return { ok: true };
  }

  // --- tables (networkdb.go CreateEntry, UpdateEntry, DeleteEntry, GetEntry, GetTableByNetwork) ---

  /** Creates an entry and gossips it to the network; an entry that exists and is not being deleted is refused. */
  createEntry(table: string, nid: string, key: string, value: Uint8Array): NetworkDbResult {
    const old = this.state.store.get(table, nid, key);
    if (old !== undefined && !old.deleting) {
      return { ok: false, reason: `cannot create entry in table ${table} with network id ${nid} and key ${key}, already exists` };
    }
    this.writeLocal(TableEventType.create, table, nid, key, value, false);
    return { ok: true };
  }

  /** Updates an entry and gossips it; an entry this node does not hold is refused. */
  updateEntry(table: string, nid: string, key: string, value: Uint8Array): NetworkDbResult {
    if (this.state.store.get(table, nid, key) === undefined) {
      return { ok: false, reason: `cannot update entry as the entry in table ${table} with network id ${nid} and key ${key} does not exist` };
    }
    this.writeLocal(TableEventType.update, table, nid, key, value, false);
    return { ok: true };
  }

  /** Marks an entry deleting and gossips the delete; it is reaped the entry reap interval later (30 min by default). */
  deleteEntry(table: string, nid: string, key: string): NetworkDbResult {
    const old = this.state.store.get(table, nid, key);
    if (old === undefined || old.deleting) {
      return { ok: false, reason: `cannot delete entry ${table} with network id ${nid} and key ${key} does not exist or is already being deleted` };
    }
    this.writeLocal(TableEventType.delete, table, nid, key, old.value, true);
    return { ok: true };
  }

  /** The value of a live entry (networkdb.go GetEntry: a deleting entry is not found). */
  getEntry(table: string, nid: string, key: string): Uint8Array | undefined {
    const entry = this.state.store.get(table, nid, key);
    return entry === undefined || entry.deleting ? undefined : entry.value;
  }

  /** The entry as held, deleting or not, with its clock and reap time. */
  tableEntry(table: string, nid: string, key: string): Readonly<TableEntry> | undefined {
    return this.state.store.get(table, nid, key);
  }

  /** The live entries of a table in a network, by key (networkdb.go GetTableByNetwork). */
  entries(table: string, nid: string): TableEntryView[] {
    return this.state.store
      .table(table, nid)
      .filter(({ entry }) => !entry.deleting)
      .map(({ key, entry }) => ({ key, value: entry.value, owner: entry.owner }));
  }

  // --- observing ---

  /** This node's networks, by ID, with the nodes gossiping each. */
  networks(): NetworkView[] {
    const { attachments } = this.state;
    return attachments.of(this.name).map(([nid, n]) => ({ nid, leaving: n.leaving, inSync: n.inSync, peers: [...attachments.nodesOf(nid)] }));
  }

  /** The active nodes gossiping network `nid`'s tables (networkdb.go Peers). */
  peers(nid: string): string[] {
    return this.state.attachments.nodesOf(nid).filter((n) => this.state.nodes.active(n) !== undefined);
  }

  /** The cluster's nodes on one of networkdb's lists, by name (networkdb.go ClusterPeers for the active ones). */
  clusterNodes(state: NodeState = "active"): string[] {
    return this.state.nodes.list(state).map((n) => n.name);
  }

  /** Which list networkdb has `name` on, if any. */
  nodeState(name: string): NodeState | undefined {
    return this.state.nodes.find(name)?.state;
  }

  /**
   * Stores a change made here at a new table time, and queues its table
   * event if this node is in the network (networkdb.go CreateEntry and
   * friends, broadcast.go sendTableEvent). Watchers are not told: Go's
   * broadcaster hears of what others do.
   */
  private writeLocal(type: number, table: string, nid: string, key: string, value: Uint8Array, deleting: boolean): void {
    const { state } = this;
    const reapTimeUs = deleting ? this.timings.reapEntryIntervalUs : 0;
    const entry: TableEntry = { owner: this.name, ltime: state.tableClock.increment(), value, deleting, reapTimeUs };
    state.store.set(table, nid, key, entry);
    state.traceTable(table, nid, key, changeOf(type) ?? "update", this.name);
    const event: TableEvent = {
      type,
      lTime: entry.ltime,
      nodeName: this.name,
      networkId: nid,
      tableName: table,
      key,
      value,
      residualReapTime: Math.trunc(entry.reapTimeUs / 1_000_000),
    };
    state.queueTableEvent(nid, table, key, encodeMessage(MessageType.tableEvent, event));
  }
}
