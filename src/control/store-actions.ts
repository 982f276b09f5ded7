/**
 * Raft log entries: swarmkit's InternalRaftRequest (api/raft.proto), a batch of
 * store actions that the leader proposes and every manager applies to its
 * store, and the cluster object (api/objects.proto Cluster) they carry along
 * with node objects (dispatcher-messages.ts), network objects
 * (network-messages.ts), and service and task objects (task-messages.ts).
 *
 * Field numbers were read from moby/swarmkit's api/raft.proto (commit
 * 4171ce28), api/objects.proto (4b5ceb59), api/types.proto (f26531fb) and
 * api/specs.proto (b2a645f6). Framing follows gogoproto's generated
 * marshallers, as in dispatcher-messages.ts.
 *
 * Raft request IDs are uint64 on the wire; swarmkit's idutil generator puts
 * the member ID in the top 16 bits, so real IDs pass 2^53. Here they are safe
 * integers (0 to 2^53-1); decoding a larger one is refused as oversized.
 */

import {
  type Annotations,
  type EncryptionKeyMessage,
  type MessageReader,
  type NodeObject,
  type ObjectMeta,
  type UnixMicros,
  decodeWith,
  encodeAnnotations,
  encodeDuration,
  encodeEncryptionKey,
  encodeNodeObject,
  encodeObjectMeta,
  encodeTimestamp,
  readAnnotations,
  readDuration,
  readEncryptionKey,
  readNodeObject,
  readObjectMeta,
  readTimestamp,
  writeStringAlways,
} from "./dispatcher-messages.js";
import { type NetworkObject, encodeNetworkObject, readNetworkObject } from "./network-messages.js";
import { type ServiceObject, type TaskObject, encodeServiceObject, encodeTaskObject, readServiceObject, readTaskObject } from "./task-messages.js";
import { type Decoded, ProtoWriter } from "../encoding/index.js";

export {
  type StringMap,
  type LabelledAnnotations,
  type DriverMessage,
  type IpamConfigMessage,
  type IpamOptionsMessage,
  type NetworkSpecMessage,
  type NetworkObject,
  encodeNetworkObject,
  readNetworkObject,
  decodeNetworkObject,
} from "./network-messages.js";
import { sameBytes } from "../encoding/index.js";

/** raft.proto StoreActionKind (UNKNOWN = 0 is invalid: swarmkit refuses to apply it). */
export const StoreActionKind = { unknown: 0, create: 1, update: 2, remove: 3 } as const;
/** What a store action does to its target. */
export type StoreActionKindName = "create" | "update" | "remove";

/**
 * The object types of StoreAction's `target` oneof, by field number
 * (raft.proto: node = 2 ... volume = 11). The numbers are the protocol.
 */
export const StoreObjectField = {
  node: 2,
  service: 3,
  task: 4,
  network: 5,
  cluster: 6,
  secret: 7,
  resource: 8,
  extension: 9,
  config: 10,
  volume: 11,
} as const;
/** A store object type. */
export type StoreObjectType = keyof typeof StoreObjectField;

/**
 * A store object kept as the bytes it came in: a type not modelled (secret,
 * config, ...), or a service or task whose bytes are not what this model
 * would write for it (fields it does not read), so relaying it loses nothing.
 */
export interface OpaqueStoreObject {
  readonly type: Exclude<StoreObjectType, "node" | "cluster" | "network">;
  readonly bytes: Uint8Array;
}

/** A store action's target: one object (more types join as they are modelled). */
export type StoreTarget =
  | { readonly node: NodeObject }
  | { readonly cluster: ClusterObject }
  | { readonly network: NetworkObject }
  | { readonly service: ServiceObject }
  | { readonly task: TaskObject }
  | { readonly opaque: OpaqueStoreObject };

/** raft.proto StoreAction { StoreActionKind action = 1; oneof target { Node node = 2; ... Cluster cluster = 6; ... } } */
export interface StoreActionMessage {
  readonly kind: StoreActionKindName;
  readonly target: StoreTarget;
}

/** raft.proto InternalRaftRequest { uint64 id = 1; repeated StoreAction action = 2; }: one raft log entry's data. */
export interface InternalRaftRequest {
  /** The proposal's ID, by which the proposer knows when it is applied. */
  readonly id: number;
  readonly actions: readonly StoreActionMessage[];
}

// ---------------------------------------------------------------------------
// objects.proto Cluster and its parts

/** types.proto CAConfig, the parts modelled: { Duration node_cert_expiry = 1; uint64 force_rotate = 5; } (2-4 external CAs and signing cert/key: not modelled). */
export interface CaConfigMessage {
  /** Lifetime of issued node certificates, µs; nullable in the proto. */
  readonly nodeCertExpiryUs?: number;
  /** Bumped by `docker swarm ca --rotate`. */
  readonly forceRotate: number;
}

