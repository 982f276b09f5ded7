/**
 * `docker network create | ls | inspect | rm` for swarm-scoped overlay
 * networks, kept in the managers' replicated store (docker/cli
 * cli/command/network/, moby daemon/cluster/networks.go, swarmkit
 * controlapi/network.go). Local networks (bridge, host, none,
 * docker_gwbridge) are listed but not modelled further.
 */

import {
  type ClusterState,
  type ClusterStore,
  GrpcCode,
  type StoredNetwork,
  defaultAddressPool,
  defaultSubnetPrefixLength,
  gatewayOf,
  grpcErrorText,
  nextFreeSubnet,
  nextFreeVni,
  overlaps,
  parseSubnet,
  subnetText,
  vxlanIdListOption,
} from "../../control/index.js";
import { newId } from "../../pki/index.js";
import { type Rng, dateAt, toHex } from "../../sim/index.js";
import type { DockerContext } from "../cluster.js";
import { type CommandSpec, keyValues, parseCommand } from "./command.js";
import { daemonError } from "./daemon-errors.js";
import { type CommandOutput, type CommandRegistry, type CommandResult, deferred, fail, ok } from "./registry.js";
import { managerOf } from "./swarm-commands.js";
import { formatTable } from "./table.js";

const specs = {
  create: {
    path: "docker network create",
    use: "[OPTIONS] NETWORK",
    short: "Create a network",
    flags: [
      { name: "driver", short: "d", type: "string", usage: 'Driver to manage the Network (default "bridge")' },
      { name: "opt", short: "o", type: "stringArray", valueName: "map", usage: "Set driver specific options (default map[])" },
      { name: "attachable", type: "bool", usage: "Enable manual container attachment" },
      { name: "subnet", type: "stringArray", valueName: "strings", usage: "Subnet in CIDR format that represents a network segment" },
      { name: "label", type: "stringArray", valueName: "list", usage: "Set metadata on a network" },
    ],
    args: { exactly: 1 },
  },
  ls: { path: "docker network ls", use: "[OPTIONS]", short: "List networks", flags: [{ name: "quiet", short: "q", type: "bool", usage: "Only display network IDs" }], args: { exactly: 0 } },
  inspect: { path: "docker network inspect", use: "[OPTIONS] NETWORK [NETWORK...]", short: "Display detailed information on one or more networks", flags: [], args: { min: 1, max: Infinity } },
  rm: { path: "docker network rm", use: "NETWORK [NETWORK...]", short: "Remove one or more networks", flags: [], args: { min: 1, max: Infinity } },
} as const satisfies Record<string, CommandSpec>;

const isOutput = (v: object): v is CommandOutput => "exitCode" in v;

/** moby runconfig IsPreDefinedNetwork: names every host has, which no network may take. */
const predefinedNetworks = new Set(["bridge", "host", "none", "default"]);

/** A network `docker network ls` shows: the local ones every host has, then the swarm's. */
interface ListedNetwork {
  readonly id: string;
  readonly name: string;
  readonly driver: string;
  readonly scope: "local" | "swarm";
}

/** A local network's 64-hex ID, drawn once per host and name from the host's own stream. */
function localNetworkId(context: DockerContext, name: string): string {
  return toHex(context.node.control.rng.fork("docker-networks").fork(name).bytes(32));
}

/** bridge, host and none on every host; docker_gwbridge once the host is in a swarm (moby daemon/cluster: created at init or join). */
function localNetworks(context: DockerContext): ListedNetwork[] {
  const local = (name: string, driver: string): ListedNetwork => ({ id: localNetworkId(context, name), name, driver, scope: "local" });
  const networks = [local("bridge", "bridge"), local("host", "host"), local("none", "null")];
  if (context.node.identity !== undefined) networks.push(local("docker_gwbridge", "bridge"));
  return networks;
}

/**
 * The swarm networks this node can see: all of them on a manager; on a worker
 * only those it has tasks on, which is the ingress network until tasks are
 * modelled (a worker's engine creates ingress when it joins).
 */
function visibleSwarmNetworks(context: DockerContext): StoredNetwork[] {
  const manager = context.node.manager === undefined ? undefined : managerOf(context);
  if (manager !== undefined && !isOutput(manager)) return [...manager.state.networks.values()];
  const state = context.node.store?.state;
  return state === undefined ? [] : [...state.networks.values()].filter((n) => n.ingress);
}

/** The network a user names: its ID, its name, or a unique ID prefix (moby daemon/cluster/helpers.go getNetwork). */
function findNetwork(networks: readonly StoredNetwork[], ref: string): StoredNetwork | undefined {
  return networks.find((n) => n.id === ref) ?? networks.find((n) => n.name === ref) ?? (() => {
    const prefixed = networks.filter((n) => n.id.startsWith(ref));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  })();
}

