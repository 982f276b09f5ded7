/**
 * What a networkdb node shows the outside: watch events, results, counters,
 * views, trace kinds, and its name.
 */

import type { Rng } from "../sim/index.js";
import type { NodeState } from "./networkdb-nodes.js";

/** A change to a table entry, as watchers hear of it (networkdb.go makeEvent: CreateEvent, UpdateEvent, DeleteEvent). */
export interface TableChange {
  readonly event: "create" | "update" | "delete";
  readonly table: string;
  readonly nid: string;
  readonly key: string;
  /** The entry's value (for a delete, the value it had). */
  readonly value: Uint8Array;
  /** The node that owns the entry. */
  readonly owner: string;
}

/** What a networkdb node tells its watchers. */
export interface NetworkDbEvents {
  /** A table entry changed because of something learned from another node (Go's watch broadcaster). */
  table: [change: TableChange];
}

/** A protocol outcome of a table or network call: done, or why not (Go's returned error). */
export type NetworkDbResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Counts a networkdb node keeps. */
export interface NetworkDbCounters {
  /** Table gossip packets sent (one compound message each). */
  gossipPacketsSent: number;
  /** Table events in those packets, counted once per packet. */
  tableEventsSent: number;
  /** Table events received, by gossip or bulk sync, this node's own included. */
  tableEventsReceived: number;
  /** Received table events that changed this node's tables. */
  tableEventsApplied: number;
  /** Unsolicited bulk syncs sent. */
  bulkSyncsSent: number;
  /** Bulk syncs sent in answer to an unsolicited one. */
  bulkSyncsAnswered: number;
  /** Bulk syncs received, unsolicited or answers. */
  bulkSyncsReceived: number;
  /** Unsolicited bulk syncs answered in time. */
  bulkSyncsAcked: number;
  /** Unsolicited bulk syncs not answered within 30 s. */
  bulkSyncTimeouts: number;
  /** Bulk syncs whose stream failed. */
  bulkSyncFailures: number;
  /** Joins tried with a failed node. */
  reconnectAttempts: number;
  /** Joins with a failed node that succeeded. */
  reconnects: number;
  /** Messages that could not be read, or of an unknown type. */
  messagesDropped: number;
}

/** A live table entry as `entries` lists it. */
export interface TableEntryView {
  readonly key: string;
  readonly value: Uint8Array;
  readonly owner: string;
}

/** One of this node's networks, as `networks` lists it. */
export interface NetworkView {
  readonly nid: string;
  /** This node is leaving it (the attachment lingers until reaped). */
  readonly leaving: boolean;
  /** The bulk sync of the join is done. */
  readonly inSync: boolean;
  /** The nodes gossiping its tables, this one included while joined, in the order they were learned. */
  readonly peers: readonly string[];
}

/** What a change to a table entry was, in the trace: the three table events, and an entry dropped outright or reaped. */
export type TableTraceEvent = "create" | "update" | "delete" | "remove" | "reap";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** An entry of this node's tables changed; `owner` is the node that owns it. */
    "gossip.table": { table: string; nid: string; key: string; event: TableTraceEvent; owner: string };
    /** A node joined or left the nodes gossiping a network's tables, as this node sees it. */
    "gossip.network": { nid: string; peer: string; event: "join" | "leave" };
    /** A cluster node moved between networkdb's lists, or was forgotten. */
    "gossip.node": { peer: string; state: NodeState | "forgotten"; previous?: NodeState };
    /** This node tried to join a failed node again. */
    "gossip.reconnect": { peer: string; joined: boolean };
    /** A networkdb message could not be read, or had an unknown type. */
    "gossip.networkdb-drop": { reason: string };
  }
}

/**
 * A random gossip node name: 12 hex digits, as dockerd's
 * `stringid.TruncateID(stringid.GenerateRandomID())` (networkdb.go DefaultConfig).
 *
 * @example
 * gossipNodeName(rng.fork("name")) // "3f2a9c41be07"
 */
export function gossipNodeName(rng: Rng): string {
  return [...rng.bytes(6)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