/** types.proto DispatcherConfig { Duration heartbeat_period = 1; } */
export interface DispatcherConfigMessage {
  /** µs; nullable in the proto. */
  readonly heartbeatPeriodUs?: number;
}

/** types.proto EncryptionConfig { bool auto_lock_managers = 1; } */
export interface EncryptionConfigMessage {
  readonly autoLockManagers: boolean;
}

/**
 * specs.proto ClusterSpec, the parts modelled: annotations = 1, dispatcher = 5,
 * ca_config = 6, encryption_config = 8. Every field of ClusterSpec is
 * nullable=false, so encryption_config is always present; acceptance_policy = 2,
 * orchestration = 3, raft = 4 and task_defaults = 7 are written empty.
 */
export interface ClusterSpecMessage {
  /** The cluster is named `default`. */
  readonly annotations: Annotations;
  readonly dispatcher: DispatcherConfigMessage;
  readonly caConfig: CaConfigMessage;
  readonly encryptionConfig: EncryptionConfigMessage;
}

/** types.proto RootRotation { bytes ca_cert = 1; bytes ca_key = 2; bytes cross_signed_ca_cert = 3; } */
export interface RootRotationMessage {
  /** The new root, PEM. */
  readonly caCert: Uint8Array;
  readonly caKey: Uint8Array;
  /** The new root signed by the current one, PEM. */
  readonly crossSignedCaCert: Uint8Array;
}

/** types.proto JoinTokens { string worker = 1; string manager = 2; } */
export interface JoinTokensMessage {
  readonly worker: string;
  readonly manager: string;
}

/**
 * types.proto RootCA { bytes ca_key = 1; bytes ca_cert = 2; string ca_cert_hash = 3;
 * JoinTokens join_tokens = 4 (nullable=false); RootRotation root_rotation = 5; uint64 last_forced_rotation = 6; }
 */
export interface RootCaMessage {
  readonly caKey: Uint8Array;
  readonly caCert: Uint8Array;
  /** The digest of the CA certificate, `sha256:<hex>`. */
  readonly caCertHash: string;
  readonly joinTokens: JoinTokensMessage;
  /** Present only while a root rotation is in progress. */
  readonly rootRotation?: RootRotationMessage;
  /** The CAConfig.force_rotate value the current root answers. */
  readonly lastForcedRotation: number;
}

/** types.proto BlacklistedCertificate { Timestamp expiry = 1; }: a removed node's certificates are refused until then. */
export interface BlacklistedCertificateMessage {
  /** The latest NotAfter of the node's certificates; absent when the removed node had none that parsed (controlapi/node.go RemoveNode). */
  readonly expiry?: UnixMicros;
}

/**
 * objects.proto Cluster, the parts modelled: { string id = 1; Meta meta = 2; ClusterSpec spec = 3;
 * RootCA root_ca = 4; repeated EncryptionKey network_bootstrap_keys = 5; uint64 encryption_key_lamport_clock = 6;
 * map<string, BlacklistedCertificate> blacklisted_certificates = 8; } (7 is unused in the
 * proto read; 9 unlock_keys, 10 fips, 11-13 address pools and VXLAN port: not modelled).
 */
export interface ClusterObject {
  readonly id: string;
  readonly meta: ObjectMeta;
  readonly spec: ClusterSpecMessage;
  readonly rootCa: RootCaMessage;
  readonly networkBootstrapKeys: readonly EncryptionKeyMessage[];
  readonly encryptionKeyLamportClock: number;
  /** Removed nodes, by node ID (the certificates' CN): swarmkit's record of who may not come back. */
  readonly blacklistedCertificates: ReadonlyMap<string, BlacklistedCertificateMessage>;
}

const EMPTY_MESSAGE = new Uint8Array(0);

function encodeClusterSpec(s: ClusterSpecMessage): Uint8Array {
  const dispatcher = new ProtoWriter();
  if (s.dispatcher.heartbeatPeriodUs !== undefined) dispatcher.message(1, encodeDuration(s.dispatcher.heartbeatPeriodUs));
  const caConfig = new ProtoWriter();
  if (s.caConfig.nodeCertExpiryUs !== undefined) caConfig.message(1, encodeDuration(s.caConfig.nodeCertExpiryUs));
  caConfig.uint(5, s.caConfig.forceRotate);
  return new ProtoWriter()
    .message(1, encodeAnnotations(s.annotations))
    .message(2, EMPTY_MESSAGE)
    .message(3, EMPTY_MESSAGE)
    .message(4, EMPTY_MESSAGE)
    .message(5, dispatcher.finish())
    .message(6, caConfig.finish())
    .message(7, EMPTY_MESSAGE)
    .message(8, new ProtoWriter().uint(1, s.encryptionConfig.autoLockManagers).finish())
    .finish();
}

