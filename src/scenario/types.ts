/**
 * A scenario, validated and typed: what `loadScenario` returns and the runner runs.
 */

import type { Duration } from "../sim/index.js";
import type { SourcePos } from "./errors.js";

export type { NodeRole, NodeOs, NodeSpec, ClusterSpec, BootstrapMode, LatencySpec, UnderlaySpec } from "../swarm/index.js";
import type { ClusterSpec, UnderlaySpec } from "../swarm/index.js";

/** What a command step must show. Absent keys are not checked, but `exitCode` defaults to 0. */
export interface Expectation {
  readonly stdoutContains: readonly string[];
  readonly stdoutMatches: readonly RegExp[];
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

/** One step of the timeline. */
export type Step = DockerStep | WaitStep;

/** A validated scenario. */
export interface Scenario {
  /** The file it came from (as given), for messages. */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  readonly seed: number;
  readonly cluster: ClusterSpec;
  readonly underlay: UnderlaySpec;
  readonly steps: readonly Step[];
}
