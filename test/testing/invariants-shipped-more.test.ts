/**
 * The invariants over every shipped scenario that invariants-shipped.test.ts
 * does not run (see there for why the split): every invariant holds on each.
 * A scenario added to scenarios/ lands here without editing anything.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { notRun, shippedVerdicts, slowScenarios } from "./shipped-support.js";

const files = readdirSync("scenarios")
  .filter((f) => f.endsWith(".yaml") && !slowScenarios.includes(f) && !notRun.includes(f))
  .sort();

/** Every invariant holds on `file`. */
function checkShippedScenario(file: string): void {
  for (const [name, verdict] of Object.entries(shippedVerdicts(file))) expect(verdict.ok, `${file}: ${name}: ${JSON.stringify(verdict).slice(0, 2000)}`).toBe(true);
}

describe("the invariants over the other shipped scenarios", () => {
  it.each(files)("%s", (file) => checkShippedScenario(file));
});
