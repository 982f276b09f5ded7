/**
 * The world: the simulation kernel, the underlay, and the swarm's nodes.
 *
 * Built from a scenario's cluster and underlay, in a fixed order (nodes as
 * listed), so the same seed gives the same hosts, addresses and identities.
 */

import { Fabric, type Host, type WireDigest, attachPcap, attachWireDigest } from "../net/index.js";
import type { ClusterStore, ManagerServices, PrimaryChoice } from "../control/index.js";
import type { AeadBackend } from "../crypto/index.js";
import { type GossipTimings, gossipKeyFileName, gossipKeyFileText } from "../gossip/index.js";
import { espSaFile } from "../overlay/index.js";
import { type KeyCache, defaultRsaBits } from "../pki/index.js";
import { KeyLog, TlsSessionCache, keyLogFileName } from "../tls/index.js";
import type { ClusterSpec, NodeSpec, UnderlaySpec } from "./spec.js";
import { type Simulation, instant } from "../sim/index.js";
import { type CommandResult, CommandRegistry, fail } from "./docker/registry.js";
import { dockerVersion } from "./docker/version.js";
import { dockerInfo } from "./docker/info.js";
import { registerNetworkCommands } from "./docker/network-commands.js";
import { registerNodeCommands } from "./docker/node-commands.js";
import { registerServiceCommands } from "./docker/service-commands.js";
import { type RunErrorWording, registerLogsCommand, registerRunCommand } from "./docker/run-command.js";
import { registerSwarmCommands } from "./docker/swarm-commands.js";
import { type MemberOptions, SwarmNode } from "./node.js";
import { WireCensus } from "./wire-census.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A machine joined the simulated world (not yet the swarm). */
    "node.add": { name: string; role: string; os: string; ip: string };
    /** A node's clock was set this far from true time (positive: ahead). */
    "node.clock-skew": { skewUs: number };
  }
}

/** Wireshark's ESP SA table, as a file its preferences folder takes (the `esp_sa` UAT). */
export const espSaFileName = "esp_sa";

/** What a docker handler is given: the cluster and the node the command runs on. */
export interface DockerContext {
  readonly cluster: Cluster;
  readonly node: SwarmNode;
}

/** The docker verbs the simulator serves; later layers register theirs here. */
export function defaultRegistry(): CommandRegistry<DockerContext> {
  const registry = new CommandRegistry<DockerContext>()
    .register("version", ({ node }, args) => dockerVersion(node.os, args))
    .register("info", dockerInfo);
  registerSwarmCommands(registry);
  registerNodeCommands(registry);
  registerNetworkCommands(registry);
  registerServiceCommands(registry);
  registerRunCommand(registry);
  registerLogsCommand(registry);
  return registry;
}

/** Protocol parameters of a world. */
export interface ClusterOptions {
  /** RSA modulus size of every key (root CA and nodes). Default 2048. */
  readonly rsaBits?: number;
  /**
   * Where every RSA key (root CA and nodes) is looked up before being drawn, and
   * kept after: a cached key is the very key drawing would give, so a run is the
   * same with or without it, only faster. Default: no cache.
   */
  readonly keyCache?: KeyCache;
  /** The key manager's rotation interval (`cluster.keyRotation`); default 12 h. */
  readonly keyRotationUs?: number;
  /** Whether nodes run the gossip plane once they have keys (`cluster.gossip`); default true. */
  readonly gossip?: boolean;
  /** Up to how long a node takes to apply a new key set (`cluster.keyDelay`); default 0. */
  readonly keyDelayUs?: number;
  /** Which key nodes send with (`cluster.primaryKey`); default "middle", as Swarm. */
  readonly primaryKey?: PrimaryChoice;
  /** Which engine's words `docker run` refuses a swarm-scoped network with (`cluster.runErrors`); default Docker 1.12's. */
  readonly runErrors?: RunErrorWording;
  /** Strings the wire census looks for in every packet (`show: wire` steps' `search`). */
  readonly wireSearch?: readonly string[];
  /** Inbound ESP SAs' anti-replay window in packets on every node; default 0, Docker's (no check). */
  readonly replayWindow?: number;
}