function readClusterSpec(r: MessageReader): ClusterSpecMessage {
  const annotations = r.message(1, "annotations", readAnnotations);
  const dispatcher = r.message(5, "dispatcher", (d): DispatcherConfigMessage => {
    const heartbeatPeriodUs = d.optionalMessage(1, "heartbeat_period", readDuration);
    return heartbeatPeriodUs === undefined ? {} : { heartbeatPeriodUs };
  });
  const caConfig = r.message(6, "ca_config", (c): CaConfigMessage => {
    const nodeCertExpiryUs = c.optionalMessage(1, "node_cert_expiry", readDuration);
    const forceRotate = c.uint(5);
    return nodeCertExpiryUs === undefined ? { forceRotate } : { nodeCertExpiryUs, forceRotate };
  });
  const encryptionConfig = r.message(8, "encryption_config", (e) => ({ autoLockManagers: e.uint(1) !== 0 }));
  return { annotations, dispatcher, caConfig, encryptionConfig };
}

function encodeRootCa(c: RootCaMessage): Uint8Array {
  const w = new ProtoWriter()
    .bytes(1, c.caKey)
    .bytes(2, c.caCert)
    .string(3, c.caCertHash)
    .message(4, new ProtoWriter().string(1, c.joinTokens.worker).string(2, c.joinTokens.manager).finish());
  const rotation = c.rootRotation;
  if (rotation !== undefined) w.message(5, new ProtoWriter().bytes(1, rotation.caCert).bytes(2, rotation.caKey).bytes(3, rotation.crossSignedCaCert).finish());
  return w.uint(6, c.lastForcedRotation).finish();
}

function readRootCa(r: MessageReader): RootCaMessage {
  const caKey = r.bytes(1);
  const caCert = r.bytes(2);
  const caCertHash = r.string(3);
  const joinTokens = r.message(4, "join_tokens", (t) => ({ worker: t.string(1), manager: t.string(2) }));
  const rootRotation = r.optionalMessage(5, "root_rotation", (t) => ({ caCert: t.bytes(1), caKey: t.bytes(2), crossSignedCaCert: t.bytes(3) }));
  const lastForcedRotation = r.uint(6);
  return { caKey, caCert, caCertHash, joinTokens, ...(rootRotation === undefined ? {} : { rootRotation }), lastForcedRotation };
}

/**
 * A protobuf map is a repeated entry message { key = 1; value = 2; }. gogoproto
 * writes the key even when empty and the value whenever it is set; Go's map
 * order is random, so entries are written sorted by key here, for a run's
 * bytes to be reproducible.
 */
function encodeBlacklistEntry(cn: string, entry: BlacklistedCertificateMessage): Uint8Array {
  const value = new ProtoWriter();
  if (entry.expiry !== undefined) value.message(1, encodeTimestamp(entry.expiry));
  return writeStringAlways(new ProtoWriter(), 1, cn).message(2, value.finish()).finish();
}

function readBlacklistEntry(r: MessageReader): readonly [string, BlacklistedCertificateMessage] {
  const cn = r.string(1);
  const expiry = r.message(2, "value", (v) => v.optionalMessage(1, "expiry", readTimestamp));
  return [cn, expiry === undefined ? {} : { expiry }];
}

/** Encodes a Cluster object. */
export function encodeClusterObject(c: ClusterObject): Uint8Array {
  const w = new ProtoWriter()
    .string(1, c.id)
    .message(2, encodeObjectMeta(c.meta))
    .message(3, encodeClusterSpec(c.spec))
    .message(4, encodeRootCa(c.rootCa));
  for (const k of c.networkBootstrapKeys) w.message(5, encodeEncryptionKey(k));
  w.uint(6, c.encryptionKeyLamportClock);
  const cns = [...c.blacklistedCertificates.keys()].sort();
  for (const cn of cns) w.message(8, encodeBlacklistEntry(cn, c.blacklistedCertificates.get(cn)!));
  return w.finish();
}

/** Reads a Cluster object; a key repeated in the map keeps its last value, as protobuf maps do. */
export function readClusterObject(r: MessageReader): ClusterObject {
  return {
    id: r.string(1),
    meta: r.message(2, "meta", readObjectMeta),
    spec: r.message(3, "spec", readClusterSpec),
    rootCa: r.message(4, "root_ca", readRootCa),
    networkBootstrapKeys: r.messages(5, "network_bootstrap_keys", readEncryptionKey),
    encryptionKeyLamportClock: r.uint(6),
    blacklistedCertificates: new Map(r.messages(8, "blacklisted_certificates", readBlacklistEntry)),
  };
}

