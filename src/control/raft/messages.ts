/**
 * The raft wire format: etcd's raftpb (raft/raftpb/raft.proto) as the managers
 * exchange it inside swarmkit's Raft service (api/raft.proto).
 *
 * raftpb is proto2 with gogoproto `nullable = false` on every scalar, so the
 * generated marshalers write those fields even when they are zero, in field
 * number order; only `Entry.Data`, `Message.context` and `ConfChange.Context`
 * (plain `optional bytes`) are left out when nil. The bytes here are those of
 * go.etcd.io/etcd/raft/v3 (3.5), which also writes the non-nullable
 * `Message.snapshot` as an empty Snapshot on every message. Decoders accept a
 * missing snapshot too (go.etcd.io/raft/v3 made it nullable), skip unknown
 * fields (such as 3.6's `vote = 13`), and never throw: they return a reason.
 */

import { type Decoded, ProtoWriter, readFields, type ProtoFields, type ProtoValue } from "../../encoding/index.js";

/** raftpb.MessageType. Append-only: the numbers are the protocol. */
export const RaftMessageType = {
  MsgHup: 0,
  MsgBeat: 1,
  MsgProp: 2,
  MsgApp: 3,
  MsgAppResp: 4,
  MsgVote: 5,
  MsgVoteResp: 6,
  MsgSnap: 7,
  MsgHeartbeat: 8,
  MsgHeartbeatResp: 9,
  MsgUnreachable: 10,
  MsgSnapStatus: 11,
  MsgCheckQuorum: 12,
  MsgTransferLeader: 13,
  MsgTimeoutNow: 14,
  MsgReadIndex: 15,
  MsgReadIndexResp: 16,
  MsgPreVote: 17,
  MsgPreVoteResp: 18,
} as const;
/** A raftpb.MessageType number. */
export type RaftMessageType = (typeof RaftMessageType)[keyof typeof RaftMessageType];

/** raftpb.EntryType. swarmkit uses the first two; EntryConfChangeV2 (2) is refused by the decoder. */
export const RaftEntryType = { EntryNormal: 0, EntryConfChange: 1 } as const;
/** A raftpb.EntryType number that swarmkit uses. */
export type RaftEntryType = (typeof RaftEntryType)[keyof typeof RaftEntryType];

/** raftpb.ConfChangeType. Append-only: the numbers are the protocol. */
export const ConfChangeType = { ConfChangeAddNode: 0, ConfChangeRemoveNode: 1, ConfChangeUpdateNode: 2 } as const;
/** A raftpb.ConfChangeType number that swarmkit uses (it never adds learners). */
export type ConfChangeType = (typeof ConfChangeType)[keyof typeof ConfChangeType];

/** raftpb.Entry { Type = 1; Term = 2; Index = 3; Data = 4 }: one log entry. */
export interface RaftEntry {
  /** The leader's term when the entry was proposed. */
  readonly term: number;
  /** The entry's position in the log, from 1. */
  readonly index: number;
  /** A normal entry (a store action) or a conf change. */
  readonly type: RaftEntryType;
  /** The payload: swarmkit's InternalRaftRequest, an encoded ConfChange, or empty (a new leader's entry). */
  readonly data: Uint8Array;
}

/** raftpb.Message, the fields this model uses (no snapshot). */
export interface RaftMessage {
  readonly type: RaftMessageType;
  /** Raft ID of the recipient. */
  readonly to: number;
  /** Raft ID of the sender. */
  readonly from: number;
  /** The sender's term (for MsgVote, the term campaigned for). */
  readonly term: number;
  /** MsgApp: term of the entry at `index`; MsgVote: term of the candidate's last entry; rejected MsgAppResp: term at `rejectHint`. */
  readonly logTerm: number;
  /** MsgApp: index the entries follow; MsgAppResp: last index appended (or rejected); MsgVote: the candidate's last index. */
  readonly index: number;
  /** MsgApp: the entries to append after `index`. */
  readonly entries: readonly RaftEntry[];
  /** The leader's commit index (MsgApp, MsgHeartbeat). */
  readonly commit: number;
  /** A refused vote or append. */
  readonly reject: boolean;
  /** A rejected MsgAppResp: the index the leader should probe from. */
  readonly rejectHint: number;
  /** MsgVote of a leadership transfer: `campaignTransfer`; absent (nil) otherwise. */
  readonly context?: Uint8Array;
}

/**
 * The context of the votes a leadership transfer's candidate asks for: voters
 * grant them even while they hear from a leader. etcd raft.go `campaignTransfer`.
 */
export const campaignTransferContext: Uint8Array = new TextEncoder().encode("CampaignTransfer");

