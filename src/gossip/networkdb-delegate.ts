/**
 * networkdb as memberlist's delegate (delegate.go): what it piggybacks on
 * memberlist's gossip, what it puts in a push/pull and takes from one, and
 * how it takes the messages that arrive: node, network and table events,
 * bulk syncs and compounds of them. Each handler says whether the event was
 * news, and news is gossiped on.
 */

import { maxCompoundDepth, maxQueueLenBroadcastOnSync, reapNetworkIntervalFor } from "./constants.js";
import type { MemberlistDelegate } from "./memberlist.js";
import type { BulkSyncer } from "./networkdb-bulk-sync.js";
import {
  MessageType,
  type NetworkEvent,
  NetworkEventType,
  type NodeEvent,
  NodeEventType,
  type TableEvent,
  TableEventType,
  decodeBulkSyncMessage,
  decodeCompoundMessage,
  decodeGossipMessage,
  decodeNetworkEvent,
  decodeNetworkPushPull,
  decodeNodeEvent,
  decodeTableEvent,
  encodeGossipMessage,
  encodeMessage,
} from "./networkdb-messages.js";
import type { NetworkDbState } from "./networkdb-state.js";
import type { TableChange } from "./networkdb-types.js";

/** The watch event a table event type makes (networkdb.go makeEvent), none for a type Go does not know. */
export function changeOf(type: number): TableChange["event"] | undefined {
  return type === TableEventType.create ? "create" : type === TableEventType.update ? "update" : type === TableEventType.delete ? "delete" : undefined;
}

/**
 * @example
 * ```ts
 * const delegate = new NetworkDbDelegate(state, syncer);
 * const list = new Memberlist({ sim, host, name, rng, wire, delegate });
 * ```
 */
export class NetworkDbDelegate implements MemberlistDelegate {
  constructor(
    private readonly state: NetworkDbState,
    private readonly syncer: BulkSyncer,
  ) {}

  /** A user message arrived (delegate.go NotifyMsg). */
  notifyMsg(message: Uint8Array): void {
    if (message.length === 0) return;
    this.handleMessage(message, false, 0);
  }

  /**
   * Network events first, then node events in the room left (delegate.go
   * GetBroadcasts; the 2017 code handed both queues the whole limit, which
   * can overrun the packet, and later Go does it this way).
   */
  getBroadcasts(overhead: number, limit: number): Uint8Array[] {
    const network = this.state.networkBroadcasts.take(overhead, limit);
    let used = 0;
    for (const m of network) used += overhead + m.length;
    return [...network, ...this.state.nodeBroadcasts.take(overhead, limit - used)];
  }

  /** Node and network events waiting. */
  pendingBroadcasts(): number {
    return this.state.networkBroadcasts.length + this.state.nodeBroadcasts.length;
  }

  /**
   * Every network attachment this node knows, for a push/pull; on a join,
   * this node's own attachments first take a new time so that a node that
   * saw them leave takes them back (delegate.go LocalState).
   */
  localState(join: boolean): Uint8Array {
    const { state } = this;
    if (join) state.updateLocalNetworkTime();
    return encodeMessage(MessageType.pushPull, { lTime: state.networkClock.time(), networks: state.attachments.entries(), nodeName: state.name });
  }

  /** A peer's attachments from a push/pull, taken as node and network events and not gossiped on (delegate.go MergeRemoteState). */
  mergeRemoteState(bytes: Uint8Array, _join: boolean): void {
    const { state } = this;
    if (bytes.length === 0) return state.drop("zero byte remote network state received");
    const envelope = decodeGossipMessage(bytes);
    if (!envelope.ok) return state.drop(`error unmarshalling push pull message: ${envelope.reason}`);
    // Go logs a wrong type and reads the data as a NetworkPushPull all the same.
    if (envelope.value.type !== MessageType.pushPull) state.drop(`invalid message type ${envelope.value.type} received from remote`);
    const pushPull = decodeNetworkPushPull(envelope.value.data);
    if (!pushPull.ok) return state.drop(`failed to decode remote network state: ${pushPull.reason}`);
    const pp = pushPull.value;
    this.handleNodeEvent({ type: NodeEventType.join, lTime: pp.lTime, nodeName: pp.nodeName });
    for (const n of pp.networks) {
      const type = n.leaving ? NetworkEventType.leave : NetworkEventType.join;
      this.handleNetworkEvent({ type, lTime: n.lTime, nodeName: n.nodeName, networkId: n.networkId });
    }
  }

