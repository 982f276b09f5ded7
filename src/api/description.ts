/**
 * A scenario as plain data: the YAML of docs/scenario-format.md, key for key,
 * as a JavaScript object. `toYaml` writes one, `loadScenario` reads the YAML
 * back, and `describeScenario` turns a loaded scenario into one again.
 *
 * Keys keep the file's spelling (`"exit-code"`, `"one-way"`, `"bit-flip"`),
 * durations are Go-style text (`"30s"`, `"12h"`), losses are percentages
 * (`"0.5%"`): what a person would type, so a generated case reads like a
 * hand-written one once saved.
 */

import type { AeadBackend } from "../crypto/index.js";

/** A duration as the file writes it: `"250ms"`, `"1h30m"`, `"-2h"` (a clock skew). */
export type DurationText = string;

/** A share of packets as the file writes it: `"0.5%"`. */
export type LossText = string;

/** A latency: fixed (`"1ms"`), uniform between two bounds, or exponential with a mean. */
export type LatencyDescription = DurationText | { readonly uniform: readonly [DurationText, DurationText] } | { readonly exponential: DurationText };

/** A count in a `check`: exactly `3`, a comparison `">= 3"`, or bounds `{min, max}`. */
export type CountDescription = number | string | { readonly min?: number; readonly max?: number };

/** One node or several: a single name is written as a string. */
export type NodeNames = string | readonly string[];

/** One string or several: a single one is written as a string. */
export type Strings = string | readonly string[];

/** A machine of `cluster.nodes`. */
export interface ClusterNodeDescription {
  readonly name: string;
  readonly role: "manager" | "worker";
  /** Left out for Linux. */
  readonly os?: "linux" | "windows";
  readonly availability?: "active" | "pause" | "drain";
  /** `false`: automatic bootstrap leaves the machine outside the swarm. */
  readonly join?: boolean;
}

/** The `cluster` key: counts (`managers`, `workers`) or a `nodes` list, and protocol parameters. */
export interface ClusterDescription {
  readonly managers?: number;
  readonly workers?: number;
  readonly nodes?: readonly ClusterNodeDescription[];
  readonly bootstrap?: "auto" | "manual";
  readonly rsaBits?: number;
  readonly keyRotation?: DurationText;
  readonly gossip?: boolean;
  readonly keyDelay?: DurationText;
  readonly primaryKey?: "middle" | "newest";
  readonly runErrors?: "legacy" | "current";
  readonly certExpiry?: DurationText;
  readonly replayWindow?: number;
  readonly aead?: AeadBackend;
  /** Timer names without their unit (`probeInterval: "2s"`, `suspicionMult: 6`). */
  readonly gossipTimings?: Readonly<Record<string, DurationText | number>>;
}

/** A link of `underlay.links`: every pair between `from` and `to`, both ways unless `one-way`. */
export interface LinkDescription {
  readonly from: NodeNames;
  readonly to: NodeNames;
  readonly latency?: LatencyDescription;
  readonly loss?: LossText;
  readonly "one-way"?: boolean;
}

/** The `underlay` key. */
export interface UnderlayDescription {
  readonly latency?: LatencyDescription;
  readonly loss?: LossText;
  readonly links?: readonly LinkDescription[];
}

/** A command step's `expect`. */
export interface ExpectDescription {
  readonly "exit-code"?: number;
  readonly "stdout-contains"?: Strings;
  readonly "stdout-matches"?: Strings;
  readonly "stdout-excludes"?: Strings;
  readonly "stderr-contains"?: Strings;
}

/** `{run: "docker …", on, expect, capture}`; a bare string is the same on the first manager. */
export interface RunStepDescription {
  readonly run: string;
  readonly on?: string;
  readonly expect?: ExpectDescription;
  readonly capture?: string;
}

/** What a `check` step expects of one node. */
export interface NodeCheckDescription {
  readonly status?: "ready" | "down" | "outside";
  readonly role?: "manager" | "worker";
  readonly leader?: boolean;
  readonly keys?: CountDescription;
  readonly primary?: "middle" | "newest" | "oldest";
  readonly "keys-like"?: string;
}

/** The body of a `check` step. */
export interface CheckDescription {
  readonly rotations?: CountDescription;
  readonly "handshakes-refused"?: CountDescription;
  readonly drops?: Readonly<Record<string, CountDescription>>;
  readonly records?: Readonly<Record<string, CountDescription>>;
  /** The node that leads, or a list of the nodes one of which leads. */
  readonly leader?: string | readonly string[];
  readonly nodes?: Readonly<Record<string, NodeCheckDescription>>;
  readonly "no-plaintext"?: Strings | { readonly strings?: Strings; readonly paths?: readonly string[]; readonly keys?: boolean };
  readonly exposure?: { readonly readable?: CountDescription; readonly "after-leak"?: CountDescription; readonly "window-min"?: DurationText; readonly "window-max"?: DurationText };
}

/** Which captured packets an attack re-sends. */
export interface AttackSelectionDescription {
  readonly to: string;
  readonly path: "esp" | "gossip" | "control" | "vxlan" | "other";
  readonly from?: string;
  readonly transport?: "udp" | "tcp" | "esp";
  readonly last?: number;
}

/** A fault step: one key naming the fault. */
export type FaultStepDescription =
  | { readonly crash: string }
  | { readonly restart: string }
  | { readonly isolate: string }
  | { readonly partition: readonly (readonly string[])[] }
  | { readonly block: { readonly from: NodeNames; readonly to: NodeNames } }
  | { readonly heal: "all" }
  | { readonly link: { readonly from: string; readonly to: string; readonly latency?: LatencyDescription; readonly loss?: LossText; readonly reset?: true; readonly "one-way"?: boolean } }
  | { readonly "control-plane": { readonly node: string; readonly delay?: DurationText; readonly loss?: LossText; readonly drop?: true; readonly clear?: true } }
  | { readonly clock: { readonly node: string; readonly skew: DurationText } };

/** An attack step: one key naming the attack. */
export type AttackStepDescription =
  | { readonly replay: AttackSelectionDescription }
  | { readonly "bit-flip": AttackSelectionDescription & { readonly region?: "ip-payload" | "transport-payload" } }
  | { readonly "leak-key": { readonly node: string; readonly subsystem: "gossip" | "ipsec"; readonly key?: number } };

/** One step of the timeline, as the file writes it. */
export type StepDescription =
  | string
  | RunStepDescription
  | { readonly wait: DurationText }
  | { readonly at: DurationText }
  | { readonly show: "keyrings" | "gossip" | "wire"; readonly search?: Strings; readonly expect?: ExpectDescription }
  | { readonly check: CheckDescription }
  | { readonly repeat: number; readonly every?: DurationText; readonly steps: readonly StepDescription[] }
  | FaultStepDescription
  | AttackStepDescription;

/**
 * A whole scenario file as plain data.
 *
 * @example
 * ```ts
 * const description: ScenarioDescription = {
 *   name: "demo",
 *   cluster: { managers: 3, workers: 2, rsaBits: 1024, keyRotation: "10m" },
 *   underlay: { latency: { uniform: ["1ms", "5ms"] }, loss: "0.1%" },
 *   steps: ["docker node ls", { wait: "11m" }, { crash: "manager-1" }, { check: { rotations: ">= 1" } }],
 * };
 * runScenario(loadDescription(description)).ok;
 * ```
 */
export interface ScenarioDescription {
  readonly name: string;
  readonly description?: string;
  readonly seed?: number;
  readonly cluster: ClusterDescription;
  readonly underlay?: UnderlayDescription;
  readonly steps: readonly StepDescription[];
}
