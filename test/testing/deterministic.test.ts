import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/index.js";
import { arb, invariants } from "../../src/testing/index.js";
import { propertyRuns } from "../support/properties.js";

const scenario = loadScenario(readFileSync("scenarios/default.yaml", "utf8"), "scenarios/default.yaml");

describe("determinism", () => {
  it("the same scenario and seed give the same fingerprint, for any seed", () => {
    fc.assert(
      fc.property(arb.seed(), (seed) => invariants.deterministic(scenario, seed).ok),
      { seed: 21, numRuns: propertyRuns(10) },
    );
  });

  it("different seeds give different fingerprints", () => {
    const prints = new Set([1, 2, 3, 4].map((seed) => runScenario(scenario, { seed }).fingerprint));
    expect(prints.size).toBe(4);
  });
});
