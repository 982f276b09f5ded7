/**
 * swarmkit's dispatcher messages (api/dispatcher.proto) and the node object
 * they carry (api/objects.proto Node, with its parts from api/types.proto and
 * api/specs.proto), encoded as protocol buffers with their real field numbers.
 *
 * Field numbers were read from moby/swarmkit's api/dispatcher.proto (commit
 * 22066d4f), api/types.proto (f26531fb), api/objects.proto (4b5ceb59) and
 * api/specs.proto (b2a645f6); they are append-only, so later versions agree.
 *
 * Framing follows gogoproto's generated marshallers: fields in number order,
 * proto3 defaults left out, and a message field declared
 * `(gogoproto.nullable) = false` always written, even when empty. Nullable
 * message fields are optional (`?`) here, unless noted.
 *
 * Limits of the model: uint64 and int64 values (raft IDs, Lamport times,
 * weights, seconds) are JavaScript safe integers from 0 to 2^53-1, so a
 * negative int64 or a random 64-bit raft ID (swarmkit draws them from the
 * full range) cannot be written, and decoding one is refused as oversized.
 */

import { CALENDAR_EPOCH_UNIX_MS, type Instant } from "../sim/index.js";
import type { CertificateMessage } from "./ca-messages.js";
import type { EncryptionKey } from "./keymanager.js";
import { type Decoded, FieldReader, type ProtoFields, ProtoWriter, readFields } from "../encoding/index.js";

/** The RPC methods of the Dispatcher service used here, by their gRPC paths (api/dispatcher.proto). */
export const DispatcherMethod = {
  session: "/docker.swarmkit.v1.Dispatcher/Session",
  heartbeat: "/docker.swarmkit.v1.Dispatcher/Heartbeat",
} as const;

/** api/types.proto NodeStatus.State. */
export const NodeStatusState = { unknown: 0, down: 1, ready: 2, disconnected: 3 } as const;
/** api/types.proto RaftMemberStatus.Reachability (ManagerStatus.reachability). */
export const Reachability = { unknown: 0, unreachable: 1, reachable: 2 } as const;
/** api/types.proto EncryptionKey.Algorithm: the only value. */
export const EncryptionAlgorithm = { aes128Gcm: 0 } as const;

// ---------------------------------------------------------------------------
// Decoding nested and repeated fields

const utf8 = new TextEncoder();

/**
 * A FieldReader that also reads repeated and nested messages. A nested
 * message's problem becomes this message's problem, prefixed with the field's
 * name, so a refusal says where (`node: spec: annotations: field 1: not UTF-8`).
 * A building block for this module's decoders and store-actions.ts.
 */
export class MessageReader extends FieldReader {
  constructor(private readonly all: ProtoFields) {
    super(all);
  }

  /** Every value of a repeated length-delimited field, in order; a varint among them is a problem. */
  repeated(field: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const v of this.all.get(field) ?? []) {
      if (typeof v === "number") this.problem ??= `field ${field}: expected bytes`;
      else out.push(v);
    }
    return out;
  }

  /** Reads `bytes` as a message with `read`; bad bytes are a problem and read as the empty message. */
  decodeNested<T>(bytes: Uint8Array, what: string, read: (r: MessageReader) => T): T {
    const parsed = readFields(bytes);
    if (!parsed.ok) this.problem ??= `${what}: ${parsed.reason}`;
    const child = new MessageReader(parsed.ok ? parsed.fields : new Map());
    const value = read(child);
    if (child.problem !== undefined) this.problem ??= `${what}: ${child.problem}`;
    return value;
  }

  /** A message field gogoproto always writes (nullable=false); absent, it reads as the empty message. */
  message<T>(field: number, what: string, read: (r: MessageReader) => T): T {
    return this.decodeNested(this.bytes(field), what, read);
  }

  /** A nullable message field: undefined when absent. */
  optionalMessage<T>(field: number, what: string, read: (r: MessageReader) => T): T | undefined {
    return this.has(field) ? this.message(field, what, read) : undefined;
  }

  /** A repeated message field, in order. */
  messages<T>(field: number, what: string, read: (r: MessageReader) => T): T[] {
    return this.repeated(field).map((b) => this.decodeNested(b, what, read));
  }
}

