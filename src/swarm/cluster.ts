/**
 * The world: the simulation kernel, the underlay, and the swarm's nodes.
 *
 * Built from a scenario's cluster and underlay, in a fixed order (nodes as
 * listed), so the same seed gives the same hosts, addresses and identities.
 */

import { Fabric, type Host, type WireDigest, attachPcap, attachWireDigest } from "../net/index.js";
import { newId } from "../pki/index.js";
import type { ClusterSpec, NodeSpec, UnderlaySpec } from "./spec.js";
import type { Simulation } from "../sim/index.js";
import { type CommandResult, CommandRegistry, fail } from "./docker/registry.js";
import { dockerVersion } from "./docker/version.js";
import { SwarmNode } from "./node.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A machine joined the simulated world (not yet the swarm). */
    "node.add": { name: string; role: string; os: string; ip: string; id: string };
  }
}

/** What a docker handler is given: the cluster and the node the command runs on. */
export interface DockerContext {
  readonly cluster: Cluster;
  readonly node: SwarmNode;
}

/** The docker verbs the simulator serves; later layers register theirs here. */
export function defaultRegistry(): CommandRegistry<DockerContext> {
  return new CommandRegistry<DockerContext>().register("version", ({ node }, args) => dockerVersion(node.os, args));
}

/** The simulated world of one run. */
export class Cluster {
  readonly fabric: Fabric;
  /** The digest of every packet on the wire, folded into the trace at the end of a run. */
  readonly wire: WireDigest;
  readonly nodes = new Map<string, SwarmNode>();
  readonly registry = defaultRegistry();

  constructor(
    readonly sim: Simulation,
    spec: ClusterSpec,
    underlay: UnderlaySpec,
  ) {
    this.fabric = new Fabric(sim, underlay);
    this.wire = attachWireDigest(this.fabric);
    const ids = sim.rng.fork("identity");
    for (const nodeSpec of spec.nodes) this.addNode(nodeSpec, newId(ids.fork(nodeSpec.name)));
  }

  private addNode(spec: NodeSpec, id: string): SwarmNode {
    const host: Host = this.fabric.addHost(spec.name);
    const node = new SwarmNode(spec, host, id);
    this.nodes.set(spec.name, node);
    this.sim.trace.record("node.add", { name: spec.name, role: spec.role, os: spec.os, ip: host.ip, id }, spec.name);
    return node;
  }

  /** The node called `name`. */
  node(name: string): SwarmNode {
    const node = this.nodes.get(name);
    if (node === undefined) throw new RangeError(`"name" expected a node of the cluster, got "${name}"`);
    return node;
  }

  /** Runs a docker command (`argv`, `docker` first) on node `on`, as its CLI would. */
  docker(on: string, argv: readonly string[]): CommandResult {
    const node = this.nodes.get(on);
    if (node === undefined) return fail(`error during connect: node "${on}" does not exist in this cluster`);
    return this.registry.run({ cluster: this, node }, argv);
  }

  /** Records every packet put on the underlay from now on, as pcap bytes handed to `write`. */
  capturePcap(write: (chunk: Uint8Array) => void): void {
    attachPcap(this.fabric, write);
  }

  /**
   * Key files for Wireshark (`esp_sa`, `tls-keylog.txt`, `gossip-keys.txt`), by file
   * name. Empty until the layers that hold keys exist.
   */
  keyFiles(): ReadonlyMap<string, string> {
    return new Map();
  }
}
