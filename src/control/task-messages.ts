/**
 * swarmkit's Service and Task objects (api/objects.proto), with the parts of
 * their specs (api/specs.proto) and status (api/types.proto) the model uses,
 * encoded as protocol buffers with their real field numbers: what raft
 * entries carry when a service or task changes, and what the dispatcher's
 * Assignments stream hands a node.
 *
 * Field numbers were read from moby/swarmkit's api/objects.proto (commit
 * 4b5ceb59), api/specs.proto (b2a645f6) and api/types.proto (f26531fb).
 * Framing follows gogoproto's generated marshallers: fields in number order,
 * proto3 defaults left out, non-nullable messages always written. The runtime
 * oneof of TaskSpec (container = 1, attachment = 8) is written at its
 * member's field number.
 *
 * Limits of the model: ContainerStatus.exit_code and pid are int32 on the
 * wire; negative values (a 10-byte varint) are not written here, and decoding
 * one is refused as oversized.
 */

import {
  type MessageReader,
  type ObjectMeta,
  type UnixMicros,
  decodeWith,
  encodeDuration,
  encodeObjectMeta,
  encodeTimestamp,
  readDuration,
  readObjectMeta,
  readTimestamp,
  writeStringAlways,
} from "./dispatcher-messages.js";
import {
  type LabelledAnnotations,
  type NetworkObject,
  encodeLabelledAnnotations,
  encodeNetworkObject,
  readLabelledAnnotations,
  readNetworkObject,
} from "./network-messages.js";
import { type Decoded, ProtoWriter } from "../encoding/index.js";

/** types.proto TaskState: the values rise with the task's progress (NEW = 0 ... ORPHANED = 832). */
export const TaskStateCode = {
  new: 0,
  pending: 64,
  assigned: 192,
  accepted: 256,
  preparing: 320,
  ready: 384,
  starting: 448,
  running: 512,
  complete: 576,
  shutdown: 640,
  failed: 704,
  rejected: 768,
  remove: 800,
  orphaned: 832,
} as const;

/** types.proto RestartPolicy.RestartCondition. */
export const RestartCondition = { none: 0, onFailure: 1, any: 2 } as const;

/** specs.proto EndpointSpec.ResolutionMode. */
export const ResolutionMode = { vip: 0, dnsrr: 1 } as const;

/** specs.proto ContainerSpec, the parts modelled: { string image = 1; repeated string args = 4; } */
export interface ContainerSpecMessage {
  readonly image: string;
  readonly args: readonly string[];
}

/** types.proto NetworkAttachmentConfig { string target = 1; repeated string aliases = 2; repeated string addresses = 3; } (4 driver_attachment_opts: not modelled). */
export interface NetworkAttachmentConfigMessage {
  /** A network ID (or, in an AttachNetwork request, the name a user gave). */
  readonly target: string;
  readonly aliases: readonly string[];
  /** Addresses asked for, with prefix length. */
  readonly addresses: readonly string[];
}

/** types.proto RestartPolicy, the parts modelled: { RestartCondition condition = 1; Duration delay = 2; } (3 max_attempts, 4 window, 5 backoff: not modelled). */
export interface RestartPolicyMessage {
  readonly condition: number;
  /** µs; nullable in the proto. */
  readonly delayUs?: number;
}

/** The runtime oneof of a TaskSpec: a container, or a standalone container's network attachment (specs.proto NetworkAttachmentSpec { string container_id = 1; }). */
export type TaskRuntime = { readonly container: ContainerSpecMessage } | { readonly attachment: { readonly containerId: string } };

/**
 * specs.proto TaskSpec, the parts modelled: { oneof runtime { ContainerSpec container = 1;
 * NetworkAttachmentSpec attachment = 8; } RestartPolicy restart = 4; repeated NetworkAttachmentConfig networks = 7; }
 * Placement placement = 5 { repeated string constraints = 1; } }
 * (2 resources, 6 log_driver, 9 force_update, 10 generic, the rest of Placement: not modelled).
 */
export interface TaskSpecMessage {
  readonly runtime?: TaskRuntime;
  readonly restart?: RestartPolicyMessage;
  /** Placement.constraints; the Placement is nullable (absent: no constraints). */
  readonly constraints?: readonly string[];
  readonly networks: readonly NetworkAttachmentConfigMessage[];
}

/** The mode oneof of a ServiceSpec: specs.proto ReplicatedService { uint64 replicas = 1; } = 3, GlobalService {} = 4. */
export type ServiceMode = { readonly replicated: { readonly replicas: number } } | { readonly global: true };

/**
 * specs.proto ServiceSpec, the parts modelled: { Annotations annotations = 1 (nullable=false);
 * TaskSpec task = 2 (nullable=false); oneof mode { ReplicatedService replicated = 3; GlobalService global = 4; }
 * EndpointSpec endpoint = 8 { ResolutionMode mode = 1; } } (6 update, 7 networks (deprecated), 9 rollback: not modelled).
 */
