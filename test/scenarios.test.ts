/**
 * Every scenario shipped in scenarios/ runs green: they are documentation that
 * must not rot.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatReport, loadScenario, runScenario } from "../src/index.js";

const files = readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).sort();

describe("shipped scenarios", () => {
  it.each(files)("%s runs with every expectation met", (file) => {
    const path = `scenarios/${file}`;
    const report = runScenario(loadScenario(readFileSync(path, "utf8"), path));
    expect(report.ok, formatReport(report, true)).toBe(true);
    // key-rotation.yaml runs 36 simulated hours of gossip: about a minute alone, more beside other test files.
  }, 300_000);
});
