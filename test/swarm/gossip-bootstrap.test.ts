/**
 * A session message may list a manager whose address is not known yet (an
 * empty `addr`): the node starts its gossip plane through the others, and
 * never tries to join an empty address.
 */
import { describe, expect, it } from "vitest";
import { formatReport, loadScenario, runScenario } from "../../src/index.js";

describe("starting the gossip plane", () => {
  it("skips managers listed without an address, and the two managers still meet", () => {
    const scenario = loadScenario(
      [
        "name: boot",
        "seed: 4294950772",
        "cluster: {managers: 2, rsaBits: 512, gossip: true}",
        "underlay: {latency: 12ms}",
        "steps:",
        "  - wait: 2m",
        "  - check: {nodes: {manager-1: {keys: 3, keys-like: manager-2}}, drops: {gossip.no-key: 0}}",
        "  - show: gossip",
        '    expect: {stdout-matches: ["manager-1 +\\\\w+ +2 +0 +0", "manager-2 +\\\\w+ +2 +0 +0"]}',
        "",
      ].join("\n"),
      "boot.yaml",
    );
    const report = runScenario(scenario);
    expect(report.ok, formatReport(report, true)).toBe(true);
  });
});
