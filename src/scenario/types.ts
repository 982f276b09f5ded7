/**
 * A scenario, validated and typed: what `loadScenario` returns and the runner runs.
 */

import type { WirePath } from "../net/index.js";
import type { Duration, Instant } from "../sim/index.js";
import type { SourcePos } from "./errors.js";

export type { NodeRole, NodeOs, NodeSpec, ClusterSpec, BootstrapMode, LatencySpec, UnderlaySpec } from "../swarm/index.js";
import type { ClusterSpec, LatencySpec, UnderlaySpec } from "../swarm/index.js";

/** What a command step must show. Absent keys are not checked, but `exitCode` defaults to 0. */
export interface Expectation {
  readonly stdoutContains: readonly string[];
  readonly stdoutMatches: readonly RegExp[];
  /** Text stdout must not contain (`stdout-excludes`). */
  readonly stdoutExcludes: readonly string[];
  readonly stderrContains: readonly string[];
  readonly exitCode: number;
  readonly where: SourcePos;
}

/** A docker command run on a node. */
export interface DockerStep {
  readonly kind: "docker";
  /** The command as written. */
  readonly command: string;
  /** The command split into words as a shell would, `docker` first. */
  readonly argv: readonly string[];
  /** The node it runs on. */
  readonly on: string;
  readonly expect: Expectation;
  /** Stores the command's stdout (trimmed) under this name, for `$NAME` in later commands. */
  readonly capture?: string;
  /** Whether the command refers to captured variables (then it is split after expansion, at run time). */
  readonly usesVariables: boolean;
  readonly where: SourcePos;
}

/** Let simulated time pass. */
export interface WaitStep {
  readonly kind: "wait";
  readonly duration: Duration;
  readonly where: SourcePos;
}

/** A change to one link: its latency or loss (unset fields keep their value), or back to the underlay's. */
export type LinkChange = { readonly latency?: LatencySpec; readonly lossPpm?: number } | "reset";

/**
 * A change to a node's control-plane traffic (TCP 2377 packets it sends or
 * receives, both directions of each connection): extra delay and/or loss
 * (1 000 000 ppm drops all), or no rule.
 */
export type ControlPlaneChange = { readonly delay?: Duration; readonly lossPpm?: number } | "clear";

/** Something that goes wrong (or right again), named by a scenario step. Node names are the cluster's. */
export type Fault =
  /** The node loses power: `Cluster.crashNode`. */
  | { readonly kind: "crash"; readonly node: string }
  /** The node comes back: `Cluster.restartNode`. */
  | { readonly kind: "restart"; readonly node: string }
  /** Groups that cannot reach each other, both ways; nodes named in no group form one more group. */
  | { readonly kind: "partition"; readonly groups: readonly (readonly string[])[] }
  /** The node is cut off from every other, both ways. */
  | { readonly kind: "isolate"; readonly node: string }
  /** Packets from every node in `from` to every node in `to` are lost; the other way delivers. */
  | { readonly kind: "block"; readonly from: readonly string[]; readonly to: readonly string[] }
  /** Every partition, isolation and block is lifted (links and control-plane rules stay). */
  | { readonly kind: "heal" }
  /** The link between two nodes changes, both ways unless `oneWay` (then `from`→`to` only). */
  | { readonly kind: "link"; readonly from: string; readonly to: string; readonly oneWay: boolean; readonly change: LinkChange }
  /** The node's control-plane traffic is delayed or lost, replacing any earlier such rule of the node. */
  | { readonly kind: "control-plane"; readonly node: string; readonly change: ControlPlaneChange }
  /** The node's clock is set `skewUs` µs from true time (positive: ahead), replacing any earlier skew. */
  | { readonly kind: "clock"; readonly node: string; readonly skewUs: number };

/** Puts a fault on the cluster at the current instant; it takes no simulated time. */
export interface FaultStep {
  readonly kind: "fault";
  readonly fault: Fault;
  readonly where: SourcePos;
}

/** One step of the timeline. */
/**
 * Prints what the simulator sees and docker does not show: `show: keyrings`,
 * every node's network keys; `show: gossip`, every node's gossip members,
 * frames and drops. An `expect` checks the printed table as a command's output.
 */
export interface ShowStep {
  readonly kind: "show";
  readonly what: "keyrings" | "gossip" | "wire";
  /** For `show: wire`: strings to look for in clear in every packet on the wire. */
  readonly search?: readonly string[];
  readonly expect?: Expectation;
  readonly where: SourcePos;
}

/** Let simulated time pass until an instant of the run (`at: 12h`: twelve hours after it began). */
export interface AtStep {
  readonly kind: "at";
  readonly instant: Instant;
  readonly where: SourcePos;
}

/** A bound on a count: from `min` to `max` inclusive (`max` may be Infinity); `text` as written (`>= 3`). */
export interface CountBound {
  readonly min: number;
  readonly max: number;
  readonly text: string;
}

