/**
 * The scenario a command runs: the file as read, with its `--set` overrides,
 * validated; and problems printed where they are, in the file or in a flag.
 */

import { type Override, ScenarioError, type Scenario, parseScenario, readScenarioText } from "../scenario/index.js";

/** A validated scenario and the text it came from (a sweep's workers parse the same text again). */
export interface ScenarioInput {
  readonly text: string;
  readonly scenario: Scenario;
}

/** Reads `path` and validates it with `overrides`; throws a `ScenarioError` listing every problem. */
export function readScenarioInput(path: string, overrides: readonly Override[]): ScenarioInput {
  const text = readScenarioText(path);
  const result = parseScenario(text, path, { overrides });
  if (!result.ok) throw new ScenarioError(result.problems);
  return { text, scenario: result.scenario };
}
