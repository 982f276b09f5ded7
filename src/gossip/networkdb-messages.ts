/**
 * libnetwork networkdb's gossip messages (moby libnetwork/networkdb/networkdb.proto),
 * encoded as gogoproto's generated marshalers write them (networkdb.pb.go), and
 * the envelope and compound packing of networkdb/message.go.
 *
 * What the generated MarshalTo writes: fields in number order; every scalar,
 * string and bytes field left out when zero or empty, `l_time` included (it is
 * `nullable=false`, but as a customtype scalar it is still guarded by `!= 0`);
 * each element of a repeated field written even when empty (an empty network
 * name is `22 00`, an empty NetworkEntry or SimpleMessage is `12 00` / `0a 00`).
 *
 * Every message travels inside a GossipMessage{type, data} (message.go
 * encodeMessage). A compound message is not memberlist's compound framing
 * (type byte, count, uint16 lengths): it is a protobuf CompoundMessage of
 * SimpleMessages, each holding one whole GossipMessage, itself inside a
 * GossipMessage of type COMPOUND (message.go makeCompoundMessage). A bulk
 * sync's payload is such a compound message (cluster.go bulkSyncNode).
 *
 * Limits of the model, where a Go peer would differ:
 * - uint64 values (`l_time`) are safe integers (0 to 2^53-1); a larger varint
 *   is refused as oversized, where Go reads it.
 * - enums and `residual_reap_time` are non-negative int32 here; Go writes a
 *   negative int32 as a 10-byte sign-extended varint and truncates larger
 *   varints to 32 bits; both are refused here with a reason.
 * - strings must be UTF-8; Go's generated unmarshalers take any bytes.
 * - a known field sent as fixed32/fixed64 is skipped here (encoding/protobuf.ts
 *   skips those wire types); Go refuses it as a wrong wire type.
 */

import { type Decoded, FieldReader, type ProtoFields, ProtoWriter, readFields } from "../encoding/index.js";

/** networkdb.proto MessageType: what a GossipMessage's data holds. Append-only: the numbers are the protocol. */
export const MessageType = {
  invalid: 0,
  /** A node joined or left a network (NetworkEvent). */
  networkEvent: 1,
  /** A table entry was created, updated or deleted (TableEvent). */
  tableEvent: 2,
  /** memberlist push/pull state: every network attachment the sender knows (NetworkPushPull). */
  pushPull: 3,
  /** A bulk sync of a network's table entries over TCP (BulkSyncMessage). */
  bulkSync: 4,
  /** Several GossipMessages packed into one (CompoundMessage). */
  compound: 5,
  /** A node joined or left the gossip cluster (NodeEvent). */
  nodeEvent: 6,
} as const;

/** networkdb.proto NodeEvent.Type. */
export const NodeEventType = { invalid: 0, join: 1, leave: 2 } as const;
/** networkdb.proto NetworkEvent.Type. */
export const NetworkEventType = { invalid: 0, join: 1, leave: 2 } as const;
/** networkdb.proto TableEvent.Type. */
export const TableEventType = { invalid: 0, create: 1, update: 2, delete: 3 } as const;

/**
 * Bytes networkdb budgets for its compound message's header, not to be
 * confused with memberlist's own compound framing (constants.ts) (message.go
 * compoundHeaderOverhead: "1 byte (message type) + 4 bytes (num messages)";
 * cluster.go gossip subtracts it from the packet size). The real header,
 * GossipMessage `08 05 12 <length varint>`, is 4 bytes below 128 bytes of
 * parts and 5 below 16 KiB.
 */
export const networkdbCompoundHeaderOverheadBytes = 5;

/**
 * Bytes networkdb budgets per part of a compound message (message.go
 * compoundOverhead, passed to GetBroadcasts). The real cost of a part of L
 * bytes is `0a <varint> 0a <varint L>`: 4 bytes while L < 126, 5 or 6 above,
 * so a packet of large table events can overshoot the budget.
 */
export const networkdbCompoundOverheadBytes = 4;