/** Decodes a Cluster object. */
export const decodeClusterObject = (b: Uint8Array): Decoded<ClusterObject> => decodeWith(b, readClusterObject);

// ---------------------------------------------------------------------------
// raft.proto StoreAction and InternalRaftRequest

const kindNames: readonly (StoreActionKindName | undefined)[] = [undefined, "create", "update", "remove"];
const targetFields = Object.entries(StoreObjectField) as [StoreObjectType, number][];

function encodeTarget(t: StoreTarget): [field: number, bytes: Uint8Array] {
  if ("node" in t) return [StoreObjectField.node, encodeNodeObject(t.node)];
  if ("cluster" in t) return [StoreObjectField.cluster, encodeClusterObject(t.cluster)];
  if ("network" in t) return [StoreObjectField.network, encodeNetworkObject(t.network)];
  if ("service" in t) return [StoreObjectField.service, encodeServiceObject(t.service)];
  if ("task" in t) return [StoreObjectField.task, encodeTaskObject(t.task)];
  return [StoreObjectField[t.opaque.type], t.opaque.bytes];
}


/**
 * A service or task target: read as the object when this model writes those
 * very bytes back, else kept opaque (a real swarmkit object carries fields
 * the model does not read, which re-encoding would drop).
 */
function modelledOrOpaque<T>(bytes: Uint8Array, type: "service" | "task", read: (r: MessageReader) => T, encode: (value: T) => Uint8Array, wrap: (value: T) => StoreTarget): StoreTarget {
  const decoded = decodeWith(bytes, read);
  return decoded.ok && sameBytes(encode(decoded.value), bytes) ? wrap(decoded.value) : { opaque: { type, bytes } };
}

/** Encodes a StoreAction. */
export function encodeStoreAction(a: StoreActionMessage): Uint8Array {
  const [field, bytes] = encodeTarget(a.target);
  return new ProtoWriter().uint(1, StoreActionKind[a.kind]).message(field, bytes).finish();
}

/**
 * Reads a StoreAction. An action without a target or with an UNKNOWN (or
 * unlisted) kind is refused, as swarmkit's store refuses to apply it. Proto3
 * lets the last of several oneof members win, but readFields does not keep
 * the order between fields, so two targets are refused too.
 */
export function readStoreAction(r: MessageReader): StoreActionMessage | undefined {
  const code = r.uint(1);
  const kind = kindNames[code];
  if (kind === undefined) {
    r.problem ??= `store action kind ${code} is not create, update or remove`;
    return undefined;
  }
  const present = targetFields.filter(([, field]) => r.has(field));
  if (present.length !== 1) {
    r.problem ??= present.length === 0 ? "store action without a target" : `store action with ${present.length} targets`;
    return undefined;
  }
  const [type, field] = present[0]!;
  if (type === "node") return { kind, target: { node: r.message(field, "node", readNodeObject) } };
  if (type === "cluster") return { kind, target: { cluster: r.message(field, "cluster", readClusterObject) } };
  if (type === "network") return { kind, target: { network: r.message(field, "network", readNetworkObject) } };
  if (type === "service") return { kind, target: modelledOrOpaque(r.bytes(field), type, readServiceObject, encodeServiceObject, (service) => ({ service })) };
  if (type === "task") return { kind, target: modelledOrOpaque(r.bytes(field), type, readTaskObject, encodeTaskObject, (task) => ({ task })) };
  return { kind, target: { opaque: { type, bytes: r.bytes(field) } } };
}

/** Decodes a StoreAction. */
export function decodeStoreAction(b: Uint8Array): Decoded<StoreActionMessage> {
  const d = decodeWith(b, readStoreAction);
  if (!d.ok) return d;
  return d.value === undefined ? { ok: false, reason: "store action without a target" } : { ok: true, value: d.value };
}

/** Encodes an InternalRaftRequest: the data of one raft log entry. */
export function encodeInternalRaftRequest(m: InternalRaftRequest): Uint8Array {
  const w = new ProtoWriter().uint(1, m.id);
  for (const a of m.actions) w.message(2, encodeStoreAction(a));
  return w.finish();
}

/** Decodes an InternalRaftRequest; any bad action refuses the whole entry. */
export function decodeInternalRaftRequest(b: Uint8Array): Decoded<InternalRaftRequest> {
  const d = decodeWith(b, (r) => ({ id: r.uint(1), actions: r.messages(2, "action", readStoreAction) }));
  if (!d.ok) return d;
  // A refused action set the problem, so every action is here when decoding succeeded.
  return { ok: true, value: { id: d.value.id, actions: d.value.actions.filter((a): a is StoreActionMessage => a !== undefined) } };
}