  // --- messages (delegate.go handleMessage and the handlers it calls) ---

  private handleMessage(bytes: Uint8Array, isBulkSync: boolean, depth: number): void {
    const { state } = this;
    if (depth > maxCompoundDepth) return state.drop(`compound messages nested deeper than ${maxCompoundDepth}`);
    const envelope = decodeGossipMessage(bytes);
    if (!envelope.ok) return state.drop(`error decoding gossip message to get message type: ${envelope.reason}`);
    const { type, data } = envelope.value;
    switch (type) {
      case MessageType.nodeEvent:
        return this.handleNodeMessage(data);
      case MessageType.networkEvent:
        return this.handleNetworkMessage(data);
      case MessageType.tableEvent:
        return this.handleTableMessage(data, isBulkSync);
      case MessageType.bulkSync:
        return this.handleBulkSync(data, depth);
      case MessageType.compound: {
        const compound = decodeCompoundMessage(data);
        if (!compound.ok) return state.drop(`failed to decode compound request: ${compound.reason}`);
        for (const part of compound.value.messages) this.handleMessage(part.payload, isBulkSync, depth + 1);
        return;
      }
      default:
        state.drop(`unknown message type ${type}`);
    }
  }

  private handleNodeMessage(data: Uint8Array): void {
    const event = decodeNodeEvent(data);
    if (!event.ok) return this.state.drop(`error decoding node event message: ${event.reason}`);
    // News goes on as it came (message.go encodeRawMessage).
    if (this.handleNodeEvent(event.value)) this.state.queueNodeEvent(encodeGossipMessage({ type: MessageType.nodeEvent, data }));
  }

  private handleNetworkMessage(data: Uint8Array): void {
    const event = decodeNetworkEvent(data);
    if (!event.ok) return this.state.drop(`error decoding network event message: ${event.reason}`);
    if (!this.handleNetworkEvent(event.value)) return;
    this.state.queueNetworkEvent(event.value.networkId, event.value.nodeName, encodeGossipMessage({ type: MessageType.networkEvent, data }));
  }

  private handleTableMessage(data: Uint8Array, isBulkSync: boolean): void {
    const { state } = this;
    const decoded = decodeTableEvent(data);
    if (!decoded.ok) return state.drop(`error decoding table event message: ${decoded.reason}`);
    const event = decoded.value;
    state.counters.tableEventsReceived++;
    // Ignore messages that this node generated.
    if (event.nodeName === state.name) return;
    if (!this.handleTableEvent(event, isBulkSync)) return;
    const own = state.attachments.get(state.name, event.networkId);
    if (own?.tableBroadcasts === undefined || own.leaving) return;
    // With the queue this long, what a bulk sync brought is not spread further.
    if (isBulkSync && own.tableBroadcasts.length > maxQueueLenBroadcastOnSync) return;
    state.queueTableEvent(event.networkId, event.tableName, event.key, encodeGossipMessage({ type: MessageType.tableEvent, data }));
  }

  private handleBulkSync(data: Uint8Array, depth: number): void {
    const { state } = this;
    const decoded = decodeBulkSyncMessage(data);
    if (!decoded.ok) return state.drop(`error decoding bulk sync message: ${decoded.reason}`);
    const sync = decoded.value;
    state.counters.bulkSyncsReceived++;
    if (sync.lTime > 0) state.tableClock.witness(sync.lTime);
    this.handleMessage(sync.payload, true, depth + 1);
    // An unsolicited sync is answered with ours; an answer ends our wait.
    if (sync.unsolicited) this.syncer.syncNode(sync.networks, sync.nodeName, false, () => {});
    else this.syncer.acked(sync.nodeName);
  }