/** raftpb.ConfChange { ID = 1; Type = 2; NodeID = 3; Context = 4 }: the data of an EntryConfChange. */
export interface RaftConfChange {
  /** swarmkit: a request ID from its idutil generator, to match the commit to the waiting call. */
  readonly id: number;
  readonly type: ConfChangeType;
  /** Raft ID of the member added or removed. */
  readonly nodeId: number;
  /** swarmkit: the encoded api.RaftMember (raft ID, node ID, address); absent when nil. */
  readonly context?: Uint8Array;
}

/** The gRPC path of the Raft service's ProcessRaftMessage call. */
export const raftMethod = "/docker.swarmkit.v1.Raft/ProcessRaftMessage";

/** The largest raftpb.MessageType number this model knows (raft 3.5). */
const lastMessageType = RaftMessageType.MsgPreVoteResp;

const EMPTY = new Uint8Array(0);

/**
 * The empty Snapshot 3.5 writes on every message: Snapshot { metadata = 2:
 * SnapshotMetadata { conf_state = 1: ConfState { auto_leave = 5: false }, index = 2: 0, term = 3: 0 } }.
 */
const EMPTY_SNAPSHOT = Uint8Array.of(0x12, 0x08, 0x0a, 0x02, 0x28, 0x00, 0x10, 0x00, 0x18, 0x00);

/** raftpb.Entry as gogoproto marshals it: Type, Term, Index, then Data unless empty. */
export function encodeRaftEntry(entry: RaftEntry): Uint8Array {
  const w = new ProtoWriter().uintAlways(1, entry.type).uintAlways(2, entry.term).uintAlways(3, entry.index);
  if (entry.data.length > 0) w.message(4, entry.data);
  return w.finish();
}

/**
 * raftpb.Message as go.etcd.io/etcd/raft/v3 marshals it.
 *
 * @example
 * encodeRaftMessage({ type: RaftMessageType.MsgHeartbeat, to: 2, from: 1, term: 3, logTerm: 0, index: 0, entries: [], commit: 5, reject: false, rejectHint: 0 });
 * // 08 08 10 02 18 01 20 03 28 00 30 00 40 05 4a 0a 12 08 0a 02 28 00 10 00 18 00 50 00 58 00
 */
export function encodeRaftMessage(m: RaftMessage): Uint8Array {
  const w = new ProtoWriter().uintAlways(1, m.type).uintAlways(2, m.to).uintAlways(3, m.from).uintAlways(4, m.term).uintAlways(5, m.logTerm).uintAlways(6, m.index);
  for (const e of m.entries) w.message(7, encodeRaftEntry(e));
  w.uintAlways(8, m.commit).message(9, EMPTY_SNAPSHOT).uintAlways(10, m.reject).uintAlways(11, m.rejectHint);
  if (m.context !== undefined) w.message(12, m.context);
  return w.finish();
}

/** Typed access to one decoded message's fields; the first wrong type or value is kept as the reason. */
class RaftFieldReader {
  problem: string | undefined;

  constructor(
    private readonly what: string,
    private readonly fields: ProtoFields,
  ) {}

  private fail(reason: string): void {
    this.problem ??= `${this.what}: ${reason}`;
  }

  /** A varint field, 0 when absent; the last value wins. */
  uint(field: number, name: string): number {
    const list = this.fields.get(field);
    const v = list?.[list.length - 1];
    if (v === undefined) return 0;
    if (typeof v !== "number") this.fail(`${name} (field ${field}) expected a varint`);
    return typeof v === "number" ? v : 0;
  }

  /** A bytes field, empty when absent. */
  bytes(field: number, name: string): Uint8Array {
    const all = this.repeatedBytes(field, name);
    return all[all.length - 1] ?? EMPTY;
  }

  /** Every value of a repeated length-delimited field. */
  repeatedBytes(field: number, name: string): Uint8Array[] {
    const list: readonly ProtoValue[] = this.fields.get(field) ?? [];
    if (list.some((v) => typeof v === "number")) this.fail(`${name} (field ${field}) expected bytes`);
    return list.filter((v): v is Uint8Array => typeof v !== "number");
  }

  /** A varint field that must be one of `max + 1` enum values. */
  enumValue(field: number, name: string, max: number): number {
    const v = this.uint(field, name);
    if (v > max) this.fail(`unknown ${name} ${v}`);
    return v;
  }

  has(field: number): boolean {
    return this.fields.has(field);
  }
}

