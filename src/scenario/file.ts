/**
 * Reading a scenario from disk (Node only; the rest of scenario/ works on text).
 */

import type * as NodeFs from "node:fs";
import { ScenarioError } from "./errors.js";
import { loadScenario } from "./load.js";
import type { Scenario } from "./types.js";

type BuiltinLoader = { process?: { getBuiltinModule?: (id: string) => unknown } };

/** node:fs through `process.getBuiltinModule`, so a browser bundle of the library needs no alias (there, files cannot be read). */
function loadFs(): typeof NodeFs {
  const fs = (globalThis as BuiltinLoader).process?.getBuiltinModule?.("node:fs");
  if (fs === undefined) throw new Error("reading scenario files needs node:fs (Node 20.16 or later); elsewhere use loadScenario(text, name)");
  return fs as typeof NodeFs;
}

/** A scenario file's text; a missing or unreadable file is a ScenarioError at 1:1. */
export function readScenarioText(path: string): string {
  const fs = loadFs();
  try {
    return fs.readFileSync(path, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new ScenarioError([{ file: path, line: 1, column: 1, message: `cannot read the scenario: ${reason}` }]);
  }
}

/** Reads and validates a scenario file; a missing or unreadable file is a ScenarioError at 1:1. */
export function loadScenarioFile(path: string): Scenario {
  return loadScenario(readScenarioText(path), path);
}
