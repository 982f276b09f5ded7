/**
 * The shipped scenarios as test cases, split into groups that vitest runs as
 * separate test files, so on two workers the long ones do not queue behind
 * each other. Each group is one `describe` of its files, run in order.
 *
 * The split is by measured cost: the slow files are listed with what one run
 * takes (wall seconds on one core, from `node dist/cli/main.js run`); any
 * other file counts as `otherSeconds`. Files go to the group with the least
 * load, longest first, so a new file lands in a group without editing
 * anything, and every file is in exactly one group.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatReport, loadScenario, runScenario } from "../../src/index.js";

export const scenariosDir = join(import.meta.dirname, "..", "..", "scenarios");

/** How many test files share the scenarios (test/scenarios.test.ts is group 0, test/scenarios-more.test.ts group 1). */
export const scenarioGroupCount = 2;

/** Measured wall seconds of the slow scenarios; a file not listed counts as `otherSeconds`. */
const measuredSeconds: Readonly<Record<string, number>> = {
  "key-rotation.yaml": 120,
  "newest-key.yaml": 12,
  "node-removal.yaml": 10,
  "leader-crash-rotation.yaml": 9,
  "middle-key.yaml": 7,
  "leaked-key.yaml": 5,
  "partition-rotations.yaml": 4,
  "ipsec-rotation.yaml": 3,
};
const otherSeconds = 1.5;

/** Every scenario file shipped, sorted. */
export function shippedScenarios(): string[] {
  return readdirSync(scenariosDir).filter((f) => f.endsWith(".yaml")).sort();
}

/** The files of each group: longest first into the least loaded group (ties: the lower group). */
export function scenarioGroups(files: readonly string[] = shippedScenarios(), count = scenarioGroupCount): string[][] {
  const cost = (f: string) => measuredSeconds[f] ?? otherSeconds;
  const groups = Array.from({ length: count }, () => ({ files: [] as string[], load: 0 }));
  const byCost = [...files].sort((a, b) => cost(b) - cost(a) || a.localeCompare(b));
  for (const file of byCost) {
    const target = groups.reduce((best, g) => (g.load < best.load ? g : best));
    target.files.push(file);
    target.load += cost(file);
  }
  return groups.map((g) => g.files.sort());
}

/** Runs one shipped scenario (with its own seed unless told) and expects every expectation met (the report is the failure message). */
export function runShippedScenario(file: string, seed?: number): void {
  const path = join(scenariosDir, file);
  const report = runScenario(loadScenario(readFileSync(path, "utf8"), `scenarios/${file}`), seed === undefined ? {} : { seed });
  expect(report.ok, formatReport(report, true)).toBe(true);
}

/** A describe block running group `group`'s scenarios, one test each. */
export function describeScenarioGroup(group: number): void {
  const files = scenarioGroups()[group] ?? [];
  describe(`shipped scenarios, group ${group + 1} of ${scenarioGroupCount}`, () => {
    // key-rotation.yaml runs 36 simulated hours of gossip: about two minutes alone, more beside other test files.
    it.each(files)("%s runs with every expectation met", (file) => runShippedScenario(file), 400_000);
  });
}
