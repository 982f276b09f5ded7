/**
 * Stored services and tasks as the API carries them (api/objects.proto
 * Service and Task): in the raft entries that change them, and in the
 * dispatcher's Assignments stream, where a node reads its tasks back.
 */

import { CALENDAR_EPOCH_UNIX_MS, type Instant } from "../sim/index.js";
import type { ClusterState, StoredService, StoredTask, TaskContainer, TaskNetworkAttachment, TaskStateName } from "./cluster-store.js";
import { type UnixMicros, unixMicrosAt } from "./dispatcher-messages.js";
import type { Decoded } from "../encoding/index.js";
import type { NetworkObject } from "./network-messages.js";
import { networkObjectOf } from "./network-object.js";
import { restartDelayUs } from "./task-constants.js";
import {
  type EndpointMessage,
  type ServiceObject,
  type TaskObject,
  type TaskSpecMessage,
  ResolutionMode,
  RestartCondition,
  TaskStateCode,
} from "./task-messages.js";

const stateNames = new Map<number, TaskStateName>(Object.entries(TaskStateCode).map(([name, code]) => [code, name as TaskStateName]));

/** The name of a TaskState code, or undefined for a value the proto does not list. */
export function taskStateName(code: number): TaskStateName | undefined {
  return stateNames.get(code);
}

/** Whether `a` comes before `b` in a task's life (the proto's values rise with it). */
export function stateBefore(a: TaskStateName, b: TaskStateName): boolean {
  return TaskStateCode[a] < TaskStateCode[b];
}

/** The simulated instant of a Unix time in microseconds (inverse of `unixMicrosAt`); undefined before the run's epoch. */
export function instantOfUnixMicros(micros: UnixMicros, epochUnixMs: number = CALENDAR_EPOCH_UNIX_MS): Instant | undefined {
  const at = micros - epochUnixMs * 1_000;
  return at < 0 ? undefined : (at as Instant);
}

/** docker/cli service create: a replicated service's tasks restart on any exit, after the default delay. */
const defaultRestart = { condition: RestartCondition.any, delayUs: restartDelayUs };

function taskSpecOf(container: TaskContainer, networks: readonly string[], constraints: readonly string[] | undefined): TaskSpecMessage {
  return {
    runtime: { container: { image: container.image, args: container.args } },
    restart: defaultRestart,
    ...(constraints === undefined || constraints.length === 0 ? {} : { constraints }),
    networks: networks.map((target) => ({ target, aliases: [], addresses: [] })),
  };
}

/** The API object of `service`: its spec, and the VIPs the allocator gave it (none until then). */
export function serviceObjectOf(service: StoredService): ServiceObject {
  const endpoint: EndpointMessage = { specMode: ResolutionMode.vip, virtualIps: service.virtualIps };
  return {
    id: service.id,
    meta: { version: service.version, createdAt: unixMicrosAt(service.createdAt), updatedAt: unixMicrosAt(service.updatedAt) },
    spec: {
      annotations: { name: service.name, labels: new Map(Object.entries(service.labels)) },
      task: taskSpecOf({ serviceName: service.name, image: service.image, args: service.args }, service.networks, service.constraints),
      mode: { replicated: { replicas: service.replicas } },
      endpointMode: ResolutionMode.vip,
    },
    ...(service.virtualIps.length === 0 ? {} : { endpoint }),
  };
}

/** The stored service of an API object; the reason when the object is not one the model keeps (no replicated mode, no container, no timestamps). */
export function storedServiceOf(object: ServiceObject): Decoded<StoredService> {
  const { spec, meta } = object;
  const mode = spec.mode;
  const runtime = spec.task.runtime;
  const createdAt = meta.createdAt === undefined ? undefined : instantOfUnixMicros(meta.createdAt);
  const updatedAt = meta.updatedAt === undefined ? undefined : instantOfUnixMicros(meta.updatedAt);
  if (mode === undefined || !("replicated" in mode)) return { ok: false, reason: `service ${object.id} is not replicated` };
  if (runtime === undefined || !("container" in runtime)) return { ok: false, reason: `service ${object.id} has no container spec` };
  if (createdAt === undefined || updatedAt === undefined) return { ok: false, reason: `service ${object.id} has no creation or update time` };
  return {
    ok: true,
    value: {
      id: object.id,
      name: spec.annotations.name,
      image: runtime.container.image,
      args: runtime.container.args,
      networks: spec.task.networks.map((n) => n.target),
      replicas: mode.replicated.replicas,
      labels: Object.fromEntries(spec.annotations.labels),
      ...(spec.task.constraints === undefined || spec.task.constraints.length === 0 ? {} : { constraints: spec.task.constraints }),
      virtualIps: object.endpoint?.virtualIps ?? [],
      version: meta.version,
      createdAt,
      updatedAt,
    },
  };
}