/** The subnet a new network gets: the one asked for, or the next free /24 of the default pool; or the daemon's refusal. */
function allocateSubnet(asked: readonly string[], taken: readonly StoredNetwork[]): { subnet: string; gateway: string; fromSpec: boolean } | CommandOutput {
  const takenSubnets = taken.map((n) => parseSubnet(n.subnet)).flatMap((p) => (p.ok ? [p.subnet] : []));
  if (asked.length > 1) return daemonError("multiple subnets are not modelled");
  if (asked.length === 1) {
    const text = asked[0]!;
    const parsed = parseSubnet(text);
    // moby api/types/network/ipam.go ValidateIPAM.
    if (!parsed.ok) return daemonError(`invalid subnet ${text}: invalid CIDR block notation`);
    if (subnetText(parsed.subnet) !== text) return daemonError(`invalid subnet ${text}: it should be ${subnetText(parsed.subnet)}`);
    // libnetwork ipamapi ErrPoolOverlap.
    if (takenSubnets.some((t) => overlaps(t, parsed.subnet))) return daemonError("invalid pool request: Pool overlaps with other one on this address space");
    return { subnet: text, gateway: gatewayOf(parsed.subnet), fromSpec: true };
  }
  const pool = parseSubnet(defaultAddressPool);
  const next = pool.ok ? nextFreeSubnet(pool.subnet, defaultSubnetPrefixLength, takenSubnets) : undefined;
  // libnetwork ipamapi ErrNoMoreSubnets.
  if (next === undefined) return daemonError(grpcErrorText(2, "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network"));
  return { subnet: subnetText(next), gateway: gatewayOf(next), fromSpec: false };
}

/** One ID stream per swarm, forked from the run's seed by cluster ID, so IDs do not depend on which manager leads. */
const networkIdStreams = new WeakMap<ClusterStore, Rng>();

function newNetworkId(context: DockerContext, store: ClusterStore): string {
  let stream = networkIdStreams.get(store);
  if (stream === undefined) {
    stream = context.cluster.sim.rng.fork("network-ids").fork(store.state.clusterId);
    networkIdStreams.set(store, stream);
  }
  return newId(stream);
}

function create(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.create, words);
  if (!parsed.ok) return parsed.output;
  const name = parsed.command.args[0]!;
  const flags = parsed.command.flags;
  const driver = (flags.get("driver") as string | undefined) ?? "bridge";
  if (driver !== "overlay") return fail(`docker network create: only the overlay driver is modelled (got "${driver}")`);
  const m = managerOf(context);
  if (isOutput(m)) return m;
  if (predefinedNetworks.has(name)) return daemonError(`${name} is a pre-defined network and cannot be created`);
  // Proposals not committed yet hold their names, VNIs and subnets too.
  const pending = m.services.store.pendingActions().flatMap((a) => (a.kind === "create-network" ? [a.network] : []));
  const taken = [...m.state.networks.values(), ...pending];
  // moby api/server/router/network: libnetwork NetworkNameError.
  if (taken.some((n) => n.name === name)) return daemonError(`network with name ${name} already exists`);
  const ipam = allocateSubnet((flags.get("subnet") as string[] | undefined) ?? [], taken);
  if (isOutput(ipam)) return ipam;
  const vni = nextFreeVni(taken.map((n) => n.vni));
  if (vni === undefined) return daemonError(grpcErrorText(2, "no vxlan id available"));
  const network: StoredNetwork = {
    id: newNetworkId(context, m.services.store),
    name,
    driver: "overlay",
    options: keyValues((flags.get("opt") as string[] | undefined) ?? []),
    labels: keyValues((flags.get("label") as string[] | undefined) ?? []),
    attachable: flags.get("attachable") === true,
    ingress: false,
    subnet: ipam.subnet,
    subnetFromSpec: ipam.fromSpec,
    gateway: ipam.gateway,
    vni,
    createdAt: context.cluster.sim.now,
  };
  return deferred((done) =>
    m.services.store.update(m.services.proposer, [{ kind: "create-network", network }], (result) => {
      if (!result.ok) return done(daemonError(grpcErrorText(2, result.reason)));
      context.cluster.sim.trace.record("network.created", { networkId: network.id, name, vni, subnet: network.subnet, encrypted: "encrypted" in network.options }, context.node.name);
      done(ok(`${network.id}\n`));
    }),
  );
}

function ls(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.ls, words);
  if (!parsed.ok) return parsed.output;
  const swarm = visibleSwarmNetworks(context).map((n): ListedNetwork => ({ id: n.id, name: n.name, driver: n.driver, scope: "swarm" }));
  // docker/cli cli/command/network/list.go: sorted by name (sortorder.NaturalLess), IDs truncated to 12.
  const all = [...localNetworks(context), ...swarm].sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
  if (parsed.command.flags.get("quiet") === true) return ok(all.map((n) => `${n.id.slice(0, 12)}\n`).join(""));
  return ok(formatTable(["NETWORK ID", "NAME", "DRIVER", "SCOPE"], all.map((n) => [n.id.slice(0, 12), n.name, n.driver, n.scope])));
}