/** GossipMessage { MessageType type = 1; bytes data = 2; }: the envelope of every networkdb message. */
export interface GossipMessage {
  /** A MessageType; any non-negative int32 on the wire (receivers log unknown ones). */
  readonly type: number;
  /** The encoded message of that type. */
  readonly data: Uint8Array;
}

/** NodeEvent { Type type = 1; uint64 l_time = 2; string node_name = 3; }: a node joined or left the cluster. */
export interface NodeEvent {
  /** A NodeEventType. */
  readonly type: number;
  /** Lamport time of the event on the network clock (serf.LamportTime). */
  readonly lTime: number;
  /** The gossip node name of the node (a random 12-hex ID, not the swarm node ID). */
  readonly nodeName: string;
}

/** NetworkEvent { Type type = 1; uint64 l_time = 2; string node_name = 3; string network_id = 4; }. */
export interface NetworkEvent {
  /** A NetworkEventType. */
  readonly type: number;
  /** Lamport time of the event on the network clock. */
  readonly lTime: number;
  /** The node that joined or left the network. */
  readonly nodeName: string;
  /** The network's ID. */
  readonly networkId: string;
}

/** NetworkEntry { string network_id = 1; uint64 l_time = 2; string node_name = 3; bool leaving = 4; }. */
export interface NetworkEntry {
  readonly networkId: string;
  /** Lamport time of the latest attachment event for this node and network. */
  readonly lTime: number;
  /** The attached node. */
  readonly nodeName: string;
  /** Whether the node is leaving the network. */
  readonly leaving: boolean;
}

/** NetworkPushPull { uint64 l_time = 1; repeated NetworkEntry networks = 2; string node_name = 3; }: memberlist's LocalState. */
export interface NetworkPushPull {
  /** The sender's network clock. */
  readonly lTime: number;
  /** Every network attachment the sender knows, its own and others'. */
  readonly networks: readonly NetworkEntry[];
  /** The sender. */
  readonly nodeName: string;
}

/**
 * TableEvent { Type type = 1; uint64 l_time = 2; string node_name = 3; string network_id = 4;
 * string table_name = 5; string key = 6; bytes value = 7; int32 residual_reap_time = 8; }.
 */
export interface TableEvent {
  /** A TableEventType. */
  readonly type: number;
  /** Lamport time of the entry on the table clock. */
  readonly lTime: number;
  /** The node that owns the entry. */
  readonly nodeName: string;
  /** The network the entry belongs to; only that network's nodes receive it. */
  readonly networkId: string;
  /** e.g. `overlay_peer_table`, `endpoint_table`. */
  readonly tableName: string;
  /** The entry's key (an endpoint ID for both tables above). */
  readonly key: string;
  /** The entry's value (a PeerRecord or EndpointRecord, see overlay-peer.ts). */
  readonly value: Uint8Array;
  /** Seconds a deleted entry still lingers before it is reaped (0 for live entries). */
  readonly residualReapTime: number;
}

/** BulkSyncMessage { uint64 l_time = 1; bool unsolicited = 2; string node_name = 3; repeated string networks = 4; bytes payload = 5; }. */
export interface BulkSyncMessage {
  /** The sender's table clock. */
  readonly lTime: number;
  /** True when the sender started the sync (the receiver then answers with its own); false for the answer. */
  readonly unsolicited: boolean;
  /** The sender. */
  readonly nodeName: string;
  /** IDs of the networks whose entries are synced. */
  readonly networks: readonly string[];
  /** A compound GossipMessage (`makeCompoundMessage`) of TableEvent GossipMessages. */
  readonly payload: Uint8Array;
}

/** CompoundMessage.SimpleMessage { bytes Payload = 1; }. */
export interface SimpleMessage {
  /** One encoded GossipMessage. */
  readonly payload: Uint8Array;
}

/** CompoundMessage { repeated SimpleMessage messages = 1; }. */
export interface CompoundMessage {
  readonly messages: readonly SimpleMessage[];
}

// ---------------------------------------------------------------------------
// Argument checks (a bad argument is a programming mistake: it throws)

const int32Max = 0x7fff_ffff;