/** Decodes a message with `read`; the first problem met anywhere inside is the reason. */
export function decodeWith<T>(bytes: Uint8Array, read: (r: MessageReader) => T): Decoded<T> {
  const parsed = readFields(bytes);
  if (!parsed.ok) return parsed;
  const r = new MessageReader(parsed.fields);
  const value = read(r);
  return r.problem === undefined ? { ok: true, value } : { ok: false, reason: r.problem };
}

/** A string field written even when empty, as gogoproto writes a map entry's key. */
export function writeStringAlways(w: ProtoWriter, field: number, value: string): ProtoWriter {
  return w.message(field, utf8.encode(value));
}

// ---------------------------------------------------------------------------
// google.protobuf.Duration and Timestamp: {int64 seconds = 1; int32 nanos = 2}

const MICROS_PER_SECOND = 1_000_000;
const MAX_NANOS = 999_999_999;

function checkMicros(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"${name}" expected a whole number of microseconds from 0 to 2^53-1, got ${value}`);
}

function writeSecondsNanos(micros: number): Uint8Array {
  const seconds = Math.floor(micros / MICROS_PER_SECOND);
  return new ProtoWriter()
    .uint(1, seconds)
    .uint(2, (micros - seconds * MICROS_PER_SECOND) * 1_000)
    .finish();
}

/** Reads {seconds, nanos} as whole microseconds; nanoseconds below a microsecond are dropped (Go writes nanoseconds). */
function readSecondsNanos(r: FieldReader): number {
  const seconds = r.uint(1);
  const nanos = r.uint(2);
  if (nanos > MAX_NANOS) {
    r.problem ??= `nanos ${nanos} out of range`;
    return 0;
  }
  const micros = seconds * MICROS_PER_SECOND + Math.floor(nanos / 1_000);
  if (!Number.isSafeInteger(micros)) {
    r.problem ??= `seconds ${seconds} out of range`;
    return 0;
  }
  return micros;
}

/** A google.protobuf.Duration from whole microseconds (negative durations are not modelled). */
export function encodeDuration(micros: number): Uint8Array {
  checkMicros("micros", micros);
  return writeSecondsNanos(micros);
}
/** Reads a google.protobuf.Duration as whole microseconds. */
export const readDuration = (r: MessageReader): number => readSecondsNanos(r);
/** Decodes a google.protobuf.Duration to whole microseconds. */
export const decodeDuration = (b: Uint8Array): Decoded<number> => decodeWith(b, readDuration);

/**
 * Microseconds since the Unix epoch: what a google.protobuf.Timestamp holds
 * here. 2^53 µs reaches the year 2255, and times before 1970 are not modelled.
 */
export type UnixMicros = number;

/** The Unix time of the simulated instant `at`, in microseconds (see sim/calendar.ts for the epoch). */
export function unixMicrosAt(at: Instant, epochUnixMs: number = CALENDAR_EPOCH_UNIX_MS): UnixMicros {
  const micros = epochUnixMs * 1_000 + at;
  checkMicros("at", micros);
  return micros;
}

/** The simulated instant of a Unix time in microseconds (inverse of `unixMicrosAt`). */
export function instantOfUnixMicros(unixMicros: UnixMicros, epochUnixMs: number = CALENDAR_EPOCH_UNIX_MS): Instant {
  return (unixMicros - epochUnixMs * 1_000) as Instant;
}

/** A google.protobuf.Timestamp from microseconds since the Unix epoch. */
export function encodeTimestamp(unixMicros: UnixMicros): Uint8Array {
  checkMicros("unixMicros", unixMicros);
  return writeSecondsNanos(unixMicros);
}
/** Reads a google.protobuf.Timestamp as microseconds since the Unix epoch. */
export const readTimestamp = (r: MessageReader): UnixMicros => readSecondsNanos(r);
/** Decodes a google.protobuf.Timestamp to microseconds since the Unix epoch. */
export const decodeTimestamp = (b: Uint8Array): Decoded<UnixMicros> => decodeWith(b, readTimestamp);

// ---------------------------------------------------------------------------
// api/types.proto: Peer, WeightedPeer, EncryptionKey, Platform, NodeTLSInfo, NodeDescription

/** Peer { string node_id = 1; string addr = 2; } */
export interface Peer {
  readonly nodeId: string;
  /** The manager's advertised address, host:port. */
  readonly addr: string;
}

/** WeightedPeer { Peer peer = 1; int64 weight = 2; }: a manager the agent may dial, with its remotes weight. */
export interface WeightedPeer {
  /** Nullable in the proto; always written here, as swarmkit's dispatcher fills it. */
  readonly peer: Peer;
  /** Non-negative here (int64 on the wire). */
  readonly weight: number;
}

const encodePeer = (p: Peer) => new ProtoWriter().string(1, p.nodeId).string(2, p.addr).finish();
const readPeer = (r: MessageReader): Peer => ({ nodeId: r.string(1), addr: r.string(2) });

/** Encodes a WeightedPeer. */
export const encodeWeightedPeer = (p: WeightedPeer) => new ProtoWriter().message(1, encodePeer(p.peer)).uint(2, p.weight).finish();
/** Reads a WeightedPeer. */
export const readWeightedPeer = (r: MessageReader): WeightedPeer => ({ peer: r.message(1, "peer", readPeer), weight: r.uint(2) });

/** EncryptionKey { string subsystem = 1; Algorithm algorithm = 2; bytes key = 3; uint64 lamport_time = 4; } */
export interface EncryptionKeyMessage {
  /** `networking:gossip` or `networking:ipsec` (any string on the wire). */
  readonly subsystem: string;
  /** EncryptionAlgorithm; AES_128_GCM = 0 is the only one. */
  readonly algorithm: number;
  readonly key: Uint8Array;
  readonly lamportTime: number;
}

/** The wire form of a key manager's key (keymanager.ts EncryptionKey). */
export function encryptionKeyMessageOf(key: EncryptionKey): EncryptionKeyMessage {
  return { subsystem: key.subsystem, algorithm: EncryptionAlgorithm.aes128Gcm, key: key.key, lamportTime: key.lamportTime };
}

/** Encodes an EncryptionKey. */
export const encodeEncryptionKey = (k: EncryptionKeyMessage) =>
  new ProtoWriter().string(1, k.subsystem).uint(2, k.algorithm).bytes(3, k.key).uint(4, k.lamportTime).finish();
/** Reads an EncryptionKey. */
export const readEncryptionKey = (r: MessageReader): EncryptionKeyMessage => ({
  subsystem: r.string(1),
  algorithm: r.uint(2),
  key: r.bytes(3),
  lamportTime: r.uint(4),
});

/** Platform { string architecture = 1; string os = 2; } */
export interface Platform {
  /** As the engine reports it, e.g. `x86_64`. */
  readonly architecture: string;
  /** e.g. `linux`. */
  readonly os: string;
}

/** NodeTLSInfo { bytes trust_root = 1; bytes cert_issuer_subject = 2; bytes cert_issuer_public_key = 3; } */
export interface NodeTlsInfoMessage {
  /** The PEM bundle of roots the node trusts. */
  readonly trustRoot: Uint8Array;
  /** Raw DER subject of the certificate that issued the node's leaf. */
  readonly certIssuerSubject: Uint8Array;
  /** Raw DER SubjectPublicKeyInfo of that issuer. */
  readonly certIssuerPublicKey: Uint8Array;
}

/** NodeDescription { string hostname = 1; Platform platform = 2; (3 resources, 4 engine: not modelled) NodeTLSInfo tls_info = 5; } */
export interface NodeDescription {
  readonly hostname: string;
  /** Nullable in the proto; always written here, as the engine always reports it. */
  readonly platform: Platform;
  readonly tlsInfo?: NodeTlsInfoMessage;
}

const encodeTlsInfo = (t: NodeTlsInfoMessage) =>
  new ProtoWriter().bytes(1, t.trustRoot).bytes(2, t.certIssuerSubject).bytes(3, t.certIssuerPublicKey).finish();
const readTlsInfo = (r: MessageReader): NodeTlsInfoMessage => ({ trustRoot: r.bytes(1), certIssuerSubject: r.bytes(2), certIssuerPublicKey: r.bytes(3) });

/** Encodes a NodeDescription. */
export function encodeNodeDescription(d: NodeDescription): Uint8Array {
  const w = new ProtoWriter()
    .string(1, d.hostname)
    .message(2, new ProtoWriter().string(1, d.platform.architecture).string(2, d.platform.os).finish());
  if (d.tlsInfo !== undefined) w.message(5, encodeTlsInfo(d.tlsInfo));
  return w.finish();
}
/** Reads a NodeDescription. */
export function readNodeDescription(r: MessageReader): NodeDescription {
  const hostname = r.string(1);
  const platform = r.message(2, "platform", (p) => ({ architecture: p.string(1), os: p.string(2) }));
  const tlsInfo = r.optionalMessage(5, "tls_info", readTlsInfo);
  return tlsInfo === undefined ? { hostname, platform } : { hostname, platform, tlsInfo };
}
/** Decodes a NodeDescription. */
export const decodeNodeDescription = (b: Uint8Array) => decodeWith(b, readNodeDescription);

// ---------------------------------------------------------------------------
// api/objects.proto Node and its parts

/** objects.proto Meta { Version version = 1 (nullable=false); Timestamp created_at = 2; Timestamp updated_at = 3; } */
export interface ObjectMeta {
  /** Version.index: the raft index of the object's last update. */
  readonly version: number;
  readonly createdAt?: UnixMicros;
  readonly updatedAt?: UnixMicros;
}

/** Encodes a Meta. */
export function encodeObjectMeta(m: ObjectMeta): Uint8Array {
  const w = new ProtoWriter().message(1, new ProtoWriter().uint(1, m.version).finish());
  if (m.createdAt !== undefined) w.message(2, encodeTimestamp(m.createdAt));
  if (m.updatedAt !== undefined) w.message(3, encodeTimestamp(m.updatedAt));
  return w.finish();
}
/** Reads a Meta. */
export function readObjectMeta(r: MessageReader): ObjectMeta {
  const version = r.message(1, "version", (v) => v.uint(1));
  const createdAt = r.optionalMessage(2, "created_at", readTimestamp);
  const updatedAt = r.optionalMessage(3, "updated_at", readTimestamp);
  return { version, ...(createdAt === undefined ? {} : { createdAt }), ...(updatedAt === undefined ? {} : { updatedAt }) };
}

/** types.proto Annotations { string name = 1; (2 labels, 4 indices: not modelled) } */
export interface Annotations {
  readonly name: string;
}
/** Encodes Annotations. */
export const encodeAnnotations = (a: Annotations) => new ProtoWriter().string(1, a.name).finish();
/** Reads Annotations. */
export const readAnnotations = (r: MessageReader): Annotations => ({ name: r.string(1) });

/** specs.proto NodeSpec { Annotations annotations = 1 (nullable=false); NodeRole desired_role = 2; Membership membership = 3; Availability availability = 4; } */
export interface NodeSpecMessage {
  readonly annotations: Annotations;
  /** NodeRoleCode (ca-messages.ts). */
  readonly desiredRole: number;
  /** Membership (ca-messages.ts). */
  readonly membership: number;
  /** Availability (ca-messages.ts). */
  readonly availability: number;
}

/** types.proto NodeStatus { State state = 1; string message = 2; string addr = 3; } */
export interface NodeStatusMessage {
  /** NodeStatusState. */
  readonly state: number;
  readonly message: string;
  /** The node's IP address as the manager observed it. */
  readonly addr: string;
}

/** types.proto ManagerStatus { uint64 raft_id = 1; string addr = 2; bool leader = 3; Reachability reachability = 4; } */
export interface ManagerStatusMessage {
  readonly raftId: number;
  /** The address advertised to raft. */
  readonly addr: string;
  readonly leader: boolean;
  /** Reachability. */
  readonly reachability: number;
}

/**
 * objects.proto Node, the parts modelled: { string id = 1; Meta meta = 2; NodeSpec spec = 3;
 * NodeDescription description = 4; NodeStatus status = 5; ManagerStatus manager_status = 6;
 * Certificate certificate = 8; NodeRole role = 9; } (7 attachment, 10 attachments,
 * 11 vxlanUDPPort: not modelled).
 */
export interface NodeObject {
  readonly id: string;
  readonly meta: ObjectMeta;
  readonly spec: NodeSpecMessage;
  readonly description?: NodeDescription;
  readonly status: NodeStatusMessage;
  readonly managerStatus?: ManagerStatusMessage;
  /** types.proto Certificate, as ca-messages.ts models it (status flattened to state and err). */
  readonly certificate: CertificateMessage;
  /** The observed role (NodeRoleCode): what the CA would grant now. */
  readonly role: number;
}

/** Encodes a types.proto Certificate { NodeRole role = 1; bytes csr = 2; IssuanceStatus status = 3 (nullable=false); bytes certificate = 4; string cn = 5; } */
export function encodeCertificate(c: CertificateMessage): Uint8Array {
  return new ProtoWriter()
    .uint(1, c.role)
    .bytes(2, c.csr)
    .message(3, new ProtoWriter().uint(1, c.state).string(2, c.err).finish())
    .bytes(4, c.certificate)
    .string(5, c.cn)
    .finish();
}
/** Reads a types.proto Certificate. */
export function readCertificate(r: MessageReader): CertificateMessage {
  const role = r.uint(1);
  const csr = r.bytes(2);
  const status = r.message(3, "status", (s) => ({ state: s.uint(1), err: s.string(2) }));
  return { role, csr, state: status.state, err: status.err, certificate: r.bytes(4), cn: r.string(5) };
}

const encodeNodeSpec = (s: NodeSpecMessage) =>
  new ProtoWriter().message(1, encodeAnnotations(s.annotations)).uint(2, s.desiredRole).uint(3, s.membership).uint(4, s.availability).finish();
const readNodeSpec = (r: MessageReader): NodeSpecMessage => ({
  annotations: r.message(1, "annotations", readAnnotations),
  desiredRole: r.uint(2),
  membership: r.uint(3),
  availability: r.uint(4),
});
const encodeManagerStatus = (m: ManagerStatusMessage) =>
  new ProtoWriter().uint(1, m.raftId).string(2, m.addr).uint(3, m.leader).uint(4, m.reachability).finish();
const readManagerStatus = (r: MessageReader): ManagerStatusMessage => ({ raftId: r.uint(1), addr: r.string(2), leader: r.uint(3) !== 0, reachability: r.uint(4) });

/** Encodes a Node object. */
export function encodeNodeObject(n: NodeObject): Uint8Array {
  const w = new ProtoWriter().string(1, n.id).message(2, encodeObjectMeta(n.meta)).message(3, encodeNodeSpec(n.spec));
  if (n.description !== undefined) w.message(4, encodeNodeDescription(n.description));
  w.message(5, new ProtoWriter().uint(1, n.status.state).string(2, n.status.message).string(3, n.status.addr).finish());
  if (n.managerStatus !== undefined) w.message(6, encodeManagerStatus(n.managerStatus));
  return w.message(8, encodeCertificate(n.certificate)).uint(9, n.role).finish();
}
/** Reads a Node object. */
export function readNodeObject(r: MessageReader): NodeObject {
  const id = r.string(1);
  const meta = r.message(2, "meta", readObjectMeta);
  const spec = r.message(3, "spec", readNodeSpec);
  const description = r.optionalMessage(4, "description", readNodeDescription);
  const status = r.message(5, "status", (s) => ({ state: s.uint(1), message: s.string(2), addr: s.string(3) }));
  const managerStatus = r.optionalMessage(6, "manager_status", readManagerStatus);
  const certificate = r.message(8, "certificate", readCertificate);
  return {
    id,
    meta,
    spec,
    ...(description === undefined ? {} : { description }),
    status,
    ...(managerStatus === undefined ? {} : { managerStatus }),
    certificate,
    role: r.uint(9),
  };
}
/** Decodes a Node object. */
export const decodeNodeObject = (b: Uint8Array) => decodeWith(b, readNodeObject);

// ---------------------------------------------------------------------------
// api/dispatcher.proto

/** SessionRequest { NodeDescription description = 1; string session_id = 2; }: the agent opens (or resumes) its session. */
export interface SessionRequest {
  /** Nullable in the proto; always written here, as the agent always describes itself. */
  readonly description: NodeDescription;
  /** A session to resume; empty asks for a new one. */
  readonly sessionId: string;
}
/** Encodes a SessionRequest. */
export const encodeSessionRequest = (m: SessionRequest) =>
  new ProtoWriter().message(1, encodeNodeDescription(m.description)).string(2, m.sessionId).finish();
/** Decodes a SessionRequest. */
export const decodeSessionRequest = (b: Uint8Array): Decoded<SessionRequest> =>
  decodeWith(b, (r) => ({ description: r.message(1, "description", readNodeDescription), sessionId: r.string(2) }));

/**
 * SessionMessage { string session_id = 1; Node node = 2; repeated WeightedPeer managers = 3;
 * repeated EncryptionKey network_bootstrap_keys = 4; bytes RootCA = 5; }: what the
 * dispatcher streams to an agent whenever its node, the managers, the network keys
 * or the roots change.
 */
export interface SessionMessage {
  readonly sessionId: string;
  /** Nullable in the proto; always written here, as the dispatcher always sends it. */
  readonly node: NodeObject;
  readonly managers: readonly WeightedPeer[];
  readonly networkBootstrapKeys: readonly EncryptionKeyMessage[];
  /** The roots to trust, PEM. */
  readonly rootCa: Uint8Array;
}
/** Encodes a SessionMessage. */
export function encodeSessionMessage(m: SessionMessage): Uint8Array {
  const w = new ProtoWriter().string(1, m.sessionId).message(2, encodeNodeObject(m.node));
  for (const p of m.managers) w.message(3, encodeWeightedPeer(p));
  for (const k of m.networkBootstrapKeys) w.message(4, encodeEncryptionKey(k));
  return w.bytes(5, m.rootCa).finish();
}
/** Decodes a SessionMessage. */
export const decodeSessionMessage = (b: Uint8Array): Decoded<SessionMessage> =>
  decodeWith(b, (r) => ({
    sessionId: r.string(1),
    node: r.message(2, "node", readNodeObject),
    managers: r.messages(3, "managers", readWeightedPeer),
    networkBootstrapKeys: r.messages(4, "network_bootstrap_keys", readEncryptionKey),
    rootCa: r.bytes(5),
  }));

/** HeartbeatRequest { string session_id = 1; } */
export interface HeartbeatRequest {
  readonly sessionId: string;
}
/** Encodes a HeartbeatRequest. */
export const encodeHeartbeatRequest = (m: HeartbeatRequest) => new ProtoWriter().string(1, m.sessionId).finish();
/** Decodes a HeartbeatRequest. */
export const decodeHeartbeatRequest = (b: Uint8Array): Decoded<HeartbeatRequest> => decodeWith(b, (r) => ({ sessionId: r.string(1) }));

/** HeartbeatResponse { google.protobuf.Duration period = 1 (nullable=false); }: when to send the next heartbeat. */
export interface HeartbeatResponse {
  /** The period, in microseconds (whole microseconds round-trip exactly). */
  readonly periodUs: number;
}
/** Encodes a HeartbeatResponse. */
export const encodeHeartbeatResponse = (m: HeartbeatResponse) => new ProtoWriter().message(1, encodeDuration(m.periodUs)).finish();
/** Decodes a HeartbeatResponse. */
export const decodeHeartbeatResponse = (b: Uint8Array): Decoded<HeartbeatResponse> =>
  decodeWith(b, (r) => ({ periodUs: r.message(1, "period", readDuration) }));
