/**
 * A swarm for the service and task tests: managers, workers, an overlay
 * network, and services proposed through the leader's store as `docker
 * service create | scale | rm` propose them.
 */
import type { ManagerServices, StoredNetwork, StoredService, StoredTask, StoreAction } from "../../src/control/index.js";
import { type Duration, type Instant, seconds } from "../../src/sim/index.js";
import { type World, tokenOf, world } from "../support/swarm.js";

/** A swarm of `managers` managers and `workers` workers, all joined, with overlay network `web` (10.0.1.0/24, attachable unless told). */
export function serviceWorld(options: { managers?: number; workers?: number; seed?: number; attachable?: boolean } = {}): World {
  const managers = options.managers ?? 1;
  const workers = options.workers ?? 2;
  const w = world({ managers, workers, ...(options.seed === undefined ? {} : { seed: options.seed }) });
  w.docker("m1", "docker swarm init");
  for (let i = 2; i <= managers; i++) w.docker(`m${i}`, `docker swarm join --token ${tokenOf(w, "manager")} m1:2377`);
  for (let i = 1; i <= workers; i++) w.docker(`w${i}`, `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
  w.docker("m1", `docker network create -d overlay ${options.attachable === false ? "" : "--attachable "}web`);
  settle(w, seconds(1));
  return w;
}

/** Lets `duration` of simulated time pass. */
export function settle(w: World, duration: Duration = seconds(1)): void {
  w.sim.scheduler.run({ until: (w.sim.now + duration) as never });
}

/** The leading manager's services. */
export function leader(w: World): ManagerServices {
  for (const node of w.cluster.nodes.values()) if (node.manager?.isLeader === true) return node.manager;
  throw new Error("no leader");
}

/** Proposes `actions` through the leader and runs until they commit. */
export function propose(w: World, actions: readonly StoreAction[]): void {
  const m = leader(w);
  let done = false;
  m.store.update(m.proposer, actions, (result) => {
    if (!result.ok) throw new Error(result.reason);
    done = true;
  });
  for (let i = 0; i < 1000 && !done; i++) w.sim.scheduler.step();
  if (!done) throw new Error("proposal did not commit");
}

/** The ID of network `name`. */
export function networkId(w: World, name: string): string {
  return [...leader(w).state.networks.values()].find((n) => n.name === name)!.id;
}

/** A service as `docker service create` builds it: no VIPs, version 0. */
export function serviceSpec(w: World, name: string, replicas: number, networks: readonly string[] = [networkId(w, "web")]): StoredService {
  const now = w.sim.now;
  return { id: `svc${name.padEnd(22, "x")}`, name, image: "nginx", args: [], networks, replicas, labels: {}, virtualIps: [], version: 0, createdAt: now, updatedAt: now };
}

/** Creates `service` and lets the orchestration settle. */
export function createService(w: World, service: StoredService): void {
  propose(w, [{ kind: "create-service", service }]);
  settle(w, seconds(2));
}

/** Changes the replicas of service `id`, as `docker service scale` does. */
export function scaleService(w: World, id: string, replicas: number): void {
  const current = leader(w).state.services.get(id)!;
  propose(w, [{ kind: "update-service", service: { ...current, replicas, version: current.version + 1, updatedAt: w.sim.now } }]);
  settle(w, seconds(2));
}

/** The tasks of service `id` in the committed state, by slot then ID. */
export function tasksOf(w: World, id: string): StoredTask[] {
  return [...leader(w).state.tasks.values()].filter((t) => t.serviceId === id).sort((a, b) => a.slot - b.slot || (a.id < b.id ? -1 : 1));
}

/** The tasks of service `id` desired to run. */
export function runnableTasks(w: World, id: string): StoredTask[] {
  return tasksOf(w, id).filter((t) => t.desiredState === "running" || t.desiredState === "ready");
}

/** The node name of a node ID. */
export function nodeName(w: World, nodeId: string): string {
  for (const node of w.cluster.nodes.values()) if (node.id === nodeId) return node.name;
  return "?";
}

/** An overlay network "web" on 10.0.1.0/24 (VNI 4097) as the store keeps it, with `change` laid over. */
export function storedNetwork(change: Partial<StoredNetwork> = {}): StoredNetwork {
  return {
    id: "net",
    name: "web",
    driver: "overlay",
    options: {},
    labels: {},
    attachable: true,
    ingress: false,
    subnet: "10.0.1.0/24",
    subnetFromSpec: false,
    gateway: "10.0.1.1",
    vni: 4097,
    createdAt: 0 as Instant,
    ...change,
  };
}
