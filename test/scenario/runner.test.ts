import { describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/scenario/index.js";
import { ms, seconds } from "../../src/sim/index.js";
import { deferred, ok } from "../../src/swarm/index.js";

const scenario = (steps: string) => loadScenario(`name: t\nseed: 3\ncluster: {managers: 1, workers: 1, bootstrap: manual}\nsteps:\n${steps}`, "t.yaml");

describe("the runner", () => {
  it("lets simulated time pass while a deferred command runs, and the next step starts when it ends", () => {
    const s = scenario("  - {run: docker slow, capture: OUT}\n  - {run: \"docker echo $OUT\", expect: {stdout-contains: 'echo done-at-250000'}}\n");
    const report = runScenario(s, {
      onCluster: (cluster) => {
        cluster.registry.register("slow", () =>
          deferred((done) => cluster.sim.scheduler.after(ms(250), "slow", () => done(ok(`done-at-${cluster.sim.now}\n`)))),
        );
        cluster.registry.register("echo", (_c, args) => ok(`echo ${args.join(" ")}\n`));
      },
    });
    expect(report.ok).toBe(true);
    expect(report.steps.map((st) => [st.text, st.at])).toEqual([
      ["docker slow", 0],
      ["docker echo done-at-250000", 250_000],
    ]);
  });

  it("reports a command that never finishes instead of hanging", () => {
    const report = runScenario(scenario("  - {run: docker hang, expect: {exit-code: 130}}\n"), {
      onCluster: (cluster) => cluster.registry.register("hang", () => deferred(() => {})),
    });
    expect(report.steps[0]?.output?.stderr).toBe("swarmsim: the command did not finish within 1h of simulated time\n");
    expect(report.ok).toBe(true);
  });

  it("stops at --until in the middle of a command, and says so", () => {
    const report = runScenario(scenario("  - {run: docker hang, expect: {exit-code: 130}}\n  - docker version\n"), {
      until: seconds(10),
      onCluster: (cluster) => cluster.registry.register("hang", () => deferred(() => {})),
    });
    expect(report.steps).toHaveLength(1);
    expect(report.skipped).toBe(1);
    expect(report.steps[0]?.output?.stderr).toBe("swarmsim: the run reached --until before the command finished\n");
    expect(report.simulatedTime).toBe(10_000_000);
  });
});