function checkWhole(name: string, value: number, max: number, maxText: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`"${name}" expected a whole number from 0 to ${maxText}, got ${value}`);
  }
}
const checkLTime = (value: number) => checkWhole("lTime", value, Number.MAX_SAFE_INTEGER, "2^53-1");
const checkInt32 = (name: string, value: number) => checkWhole(name, value, int32Max, "2^31-1");

// ---------------------------------------------------------------------------
// Decoding: typed fields, repeated fields, and where a problem was met

const utf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();

/**
 * A FieldReader that also reads repeated fields, booleans and int32 values. A
 * problem inside a nested message is prefixed with where it was met
 * (`networks[2]: field 1: not UTF-8`). A building block for this folder's
 * decoders; not part of the gossip layer's entry point.
 */
export class GossipFieldReader extends FieldReader {
  constructor(private readonly all: ProtoFields) {
    super(all);
  }

  /** Every value of a repeated length-delimited field, in order; a varint among them is a problem. */
  repeatedBytes(field: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const value of this.all.get(field) ?? []) {
      if (typeof value === "number") this.problem ??= `field ${field}: expected bytes`;
      else out.push(value);
    }
    return out;
  }

  /** Every value of a repeated string field, in order; bytes that are not UTF-8 are a problem. */
  repeatedStrings(field: number): string[] {
    return this.repeatedBytes(field).map((bytes) => {
      try {
        return utf8.decode(bytes);
      } catch {
        this.problem ??= `field ${field}: not UTF-8`;
        return "";
      }
    });
  }

  /** Every value of a repeated message field, each read with `read`; `what` names the field in a problem. */
  messages<T>(field: number, what: string, read: (r: GossipFieldReader) => T): T[] {
    return this.repeatedBytes(field).map((bytes, i) => {
      const parsed = readFields(bytes);
      const inner = new GossipFieldReader(parsed.ok ? parsed.fields : new Map());
      if (!parsed.ok) this.problem ??= `${what}[${i}]: ${parsed.reason}`;
      const value = read(inner);
      if (inner.problem !== undefined) this.problem ??= `${what}[${i}]: ${inner.problem}`;
      return value;
    });
  }

  /** A bool field: any non-zero varint is true, as Go reads it. */
  bool(field: number): boolean {
    return this.uint(field) !== 0;
  }

  /** An enum or int32 field, non-negative here; a larger value is a problem (see the module's limits). */
  int32(field: number): number {
    const value = this.uint(field);
    if (value <= int32Max) return value;
    this.problem ??= `field ${field}: ${value} is out of int32 range`;
    return 0;
  }
}

/**
 * Decodes one message with `read`; the first problem met anywhere inside is
 * the reason, prefixed with `what` (the message's name).
 *
 * @example
 * decodeGossipFields(new Uint8Array([0x08, 0x01]), "NodeEvent", (r) => r.int32(1)) // { ok: true, value: 1 }
 */
export function decodeGossipFields<T>(bytes: Uint8Array, what: string, read: (r: GossipFieldReader) => T): Decoded<T> {
  const parsed = readFields(bytes);
  if (!parsed.ok) return { ok: false, reason: `${what}: ${parsed.reason}` };
  const reader = new GossipFieldReader(parsed.fields);
  const value = read(reader);
  return reader.problem === undefined ? { ok: true, value } : { ok: false, reason: `${what}: ${reader.problem}` };
}

// ---------------------------------------------------------------------------
// The envelope: GossipMessage

/**
 * Encodes a GossipMessage (message.go encodeRawMessage: networkdb rebroadcasts
 * a received event by wrapping its bytes again).
 *
 * @example
 * encodeGossipMessage({ type: MessageType.nodeEvent, data: new Uint8Array([0x08, 0x01]) }) // 08 06 12 02 08 01
 */
export function encodeGossipMessage(message: GossipMessage): Uint8Array {
  checkInt32("type", message.type);
  return new ProtoWriter().uint(1, message.type).bytes(2, message.data).finish();
}

/**
 * Decodes a GossipMessage envelope (message.go decodeMessage); the type is not
 * checked, as Go's decodeMessage does not check it either.
 *
 * @example
 * decodeGossipMessage(new Uint8Array([0x08, 0x06])) // { ok: true, value: { type: 6, data: Uint8Array [] } }
 */