/** The simulated world of one run. */
export class Cluster {
  readonly fabric: Fabric;
  /** The digest of every packet on the wire, folded into the trace at the end of a run. */
  readonly wire: WireDigest;
  /** Every packet on the wire, by path, and where the searched strings appeared in clear (`show: wire`). */
  readonly census: WireCensus;
  readonly nodes = new Map<string, SwarmNode>();
  readonly registry = defaultRegistry();
  /** Every TLS session's secrets, for `tls-keylog.txt`. */
  readonly keyLog = new KeyLog();
  /** The replicated store of each swarm, by cluster ID: the committed state all its managers hold. */
  readonly swarms = new Map<string, ClusterStore>();
  readonly rsaBits: number;
  /** The key manager's rotation interval, when not the default. */
  readonly keyRotationUs: number | undefined;
  /** Whether nodes run the gossip plane. */
  readonly gossip: boolean;
  /** Up to how long a node takes to apply a new key set, in µs. */
  readonly keyDelayUs: number;
  /** Which key nodes send with. */
  readonly primaryKey: PrimaryChoice;
  /** Which engine's words `docker run` refuses a swarm-scoped network with. */
  readonly runErrors: RunErrorWording;
  /** Inbound ESP SAs' anti-replay window in packets, when not Docker's 0. */
  readonly replayWindow: number | undefined;
  /** What `swarm init` gives node certificates when not told `--cert-expiry` (`cluster.certExpiry`); undefined: 90 days. */
  readonly certExpiryUs: number | undefined;
  /** The AES-GCM implementation nodes use (`cluster.aead`); undefined: the fastest available. */
  readonly aead: AeadBackend | undefined;
  /** Gossip timers that differ from Docker's (`cluster.gossipTimings`). */
  readonly gossipTimings: Partial<GossipTimings> | undefined;
  private readonly keyCache: KeyCache | undefined;

  constructor(
    readonly sim: Simulation,
    spec: ClusterSpec,
    underlay: UnderlaySpec,
    options: ClusterOptions = {},
  ) {
    this.rsaBits = options.rsaBits ?? spec.rsaBits ?? defaultRsaBits;
    this.keyCache = options.keyCache;
    this.keyRotationUs = options.keyRotationUs ?? spec.keyRotation;
    this.gossip = options.gossip ?? spec.gossip ?? true;
    this.keyDelayUs = options.keyDelayUs ?? spec.keyDelay ?? 0;
    this.primaryKey = options.primaryKey ?? spec.primaryKey ?? "middle";
    this.runErrors = options.runErrors ?? spec.runErrors ?? "legacy";
    this.replayWindow = options.replayWindow ?? spec.replayWindow;
    this.certExpiryUs = spec.certExpiry;
    this.aead = spec.aead;
    this.gossipTimings = spec.gossipTimings;
    this.fabric = new Fabric(sim, underlay);
    this.wire = attachWireDigest(this.fabric);
    this.census = new WireCensus(this.fabric, options.wireSearch);
    for (const nodeSpec of spec.nodes) this.addNode(nodeSpec);
  }

  private addNode(spec: NodeSpec): SwarmNode {
    const host: Host = this.fabric.addHost(spec.name);
    // The node's clock reads simulated time plus its skew (set later by a fault).
    let node: SwarmNode | undefined;
    const control = {
      sim: this.sim,
      host,
      node: spec.name,
      clock: () => instant(this.sim.now + (node?.clockSkewUs ?? 0)),
      rng: this.sim.rng.fork("node").fork(spec.name),
      keyLog: this.keyLog,
      sessionCache: new TlsSessionCache(),
      ...(this.keyCache === undefined ? {} : { keyCache: this.keyCache }),
    };
    node = new SwarmNode(spec, host, control);
    this.nodes.set(spec.name, node);
    this.sim.trace.record("node.add", { name: spec.name, role: spec.role, os: spec.os, ip: host.ip }, spec.name);
    return node;
  }