/** Splits `bytes` into fields and reads them with `read`; any problem becomes the reason. */
function decodeWith<T>(what: string, bytes: Uint8Array, read: (r: RaftFieldReader) => T): Decoded<T> {
  const parsed = readFields(bytes);
  if (!parsed.ok) return { ok: false, reason: `${what}: ${parsed.reason}` };
  const reader = new RaftFieldReader(what, parsed.fields);
  const value = read(reader);
  return reader.problem === undefined ? { ok: true, value } : { ok: false, reason: reader.problem };
}

/** Decodes a raftpb.Entry; EntryConfChangeV2 and unknown types are refused. */
export function decodeRaftEntry(bytes: Uint8Array): Decoded<RaftEntry> {
  return decodeWith("raftpb.Entry", bytes, (r) => ({
    term: r.uint(2, "Term"),
    index: r.uint(3, "Index"),
    type: r.enumValue(1, "EntryType", RaftEntryType.EntryConfChange) as RaftEntryType,
    data: r.bytes(4, "Data").slice(),
  }));
}

/** Decodes a raftpb.Message; the snapshot and unknown fields are skipped. */
export function decodeRaftMessage(bytes: Uint8Array): Decoded<RaftMessage> {
  let entryBytes: Uint8Array[] = [];
  const top = decodeWith("raftpb.Message", bytes, (r) => {
    entryBytes = r.repeatedBytes(7, "entries");
    r.repeatedBytes(9, "snapshot");
    return {
      type: r.enumValue(1, "MessageType", lastMessageType) as RaftMessageType,
      to: r.uint(2, "to"),
      from: r.uint(3, "from"),
      term: r.uint(4, "term"),
      logTerm: r.uint(5, "logTerm"),
      index: r.uint(6, "index"),
      commit: r.uint(8, "commit"),
      reject: r.uint(10, "reject") !== 0,
      rejectHint: r.uint(11, "rejectHint"),
      ...(r.has(12) ? { context: r.bytes(12, "context").slice() } : {}),
    };
  });
  if (!top.ok) return top;
  const entries: RaftEntry[] = [];
  for (const b of entryBytes) {
    const entry = decodeRaftEntry(b);
    if (!entry.ok) return entry;
    entries.push(entry.value);
  }
  return { ok: true, value: { ...top.value, entries } };
}

/** raftpb.ConfChange as gogoproto marshals it: ID, Type, NodeID, then Context unless nil. */
export function encodeConfChange(change: RaftConfChange): Uint8Array {
  const w = new ProtoWriter().uintAlways(1, change.id).uintAlways(2, change.type).uintAlways(3, change.nodeId);
  if (change.context !== undefined) w.message(4, change.context);
  return w.finish();
}

/** Decodes a raftpb.ConfChange; ConfChangeAddLearnerNode and unknown types are refused. */
export function decodeConfChange(bytes: Uint8Array): Decoded<RaftConfChange> {
  return decodeWith("raftpb.ConfChange", bytes, (r) => {
    const change = {
      id: r.uint(1, "ID"),
      type: r.enumValue(2, "ConfChangeType", ConfChangeType.ConfChangeUpdateNode) as ConfChangeType,
      nodeId: r.uint(3, "NodeID"),
    };
    return r.has(4) ? { ...change, context: r.bytes(4, "Context").slice() } : change;
  });
}

/** ProcessRaftMessageRequest { raftpb.Message message = 1; } (proto3: the message is written even when empty). */
export function encodeProcessRaftMessageRequest(message: RaftMessage): Uint8Array {
  return new ProtoWriter().message(1, encodeRaftMessage(message)).finish();
}

/** Decodes a ProcessRaftMessageRequest; one without a message is refused, as swarmkit's handler refuses it. */
export function decodeProcessRaftMessageRequest(bytes: Uint8Array): Decoded<RaftMessage> {
  const parsed = readFields(bytes);
  if (!parsed.ok) return { ok: false, reason: `ProcessRaftMessageRequest: ${parsed.reason}` };
  const list = parsed.fields.get(1);
  const body = list?.[list.length - 1];
  if (body === undefined) return { ok: false, reason: "ProcessRaftMessageRequest: no message provided" };
  if (typeof body === "number") return { ok: false, reason: "ProcessRaftMessageRequest: message (field 1) expected bytes" };
  return decodeRaftMessage(body);
}

/** ProcessRaftMessageResponse {}: no fields, so no bytes. */
export function encodeProcessRaftMessageResponse(): Uint8Array {
  return new Uint8Array(0);
}

/** Decodes a ProcessRaftMessageResponse: any well-formed message (unknown fields are skipped). */
export function decodeProcessRaftMessageResponse(bytes: Uint8Array): Decoded<Record<string, never>> {
  const parsed = readFields(bytes);
  return parsed.ok ? { ok: true, value: {} } : { ok: false, reason: `ProcessRaftMessageResponse: ${parsed.reason}` };
}