export interface ServiceSpecMessage {
  readonly annotations: LabelledAnnotations;
  readonly task: TaskSpecMessage;
  readonly mode?: ServiceMode;
  /** EndpointSpec.mode (ResolutionMode); the EndpointSpec is nullable. */
  readonly endpointMode?: number;
}

/** objects.proto Endpoint.VirtualIP { string network_id = 1; string addr = 2; } */
export interface VirtualIpMessage {
  readonly networkId: string;
  readonly addr: string;
}

/** objects.proto Endpoint { EndpointSpec spec = 1; repeated VirtualIP virtual_ips = 3; } (2 ports: not modelled). */
export interface EndpointMessage {
  /** EndpointSpec.mode; the spec is nullable. */
  readonly specMode?: number;
  readonly virtualIps: readonly VirtualIpMessage[];
}

/**
 * objects.proto Service, the parts modelled: { string id = 1; Meta meta = 2 (nullable=false);
 * ServiceSpec spec = 3 (nullable=false); Endpoint endpoint = 4; } (5 update_status, 6 previous_spec,
 * 7 pending_delete, 10 spec_version, 11 previous_spec_version: not modelled).
 */
export interface ServiceObject {
  readonly id: string;
  readonly meta: ObjectMeta;
  readonly spec: ServiceSpecMessage;
  readonly endpoint?: EndpointMessage;
}

/** types.proto ContainerStatus { string container_id = 1; int32 pid = 2; int32 exit_code = 3; } */
export interface ContainerStatusMessage {
  readonly containerId: string;
  readonly pid: number;
  readonly exitCode: number;
}

/**
 * types.proto TaskStatus, the parts modelled: { Timestamp timestamp = 1; TaskState state = 2; string message = 3;
 * string err = 4; oneof runtime_status { ContainerStatus container = 5; } } (6 port_status, 7 applied_by,
 * 8 applied_at: not modelled).
 */
export interface TaskStatusMessage {
  readonly timestamp?: UnixMicros;
  /** TaskStateCode. */
  readonly state: number;
  readonly message: string;
  readonly err: string;
  readonly container?: ContainerStatusMessage;
}

/** objects.proto NetworkAttachment { Network network = 1; repeated string addresses = 2; repeated string aliases = 3; } (4 driver_attachment_opts: not modelled). */
export interface NetworkAttachmentMessage {
  /** The whole network object, so that an agent needs nothing else to plumb it; nullable in the proto. */
  readonly network?: NetworkObject;
  readonly addresses: readonly string[];
  readonly aliases: readonly string[];
}

/**
 * objects.proto Task, the parts modelled: { string id = 1; Meta meta = 2 (nullable=false); TaskSpec spec = 3
 * (nullable=false); string service_id = 4; uint64 slot = 5; string node_id = 6; Annotations annotations = 7
 * (nullable=false); Annotations service_annotations = 8 (nullable=false); TaskStatus status = 9 (nullable=false);
 * TaskState desired_state = 10; repeated NetworkAttachment networks = 11; Endpoint endpoint = 12; }
 * (13 log_driver, 14 spec_version, 15 assigned_generic_resources: not modelled).
 */
export interface TaskObject {
  readonly id: string;
  readonly meta: ObjectMeta;
  readonly spec: TaskSpecMessage;
  readonly serviceId: string;
  readonly slot: number;
  readonly nodeId: string;
  readonly annotations: LabelledAnnotations;
  readonly serviceAnnotations: LabelledAnnotations;
  readonly status: TaskStatusMessage;
  /** TaskStateCode. */
  readonly desiredState: number;
  readonly networks: readonly NetworkAttachmentMessage[];
  readonly endpoint?: EndpointMessage;
}

// ---------------------------------------------------------------------------
// Parts

