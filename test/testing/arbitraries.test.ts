import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ClusterDescription, type ScenarioDescription, describeScenario, loadDescription, loadScenario, runScenario, toYaml } from "../../src/index.js";
import { arb, runForTesting } from "../../src/testing/index.js";
import { propertyRuns } from "../support/properties.js";

/** Every property here starts from this seed, unless `npm run test:props -- --seed N` says otherwise. */
const seed = Number(process.env.SWARMSIM_PROPERTY_SEED ?? 31);

/** A value as JSON would carry it, without source positions: what two loads of the same scenario share. */
function withoutPositions(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === "where" || key === "file" ? undefined : v instanceof RegExp ? `/${v.source}/${v.flags}` : v === Infinity ? "Infinity" : v)));
}

/** Properties that run the simulator make a twentieth of the long runs' count: each case costs seconds, not microseconds. */
const simulatedRuns = (base: number) => Math.max(base, Math.floor(propertyRuns(base) / 20));

/** Small worlds, cheap to run: the gossip plane off (keys still travel in session messages). */
const small = { managers: { max: 3 }, workers: { max: 2 }, gossip: false } as const;

describe("generated scenarios and the YAML format", () => {
  it("a generated scenario writes to YAML that loads back to the same description", () => {
    fc.assert(
      fc.property(arb.scenario(), (description) => {
        expect(describeScenario(loadDescription(description))).toEqual(description);
      }),
      { seed, numRuns: propertyRuns(150) },
    );
  });

  it("a loaded scenario described, written and loaded again has the same steps, cluster and underlay", () => {
    fc.assert(
      fc.property(arb.scenario(), (description) => {
        const first = loadDescription(description);
        expect(withoutPositions(loadScenario(toYaml(describeScenario(first)), "again.yaml"))).toEqual(withoutPositions(first));
      }),
      { seed, numRuns: propertyRuns(50) },
    );
  });

  it.each(readdirSync("scenarios").filter((f) => f.endsWith(".yaml")))("shipped scenario %s survives describe, toYaml and load", (file) => {
    const scenario = loadScenario(readFileSync(`scenarios/${file}`, "utf8"), file);
    const again = loadScenario(toYaml(describeScenario(scenario), { comment: `from ${file}` }), file);
    expect(withoutPositions(again)).toEqual(withoutPositions(scenario));
  });

  it("writes steps one per line, as the shipped files do", () => {
    const text = toYaml({ name: "demo", cluster: { managers: 1, workers: 2 }, steps: ["docker node ls", { wait: "30s" }, { crash: "worker-1" }] }, { comment: "replay: swarmsim run demo.yaml" });
    expect(text).toBe("# replay: swarmsim run demo.yaml\n\nname: demo\ncluster: {managers: 1, workers: 2}\nsteps:\n  - docker node ls\n  - {wait: 30s}\n  - {crash: worker-1}\n");
  });
});

describe("each arbitrary draws what the loader accepts", () => {
  const cluster: ClusterDescription = { nodes: [{ name: "manager-1", role: "manager" }, { name: "manager-2", role: "manager" }, { name: "worker-1", role: "worker" }, { name: "spare-1", role: "worker", join: false }], rsaBits: 512, keyRotation: "2m" };
  const loads = (parts: Partial<ScenarioDescription>) => loadDescription({ name: "drawn", cluster, steps: [], ...parts });

  it("clusters", () => fc.assert(fc.property(arb.cluster(), (drawn) => void loadDescription({ name: "drawn", cluster: drawn, steps: [] })), { seed, numRuns: propertyRuns(100) }));
  it("underlays", () => fc.assert(fc.property(arb.underlay(["manager-1", "manager-2", "worker-1", "spare-1"]), (underlay) => void loads({ underlay })), { seed, numRuns: propertyRuns(100) }));
  it("timelines", () => fc.assert(fc.property(arb.timeline(cluster), (steps) => void loads({ steps })), { seed, numRuns: propertyRuns(100) }));
  it("fault schedules", () => fc.assert(fc.property(arb.faults(cluster), (steps) => void loads({ steps })), { seed, numRuns: propertyRuns(100) }));
  it("attack schedules", () => fc.assert(fc.property(arb.attacks(cluster), (steps) => void loads({ steps })), { seed, numRuns: propertyRuns(100) }));
});

