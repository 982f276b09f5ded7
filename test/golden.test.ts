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
        "fingerprint": "84fe5ae6dc718732cfdaea5b2d73bb031274752d0d5e45191b0645d1d9dcdc7b",
        "records": 125,
      }
    `);
  });
});