export function decodeGossipMessage(bytes: Uint8Array): Decoded<GossipMessage> {
  return decodeGossipFields(bytes, "GossipMessage", (r) => ({ type: r.int32(1), data: r.bytes(2) }));
}

// ---------------------------------------------------------------------------
// The messages

/**
 * Encodes a NodeEvent.
 *
 * @example
 * encodeNodeEvent({ type: NodeEventType.join, lTime: 3, nodeName: "n1" }) // 08 01 10 03 1a 02 6e 31
 */
export function encodeNodeEvent(event: NodeEvent): Uint8Array {
  checkInt32("type", event.type);
  checkLTime(event.lTime);
  return new ProtoWriter().uint(1, event.type).uint(2, event.lTime).string(3, event.nodeName).finish();
}

/**
 * Decodes a NodeEvent.
 *
 * @example
 * decodeNodeEvent(encodeNodeEvent({ type: 2, lTime: 9, nodeName: "n1" })) // { ok: true, value: { type: 2, lTime: 9, nodeName: "n1" } }
 */
export function decodeNodeEvent(bytes: Uint8Array): Decoded<NodeEvent> {
  return decodeGossipFields(bytes, "NodeEvent", (r) => ({ type: r.int32(1), lTime: r.uint(2), nodeName: r.string(3) }));
}

/**
 * Encodes a NetworkEvent.
 *
 * @example
 * encodeNetworkEvent({ type: NetworkEventType.join, lTime: 7, nodeName: "n1", networkId: "w" }) // 08 01 10 07 1a 02 6e 31 22 01 77
 */
export function encodeNetworkEvent(event: NetworkEvent): Uint8Array {
  checkInt32("type", event.type);
  checkLTime(event.lTime);
  return new ProtoWriter().uint(1, event.type).uint(2, event.lTime).string(3, event.nodeName).string(4, event.networkId).finish();
}

/**
 * Decodes a NetworkEvent.
 *
 * @example
 * decodeNetworkEvent(new Uint8Array([0x08, 0x02])) // { ok: true, value: { type: 2, lTime: 0, nodeName: "", networkId: "" } }
 */
export function decodeNetworkEvent(bytes: Uint8Array): Decoded<NetworkEvent> {
  return decodeGossipFields(bytes, "NetworkEvent", (r) => ({
    type: r.int32(1),
    lTime: r.uint(2),
    nodeName: r.string(3),
    networkId: r.string(4),
  }));
}

function encodeNetworkEntry(entry: NetworkEntry): Uint8Array {
  checkLTime(entry.lTime);
  return new ProtoWriter().string(1, entry.networkId).uint(2, entry.lTime).string(3, entry.nodeName).uint(4, entry.leaving).finish();
}

const readNetworkEntry = (r: GossipFieldReader): NetworkEntry => ({
  networkId: r.string(1),
  lTime: r.uint(2),
  nodeName: r.string(3),
  leaving: r.bool(4),
});

/**
 * Encodes a NetworkPushPull; every entry is written, even an empty one.
 *
 * @example
 * encodeNetworkPushPull({ lTime: 1, networks: [], nodeName: "n1" }) // 08 01 1a 02 6e 31
 */
export function encodeNetworkPushPull(pushPull: NetworkPushPull): Uint8Array {
  checkLTime(pushPull.lTime);
  const w = new ProtoWriter().uint(1, pushPull.lTime);
  for (const entry of pushPull.networks) w.message(2, encodeNetworkEntry(entry));
  return w.string(3, pushPull.nodeName).finish();
}

/**
 * Decodes a NetworkPushPull.
 *
 * @example
 * decodeNetworkPushPull(new Uint8Array([0x12, 0x00])).ok // true: one empty entry
 */
export function decodeNetworkPushPull(bytes: Uint8Array): Decoded<NetworkPushPull> {
  return decodeGossipFields(bytes, "NetworkPushPull", (r) => ({
    lTime: r.uint(1),
    networks: r.messages(2, "networks", readNetworkEntry),
    nodeName: r.string(3),
  }));
}

