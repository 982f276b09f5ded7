import { describe, expect, it } from "vitest";
import { type TraceRecord, instant } from "../../src/index.js";
import { type FinishedRun, type Verdict, invariants } from "../../src/testing/index.js";
import { rotationRun as sharedRotationRun } from "./shipped-support.js";

const rotationRun = (primaryKey: "middle" | "newest"): FinishedRun => sharedRotationRun(primaryKey, "keyring");

const run = rotationRun("middle");

function violations(verdict: Verdict): Array<Record<string, unknown>> {
  expect(verdict.ok).toBe(false);
  return verdict.ok ? [] : (verdict.evidence["violations"] as Array<Record<string, unknown>>);
}

/** The run with the records `match` picks changed by `change` (their order kept). */
function tampered(match: (r: TraceRecord) => boolean, change: (r: TraceRecord) => TraceRecord): FinishedRun {
  expect(run.records.some(match)).toBe(true);
  return { ...run, records: run.records.map((r) => (match(r) ? change(r) : r)) };
}

describe("invariants.keyringDiscipline", () => {
  it("holds through rotations: 3 keys, the middle one primary, every gossip frame and ESP packet under it", () => {
    expect(run.report.ok).toBe(true);
    expect(run.records.filter((r) => r.kind === "keymanager.rotate")).toHaveLength(2);
    const verdict = invariants.keyringDiscipline(run);
    expect(verdict).toMatchObject({ ok: true, info: { unjudged: 0 } });
    const info = verdict.ok ? verdict.info! : {};
    expect(info["gossipFrames"]).toBeGreaterThan(1000);
    expect(info["espPackets"]).toBeGreaterThan(10);
  });

  it("catches nodes that send with the newest key (primaryKey: newest)", () => {
    const found = violations(invariants.keyringDiscipline(rotationRun("newest")));
    const ipsec = found.find((v) => String(v["problem"]).startsWith("its IPsec primary"))!;
    expect(ipsec).toMatchObject({ subsystem: "ipsec", node: "manager-1", t: 0 });
    expect(ipsec["problem"]).toMatch(/^its IPsec primary (\d+) is not the middle key (\d+)$/);
    const gossip = found.find((v) => String(v["kind"]).startsWith("gossip"))!;
    expect(gossip["problem"]).toMatch(/^sealed under gossip key \d+, not the middle key of its gossip ring \(\d+\)$/);
    expect(gossip["sealedWith"]).toBe(Math.max(...(gossip["tags"] as number[])));
    expect(gossip).toMatchObject({ packet: expect.any(Number), node: expect.any(String), at: expect.any(String) });
  });

  it("catches a node that keeps sending under its stale key after taking a new set", () => {
    // worker-1's record of the first rotation's keys, moved 5 minutes earlier than it took them:
    // what it sent in those 5 minutes went out under the key that was no longer its primary.
    const rotation = run.records.find((r) => r.kind === "keymanager.rotate")!;
    const applied = run.records.find((r) => r.kind === "agent.keys" && r.node === "worker-1" && r.t >= rotation.t)!;
    const moved = applied.t - 300_000_000;
    const found = violations(invariants.keyringDiscipline(tampered((r) => r === applied, (r) => ({ ...r, t: instant(moved) }))));
    const stale = found.filter((v) => v["node"] === "worker-1" && v["kind"] !== "esp");
    expect(stale.length).toBeGreaterThan(0);
    const gossipRing = applied["gossipRing"] as number[];
    expect(stale[0]).toMatchObject({ expected: gossipRing[1], tags: gossipRing });
    expect(stale[0]!["sealedWith"]).toBe(gossipRing[0]); // the old middle is the new set's oldest
    expect(stale[0]!["t"]).toBeGreaterThanOrEqual(moved);
    expect(stale[0]!["t"]).toBeLessThan(applied.t);
  });

  it("catches a ring of more than 3 keys", () => {
    const first = run.records.find((r) => r.kind === "agent.keys" && r.node === "worker-2")!;
    const ring = first["gossipRing"] as number[];
    const [violation] = violations(invariants.keyringDiscipline(tampered((r) => r === first, (r) => ({ ...r, gossipRing: [ring[0]! - 1, ...ring] }))));
    expect(violation).toMatchObject({ problem: "holds 4 gossip keys, more than 3", node: "worker-2", subsystem: "gossip", t: first.t });
  });

  it("catches ESP sealed under a key other than the sender's IPsec primary", () => {
    // The ESP sender's driver said to hold its keys newest first: its ESP, really under the middle key, is then off-primary.
    const sender = run.capture.find((p) => p.path === "esp")!.src;
    const found = violations(
      invariants.keyringDiscipline(
        tampered(
          (r) => r.kind === "overlay.keys" && r.node === sender,
          (r) => ({ ...r, tags: [...(r["tags"] as number[])].sort((a, b) => b - a) }),
        ),
      ),
    );
    const esp = found.find((v) => v["kind"] === "esp")!;
    expect(esp["problem"]).toMatch(/^sealed under ipsec key (\d+), not its IPsec primary \((\d+)\)$/);
    expect(esp).toMatchObject({ node: sender, packet: expect.any(Number), at: expect.any(String) });
    expect(esp["sealedWith"]).toBeLessThan(esp["expected"] as number);
  });
});