/** A network object that only names a network no longer in the store. */
function goneNetwork(id: string): NetworkObject {
  const none = { name: "", options: new Map<string, string>() };
  return {
    id,
    meta: { version: 0 },
    spec: { annotations: { name: "", labels: new Map() }, driverConfig: none, ipv6Enabled: false, internal: false, ipam: { driver: none, configs: [] }, attachable: false, ingress: false },
    driverState: none,
    ipam: { driver: none, configs: [] },
  };
}

/** What a task runs: its own copy of the spec, else its service's (a task made without the copy). */
function containerOf(task: StoredTask, state: ClusterState): TaskContainer | undefined {
  if (task.container !== undefined) return task.container;
  const service = state.services.get(task.serviceId);
  return service === undefined ? undefined : { serviceName: service.name, image: service.image, args: service.args };
}

/**
 * The API object of `task`. Each allocated network is carried whole (api
 * NetworkAttachment.network), read from `state`, so that the node needs
 * nothing else to plumb it; a service task carries its service's VIPs too.
 */
export function taskObjectOf(task: StoredTask, state: ClusterState): TaskObject {
  const container = task.serviceId === "" ? undefined : containerOf(task, state);
  const targets = task.networks.map((n) => n.networkId);
  const spec: TaskSpecMessage =
    task.serviceId === ""
      ? { runtime: { attachment: { containerId: task.attachmentContainerId } }, networks: targets.map((target) => ({ target, aliases: [], addresses: [] })) }
      : container === undefined
        ? { networks: targets.map((target) => ({ target, aliases: [], addresses: [] })) }
        : taskSpecOf(container, targets, state.services.get(task.serviceId)?.constraints);
  const service = state.services.get(task.serviceId);
  const allocated = task.networks.filter((n) => n.addresses.length > 0);
  const status = {
    timestamp: unixMicrosAt(task.stateAt),
    state: TaskStateCode[task.state],
    message: task.message,
    err: task.err,
    ...(task.containerId === "" && task.exitCode === 0 ? {} : { container: { containerId: task.containerId, pid: 0, exitCode: task.exitCode } }),
  };
  return {
    id: task.id,
    meta: { version: task.version, createdAt: unixMicrosAt(task.createdAt) },
    spec,
    serviceId: task.serviceId,
    slot: task.slot,
    nodeId: task.nodeId,
    annotations: { name: "", labels: new Map() },
    serviceAnnotations: { name: container?.serviceName ?? "", labels: new Map(Object.entries(service?.labels ?? {})) },
    status,
    desiredState: TaskStateCode[task.desiredState],
    networks: allocated.map((n) => ({ network: networkOf(n.networkId, state), addresses: n.addresses, aliases: [] })),
    ...(service === undefined || allocated.length === 0 ? {} : { endpoint: { specMode: ResolutionMode.vip, virtualIps: service.virtualIps } }),
  };
}

function networkOf(id: string, state: ClusterState): NetworkObject {
  const network = state.networks.get(id);
  return network === undefined ? goneNetwork(id) : networkObjectOf(network);
}

/** The networks of a task object: its spec's targets in order, with the addresses allocated on each. */
function attachmentsOf(object: TaskObject): TaskNetworkAttachment[] {
  const addresses = new Map(object.networks.map((n) => [n.network?.id ?? "", n.addresses] as const));
  const targets = object.spec.networks.map((n) => n.target);
  for (const id of addresses.keys()) if (id !== "" && !targets.includes(id)) targets.push(id);
  return targets.map((networkId) => ({ networkId, addresses: addresses.get(networkId) ?? [] }));
}

/** The stored task of an API object (what an agent keeps of an assignment); the reason when a state is not one the proto lists. */
export function storedTaskOf(object: TaskObject): Decoded<StoredTask> {
  const state = taskStateName(object.status.state);
  const desiredState = taskStateName(object.desiredState);
  if (state === undefined || desiredState === undefined) return { ok: false, reason: `task ${object.id}: state ${object.status.state} or desired state ${object.desiredState} is not a TaskState` };
  const runtime = object.spec.runtime;
  const container = runtime !== undefined && "container" in runtime ? { serviceName: object.serviceAnnotations.name, image: runtime.container.image, args: runtime.container.args } : undefined;
  const status = object.status;
  return {
    ok: true,
    value: {
      id: object.id,
      serviceId: object.serviceId,
      slot: object.slot,
      nodeId: object.nodeId,
      desiredState,
      state,
      message: status.message,
      err: status.err,
      stateAt: (status.timestamp === undefined ? undefined : instantOfUnixMicros(status.timestamp)) ?? (0 as Instant),
      containerId: status.container?.containerId ?? "",
      exitCode: status.container?.exitCode ?? 0,
      attachmentContainerId: runtime !== undefined && "attachment" in runtime ? runtime.attachment.containerId : "",
      networks: attachmentsOf(object),
      version: object.meta.version,
      createdAt: (object.meta.createdAt === undefined ? undefined : instantOfUnixMicros(object.meta.createdAt)) ?? (0 as Instant),
      ...(container === undefined ? {} : { container }),
    },
  };
}
