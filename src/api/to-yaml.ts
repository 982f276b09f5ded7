/**
 * A description written as a scenario file, in the style of the shipped ones:
 * short mappings on one line (`{wait: 30s}`), the cluster's nodes one per
 * line, a `repeat`'s steps and a `check`'s parts each on their own line.
 */

import { Document, type Node, isMap, isSeq } from "yaml";
import type { ScenarioDescription } from "./description.js";

/** How to write the file. */
export interface ToYamlOptions {
  /** Lines for a comment at the top (`# ...`): where the case came from, how to replay it. */
  readonly comment?: string;
}

/**
 * The YAML text of `description`, which `loadScenario` (and `swarmsim run`)
 * reads back to the same scenario.
 *
 * @example
 * ```ts
 * const text = toYaml({ name: "demo", cluster: { managers: 1, workers: 2 }, steps: ["docker node ls", { wait: "30s" }] });
 * // name: demo
 * // cluster: {managers: 1, workers: 2}
 * // steps:
 * //   - docker node ls
 * //   - {wait: 30s}
 * const scenario = loadScenario(text, "demo.yaml");
 * ```
 */
export function toYaml(description: ScenarioDescription, options: ToYamlOptions = {}): string {
  const doc = new Document(description);
  if (options.comment !== undefined) doc.commentBefore = options.comment.split("\n").map((line) => ` ${line}`.trimEnd()).join("\n");
  const top = doc.contents;
  if (isMap(top)) {
    const cluster = top.get("cluster", true);
    if (isMap(cluster)) cluster.flow = !cluster.has("nodes") && !cluster.has("gossipTimings");
    const nodes = isMap(cluster) ? cluster.get("nodes", true) : undefined;
    if (isSeq(nodes)) for (const n of nodes.items) flow(n as Node);
    const underlay = top.get("underlay", true);
    if (isMap(underlay)) {
      underlay.flow = !underlay.has("links");
      const links = underlay.get("links", true);
      if (isSeq(links)) for (const link of links.items) flow(link as Node);
    }
    styleSteps(top.get("steps", true) as Node | undefined);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** One line per step; a repeat's and a check's insides spread over lines. */
function styleSteps(steps: Node | undefined): void {
  if (!isSeq(steps)) return;
  for (const step of steps.items) {
    if (!isMap(step)) continue;
    if (step.has("repeat")) styleSteps(step.get("steps", true) as Node | undefined);
    else if (step.has("check")) {
      const body = step.get("check", true);
      if (isMap(body)) for (const pair of body.items) flow(pair.value as Node);
    } else flow(step);
  }
}

function flow(node: Node | null | undefined): void {
  if (isMap(node) || isSeq(node)) node.flow = true;
}