  // --- events ---

  /** delegate.go handleNodeEvent: whether the event was news. */
  private handleNodeEvent(event: NodeEvent): boolean {
    const { state } = this;
    state.networkClock.witness(event.lTime);
    const found = state.nodes.find(event.nodeName);
    if (found === undefined || found.node.ltime >= event.lTime) return false;
    found.node.ltime = event.lTime;
    // A node memberlist does not have alive is not taken back on hearsay: if it died, nothing would say so.
    if (found.state !== "active") return false;
    if (event.type === NodeEventType.join) return state.changeNodeState(event.nodeName, "active");
    if (event.type === NodeEventType.leave) return state.changeNodeState(event.nodeName, "left");
    return false;
  }

  /** delegate.go handleNetworkEvent: whether the event was news. */
  private handleNetworkEvent(event: NetworkEvent): boolean {
    const { state } = this;
    state.networkClock.witness(event.lTime);
    const { nodeName: node, networkId: nid } = event;
    if (node === state.name) return false;
    const leave = event.type === NetworkEventType.leave;
    // Nothing heard of this node at all: its leave means nothing.
    if (!state.attachments.knows(node) && leave) return false;
    const known = state.attachments.get(node, nid);
    if (known !== undefined) {
      if (known.ltime >= event.lTime) return false;
      known.ltime = event.lTime;
      known.leaving = leave;
      if (leave) {
        known.reapTimeUs = reapNetworkIntervalFor(state.timings);
        // It leaves the network, not the cluster: its entries are marked deleting, so that a bulk sync spreads the deletes.
        state.deleteNodeNetworkEntries(nid, node);
        state.attachments.deleteNetworkNode(nid, node);
      } else {
        state.attachments.addNetworkNode(nid, node);
      }
      return true;
    }
    if (leave) return false;
    // A node memberlist does not have alive gets no attachment: if it died, nothing would remove it.
    if (state.nodes.active(node) === undefined) return false;
    state.attachments.attach(node, nid, { ltime: event.lTime, leaving: false, reapTimeUs: 0, inSync: false });
    state.attachments.addNetworkNode(nid, node);
    return true;
  }

  /** delegate.go handleTableEvent: whether to gossip the event on. */
  private handleTableEvent(event: TableEvent, isBulkSync: boolean): boolean {
    const { state } = this;
    state.tableClock.witness(event.lTime);
    const { tableName: table, networkId: nid, key } = event;
    const own = state.attachments.get(state.name, nid);
    // Out of the network, leaving it, or the owner is no longer in it: nothing to take or pass on.
    if (own === undefined || own.leaving || !state.attachments.inNetwork(nid, event.nodeName)) return false;
    const old = state.store.get(table, nid, key);
    const deleting = event.type === TableEventType.delete;
    if (old !== undefined && old.ltime >= event.lTime) return false;
    // A gossiped delete of an unknown entry may be older than the reap time it carries: only a bulk sync's is taken.
    if (old === undefined && deleting && !isBulkSync) return false;
    const { reapEntryIntervalUs } = state.timings;
    let reapTimeUs = event.residualReapTime * 1_000_000;
    if (deleting && reapTimeUs === 0) reapTimeUs = reapEntryIntervalUs;
    state.store.set(table, nid, key, { owner: event.nodeName, ltime: event.lTime, value: event.value, deleting, reapTimeUs });
    state.counters.tableEventsApplied++;
    const kind = changeOf(event.type);
    state.traceTable(table, nid, key, kind ?? "update", event.nodeName);
    if (old === undefined && deleting) {
      // Passed on once this network is in sync, and while more than a sixth of the reap time is left.
      return own.inSync && reapTimeUs > reapEntryIntervalUs / 6;
    }
    if (kind !== undefined) state.emit({ event: kind, table, nid, key, value: event.value, owner: event.nodeName });
    return own.inSync;
  }
}
