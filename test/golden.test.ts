/**
 * The golden trace: the fingerprint of the reference scenario at its seed. It
 * changes only when a change alters what a run does or records; when it must
 * change, update it here in the same commit and say why in the message.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../src/index.js";

describe("golden trace", () => {
  it("pins the fingerprint of scenarios/default.yaml at seed 42", () => {
    const scenario = loadScenario(readFileSync("scenarios/default.yaml", "utf8"), "scenarios/default.yaml");
    const report = runScenario(scenario);
    expect(report.seed).toBe(42);
    expect({ events: report.events, records: report.traceRecords, fingerprint: report.fingerprint }).toMatchInlineSnapshot(`
      {
        "events": 1185,
        "fingerprint": "66de2de321d5316b6921ce400d4c6d6f7935d8033eb1033e56a9f1e3bd6844d8",
        "records": 83,
      }
    `);
  });
});
