/**
 * Reading a scenario from disk (Node only; the rest of scenario/ works on text).
 */

import { readFileSync } from "node:fs";
import { ScenarioError } from "./errors.js";
import { loadScenario } from "./load.js";
import type { Scenario } from "./types.js";

/** A scenario file's text; a missing or unreadable file is a ScenarioError at 1:1. */
export function readScenarioText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new ScenarioError([{ file: path, line: 1, column: 1, message: `cannot read the scenario: ${reason}` }]);
  }
}

/** Reads and validates a scenario file; a missing or unreadable file is a ScenarioError at 1:1. */
export function loadScenarioFile(path: string): Scenario {
  return loadScenario(readScenarioText(path), path);
}