/**
 * Encodes a TableEvent.
 *
 * @example
 * encodeTableEvent({ type: TableEventType.delete, lTime: 4, nodeName: "", networkId: "", tableName: "", key: "k", value: new Uint8Array(0), residualReapTime: 1800 })
 * // 08 03 10 04 32 01 6b 40 88 0e
 */
export function encodeTableEvent(event: TableEvent): Uint8Array {
  checkInt32("type", event.type);
  checkLTime(event.lTime);
  checkInt32("residualReapTime", event.residualReapTime);
  return new ProtoWriter()
    .uint(1, event.type)
    .uint(2, event.lTime)
    .string(3, event.nodeName)
    .string(4, event.networkId)
    .string(5, event.tableName)
    .string(6, event.key)
    .bytes(7, event.value)
    .uint(8, event.residualReapTime)
    .finish();
}

/**
 * Decodes a TableEvent.
 *
 * @example
 * decodeTableEvent(new Uint8Array([0x40, 0x88, 0x0e])).ok // true, residualReapTime 1800
 */
export function decodeTableEvent(bytes: Uint8Array): Decoded<TableEvent> {
  return decodeGossipFields(bytes, "TableEvent", (r) => ({
    type: r.int32(1),
    lTime: r.uint(2),
    nodeName: r.string(3),
    networkId: r.string(4),
    tableName: r.string(5),
    key: r.string(6),
    value: r.bytes(7),
    residualReapTime: r.int32(8),
  }));
}

/**
 * Encodes a BulkSyncMessage; every network name is written, even an empty one.
 *
 * @example
 * encodeBulkSyncMessage({ lTime: 0, unsolicited: true, nodeName: "", networks: ["w"], payload: new Uint8Array(0) }) // 10 01 22 01 77
 */
export function encodeBulkSyncMessage(message: BulkSyncMessage): Uint8Array {
  checkLTime(message.lTime);
  const w = new ProtoWriter().uint(1, message.lTime).uint(2, message.unsolicited).string(3, message.nodeName);
  for (const network of message.networks) w.message(4, utf8Encoder.encode(network));
  return w.bytes(5, message.payload).finish();
}

/**
 * Decodes a BulkSyncMessage.
 *
 * @example
 * decodeBulkSyncMessage(new Uint8Array([0x10, 0x01])) // ok, unsolicited: true
 */
export function decodeBulkSyncMessage(bytes: Uint8Array): Decoded<BulkSyncMessage> {
  return decodeGossipFields(bytes, "BulkSyncMessage", (r) => ({
    lTime: r.uint(1),
    unsolicited: r.bool(2),
    nodeName: r.string(3),
    networks: r.repeatedStrings(4),
    payload: r.bytes(5),
  }));
}

/**
 * Encodes a CompoundMessage; every SimpleMessage is written, an empty one as `0a 00`.
 *
 * @example
 * encodeCompoundMessage({ messages: [{ payload: new Uint8Array([0xaa]) }] }) // 0a 03 0a 01 aa
 */
export function encodeCompoundMessage(message: CompoundMessage): Uint8Array {
  const w = new ProtoWriter();
  for (const simple of message.messages) w.bytesMessage(1, 1, simple.payload);
  return w.finish();
}

/**
 * Decodes a CompoundMessage (the data of a COMPOUND GossipMessage; message.go decodeCompoundMessage).
 *
 * @example
 * decodeCompoundMessage(new Uint8Array([0x0a, 0x00])) // { ok: true, value: { messages: [{ payload: Uint8Array [] }] } }
 */
export function decodeCompoundMessage(bytes: Uint8Array): Decoded<CompoundMessage> {
  return decodeGossipFields(bytes, "CompoundMessage", (r) => ({
    messages: r.messages(1, "messages", (m) => ({ payload: m.bytes(1) })),
  }));
}

/**
 * Packs encoded GossipMessages into one COMPOUND GossipMessage (message.go
 * makeCompoundMessage): what networkdb gossips per packet, and what a bulk
 * sync carries as its payload.
 *
 * @example
 * makeCompoundMessage([new Uint8Array([0xaa])]) // 08 05 12 05 0a 03 0a 01 aa
 */
