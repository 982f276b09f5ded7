import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/index.js";
import { type FinishedRun, type Verdict, invariants, runForTesting } from "../../src/testing/index.js";
import { rotationRun as sharedRotationRun } from "./shipped-support.js";

const rotationRun = (primaryKey: "middle" | "newest"): FinishedRun => sharedRotationRun(primaryKey, "rotation");

function violations(verdict: Verdict): Array<Record<string, unknown>> {
  expect(verdict.ok).toBe(false);
  return verdict.ok ? [] : (verdict.evidence["violations"] as Array<Record<string, unknown>>);
}

describe("invariants.rotationLossless", () => {
  it("holds when nodes send with the middle key, even with key sets 2 minutes apart", () => {
    const run = rotationRun("middle");
    expect(run.report.ok).toBe(true);
    expect(invariants.rotationLossless(run)).toMatchObject({ ok: true, info: { rotations: 2, drops: 0, keyDelay: "2m", keyRotation: "20m" } });
  });

  it("catches the frames lost when nodes send with the newest key, each with its receiver, sender and time", () => {
    const run = rotationRun("newest");
    const rotation = run.records.find((r) => r.kind === "keymanager.rotate")!;
    const verdict = invariants.rotationLossless(run);
    const found = violations(verdict);
    expect(verdict.ok ? 0 : (verdict.evidence["count"] as number)).toBeGreaterThan(10);
    const gossip = found.find((v) => v["drop"] === "gossip.no-key")!;
    expect(gossip).toMatchObject({ node: expect.any(String), sender: expect.any(String), from: expect.stringMatching(/^10\.0\.0\.\d+$/), message: expect.stringContaining("No installed keys") });
    expect(gossip["t"]).toBeGreaterThan(rotation.t);
    expect(gossip["t"]).toBeLessThan(rotation.t + 120_000_000); // within the key delay after the rotation
  });

  it("does not count what the attacker's bit flips get dropped, and would without their trace", () => {
    const run = runForTesting(
      loadScenario(
        `
name: rotation-attacked
seed: 9
cluster: {managers: 1, workers: 2, rsaBits: 1024}
steps:
  - docker network create --driver overlay --opt encrypted --attachable net
  - {run: docker run -d --name web --network net nginx, on: worker-1}
  - wait: 10s
  - {run: docker run --network net radial/busyboxplus:curl curl -s web, on: worker-2}
  - bit-flip: {to: worker-1, path: esp, last: 4}
  - bit-flip: {to: worker-2, path: gossip, transport: udp, last: 4, region: transport-payload}
  - wait: 1s
`,
        "rotation-attacked.yaml",
      ),
    );
    const verdict = invariants.rotationLossless(run);
    expect(verdict).toMatchObject({ ok: true, info: { injections: 8 } });
    expect(verdict.ok ? verdict.info!["byAttack"] : 0).toBeGreaterThanOrEqual(4);
    const unexplained = violations(invariants.rotationLossless({ ...run, records: run.records.filter((r) => r.kind !== "adversary.inject") }));
    expect(unexplained.map((v) => v["node"])).toContain("worker-2");
    expect(unexplained.map((v) => v["drop"])).toContain("gossip.no-key");
  });

  it("leaves out the drops of a node cut off from the control plane across two rotations, naming it", () => {
    const run = runForTesting(
      loadScenario(
        `
name: rotation-cut-off
seed: 4
cluster: {managers: 1, workers: 2, rsaBits: 1024, keyRotation: 10m}
steps:
  - at: 1m
  - control-plane: {node: worker-2, drop: true}
  - at: 25m
  - control-plane: {node: worker-2, clear: true}
  - at: 32m
`,
        "rotation-cut-off.yaml",
      ),
    );
    const verdict = invariants.rotationLossless(run);
    expect(verdict).toMatchObject({ ok: true, info: { lagging: ["worker-2"] } });
    expect(verdict.ok ? verdict.info!["byLag"] : 0).toBeGreaterThan(0);
  });
});