/** moby daemon/cluster/convert/network.go BasicNetworkFromGRPC: a swarm network the engine has no local copy of. */
function inspectObject(network: StoredNetwork): unknown {
  const labels = Object.keys(network.labels).length === 0 ? null : network.labels;
  return {
    Name: network.name,
    Id: network.id,
    Created: dateAt(network.createdAt).toISOString(),
    Scope: "swarm",
    Driver: network.driver,
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: "default", Options: null, Config: [{ Subnet: network.subnet, Gateway: network.gateway }] },
    Internal: false,
    Attachable: network.attachable,
    Ingress: network.ingress,
    ConfigFrom: { Network: "" },
    ConfigOnly: false,
    Containers: null,
    Options: { [vxlanIdListOption]: String(network.vni), ...network.options },
    Labels: labels,
  };
}

function inspect(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.inspect, words);
  if (!parsed.ok) return parsed.output;
  if (context.node.identity === undefined) return daemonError(`network ${parsed.command.args[0]!} not found`);
  const visible = visibleSwarmNetworks(context);
  const objects: unknown[] = [];
  const errors: string[] = [];
  for (const ref of parsed.command.args) {
    const network = findNetwork(visible, ref);
    // docker/cli inspect: every found object is printed, each missing one is an error line; exit 1 if any.
    if (network === undefined) errors.push(`Error response from daemon: network ${ref} not found\n`);
    else objects.push(inspectObject(network));
  }
  return { stdout: `${JSON.stringify(objects, null, 4)}\n`, stderr: errors.join(""), exitCode: errors.length === 0 ? 0 : 1 };
}

/**
 * swarmkit controlapi/network.go RemoveNetwork: a network a service names, or
 * a task that runs (or should run) on it, cannot go: what holds it, or undefined.
 */
function networkInUse(state: ClusterState, networkId: string): string | undefined {
  const service = [...state.services.values()].find((s) => s.networks.includes(networkId));
  if (service !== undefined) return `service ${service.id}`;
  const live = new Set(["new", "pending", "assigned", "accepted", "preparing", "ready", "starting", "running"]);
  const task = [...state.tasks.values()].find((t) => t.networks.some((n) => n.networkId === networkId) && live.has(t.desiredState) && live.has(t.state));
  return task === undefined ? undefined : `task ${task.id}`;
}

function rm(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.rm, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const removed: { ref: string; network: StoredNetwork }[] = [];
  const errors: string[] = [];
  for (const ref of parsed.command.args) {
    const network = findNetwork([...m.state.networks.values()], ref);
    if (predefinedNetworks.has(ref)) errors.push(`Error response from daemon: ${ref} is a pre-defined network and cannot be removed\n`);
    else if (network === undefined) errors.push(`Error response from daemon: network ${ref} not found\n`);
    // docker/cli rm.go asks before removing the routing mesh; the simulator has no terminal to ask on.
    else if (network.ingress) errors.push("Error: removing the ingress network is not modelled\n");
    else {
      const inUse = networkInUse(m.state, network.id);
      if (inUse === undefined) removed.push({ ref, network });
      else errors.push(`Error response from daemon: ${grpcErrorText(GrpcCode.failedPrecondition, `network ${network.id} is in use by ${inUse}`)}\n`);
    }
  }
  const outcome = (stdout: string): CommandOutput => ({ stdout, stderr: errors.join(""), exitCode: errors.length === 0 ? 0 : 1 });
  if (removed.length === 0) return outcome("");
  const actions = removed.map(({ network }) => ({ kind: "remove-network" as const, networkId: network.id }));
  return deferred((done) =>
    m.services.store.update(m.services.proposer, actions, (result) => {
      if (!result.ok) return done(daemonError(grpcErrorText(2, result.reason)));
      for (const { network } of removed) context.cluster.sim.trace.record("network.removed", { networkId: network.id, name: network.name }, context.node.name);
      done(outcome(removed.map(({ ref }) => `${ref}\n`).join("")));
    }),
  );
}

declare module "../../sim/trace.js" {
  interface TraceKinds {
    /** `docker network create` committed a swarm network. */
    "network.created": { networkId: string; name: string; vni: number; subnet: string; encrypted: boolean };
    /** `docker network rm` committed a network's removal. */
    "network.removed": { networkId: string; name: string };
  }
}

/** Registers the `docker network` verbs. */
export function registerNetworkCommands(registry: CommandRegistry<DockerContext>): void {
  registry.register("network create", create).register("network ls", ls).register("network inspect", inspect).register("network rm", rm);
}
