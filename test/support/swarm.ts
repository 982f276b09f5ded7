/**
 * A small swarm for control-plane tests: a world of named nodes, and docker
 * commands run to completion (a deferred command lets simulated time pass).
 */
import { Simulation, hours } from "../../src/sim/index.js";
import { Cluster, type CommandOutput, isDeferred, splitCommandLine } from "../../src/swarm/index.js";

export interface World {
  readonly sim: Simulation;
  readonly cluster: Cluster;
  /** Runs `docker ...` on `node` until it finishes. */
  docker(node: string, command: string): CommandOutput;
}

/** Runs `docker ...` on a node of `cluster` until it finishes (at most an hour of simulated time). */
export function dockerRunner(sim: Simulation, cluster: Cluster): World["docker"] {
  return (node, command) => {
    const words = splitCommandLine(command);
    if (!words.ok) throw new Error(words.reason);
    const result = cluster.docker(node, words.argv);
    if (!isDeferred(result)) return result;
    let output: CommandOutput | undefined;
    result.onDone((o) => {
      output = o;
      sim.scheduler.stop();
    });
    if (output === undefined) sim.scheduler.run({ until: (sim.now + hours(1)) as never });
    if (output === undefined) throw new Error(`"${command}" did not finish`);
    return output;
  };
}

/**
 * A world of managers `m1..`, workers `w1..` (all outside any swarm), with small
 * keys for speed. The gossip plane is off unless asked for: these worlds test
 * the control plane, often over days of simulated time.
 */
export function world(
  options: {
    seed?: number;
    managers?: number;
    workers?: number;
    rsaBits?: number;
    keyRotationUs?: number;
    gossip?: boolean;
    keyDelayUs?: number;
    /** Nodes that run Windows. */
    windows?: readonly string[];
    runErrors?: "legacy" | "current";
  } = {},
): World {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  const nodes = [
    ...Array.from({ length: options.managers ?? 1 }, (_, i) => ({ name: `m${i + 1}`, role: "manager" as const, os: "linux" as const })),
    ...Array.from({ length: options.workers ?? 2 }, (_, i) => ({ name: `w${i + 1}`, role: "worker" as const, os: "linux" as const })),
  ].map((n) => (options.windows?.includes(n.name) ? { ...n, os: "windows" as const } : n));
  const cluster = new Cluster(sim, { nodes, bootstrap: "manual" }, { latency: { kind: "fixed", latency: 1000 as never }, lossPpm: 0 }, {
    rsaBits: options.rsaBits ?? 1024,
    gossip: options.gossip ?? false,
    ...(options.keyDelayUs === undefined ? {} : { keyDelayUs: options.keyDelayUs }),
    ...(options.keyRotationUs === undefined ? {} : { keyRotationUs: options.keyRotationUs }),
    ...(options.runErrors === undefined ? {} : { runErrors: options.runErrors }),
  });
  return { sim, cluster, docker: dockerRunner(sim, cluster) };
}

/** The token that `docker swarm join-token -q ROLE` prints on `manager`. */
export function tokenOf(w: World, role: "worker" | "manager", manager = "m1"): string {
  return w.docker(manager, `docker swarm join-token -q ${role}`).stdout.trim();
}

/** A swarm of `m1` and workers `w1..`, every node joined, the gossip plane on (the data plane needs it). */
export function joinedWorld(options: Parameters<typeof world>[0] = {}): World {
  const w = world({ gossip: true, ...options });
  if (w.docker("m1", "docker swarm init").exitCode !== 0) throw new Error("swarm init failed");
  const token = tokenOf(w, "worker");
  for (const node of w.cluster.nodes.values()) {
    if (node.name === "m1") continue;
    const joined = w.docker(node.name, `docker swarm join --token ${token} m1:2377`);
    if (joined.exitCode !== 0) throw new Error(`${node.name} could not join: ${joined.stderr}`);
  }
  return w;
}
