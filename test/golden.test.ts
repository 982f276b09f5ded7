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
        "events": 1169,
        "fingerprint": "b6f4b55f6279d413e5a756992230b7aa7502bee804033a40fe846f29a492c84c",
        "records": 80,
      }
    `);
  });
});
