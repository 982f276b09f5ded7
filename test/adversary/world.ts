/**
 * A joined swarm with an eavesdropper on its underlay from the first packet,
 * for the adversary's tests: small keys, the gossip plane on, and any of the
 * cluster's protocol options (the ESP replay window, the rotation interval).
 */
import { Eavesdropper } from "../../src/adversary/index.js";
import { Simulation, instant } from "../../src/sim/index.js";
import { Cluster, type ClusterOptions, type CommandOutput } from "../../src/swarm/index.js";
import { dockerRunner } from "../support/swarm.js";

export interface AttackWorld {
  readonly sim: Simulation;
  readonly cluster: Cluster;
  readonly eve: Eavesdropper;
  /** Runs `docker ...` on `node` until it finishes. */
  docker(node: string, command: string): CommandOutput;
  /** Lets `by` µs of simulated time pass. */
  advance(by: number): void;
  /** Names of the nodes that run a task of a service. */
  taskNodes(): Set<string>;
}

/** `m1` and workers `w1..`, all joined; the eavesdropper sees everything from before `swarm init`. */
export function attackWorld(options: { seed?: number; workers?: number; onCluster?: (cluster: Cluster, eve: Eavesdropper) => void } & ClusterOptions = {}): AttackWorld {
  const { seed, workers, onCluster, ...clusterOptions } = options;
  const sim = new Simulation({ seed: seed ?? 1 });
  const nodes = [
    { name: "m1", role: "manager" as const, os: "linux" as const },
    ...Array.from({ length: workers ?? 2 }, (_, i) => ({ name: `w${i + 1}`, role: "worker" as const, os: "linux" as const })),
  ];
  const cluster = new Cluster(sim, { nodes, bootstrap: "manual" }, { latency: { kind: "fixed", latency: 1000 as never }, lossPpm: 0 }, { rsaBits: 1024, gossip: true, ...clusterOptions });
  const eve = new Eavesdropper(cluster.fabric);
  onCluster?.(cluster, eve);
  const advance = (by: number) => void sim.scheduler.run({ until: instant(sim.now + by) });
  const docker = dockerRunner(sim, cluster);
  if (docker("m1", "docker swarm init").exitCode !== 0) throw new Error("swarm init failed");
  const token = docker("m1", "docker swarm join-token -q worker").stdout.trim();
  for (const node of cluster.nodes.values()) {
    if (node.name === "m1") continue;
    const joined = docker(node.name, `docker swarm join --token ${token} m1:2377`);
    if (joined.exitCode !== 0) throw new Error(`${node.name} could not join: ${joined.stderr}`);
  }
  const taskNodes = () => {
    const state = cluster.node("m1").manager!.state;
    const ids = new Set([...state.tasks.values()].filter((t) => t.serviceId !== "").map((t) => t.nodeId));
    return new Set([...cluster.nodes.values()].filter((n) => ids.has(n.id!)).map((n) => n.name));
  };
  return { sim, cluster, eve, docker, advance, taskNodes };
}

/**
 * An encrypted (or plain) attachable overlay with two nginx replicas, and one
 * `curl` of the page from a container on a node that runs no task, so the
 * page crosses the underlay. The container stays (it sleeps), and so do the
 * SAs between its node and the nginx nodes. Returns the node that curled.
 */
export function servePage(w: AttackWorld, encrypted: boolean): string {
  w.docker("m1", `docker network create ${encrypted ? "--opt encrypted " : ""}--driver overlay --attachable net`);
  w.docker("m1", "docker service create --name web --network net --replicas 2 nginx");
  w.advance(20_000_000);
  const busy = w.taskNodes();
  const client = [...w.cluster.nodes.keys()].find((name) => !busy.has(name))!;
  w.docker(client, "docker run -d --name client --network net radial/busyboxplus:curl sh -c 'curl -s web; sleep 3600'");
  w.advance(5_000_000);
  const out = w.docker(client, "docker logs client");
  if (!out.stdout.includes("Welcome to nginx!")) throw new Error(`curl from ${client} failed: ${out.stderr}`);
  return client;
}