export function makeCompoundMessage(parts: readonly Uint8Array[]): Uint8Array {
  const data = encodeCompoundMessage({ messages: parts.map((payload) => ({ payload })) });
  return encodeGossipMessage({ type: MessageType.compound, data });
}

// ---------------------------------------------------------------------------
// Typed messages: the envelope and its payload together

/** The payload each message type carries. */
export interface MessagePayloads {
  [MessageType.networkEvent]: NetworkEvent;
  [MessageType.tableEvent]: TableEvent;
  [MessageType.pushPull]: NetworkPushPull;
  [MessageType.bulkSync]: BulkSyncMessage;
  [MessageType.compound]: CompoundMessage;
  [MessageType.nodeEvent]: NodeEvent;
}

/** A message type that carries a payload (every one but INVALID). */
export type PayloadType = keyof MessagePayloads;

/** A decoded GossipMessage with its payload decoded by type. */
export type NetworkDbMessage = { [T in PayloadType]: { readonly type: T; readonly message: MessagePayloads[T] } }[PayloadType];

type Codec<T> = { readonly encode: (message: T) => Uint8Array; readonly decode: (bytes: Uint8Array) => Decoded<T> };

const codecs: { readonly [T in PayloadType]: Codec<MessagePayloads[T]> } = {
  [MessageType.networkEvent]: { encode: encodeNetworkEvent, decode: decodeNetworkEvent },
  [MessageType.tableEvent]: { encode: encodeTableEvent, decode: decodeTableEvent },
  [MessageType.pushPull]: { encode: encodeNetworkPushPull, decode: decodeNetworkPushPull },
  [MessageType.bulkSync]: { encode: encodeBulkSyncMessage, decode: decodeBulkSyncMessage },
  [MessageType.compound]: { encode: encodeCompoundMessage, decode: decodeCompoundMessage },
  [MessageType.nodeEvent]: { encode: encodeNodeEvent, decode: decodeNodeEvent },
};

function isPayloadType(type: number): type is PayloadType {
  return Object.hasOwn(codecs, type);
}

/**
 * Encodes `message` and wraps it in a GossipMessage of `type` (message.go encodeMessage).
 *
 * @example
 * encodeMessage(MessageType.nodeEvent, { type: NodeEventType.join, lTime: 1, nodeName: "" }) // 08 06 12 04 08 01 10 01
 */
export function encodeMessage<T extends PayloadType>(type: T, message: MessagePayloads[T]): Uint8Array {
  if (!isPayloadType(type)) throw new RangeError(`"type" expected a networkdb message type from 1 to 6, got ${String(type)}`);
  const codec = codecs[type] as Codec<MessagePayloads[T]>;
  return encodeGossipMessage({ type, data: codec.encode(message) });
}

/**
 * Decodes a GossipMessage and its payload. An unknown type is refused, as
 * networkdb's handleMessage logs it and drops the message; a compound
 * message's parts are left encoded, for the caller to decode one by one as
 * handleCompound does. PUSH_PULL decodes here, but networkdb only accepts it
 * through memberlist's push/pull (delegate.go MergeRemoteState); handleMessage
 * drops it as an unknown type.
 *
 * @example
 * decodeNetworkDbMessage(encodeMessage(MessageType.nodeEvent, { type: 1, lTime: 1, nodeName: "" }))
 * // { ok: true, value: { type: 6, message: { type: 1, lTime: 1, nodeName: "" } } }
 */
export function decodeNetworkDbMessage(bytes: Uint8Array): Decoded<NetworkDbMessage> {
  const envelope = decodeGossipMessage(bytes);
  if (!envelope.ok) return envelope;
  const { type, data } = envelope.value;
  if (!isPayloadType(type)) return { ok: false, reason: `unknown message type ${type}` };
  const payload = (codecs[type] as Codec<MessagePayloads[PayloadType]>).decode(data);
  if (!payload.ok) return payload;
  return { ok: true, value: { type, message: payload.value } as NetworkDbMessage };
}