/** What a `check` step expects of one node. Absent fields are not checked. */
export interface NodeStateCheck {
  readonly node: string;
  /** `ready`: up and in a swarm; `down`: crashed; `outside`: up and in no swarm. */
  readonly status?: "ready" | "down" | "outside";
  /** The role its certificate gives it. */
  readonly role?: "manager" | "worker";
  /** Whether it is the leader. */
  readonly leader?: boolean;
  /** How many network keys it holds, per subsystem (gossip and IPsec alike). */
  readonly keys?: CountBound;
  /** Which of its keys is the primary, in both subsystems. */
  readonly primary?: "middle" | "newest" | "oldest";
  /** It holds the same key tags as this node. */
  readonly keysLike?: string;
}

/** What a `check` step expects of the cluster and of the run's counts so far. */
export interface ClusterCheck {
  /** Key rotations the leaders made (`keymanager.rotate` records). */
  readonly rotations?: CountBound;
  /** TLS handshakes an end refused (each counted once, by the end that refused it). */
  readonly handshakesRefused?: CountBound;
  /** Drops by reason: `overlay.replay`, `gossip.no-key`, `net.partition`, or a bare reason summed over the three. */
  readonly drops: ReadonlyArray<readonly [string, CountBound]>;
  /** Trace records by kind (`cert.renewed`, `ca.refuse`, ...). */
  readonly records: ReadonlyArray<readonly [string, CountBound]>;
  /** The node that leads now: one of these (a list when which manager wins an election depends on the seed). */
  readonly leader?: readonly string[];
  readonly nodes: readonly NodeStateCheck[];
  readonly noPlaintext?: PlaintextCheck;
  readonly exposure?: ExposureCheck;
}

/** Checks the cluster's state and the run's counts at this instant; takes no simulated time. */
export interface CheckStep {
  readonly kind: "check";
  readonly check: ClusterCheck;
  readonly where: SourcePos;
}

/** Runs `steps` `times` times, `$ROUND` in their commands the round's number (from 1), with a wait of `every` after each round. */
export interface RepeatStep {
  readonly kind: "repeat";
  readonly times: number;
  readonly steps: readonly Step[];
  readonly every?: Duration;
  readonly where: SourcePos;
}

/** Which captured packets an attack re-sends: `path` ones sent to `to` (and by `from`), the last `last` of them. */
export interface AttackSelection {
  readonly path: WirePath;
  readonly to: string;
  readonly from?: string;
  readonly transport?: "udp" | "tcp" | "esp";
  readonly last?: number;
}

/** Something the attacker on the underlay does (src/adversary), named by a scenario step. */
export type Attack =
  /** Re-sends captured packets as they were captured. */
  | { readonly kind: "replay"; readonly select: AttackSelection }
  /** Re-sends captured packets with one bit flipped past the IPv4 header (`transport-payload`: past UDP/TCP, checksum fixed). */
  | { readonly kind: "bit-flip"; readonly select: AttackSelection; readonly region: "ip-payload" | "transport-payload" }
  /** Takes a network key from a live node's memory: its primary or the key with `tag`. */
  | { readonly kind: "leak-key"; readonly node: string; readonly subsystem: "gossip" | "ipsec"; readonly which: "primary" | number };

/** An attack, acting at the current instant; it takes no simulated time. */
export interface AttackStep {
  readonly kind: "attack";
  readonly attack: Attack;
  readonly where: SourcePos;
}

/** What a `check` step expects of the eavesdropper's capture: none of `secrets` in clear on `paths`. */
export interface PlaintextCheck {
  readonly secrets: readonly string[];
  readonly paths: readonly WirePath[];
  /** Also every network key any node held (gossip and IPsec), as raw bytes. */
  readonly keys: boolean;
}

/** What a `check` step expects of the last leaked key: what it opens in the capture and over how long. */
export interface ExposureCheck {
  /** Captured packets it makes readable. */
  readonly readable?: CountBound;
  /** Readable packets captured after it leaked (traffic still sent under it). */
  readonly afterLeak?: CountBound;
  /** Bounds on the window from the first readable packet to the last, in µs. */
  readonly windowMin?: Duration;
  readonly windowMax?: Duration;
}

export type Step = DockerStep | WaitStep | AtStep | FaultStep | ShowStep | CheckStep | RepeatStep | AttackStep;

/** Links between every node of `from` and every node of `to` that differ from the underlay (`underlay.links`). */
export interface UnderlayLink {
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** Only `from`→`to` (default: both ways). */
  readonly oneWay: boolean;
  readonly latency?: LatencySpec;
  readonly lossPpm?: number;
}

/** A validated scenario. */
export interface Scenario {
  /** The file it came from (as given), for messages. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly seed: number;
  readonly cluster: ClusterSpec;
  readonly underlay: UnderlaySpec;
  /** Links that differ from the underlay's default from the start (`underlay.links`), in the order written. */
  readonly links?: readonly UnderlayLink[];
  readonly steps: readonly Step[];
}
