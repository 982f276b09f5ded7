/**
 * A loaded scenario back to plain data: `describeScenario(loadScenario(text))`
 * is the description `text` was written from, in canonical form, so that
 * `toYaml` of it loads to the same steps. A scenario changed in code (built,
 * or loaded and edited) can be saved this way too.
 */

import { formatDuration } from "../sim/index.js";
import { type ClusterSpec, type Scenario, type UnderlayLink, type UnderlaySpec, defaultUnderlay } from "../scenario/index.js";
import { clusterNodes, latencyText, lossText, nodeNames } from "./canonical.js";
import type { ClusterDescription, LinkDescription, ScenarioDescription, UnderlayDescription } from "./description.js";
import { describeSteps } from "./describe-steps.js";

/**
 * The description of `scenario`: what `toYaml` writes and `loadScenario` reads back.
 *
 * @example
 * ```ts
 * const scenario = loadScenario(text, "demo.yaml");
 * const again = loadScenario(toYaml(describeScenario(scenario)), "again.yaml");
 * // again.steps are scenario.steps, positions aside
 * ```
 */
export function describeScenario(scenario: Scenario): ScenarioDescription {
  const underlay = describeUnderlay(scenario.underlay, scenario.links ?? []);
  const firstManager = scenario.cluster.nodes.find((n) => n.role === "manager")?.name ?? "manager-1";
  return {
    name: scenario.name,
    ...(scenario.description === undefined ? {} : { description: scenario.description }),
    seed: scenario.seed,
    cluster: describeCluster(scenario.cluster),
    ...(underlay === undefined ? {} : { underlay }),
    steps: describeSteps(scenario.steps, firstManager),
  };
}

/** The `cluster` mapping of a cluster spec. */
export function describeCluster(cluster: ClusterSpec): ClusterDescription {
  const timings = cluster.gossipTimings === undefined ? undefined : describeTimings(cluster.gossipTimings);
  return {
    ...clusterNodes(cluster.nodes),
    ...(cluster.bootstrap === "manual" ? { bootstrap: "manual" as const } : {}),
    ...(cluster.rsaBits === undefined ? {} : { rsaBits: cluster.rsaBits }),
    ...(cluster.keyRotation === undefined ? {} : { keyRotation: formatDuration(cluster.keyRotation) }),
    ...(cluster.gossip === undefined ? {} : { gossip: cluster.gossip }),
    ...(cluster.keyDelay === undefined ? {} : { keyDelay: formatDuration(cluster.keyDelay) }),
    ...(cluster.primaryKey === undefined ? {} : { primaryKey: cluster.primaryKey }),
    ...(cluster.runErrors === undefined ? {} : { runErrors: cluster.runErrors }),
    ...(cluster.certExpiry === undefined ? {} : { certExpiry: formatDuration(cluster.certExpiry) }),
    ...(cluster.replayWindow === undefined ? {} : { replayWindow: cluster.replayWindow }),
    ...(cluster.aead === undefined ? {} : { aead: cluster.aead }),
    ...(timings === undefined ? {} : { gossipTimings: timings }),
  };
}

/** `gossipTimings` as the file names them: `probeIntervalUs` is `probeInterval`, a duration. */
function describeTimings(timings: Readonly<Record<string, number | undefined>>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [field, value] of Object.entries(timings)) {
    if (value === undefined) continue;
    if (field.endsWith("Us")) out[field.slice(0, -2)] = formatDuration(value);
    else out[field] = value;
  }
  return out;
}

/** The `underlay` mapping, or undefined when it is the default (1 ms, no loss, no links). */
export function describeUnderlay(underlay: UnderlaySpec, links: readonly UnderlayLink[]): UnderlayDescription | undefined {
  const base = defaultUnderlay().latency;
  const defaultLatency = underlay.latency.kind === "fixed" && base.kind === "fixed" && underlay.latency.latency === base.latency;
  const out: UnderlayDescription = {
    ...(defaultLatency ? {} : { latency: latencyText(underlay.latency) }),
    ...(underlay.lossPpm === 0 ? {} : { loss: lossText(underlay.lossPpm) }),
    ...(links.length === 0 ? {} : { links: links.map(describeLink) }),
  };
  return Object.keys(out).length === 0 ? undefined : out;
}

function describeLink(link: UnderlayLink): LinkDescription {
  return {
    from: nodeNames(link.from),
    to: nodeNames(link.to),
    ...(link.latency === undefined ? {} : { latency: latencyText(link.latency) }),
    ...(link.lossPpm === undefined ? {} : { loss: lossText(link.lossPpm) }),
    ...(link.oneWay ? { "one-way": true } : {}),
  };
}
