/**
 * The leader's network allocator for services and tasks (swarmkit
 * manager/allocator/network.go over cnmallocator and libnetwork's IPAM): a
 * virtual IP for each service on each of its networks, then one address per
 * task per network, after which a task moves from NEW to PENDING and waits
 * for the scheduler. Pure functions over a view; the orchestration loop
 * proposes what they return.
 *
 * Addresses are the lowest free one after the gateway. libnetwork's IPAM, as
 * swarmkit configures it, allocates serially instead (cnmallocator sets
 * `com.docker.network.ipam.serial`: the next address after the last one
 * given, so a freed one is not reused at once); the lowest-free rule keeps a
 * run's addresses independent of allocation history.
 */

import type { Instant } from "../sim/index.js";
import type { StoredService, StoredTask, VirtualIp } from "./cluster-store.js";
import { ipv4Text, parseSubnet } from "./network-allocation.js";
import type { StoreAction } from "./store.js";
import { allocatedMessage } from "./task-constants.js";
import { stateBefore } from "./task-object.js";
import type { ClusterView } from "./task-writer.js";

/** The address part of `a.b.c.d/n`. */
export const addressOf = (cidr: string): string => cidr.split("/")[0]!;

/**
 * The addresses of network `networkId` that are taken: its gateway, every
 * service VIP on it, and every address of a task that still holds it
 * (allocator/network.go frees a task's addresses once it is past RUNNING);
 * plus any address named by `pending` (proposals not yet applied, which may
 * hold one).
 */
export function takenAddresses(view: ClusterView, networkId: string, pending: readonly StoreAction[]): Set<string> {
  const taken = new Set<string>();
  const network = view.networks.get(networkId);
  if (network !== undefined) taken.add(network.gateway);
  const fromService = (s: StoredService) => s.virtualIps.forEach((v) => v.networkId === networkId && taken.add(addressOf(v.addr)));
  const fromTask = (t: StoredTask) => t.networks.forEach((n) => n.networkId === networkId && n.addresses.forEach((a) => taken.add(addressOf(a))));
  for (const service of view.services.values()) fromService(service);
  for (const task of view.tasks.values()) if (!stateBefore("running", task.state)) fromTask(task);
  for (const action of pending) {
    if (action.kind === "create-service" || action.kind === "update-service") fromService(action.service);
    if (action.kind === "create-task" || action.kind === "update-task") fromTask(action.task);
  }
  return taken;
}

/**
 * The lowest address of `subnetCidr` not in `taken`, with the subnet's prefix
 * length (`10.0.1.2/24`); the network and broadcast addresses are never
 * given. Adds it to `taken`. Undefined when the subnet is full.
 */
export function nextFreeAddress(subnetCidr: string, taken: Set<string>): string | undefined {
  const parsed = parseSubnet(subnetCidr);
  if (!parsed.ok) return undefined;
  const { base, prefixLength } = parsed.subnet;
  const size = 2 ** (32 - prefixLength);
  for (let offset = 1; offset < size - 1; offset++) {
    const address = ipv4Text(base + offset);
    if (taken.has(address)) continue;
    taken.add(address);
    return `${address}/${prefixLength}`;
  }
  return undefined;
}

/** Takes an address on `networkId` through `taken` (one set per network, filled on first use). */
type AddressSource = (networkId: string) => string | undefined;

function addressSource(view: ClusterView, pending: readonly StoreAction[]): AddressSource {
  const takenByNetwork = new Map<string, Set<string>>();
  return (networkId) => {
    const network = view.networks.get(networkId);
    if (network === undefined) return undefined;
    let taken = takenByNetwork.get(networkId);
    if (taken === undefined) takenByNetwork.set(networkId, (taken = takenAddresses(view, networkId, pending)));
    return nextFreeAddress(network.subnet, taken);
  };
}

/** Whether `service` has a VIP on each of its networks, and on no other. */
export function serviceAllocated(service: StoredService): boolean {
  return service.networks.length === service.virtualIps.length && service.networks.every((id, i) => service.virtualIps[i]?.networkId === id);
}

/**
 * The VIPs `service` should have: the ones it holds on networks it still
 * names, and a new one on each other network (allocator/network.go
 * allocateService, VIP endpoint mode); undefined when one of its networks is
 * gone or full, so that it and its tasks wait.
 */
function virtualIpsFor(service: StoredService, view: ClusterView, take: AddressSource): VirtualIp[] | undefined {
  const held = new Map(service.virtualIps.map((v) => [v.networkId, v] as const));
  const vips: VirtualIp[] = [];
  for (const networkId of service.networks) {
    if (!view.networks.has(networkId)) return undefined;
    const addr = held.get(networkId)?.addr ?? take(networkId);
    if (addr === undefined) return undefined;
    vips.push({ networkId, addr });
  }
  return vips;
}

/** The task with an address on each of its networks, PENDING; undefined when a network is gone or full. */
function allocateTask(task: StoredTask, take: AddressSource, now: Instant): StoredTask | undefined {
  const networks = [];
  for (const n of task.networks) {
    const addr = n.addresses.length > 0 ? n.addresses[0] : take(n.networkId);
    if (addr === undefined) return undefined;
    networks.push({ networkId: n.networkId, addresses: n.addresses.length > 0 ? n.addresses : [addr] });
  }
  return { ...task, networks, state: "pending", message: allocatedMessage, err: "", stateAt: now, version: task.version + 1 };
}

/**
 * One allocation round over `view`: services whose VIPs do not match their
 * networks get them (the service's version is kept, so a user's update made
 * against the version it read is not refused because of the allocator);
 * then NEW tasks that are to run, whose service (if any) is allocated, get
 * their addresses and become PENDING, in slot order. `pending` are
 * proposals in flight.
 */
export function allocate(view: ClusterView, pending: readonly StoreAction[], now: Instant): StoreAction[] {
  const take = addressSource(view, pending);
  const actions: StoreAction[] = [];
  const services = new Map(view.services);
  for (const service of [...view.services.values()].sort(byId)) {
    if (serviceAllocated(service)) continue;
    const virtualIps = virtualIpsFor(service, view, take);
    if (virtualIps === undefined) continue;
    const allocated = { ...service, virtualIps };
    services.set(service.id, allocated);
    actions.push({ kind: "update-service", service: allocated });
  }
  for (const task of [...view.tasks.values()].sort(placementOrder)) {
    if (task.state !== "new" || stateBefore("running", task.desiredState)) continue;
    const service = task.serviceId === "" ? undefined : services.get(task.serviceId);
    if (task.serviceId !== "" && (service === undefined || !serviceAllocated(service))) continue;
    const allocated = allocateTask(task, take, now);
    if (allocated !== undefined) actions.push({ kind: "update-task", task: allocated });
  }
  return actions;
}

/** Service tasks by service, then slot (then ID), then network attachments by ID: the order tasks are allocated and placed in. */
export function placementOrder(a: StoredTask, b: StoredTask): number {
  if (a.serviceId !== b.serviceId) return a.serviceId === "" ? 1 : b.serviceId === "" ? -1 : a.serviceId < b.serviceId ? -1 : 1;
  return a.slot - b.slot || byId(a, b);
}

/** Orders objects by ID: no decision may depend on a map's insertion order. */
export const byId = (a: { readonly id: string }, b: { readonly id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
