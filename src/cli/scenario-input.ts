/**
 * The scenario a command runs: the file as read, with its `--set` overrides,
 * validated; and problems printed where they are, in the file or in a flag.
 */

import { readFileSync } from "node:fs";
import { ScenarioError, type Scenario, parseScenario } from "../scenario/index.js";
import type { Override } from "../scenario/overrides.js";

/** A validated scenario and the text it came from (a sweep's workers parse the same text again). */
export interface ScenarioInput {
  readonly text: string;
  readonly scenario: Scenario;
}

/** Reads `path` and validates it with `overrides`; throws a `ScenarioError` listing every problem. */
export function readScenarioInput(path: string, overrides: readonly Override[]): ScenarioInput {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new ScenarioError([{ file: path, line: 1, column: 1, message: `cannot read the scenario: ${reason}` }]);
  }
  const result = parseScenario(text, path, { overrides });
  if (!result.ok) throw new ScenarioError(result.problems);
  return { text, scenario: result.scenario };
}
