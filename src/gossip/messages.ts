/**
 * memberlist's messages, byte for byte (hashicorp/memberlist net.go, util.go
 * encode/decode): one type byte, then the message's Go struct in
 * MessagePack as go-msgpack writes it (encoding/msgpack.ts: a map of the
 * fields sorted by name, `[]byte` as raw, nil slices as nil).
 *
 * Field names are memberlist's, since they are the map keys on the wire. A
 * Go `[]byte` (also `net.IP` and `[]uint8`) is `Uint8Array | null`, null being
 * Go's nil slice: memberlist sends a nil ack payload (c0) but networkdb's
 * empty node meta (a0), and the two differ on the wire.
 *
 * Framing types (compound, hasCrc, encrypt, label) and packet user messages
 * decode to their raw payload; compound.ts takes compounds, CRCs and
 * compression apart.
 */

import { type Decoded, type GoMsgpackFlavor, type GoStruct, MsgpackWriter, goMsgpackV2, readGoStruct, writeGoStruct } from "../encoding/index.js";

/**
 * The message type codes (net.go messageType). memberlist only appends to
 * this list: "the numeric values are part of the protocol itself".
 */
export const MessageType = {
  ping: 0,
  indirectPing: 1,
  ack: 2,
  suspect: 3,
  alive: 4,
  dead: 5,
  pushPull: 6,
  compound: 7,
  user: 8,
  compress: 9,
  encrypt: 10,
  nack: 11,
  hasCrc: 12,
  err: 13,
  /** A label header (label.go), set high to stay clear of the others; Docker sets no label. */
  hasLabel: 244,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** A direct probe (net.go ping). */
export interface Ping {
  readonly SeqNo: number;
  /** The name of the intended recipient, so a restarted node under a new name does not answer. */
  readonly Node: string;
  /** Where to send the ack, when the sender's own address is not the packet's source (omitempty). */
  readonly SourceAddr?: Uint8Array | null;
  readonly SourcePort?: number;
  readonly SourceNode?: string;
}

/** Asks a node to probe `Target` on the sender's behalf (net.go indirectPingReq). */
export interface IndirectPingReq {
  readonly SeqNo: number;
  /** The target's IP as a Go `net.IP`: 4 bytes for IPv4. */
  readonly Target: Uint8Array | null;
  readonly Port: number;
  readonly Node: string;
  /** True to get a nack back if the target does not answer (protocol 4 and up). */
  readonly Nack?: boolean;
  readonly SourceAddr?: Uint8Array | null;
  readonly SourcePort?: number;
  readonly SourceNode?: string;
}

/** Answers a ping (net.go ackResp); `Payload` is nil unless a ping delegate adds one, and networkdb sets none. */
export interface AckResp {
  readonly SeqNo: number;
  readonly Payload: Uint8Array | null;
}

/** Says an indirect probe got no answer in time (net.go nackResp). */
export interface NackResp {
  readonly SeqNo: number;
}

/** The error a stream peer sends back when it could not read our message (net.go errResp). */
export interface ErrResp {
  readonly Error: string;
}

/** `From` suspects `Node` at `Incarnation` (net.go suspect). */
export interface Suspect {
  readonly Incarnation: number;
  readonly Node: string;
  readonly From: string;
}

/** `Node` is alive at `Incarnation`; also how a node joins (net.go alive). */
export interface Alive {
  readonly Incarnation: number;
  readonly Node: string;
  readonly Addr: Uint8Array | null;
  readonly Port: number;
  /** The delegate's node meta: networkdb sends an empty, non-nil slice. */
  readonly Meta: Uint8Array | null;
  /** Protocol and delegate versions: pmin, pmax, pcur, dmin, dmax, dcur (a `[]uint8`, so raw bytes). */
  readonly Vsn: Uint8Array | null;
}

/** `Node` is dead; `From` equal to `Node` means it left (net.go dead). */
export interface Dead {
  readonly Incarnation: number;
  readonly Node: string;
  readonly From: string;
}

/** One member's state in a push/pull (net.go pushNodeState). */
export interface PushNodeState {
  readonly Name: string;
  readonly Addr: Uint8Array | null;
  readonly Port: number;
  readonly Meta: Uint8Array | null;
  readonly Incarnation: number;
  /** state.go NodeStateType: 0 alive, 1 suspect, 2 dead, 3 left. */
  readonly State: number;
  readonly Vsn: Uint8Array | null;
}

/** A full state exchange (net.go sendLocalState): header, each node's state, then the delegate's bytes. */
export interface PushPull {
  /** True when sent to join a cluster, false for the periodic anti-entropy exchange. */
  readonly join: boolean;
  readonly nodes: readonly PushNodeState[];
  /** The delegate's local state (networkdb's NetworkPushPull); empty when it has none. */
  readonly userState: Uint8Array;
}

/** A compressed message (net.go compress): `Algo` 0 is LZW, the only one. */
export interface Compress {
  readonly Algo: number;
  readonly Buf: Uint8Array | null;
}

/** The bytes after the type byte: a packet's user message, or a framing that compound.ts or the keyring opens. */
export interface RawMessage {
  readonly Payload: Uint8Array;
}

/** Each type's body. */
export interface MessageBodies {
  [MessageType.ping]: Ping;
  [MessageType.indirectPing]: IndirectPingReq;
  [MessageType.ack]: AckResp;
  [MessageType.suspect]: Suspect;
  [MessageType.alive]: Alive;
  [MessageType.dead]: Dead;
  [MessageType.pushPull]: PushPull;
  [MessageType.compound]: RawMessage;
  [MessageType.user]: RawMessage;
  [MessageType.compress]: Compress;
  [MessageType.encrypt]: RawMessage;
  [MessageType.nack]: NackResp;
  [MessageType.hasCrc]: RawMessage;
  [MessageType.err]: ErrResp;
  [MessageType.hasLabel]: RawMessage;
}

/** A message: its type and its body's fields side by side. */
export type GossipMessage = { [T in MessageType]: { readonly type: T } & MessageBodies[T] }[MessageType];

/** Streams frame a user message with a length header (net.go sendUserMsg); packets do not. */
export type Via = "packet" | "stream";

/** How to write: the transport, and which go-msgpack to copy (v2 unless told). */
export interface MessageOptions {
  readonly via?: Via;
  readonly flavor?: GoMsgpackFlavor;
}

const pingStruct = [
  { name: "SeqNo", type: "uint32" },
  { name: "Node", type: "string" },
  { name: "SourceAddr", type: "[]byte", omitEmpty: true },
  { name: "SourcePort", type: "uint16", omitEmpty: true },
  { name: "SourceNode", type: "string", omitEmpty: true },
] as const satisfies GoStruct;
const indirectPingStruct = [
  { name: "SeqNo", type: "uint32" },
  { name: "Target", type: "[]byte" },
  { name: "Port", type: "uint16" },
  { name: "Node", type: "string" },
  { name: "Nack", type: "bool" },
  { name: "SourceAddr", type: "[]byte", omitEmpty: true },
  { name: "SourcePort", type: "uint16", omitEmpty: true },
  { name: "SourceNode", type: "string", omitEmpty: true },
] as const satisfies GoStruct;
const ackStruct = [
  { name: "SeqNo", type: "uint32" },
  { name: "Payload", type: "[]byte" },
] as const satisfies GoStruct;
const nackStruct = [{ name: "SeqNo", type: "uint32" }] as const satisfies GoStruct;
const errStruct = [{ name: "Error", type: "string" }] as const satisfies GoStruct;
const suspectStruct = [
  { name: "Incarnation", type: "uint32" },
  { name: "Node", type: "string" },
  { name: "From", type: "string" },
] as const satisfies GoStruct;
/** net.go's `dead` has `suspect`'s fields, in the same order. */
const deadStruct = suspectStruct;
const aliveStruct = [
  { name: "Incarnation", type: "uint32" },
  { name: "Node", type: "string" },
  { name: "Addr", type: "[]byte" },
  { name: "Port", type: "uint16" },
  { name: "Meta", type: "[]byte" },
  { name: "Vsn", type: "[]byte" },
] as const satisfies GoStruct;
const pushPullHeaderStruct = [
  { name: "Nodes", type: "int" },
  { name: "UserStateLen", type: "int" },
  { name: "Join", type: "bool" },
] as const satisfies GoStruct;
const pushNodeStateStruct = [
  { name: "Name", type: "string" },
  { name: "Addr", type: "[]byte" },
  { name: "Port", type: "uint16" },
  { name: "Meta", type: "[]byte" },
  { name: "Incarnation", type: "uint32" },
  { name: "State", type: "int" },
  { name: "Vsn", type: "[]byte" },
] as const satisfies GoStruct;
const userMsgHeaderStruct = [{ name: "UserMsgLen", type: "int" }] as const satisfies GoStruct;
const compressStruct = [
  { name: "Algo", type: "uint8" },
  { name: "Buf", type: "[]byte" },
] as const satisfies GoStruct;

/** The struct behind each single-struct type, with its Go name for reasons. */
const structs: Partial<Record<MessageType, readonly [GoStruct, string]>> = {
  [MessageType.ping]: [pingStruct, "ping"],
  [MessageType.indirectPing]: [indirectPingStruct, "indirectPingReq"],
  [MessageType.ack]: [ackStruct, "ackResp"],
  [MessageType.suspect]: [suspectStruct, "suspect"],
  [MessageType.alive]: [aliveStruct, "alive"],
  [MessageType.dead]: [deadStruct, "dead"],
  [MessageType.compress]: [compressStruct, "compress"],
  [MessageType.nack]: [nackStruct, "nackResp"],
  [MessageType.err]: [errStruct, "errResp"],
};

const rawTypes: ReadonlySet<number> = new Set([MessageType.compound, MessageType.encrypt, MessageType.hasCrc, MessageType.hasLabel]);

/**
 * Encodes one message: the type byte, then its body (net.go encode).
 *
 * @example
 * ```ts
 * encodeMessage(MessageType.ack, { SeqNo: 7, Payload: null });
 * // 02 82 a7 "Payload" c0 a5 "SeqNo" 07: the fields sorted by name
 * ```
 */
export function encodeMessage<T extends MessageType>(type: T, body: MessageBodies[T], options: MessageOptions = {}): Uint8Array {
  const writer = new MsgpackWriter(options.flavor ?? goMsgpackV2).verbatim(Uint8Array.of(type));
  const struct = structs[type];
  if (struct !== undefined) return writeGoStruct(writer, struct[0], body as never).finish();
  if (type === MessageType.pushPull) return writePushPull(writer, body as PushPull).finish();
  const payload = (body as RawMessage).Payload;
  if (!(payload instanceof Uint8Array)) throw new TypeError(`"Payload" expected a Uint8Array for message type ${type}`);
  if (type === MessageType.user && options.via === "stream") writeGoStruct(writer, userMsgHeaderStruct, { UserMsgLen: payload.length });
  return writer.verbatim(payload).finish();
}

/**
 * Encodes a message given as one object, its type beside its fields.
 *
 * @example
 * ```ts
 * encodeGossipMessage({ type: MessageType.nack, SeqNo: 9 }); // 0b 81 a5 "SeqNo" 09
 * ```
 */
export function encodeGossipMessage(message: GossipMessage, options: MessageOptions = {}): Uint8Array {
  return encodeMessage(message.type, message as never, options);
}

function writePushPull(writer: MsgpackWriter, body: PushPull): MsgpackWriter {
  writeGoStruct(writer, pushPullHeaderStruct, { Nodes: body.nodes.length, UserStateLen: body.userState.length, Join: body.join });
  for (const node of body.nodes) writeGoStruct(writer, pushNodeStateStruct, node);
  return writer.verbatim(body.userState);
}

/**
 * Decodes one message. As memberlist's `decode`, a struct's trailing bytes
 * are ignored; anything else wrong is a reason, never a throw.
 *
 * @example
 * ```ts
 * decodeMessage(encodeMessage(MessageType.nack, { SeqNo: 9 }));
 * // { ok: true, value: { type: 11, SeqNo: 9 } }
 * ```
 */
export function decodeMessage(bytes: Uint8Array, options: { readonly via?: Via } = {}): Decoded<GossipMessage> {
  // net.go handleCommand: "missing message type byte".
  if (bytes.length < 1) return { ok: false, reason: "missing message type byte" };
  const type = bytes[0]! as MessageType;
  const struct = structs[type];
  if (struct !== undefined) {
    const read = readGoStruct(bytes, 1, struct[0], struct[1]);
    return read.ok ? { ok: true, value: { type, ...read.value.value } as GossipMessage } : read;
  }
  if (type === MessageType.pushPull) return decodePushPull(bytes);
  if (type === MessageType.user && options.via === "stream") return decodeUserStream(bytes);
  if (type === MessageType.user || rawTypes.has(type)) return { ok: true, value: { type, Payload: bytes.subarray(1) } as GossipMessage };
  return { ok: false, reason: `msg type (${type}) not supported` };
}

/** The same as `decodeMessage`, under the name memberlist.ts uses. */
export const decodeGossipMessage = decodeMessage;

/** net.go readRemoteState: the header, `Nodes` node states, then `UserStateLen` bytes of user state. */
function decodePushPull(bytes: Uint8Array): Decoded<GossipMessage> {
  const header = readGoStruct(bytes, 1, pushPullHeaderStruct, "pushPullHeader");
  if (!header.ok) return header;
  const { Nodes, UserStateLen, Join } = header.value.value;
  let at = header.value.end;
  // Each state takes at least one byte; Go would make([]pushNodeState, Nodes) first, and panic on a negative count.
  if (Nodes < 0 || Nodes > bytes.length - at) return { ok: false, reason: `pushPullHeader: ${Nodes} nodes cannot follow in ${bytes.length - at} bytes` };
  const nodes: PushNodeState[] = [];
  for (let i = 0; i < Nodes; i++) {
    const node = readGoStruct(bytes, at, pushNodeStateStruct, `pushNodeState[${i}]`);
    if (!node.ok) return node;
    nodes.push(node.value.value);
    at = node.value.end;
  }
  const wanted = Math.max(0, UserStateLen);
  if (bytes.length - at < wanted) return { ok: false, reason: `Failed to read full user state (${bytes.length - at} / ${UserStateLen})` };
  return { ok: true, value: { type: MessageType.pushPull, join: Join, nodes, userState: bytes.subarray(at, at + wanted) } };
}

/** net.go readUserMsg: a userMsgHeader, then `UserMsgLen` bytes. */
function decodeUserStream(bytes: Uint8Array): Decoded<GossipMessage> {
  const header = readGoStruct(bytes, 1, userMsgHeaderStruct, "userMsgHeader");
  if (!header.ok) return header;
  const wanted = Math.max(0, header.value.value.UserMsgLen);
  const at = header.value.end;
  if (bytes.length - at < wanted) return { ok: false, reason: `Failed to read full user message (${bytes.length - at} / ${wanted})` };
  return { ok: true, value: { type: MessageType.user, Payload: bytes.subarray(at, at + wanted) } };
}
