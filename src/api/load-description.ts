/**
 * From plain data to a runnable scenario, through the file format itself:
 * whatever a description says is validated by the same reader as a file, with
 * the same messages, and the scenario it gives is the one `swarmsim run`
 * would run from the saved YAML.
 */

import { type Scenario, type Step, ScenarioError, loadScenario, parseScenario } from "../scenario/index.js";
import { describeCluster } from "./describe.js";
import type { ScenarioDescription, StepDescription } from "./description.js";
import { toYaml } from "./to-yaml.js";

/**
 * The scenario `description` describes, validated as a file would be;
 * throws a `ScenarioError` listing every problem (positions are in `toYaml(description)`).
 *
 * @example
 * ```ts
 * const scenario = loadDescription({ name: "demo", cluster: { managers: 1, workers: 2, rsaBits: 1024 }, steps: ["docker node ls"] });
 * runScenario(scenario).ok; // true
 * ```
 */
export function loadDescription(description: ScenarioDescription, file = `${description.name}.yaml`): Scenario {
  if (typeof description !== "object" || description === null) throw new TypeError(`"description" expected a scenario description object, got ${String(description)}`);
  return loadScenario(toYaml(description), file);
}

/**
 * One step of the scenario language, read against `scenario`'s cluster (its
 * node names are checked) as a step written at the end of its file would be.
 * `captured` are the variable names earlier steps captured, so `$NAME` may be used.
 */
export function readStep(scenario: Scenario, step: StepDescription, captured: Iterable<string> = []): Step {
  // The variables are declared by steps that capture them; they are read, never run.
  const declarations: StepDescription[] = [...captured].filter((name) => name !== "ROUND").map((name) => ({ run: "docker version", capture: name }));
  const text = toYaml({ name: "step", cluster: describeCluster(scenario.cluster), steps: [...declarations, step] });
  const parsed = parseScenario(text, "step");
  if (!parsed.ok) throw new ScenarioError(parsed.problems.map((p) => ({ ...p, file: "step", line: 0, column: 0, message: `${p.message} (in ${JSON.stringify(step)})` })));
  return parsed.scenario.steps[parsed.scenario.steps.length - 1]!;
}
