/**
 * libnetwork's service discovery as a container sees it: the embedded DNS
 * server (127.0.0.11) and the VIP load balancer, answered from the
 * `endpoint_table` records of the networks this node has joined (moby
 * daemon/libnetwork service_common.go addServiceBinding, agent.go
 * handleEpTableEvent, resolver.go).
 *
 * Per network, as addServiceBinding files them:
 * - a service name (and each service alias) → the service's VIP, or the
 *   task addresses when the service has none (DNS round-robin mode);
 * - `tasks.NAME` (for the service name and its aliases) → the task addresses;
 * - a container name and each task alias → that container's address.
 *
 * A container on several networks gets the answer of the first of its
 * networks that has the name, as the sandbox asks its endpoints in order.
 * Names compare without case and without a trailing dot, as DNS does.
 * Addresses come back sorted, where Docker shuffles them per query. The
 * load balancer's choice is a round robin per VIP and network (IPVS `rr`).
 */

import { type EndpointRecord, type NetworkDb, decodeEndpointRecord, endpointTable } from "../gossip/index.js";
import { type Ipv4Address, parseIpv4 } from "../net/index.js";
import type { ServiceLookup } from "../workload/types.js";

/** What service discovery reads. */
export interface ServiceRecordsOptions {
  /** The node's networkdb, once gossip runs. */
  readonly networkDb: () => NetworkDb | undefined;
  /** The networks this node has joined (the overlay driver's `joinedNetworks`). */
  readonly networks: () => readonly string[];
}

/** The DNS prefix that asks for a service's task addresses instead of its VIP. */
const tasksPrefix = "tasks.";

/**
 * A node's service records.
 *
 * @example
 * ```ts
 * const records = new ServiceRecords({ networkDb: () => gossip?.db, networks: () => driver.joinedNetworks() });
 * records.resolve("web", [networkId]); // ["10.0.1.2"]: the VIP
 * records.resolve("tasks.web", [networkId]); // ["10.0.1.3", "10.0.1.4"]
 * records.backendFor("10.0.1.2", networkId); // "10.0.1.3", then "10.0.1.4", ...
 * ```
 */
export class ServiceRecords implements ServiceLookup {
  /** Decoded records by the stored value they came from; null for one agent.go would ignore. */
  private readonly decoded = new WeakMap<Uint8Array, EndpointRecord | null>();
  /** The load balancer's next pick per network and VIP. */
  private readonly nextBackend = new Map<string, number>();

  constructor(private readonly options: ServiceRecordsOptions) {}

  /** Resolves `name` for a container on `networkIds`; none (NXDOMAIN) when no network has it. */
  resolve(name: string, networkIds: readonly string[]): Ipv4Address[] {
    const wanted = normalize(name);
    for (const networkId of networkIds) {
      const answer = answerOn(this.records(networkId), wanted);
      if (answer.length > 0) return answer;
    }
    return [];
  }

  /** The task a new connection to `vip` on `networkId` goes to, round robin; undefined if `vip` has no tasks there. */
  backendFor(vip: Ipv4Address, networkId: string): Ipv4Address | undefined {
    const backends = addressesOf(this.records(networkId).filter((r) => r.virtualIp === vip));
    if (backends.length === 0) return undefined;
    const id = `${networkId}/${vip}`;
    const turn = this.nextBackend.get(id) ?? 0;
    this.nextBackend.set(id, turn + 1);
    return backends[turn % backends.length];
  }

  /** The usable records of a joined network: live, enabled, with a name and an address. */
  records(networkId: string): EndpointRecord[] {
    const db = this.options.networkDb();
    if (db === undefined || !this.options.networks().includes(networkId)) return [];
    const records: EndpointRecord[] = [];
    for (const { value } of db.entries(endpointTable, networkId)) {
      let record = this.decoded.get(value);
      if (record === undefined) {
        const result = decodeEndpointRecord(value);
        record = result.ok && usable(result.value) ? result.value : null;
        this.decoded.set(value, record);
      }
      if (record !== null) records.push(record);
    }
    return records;
  }
}

/** agent.go handleEpTableEvent ignores a record without a name or a parsable address, and a disabled one. */
function usable(record: EndpointRecord): boolean {
  return record.name !== "" && parseIpv4(record.endpointIp).ok && !record.serviceDisabled;
}

/** One network's answer for a normalized name. */
function answerOn(records: readonly EndpointRecord[], name: string): Ipv4Address[] {
  const ofService = (service: string) => records.filter((r) => r.serviceName !== "" && (normalize(r.serviceName) === service || r.aliases.some((a) => normalize(a) === service)));
  if (name.startsWith(tasksPrefix)) return addressesOf(ofService(name.slice(tasksPrefix.length)));
  const service = ofService(name);
  if (service.length > 0) {
    const vips = service.map((r) => r.virtualIp).filter((vip) => parseIpv4(vip).ok);
    return vips.length > 0 ? sortedUnique(vips) : addressesOf(service);
  }
  return addressesOf(records.filter((r) => normalize(r.name) === name || r.taskAliases.some((a) => normalize(a) === name)));
}

function addressesOf(records: readonly EndpointRecord[]): Ipv4Address[] {
  return sortedUnique(records.map((r) => r.endpointIp));
}

function sortedUnique(addresses: readonly Ipv4Address[]): Ipv4Address[] {
  const value = (a: Ipv4Address) => {
    const parsed = parseIpv4(a);
    return parsed.ok ? parsed.value : 0;
  };
  return [...new Set(addresses)].sort((a, b) => value(a) - value(b));
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}