describe("shrinking", () => {
  /** The smallest counterexample fast-check finds for a property that fails. */
  function shrunk<T>(arbitrary: fc.Arbitrary<T>, holds: (value: T) => boolean): T {
    const details = fc.check(fc.property(arbitrary, holds), { seed });
    expect(details.failed).toBe(true);
    return details.counterexample![0];
  }

  const command = (step: unknown) => (typeof step === "string" ? step : typeof step === "object" && step !== null && "run" in step ? String(step.run) : "");
  const cheapest = { managers: 1, rsaBits: 512, keyRotation: "2m", gossip: false };

  it("goes to one command on one Linux manager, over the default underlay", () => {
    const found = shrunk(arb.scenario(), (d) => !d.steps.some((s) => command(s).includes("service create")));
    expect(found).toEqual({ name: "generated", seed: 0, cluster: cheapest, steps: ["docker service create --name web-1 --replicas 1 nginx"] });
  });

  it("goes to the one worker a promotion needs, and the wait after it", () => {
    const found = shrunk(arb.scenario(), (d) => !d.steps.some((s) => command(s).includes("node promote")));
    expect(found).toEqual({ name: "generated", seed: 0, cluster: { ...cheapest, workers: 1 }, steps: ["docker node promote worker-1", { wait: "20s" }] });
  });

  it("goes to one fault, lifted at the end", () => {
    const found = shrunk(arb.scenario(), (d) => !d.steps.some((s) => typeof s === "object" && "crash" in s));
    const crashed = (found.steps[0] as { crash: string }).crash;
    expect(found.steps).toEqual([{ crash: crashed }, { restart: crashed }, { wait: "1m" }]);
    expect(found.underlay).toBeUndefined();
  });

  it("goes to as few Windows workers as the failure needs, and nothing else", () => {
    const found = shrunk(arb.cluster(), (c) => (c.nodes ?? []).filter((n) => n.os === "windows").length < 2);
    expect(found.nodes).toEqual([
      { name: "manager-1", role: "manager" },
      { name: "worker-1", role: "worker", os: "windows" },
      { name: "worker-2", role: "worker", os: "windows" },
    ]);
  });

  it("prints a failing scenario as the YAML that replays it", () => {
    const details = fc.check(fc.property(arb.scenario(), (d) => d.steps.length < 1), { seed });
    expect(fc.stringify(details.counterexample)).toContain("name: generated\nseed: 0\ncluster: {managers: 1, rsaBits: 512, keyRotation: 2m, gossip: false}\nsteps:\n  - {wait: 1s}\n");
  });
});

describe("generated scenarios run", () => {
  it("fault-free timelines hold every expectation", () => {
    fc.assert(
      fc.property(arb.scenario({ cluster: small, faults: false, attacks: false, maxIntents: 8 }), (description) => {
        const report = runScenario(loadDescription(description));
        const failed = report.steps.flatMap((s) => s.checks.filter((c) => !c.ok).map((c) => `${s.text}: ${c.what}, seen ${c.seen}`));
        expect(failed, toYaml(description)).toEqual([]);
      }),
      { seed, numRuns: simulatedRuns(3) },
    );
  }, Math.max(120_000, simulatedRuns(3) * 20_000));

  it("timelines with faults and attacks run to their end, the same way twice", () => {
    fc.assert(
      fc.property(arb.scenario({ cluster: small, maxIntents: 8 }), (description) => {
        const scenario = loadDescription(description);
        const first = runForTesting(scenario);
        expect(first.report.skipped, toYaml(description)).toBe(0);
        expect(runScenario(scenario).fingerprint, toYaml(description)).toBe(first.report.fingerprint);
      }),
      { seed, numRuns: simulatedRuns(2) },
    );
  }, Math.max(120_000, simulatedRuns(2) * 40_000));
});
