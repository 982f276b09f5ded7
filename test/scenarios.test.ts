/**
 * Every scenario shipped in scenarios/ runs green: they are documentation that
 * must not rot. The files are split between this test file and
 * scenarios-more.test.ts (see test/support/scenarios.ts), so vitest runs the
 * two halves on different workers.
 */
import { describe, expect, it } from "vitest";
import { describeScenarioGroup, scenarioGroupCount, scenarioGroups, shippedScenarios } from "./support/scenarios.js";

describe("the split of the shipped scenarios", () => {
  it("puts every file in exactly one group, each group non-empty", () => {
    const groups = scenarioGroups();
    expect(groups).toHaveLength(scenarioGroupCount);
    expect(groups.flat().sort()).toEqual(shippedScenarios());
    for (const g of groups) expect(g.length).toBeGreaterThan(0);
  });
});

describeScenarioGroup(0);