/** Repeated strings: gogoproto writes every element, an empty one included. */
function writeStrings(w: ProtoWriter, field: number, values: readonly string[]): ProtoWriter {
  for (const value of values) writeStringAlways(w, field, value);
  return w;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function readStrings(r: MessageReader, field: number): string[] {
  return r.repeated(field).map((bytes) => {
    try {
      return utf8.decode(bytes);
    } catch {
      r.problem ??= `field ${field}: not UTF-8`;
      return "";
    }
  });
}

/** Encodes a NetworkAttachmentConfig. */
export const encodeNetworkAttachmentConfig = (c: NetworkAttachmentConfigMessage): Uint8Array =>
  writeStrings(writeStrings(new ProtoWriter().string(1, c.target), 2, c.aliases), 3, c.addresses).finish();
/** Reads a NetworkAttachmentConfig. */
export const readNetworkAttachmentConfig = (r: MessageReader): NetworkAttachmentConfigMessage => ({
  target: r.string(1),
  aliases: readStrings(r, 2),
  addresses: readStrings(r, 3),
});

function encodeTaskSpec(s: TaskSpecMessage): Uint8Array {
  const w = new ProtoWriter();
  const runtime = s.runtime;
  if (runtime !== undefined && "container" in runtime) {
    w.message(1, writeStrings(new ProtoWriter().string(1, runtime.container.image), 4, runtime.container.args).finish());
  }
  if (s.restart !== undefined) {
    const restart = new ProtoWriter().uint(1, s.restart.condition);
    if (s.restart.delayUs !== undefined) restart.message(2, encodeDuration(s.restart.delayUs));
    w.message(4, restart.finish());
  }
  if (s.constraints !== undefined) w.message(5, writeStrings(new ProtoWriter(), 1, s.constraints).finish());
  for (const n of s.networks) w.message(7, encodeNetworkAttachmentConfig(n));
  if (runtime !== undefined && "attachment" in runtime) w.message(8, new ProtoWriter().string(1, runtime.attachment.containerId).finish());
  return w.finish();
}

function readTaskSpec(r: MessageReader): TaskSpecMessage {
  if (r.has(1) && r.has(8)) r.problem ??= "task spec with 2 runtimes";
  const container = r.optionalMessage(1, "container", (c): ContainerSpecMessage => ({ image: c.string(1), args: readStrings(c, 4) }));
  const attachment = r.optionalMessage(8, "attachment", (a) => ({ containerId: a.string(1) }));
  const restart = r.optionalMessage(4, "restart", (p): RestartPolicyMessage => {
    const delayUs = p.optionalMessage(2, "delay", readDuration);
    return delayUs === undefined ? { condition: p.uint(1) } : { condition: p.uint(1), delayUs };
  });
  const constraints = r.optionalMessage(5, "placement", (p) => readStrings(p, 1));
  const networks = r.messages(7, "networks", readNetworkAttachmentConfig);
  const runtime: TaskRuntime | undefined = container !== undefined ? { container } : attachment !== undefined ? { attachment } : undefined;
  return { ...(runtime === undefined ? {} : { runtime }), ...(restart === undefined ? {} : { restart }), ...(constraints === undefined ? {} : { constraints }), networks };
}

function encodeEndpoint(e: EndpointMessage): Uint8Array {
  const w = new ProtoWriter();
  if (e.specMode !== undefined) w.message(1, new ProtoWriter().uint(1, e.specMode).finish());
  for (const vip of e.virtualIps) w.message(3, new ProtoWriter().string(1, vip.networkId).string(2, vip.addr).finish());
  return w.finish();
}

function readEndpoint(r: MessageReader): EndpointMessage {
  const specMode = r.optionalMessage(1, "spec", (s) => s.uint(1));
  const virtualIps = r.messages(3, "virtual_ips", (v) => ({ networkId: v.string(1), addr: v.string(2) }));
  return specMode === undefined ? { virtualIps } : { specMode, virtualIps };
}

function encodeServiceSpec(s: ServiceSpecMessage): Uint8Array {
  const w = new ProtoWriter().message(1, encodeLabelledAnnotations(s.annotations)).message(2, encodeTaskSpec(s.task));
  const mode = s.mode;
  if (mode !== undefined && "replicated" in mode) w.message(3, new ProtoWriter().uint(1, mode.replicated.replicas).finish());
  if (mode !== undefined && "global" in mode) w.message(4, new Uint8Array(0));
  if (s.endpointMode !== undefined) w.message(8, new ProtoWriter().uint(1, s.endpointMode).finish());
  return w.finish();
}

function readServiceSpec(r: MessageReader): ServiceSpecMessage {
  if (r.has(3) && r.has(4)) r.problem ??= "service spec with 2 modes";
  const annotations = r.message(1, "annotations", readLabelledAnnotations);
  const task = r.message(2, "task", readTaskSpec);
  const replicated = r.optionalMessage(3, "replicated", (m) => ({ replicas: m.uint(1) }));
  const mode: ServiceMode | undefined = replicated !== undefined ? { replicated } : r.has(4) ? { global: true } : undefined;
  const endpointMode = r.optionalMessage(8, "endpoint", (e) => e.uint(1));
  return { annotations, task, ...(mode === undefined ? {} : { mode }), ...(endpointMode === undefined ? {} : { endpointMode }) };
}

/** Encodes a TaskStatus. */
export function encodeTaskStatus(s: TaskStatusMessage): Uint8Array {
  const w = new ProtoWriter();
  if (s.timestamp !== undefined) w.message(1, encodeTimestamp(s.timestamp));
  w.uint(2, s.state).string(3, s.message).string(4, s.err);
  const c = s.container;
  if (c !== undefined) w.message(5, new ProtoWriter().string(1, c.containerId).uint(2, c.pid).uint(3, c.exitCode).finish());
  return w.finish();
}

/** Reads a TaskStatus. */
export function readTaskStatus(r: MessageReader): TaskStatusMessage {
  const timestamp = r.optionalMessage(1, "timestamp", readTimestamp);
  const state = r.uint(2);
  const message = r.string(3);
  const err = r.string(4);
  const container = r.optionalMessage(5, "container", (c): ContainerStatusMessage => ({ containerId: c.string(1), pid: c.uint(2), exitCode: c.uint(3) }));
  return { ...(timestamp === undefined ? {} : { timestamp }), state, message, err, ...(container === undefined ? {} : { container }) };
}

function encodeNetworkAttachment(a: NetworkAttachmentMessage): Uint8Array {
  const w = new ProtoWriter();
  if (a.network !== undefined) w.message(1, encodeNetworkObject(a.network));
  return writeStrings(writeStrings(w, 2, a.addresses), 3, a.aliases).finish();
}

function readNetworkAttachment(r: MessageReader): NetworkAttachmentMessage {
  const network = r.optionalMessage(1, "network", readNetworkObject);
  return { ...(network === undefined ? {} : { network }), addresses: readStrings(r, 2), aliases: readStrings(r, 3) };
}

// ---------------------------------------------------------------------------
// Service and Task

/** Encodes a Service object. */
export function encodeServiceObject(s: ServiceObject): Uint8Array {
  const w = new ProtoWriter().string(1, s.id).message(2, encodeObjectMeta(s.meta)).message(3, encodeServiceSpec(s.spec));
  if (s.endpoint !== undefined) w.message(4, encodeEndpoint(s.endpoint));
  return w.finish();
}

/** Reads a Service object. */
export function readServiceObject(r: MessageReader): ServiceObject {
  const id = r.string(1);
  const meta = r.message(2, "meta", readObjectMeta);
  const spec = r.message(3, "spec", readServiceSpec);
  const endpoint = r.optionalMessage(4, "endpoint", readEndpoint);
  return { id, meta, spec, ...(endpoint === undefined ? {} : { endpoint }) };
}

/** Decodes a Service object. */
export const decodeServiceObject = (b: Uint8Array): Decoded<ServiceObject> => decodeWith(b, readServiceObject);

/** Encodes a Task object. */
export function encodeTaskObject(t: TaskObject): Uint8Array {
  const w = new ProtoWriter()
    .string(1, t.id)
    .message(2, encodeObjectMeta(t.meta))
    .message(3, encodeTaskSpec(t.spec))
    .string(4, t.serviceId)
    .uint(5, t.slot)
    .string(6, t.nodeId)
    .message(7, encodeLabelledAnnotations(t.annotations))
    .message(8, encodeLabelledAnnotations(t.serviceAnnotations))
    .message(9, encodeTaskStatus(t.status))
    .uint(10, t.desiredState);
  for (const n of t.networks) w.message(11, encodeNetworkAttachment(n));
  if (t.endpoint !== undefined) w.message(12, encodeEndpoint(t.endpoint));
  return w.finish();
}

/** Reads a Task object. */
export function readTaskObject(r: MessageReader): TaskObject {
  const id = r.string(1);
  const meta = r.message(2, "meta", readObjectMeta);
  const spec = r.message(3, "spec", readTaskSpec);
  const serviceId = r.string(4);
  const slot = r.uint(5);
  const nodeId = r.string(6);
  const annotations = r.message(7, "annotations", readLabelledAnnotations);
  const serviceAnnotations = r.message(8, "service_annotations", readLabelledAnnotations);
  const status = r.message(9, "status", readTaskStatus);
  const desiredState = r.uint(10);
  const networks = r.messages(11, "networks", readNetworkAttachment);
  const endpoint = r.optionalMessage(12, "endpoint", readEndpoint);
  return { id, meta, spec, serviceId, slot, nodeId, annotations, serviceAnnotations, status, desiredState, networks, ...(endpoint === undefined ? {} : { endpoint }) };
}

/** Decodes a Task object. */
export const decodeTaskObject = (b: Uint8Array): Decoded<TaskObject> => decodeWith(b, readTaskObject);

/** A task that only names itself (what the dispatcher sends to take a task away: dispatcher/assignments.go removeTask). */
export function bareTaskObject(id: string): TaskObject {
  const none: LabelledAnnotations = { name: "", labels: new Map() };
  return { id, meta: { version: 0 }, spec: { networks: [] }, serviceId: "", slot: 0, nodeId: "", annotations: none, serviceAnnotations: none, status: { state: 0, message: "", err: "" }, desiredState: 0, networks: [] };
}