  /** The node whose name or underlay address is `nameOrIp`. */
  resolve(nameOrIp: string): SwarmNode | undefined {
    return this.nodes.get(nameOrIp) ?? [...this.nodes.values()].find((n) => n.host.ip === nameOrIp);
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

  /**
   * Crashes node `name`: its host drops off the underlay (connections reset,
   * packets to it vanish) and every process on it stops, as a power loss would.
   * What a real node keeps on disk (its certificate, key and, on a manager, the
   * raft log) survives for `restartNode`.
   */
  crashNode(name: string): void {
    this.node(name).crash();
  }

  /** Restarts a crashed node `name`: its host comes back and its engine rejoins from what it kept on disk. */
  restartNode(name: string): void {
    this.node(name).restart();
  }

  /**
   * Sets node `name`'s clock `skewUs` µs away from true time (positive: ahead),
   * replacing any earlier skew. What changes is what the node reads as the
   * time: whether a certificate is valid yet or still (its own and its peers'
   * in every TLS handshake), when it renews, and, on a leader, the NotBefore
   * and NotAfter it signs.
   */
  setClockSkew(name: string, skewUs: number): void {
    if (!Number.isSafeInteger(skewUs)) throw new RangeError(`"skewUs" expected a whole number of microseconds, got ${skewUs}`);
    this.node(name).clockSkewUs = skewUs;
    this.sim.trace.record("node.clock-skew", { skewUs }, name);
  }

  /**
   * The leader's services, as manager `services` knows the leader: itself, or
   * the manager its raft names as leader. Standing in for swarmkit's control
   * API proxy, which forwards a follower's API calls to the leader.
   */
  leaderOf(services: ManagerServices): ManagerServices | undefined {
    if (services.isLeader) return services;
    const leaderId = services.raft?.leaderId ?? 0;
    if (leaderId === 0) return undefined;
    for (const node of this.nodes.values()) {
      const manager = node.manager;
      if (manager?.raft?.raftId === leaderId && manager.isLeader && manager.store === services.store) return manager;
    }
    return undefined;
  }

  /** The protocol parameters every membership runs with. */
  memberOptions(): MemberOptions {
    return {
      rsaBits: this.rsaBits,
      ...(this.keyRotationUs === undefined ? {} : { keyRotationUs: this.keyRotationUs }),
      gossip: this.gossip,
      keyDelayUs: this.keyDelayUs,
      primaryKey: this.primaryKey,
      ...(this.replayWindow === undefined ? {} : { replayWindow: this.replayWindow }),
      ...(this.aead === undefined ? {} : { aead: this.aead }),
      ...(this.gossipTimings === undefined ? {} : { gossipTimings: this.gossipTimings }),
    };
  }

  /** Records every packet put on the underlay from now on, as pcap bytes handed to `write`. */
  capturePcap(write: (chunk: Uint8Array) => void): void {
    attachPcap(this.fabric, write);
  }

  /**
   * Key files for Wireshark, by file name: `tls-keylog.txt` (NSS key log of every
   * control-plane session) and `gossip-keys.txt` (every gossip key any node
   * held, oldest tag first, in the format of moby's memberlist dissector) and
   * `esp_sa` (every ESP SA that carried traffic, in Wireshark's UAT format).
   */
  keyFiles(): ReadonlyMap<string, string> {
    const gossipKeys = new Map<number, Uint8Array>();
    for (const node of this.nodes.values()) for (const key of node.gossipKeysSeen()) gossipKeys.set(key.lamportTime, key.key);
    const ordered = [...gossipKeys].sort((a, b) => a[0] - b[0]).map(([, key]) => key);
    return new Map([
      [keyLogFileName, this.keyLog.text()],
      [gossipKeyFileName, gossipKeyFileText(ordered)],
      [espSaFileName, espSaFile([...this.nodes.values()].flatMap((node) => node.espSasCarried()))],
    ]);
  }
}
