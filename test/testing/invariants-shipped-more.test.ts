/**
 * The invariants over every shipped scenario that invariants-shipped.test.ts
 * does not run (see there for why the split): every invariant holds on each.
 * A scenario added to scenarios/ lands here without editing anything.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/index.js";
import { invariants, runForTesting } from "../../src/testing/index.js";

/**
 * Run by invariants-shipped.test.ts (keep in step with its `slowScenarios`), and
 * key-rotation.yaml: 36 h of six nodes, about two minutes, too slow for the suite.
 */
const runElsewhere = ["key-rotation.yaml", "leader-crash-rotation.yaml", "newest-key.yaml", "node-removal.yaml", "partition-rotations.yaml"];
const files = readdirSync("scenarios")
  .filter((f) => f.endsWith(".yaml") && !runElsewhere.includes(f))
  .sort();

const secrets = ["Welcome to nginx!", "GET / HTTP/1.1"];

/** Runs `file` and checks every invariant over it (determinism has its own test). */
function checkShippedScenario(file: string): void {
  const run = runForTesting(loadScenario(readFileSync(`scenarios/${file}`, "utf8"), `scenarios/${file}`));
  const verdicts = {
    noPlaintextLeak: invariants.noPlaintextLeak(run, secrets),
    mutualAuthOnly: invariants.mutualAuthOnly(run),
    keyringDiscipline: invariants.keyringDiscipline(run),
    noNonceReuse: invariants.noNonceReuse(run),
    rotationLossless: invariants.rotationLossless(run),
  };
  for (const [name, verdict] of Object.entries(verdicts)) expect(verdict.ok, `${file}: ${name}: ${JSON.stringify(verdict).slice(0, 2000)}`).toBe(true);
}

describe("the invariants over the other shipped scenarios", () => {
  it.each(files)("%s", (file) => checkShippedScenario(file));
});
