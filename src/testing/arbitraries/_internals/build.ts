/**
 * Intents folded into a timeline: each resolved against the sketch as the
 * steps before it left the world, then, if asked, every fault lifted.
 */

import type { StepDescription } from "../../../api/index.js";
import { attackSteps } from "./attack-steps.js";
import { dockerSteps } from "./docker-steps.js";
import { faultSteps, healingSteps } from "./fault-steps.js";
import type { AttackIntent, DockerIntent, FaultIntent } from "./intents.js";
import type { ClusterShape } from "./shape.js";
import { Sketch } from "./sketch.js";

/** One drawn intent, of one of the three kinds. */
export type Intent = { readonly docker: DockerIntent } | { readonly fault: FaultIntent } | { readonly attack: AttackIntent };

/** How intents become steps. */
export interface BuildOptions {
  /** Never crash a majority of the managers (commands keep a leader to go to). */
  readonly keepQuorum: boolean;
  /** End with every fault lifted and a minute to converge (a liveness phase). */
  readonly heal: boolean;
}

/** The timeline `intents` resolve to on a cluster of `shape`. */
export function buildTimeline(shape: ClusterShape, intents: readonly Intent[], options: BuildOptions): StepDescription[] {
  const sketch = new Sketch(shape);
  const steps: StepDescription[] = [...prologue(sketch)];
  for (const intent of intents) {
    if ("docker" in intent) steps.push(...dockerSteps(sketch, intent.docker));
    else if ("fault" in intent) steps.push(...faultSteps(sketch, intent.fault, options.keepQuorum));
    else steps.push(...attackSteps(sketch, intent.attack));
  }
  if (options.heal) steps.push(...healingSteps(sketch));
  return steps;
}

/** With `bootstrap: manual`, the timeline starts the swarm: `docker swarm init` on the first manager. */
function prologue(sketch: Sketch): StepDescription[] {
  if (sketch.shape.bootstrap === "auto") return [];
  const first = sketch.nodes.find((n) => n.name === sketch.shape.firstManager)!;
  first.member = true;
  first.current = "manager";
  return [sketch.command("docker swarm init", first.name, { expect: { stdoutContains: ["is now a manager."] } })];
}
