/**
 * The one way each value is written in a description, so that describing a
 * loaded scenario gives back the very object it was written from: what the
 * YAML round trip of generated scenarios relies on. Both `describeScenario`
 * and the arbitraries of `swarmsim/testing` build their objects here.
 */

import { formatDuration } from "../sim/index.js";
import type { LatencySpec, NodeSpec } from "../scenario/index.js";
import type { ClusterDescription, ClusterNodeDescription, ExpectDescription, LatencyDescription, LossText, NodeNames, StepDescription, Strings } from "./description.js";

/** Parts per million as the file writes a loss: 5000 → `"0.5%"`. */
export function lossText(ppm: number): LossText {
  if (!Number.isSafeInteger(ppm) || ppm < 0 || ppm > 1_000_000) throw new RangeError(`"ppm" expected a whole number from 0 to 1000000, got ${ppm}`);
  return `${ppm / 10_000}%`;
}

/** A latency model as the file writes it: a duration, `{uniform: [MIN, MAX]}` or `{exponential: MEAN}`. */
export function latencyText(latency: LatencySpec): LatencyDescription {
  switch (latency.kind) {
    case "fixed":
      return formatDuration(latency.latency);
    case "uniform":
      return { uniform: [formatDuration(latency.min), formatDuration(latency.max)] };
    case "exponential":
      return { exponential: formatDuration(latency.mean) };
  }
}

/** One name as a string, several as a list. */
export function nodeNames(names: readonly string[]): NodeNames {
  return names.length === 1 ? names[0]! : [...names];
}

/** One string as a string, several as a list. */
export function strings(values: readonly string[]): Strings {
  return values.length === 1 ? values[0]! : [...values];
}

/**
 * A cluster's machines: the `managers`/`workers` counts when the nodes are
 * exactly what counts expand to (`manager-1…`, then `worker-1…`, all Linux,
 * nothing else said), otherwise the `nodes` list.
 */
export function clusterNodes(nodes: readonly NodeSpec[]): Pick<ClusterDescription, "managers" | "workers" | "nodes"> {
  const managers = nodes.filter((n) => n.role === "manager").length;
  const workers = nodes.length - managers;
  const counted = nodes.every(
    (n, i) =>
      n.os === "linux" && n.availability === undefined && n.join === undefined && n.name === (i < managers ? `manager-${i + 1}` : `worker-${i - managers + 1}`) && n.role === (i < managers ? "manager" : "worker"),
  );
  if (counted && managers > 0) return workers === 0 ? { managers } : { managers, workers };
  return { nodes: nodes.map(clusterNode) };
}

function clusterNode(node: NodeSpec): ClusterNodeDescription {
  return {
    name: node.name,
    role: node.role,
    ...(node.os === "windows" ? { os: "windows" as const } : {}),
    ...(node.availability === undefined ? {} : { availability: node.availability }),
    ...(node.join === undefined ? {} : { join: node.join }),
  };
}

/** What a command step expects, as written: only what differs from "exit status 0". */
export interface ExpectedOutput {
  readonly exitCode?: number;
  readonly stdoutContains?: readonly string[];
  readonly stdoutMatches?: readonly string[];
  readonly stdoutExcludes?: readonly string[];
  readonly stderrContains?: readonly string[];
}

/** An `expect` mapping, or undefined when it would say nothing beyond exit status 0. */
export function expectText(expected: ExpectedOutput): ExpectDescription | undefined {
  const list = (key: keyof ExpectDescription, values: readonly string[] | undefined) => (values === undefined || values.length === 0 ? {} : { [key]: strings(values) });
  const out: ExpectDescription = {
    ...(expected.exitCode === undefined || expected.exitCode === 0 ? {} : { "exit-code": expected.exitCode }),
    ...list("stdout-contains", expected.stdoutContains),
    ...list("stdout-matches", expected.stdoutMatches),
    ...list("stdout-excludes", expected.stdoutExcludes),
    ...list("stderr-contains", expected.stderrContains),
  };
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * A command step: a bare string when it runs on the first manager, expects
 * exit status 0 and captures nothing; `{run, on, expect, capture}` otherwise,
 * with `on` left out for the first manager.
 */
export function commandStep(run: string, options: { readonly on: string; readonly firstManager: string; readonly expect?: ExpectedOutput; readonly capture?: string }): StepDescription {
  const expect = options.expect === undefined ? undefined : expectText(options.expect);
  if (options.on === options.firstManager && expect === undefined && options.capture === undefined) return run;
  return {
    run,
    ...(options.on === options.firstManager ? {} : { on: options.on }),
    ...(expect === undefined ? {} : { expect }),
    ...(options.capture === undefined ? {} : { capture: options.capture }),
  };
}
