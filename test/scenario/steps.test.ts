import { describe, expect, it } from "vitest";
import { formatProblem, formatReport, loadScenario, parseScenario, runScenario } from "../../src/scenario/index.js";
import { hours, seconds } from "../../src/sim/index.js";

/** A small, fast cluster with these steps (they start on line 5; bootstrap takes 26 ms). */
const scenario = (steps: string, cluster = "{managers: 1, workers: 1, rsaBits: 1024, gossip: false}") =>
  loadScenario(`name: steps\nseed: 3\ncluster: ${cluster}\nsteps:\n${steps}`, "s.yaml");
const problemsOf = (steps: string) => {
  const r = parseScenario(`name: steps\ncluster: {managers: 1, workers: 1}\nsteps:\n${steps}`, "s.yaml");
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.problems.map(formatProblem);
};

describe("at steps", () => {
  it("let time pass to an instant of the run, and fail when the run is already past it", () => {
    const report = runScenario(scenario("  - {wait: 10s}\n  - at: 1m\n  - at: 30s\n"));
    const at = report.steps.filter((s) => s.kind === "at");
    expect(at.map((s) => [s.text, s.at])).toEqual([
      ["at +00:01:00.000000", seconds(10) + 26_000],
      ["at +00:00:30.000000", seconds(60)],
    ]);
    expect(at[0]!.checks).toEqual([]);
    expect(at[1]!.checks[0]).toMatchObject({ ok: false, seen: "the run already at +00:01:00.000000" });
    expect(report.failures).toBe(1);
    expect(formatReport(report)).toContain("FAILED at +00:00:30.000000 (s.yaml:7)");
  });
});

describe("repeat steps", () => {
  it("run their steps round after round with $ROUND, and wait `every` after each", () => {
    const report = runScenario(
      scenario('  - repeat: 3\n    every: 10s\n    steps:\n      - "docker network create -d overlay net-$ROUND"\n  - {run: docker network ls, expect: {stdout-contains: [net-1, net-2, net-3]}}\n'),
    );
    expect(report.failures).toBe(0);
    const texts = report.steps.filter((s) => s.index >= 0).map((s) => s.text);
    expect(texts).toEqual([
      "repeat 3 rounds of 1 step, every 10s",
      "docker network create -d overlay net-1",
      "wait 10s",
      "docker network create -d overlay net-2",
      "wait 10s",
      "docker network create -d overlay net-3",
      "wait 10s",
      "docker network ls",
    ]);
  });

  it("are checked when the file loads", () => {
    expect(problemsOf("  - repeat: 0\n    steps: [docker node ls]\n")[0]).toContain("s.yaml:4:13: expected a whole number from 1 to 100000 for repeat");
    expect(problemsOf("  - repeat: 2\n    steps: []\n")[0]).toContain("s.yaml:5:12: expected at least one step in repeat.steps");
    expect(problemsOf("  - repeat: 2\n    steps:\n      - {repeat: 2, steps: [docker node ls]}\n")[0]).toContain("s.yaml:6:9: expected no repeat inside a repeat");
    expect(problemsOf('  - "docker network create $ROUND"\n')[0]).toContain('"$ROUND" is not captured by an earlier step');
  });
});

describe("check steps", () => {
  it("pass on the cluster's state and the run's counts", () => {
    const report = runScenario(
      scenario(
        [
          "  - wait: 13h",
          "  - check:",
          "      rotations: 1",
          '      handshakes-refused: 0',
          "      drops: {overlay.replay: 0, no-key: 0}",
          '      records: {cert.renewed: "<= 2"}',
          "      leader: manager-1",
          "      nodes:",
          "        manager-1: {status: ready, role: manager, leader: true, keys: 3, primary: middle}",
          "        worker-1: {status: ready, role: worker, leader: false, keys: {min: 3, max: 3}, keys-like: manager-1}",
          "",
        ].join("\n"),
      ),
    );
    const check = report.steps.find((s) => s.kind === "check")!;
    expect(check.checks.filter((c) => !c.ok)).toEqual([]);
    expect(check.checks.map((c) => c.what)).toContain("manager-1 primary middle");
    expect(check.at).toBe(hours(13) + 26_000);
  });

  it("take a list of nodes for the leader, one of which must lead", () => {
    const report = runScenario(scenario("  - check: {leader: [worker-1, manager-1]}\n  - check: {leader: [worker-1]}\n"));
    const [either, worker] = report.steps.filter((s) => s.kind === "check").map((s) => s.checks[0]!);
    expect(either).toMatchObject({ ok: true, what: "leader worker-1 or manager-1", seen: "manager-1" });
    expect(worker).toMatchObject({ ok: false, what: "leader worker-1", seen: "manager-1" });
    expect(problemsOf("  - check: {leader: []}\n")[0]).toContain("expected at least one node name for check.leader");
  });

  it("fail with what was expected, what was seen, the seed and how to reproduce", () => {
    const report = runScenario(scenario("  - crash: worker-1\n  - check:\n      rotations: '>= 1'\n      nodes:\n        worker-1: {status: ready, primary: newest}\n"));
    expect(report.failures).toBe(3);
    const text = formatReport(report);
    expect(text).toContain("FAILED rotations >= 1 (s.yaml:6)\n    expected: >= 1\n    seen:     0\n    seed 3; reproduce with: swarmsim run s.yaml --seed 3");
    expect(text).toContain("FAILED worker-1 status ready (s.yaml:6)\n    expected: ready\n    seen:     down");
  });

  it("are checked when the file loads", () => {
    expect(problemsOf("  - check: {rotations: many}\n")[0]).toContain('s.yaml:4:24: expected a count for check.rotations: a whole number, a comparison such as ">= 3"');
    expect(problemsOf("  - check: {leader: manager-9}\n")[0]).toContain("s.yaml:4:21: expected one of manager-1, worker-1 for check.leader");
    expect(problemsOf("  - check: {nodes: {worker-1: {primary: left}}}\n")[0]).toContain("expected one of middle, newest, oldest");
    expect(problemsOf("  - check: {frobs: 1}\n")[0]).toContain("s.yaml:4:13: unknown key \"frobs\" in check");
  });
});

describe("cluster parameters and underlay links", () => {
  it("join nodes with their availability, leave join: false ones outside, and set certificate lifetime", () => {
    const cluster = [
      "",
      "  nodes:",
      "    - {name: manager-1, role: manager}",
      "    - {name: worker-1, role: worker, availability: drain}",
      "    - {name: rogue, role: worker, join: false}",
      "  rsaBits: 1024",
      "  certExpiry: 30d",
      "  replayWindow: 64",
      "  aead: noble",
      "  gossip: false",
      "underlay:",
      "  links:",
      "    - {from: manager-1, to: [worker-1, rogue], latency: 40ms}",
    ].join("\n");
    const report = runScenario(
      scenario(
        '  - {run: docker node ls, expect: {stdout-matches: "worker-1 +Ready +Drain", stdout-excludes: rogue}}\n  - {run: docker node inspect --pretty self, expect: {stdout-contains: "Certificate Expiry:\\t2026-01-31"}}\n  - check: {nodes: {rogue: {status: outside}}}\n',
        cluster,
      ),
    );
    expect(formatReport(report, true)).not.toContain("FAILED");
    expect(report.steps.find((s) => s.text.startsWith("docker swarm join"))?.text).toContain("--availability drain");
    // The join took a 40 ms link each way, several round trips.
    expect(report.steps.find((s) => s.text === "docker node ls")!.at).toBeGreaterThan(seconds(0.2));
  });

  it("refuses parameters out of range, and links to nodes the cluster does not have", () => {
    const bad = (cluster: string) => {
      const r = parseScenario(`name: x\ncluster: ${cluster}\nsteps: []\n`, "c.yaml");
      return r.ok ? [] : r.problems.map(formatProblem);
    };
    expect(bad("{managers: 1, certExpiry: 30m}")[0]).toContain("c.yaml:2:36: expected a certificate lifetime from 1h to 36500d");
    expect(bad("{managers: 1, replayWindow: -1}")[0]).toContain("cluster.replayWindow");
    expect(bad("{managers: 1, aead: rot13}")[0]).toContain('expected one of auto, node, noble, tables for cluster.aead');
    expect(bad("{nodes: [{name: m, role: manager, join: false}]}")[0]).toContain("needs a manager that joins");
    const r = parseScenario("name: x\ncluster: {managers: 1}\nunderlay: {links: [{from: manager-1, to: worker-3, latency: 5ms}]}\nsteps: []\n", "u.yaml");
    expect(r.ok ? [] : r.problems.map(formatProblem)).toEqual(['u.yaml:3:42: expected one of manager-1 for underlay.links to, got "worker-3"']);
  });
});

describe("gossip timings", () => {
  it("are read without their unit suffix, checked together, and reach every node's memberlist", () => {
    const report = runScenario(
      scenario("  - wait: 1s\n", "{managers: 1, workers: 1, rsaBits: 1024, gossipTimings: {probeInterval: 2s, suspicionMult: 6, gossipInterval: 500ms}}"),
      {
        onCluster: (cluster) => {
          cluster.sim.trace.addSink({
            write: () => {
              const gossip = cluster.node("worker-1").gossip;
              if (gossip !== undefined) timings.push(gossip.db.memberlist.timings.probeIntervalUs, gossip.db.memberlist.timings.suspicionMult);
            },
          });
        },
      },
    );
    expect(report.ok).toBe(true);
    expect(timings.slice(-2)).toEqual([seconds(2), 6]);
  });

  it("report a bad value or a bad combination where it is written", () => {
    const bad = (timingsText: string) => {
      const r = parseScenario(`name: x\ncluster: {managers: 1, gossipTimings: ${timingsText}}\nsteps: []\n`, "g.yaml");
      return r.ok ? [] : r.problems.map(formatProblem);
    };
    expect(bad("{probeInterval: soon}")[0]).toMatch(/^g\.yaml:2:55: .*cluster\.gossipTimings\.probeInterval/);
    expect(bad("{probeInterval: 400ms}")[0]).toBe('g.yaml:2:39: "probeTimeout" expected a duration above 0 and below probeInterval (400ms), got 500ms (in cluster.gossipTimings)');
    expect(bad("{probeIntervals: 1s}")[0]).toContain('unknown key "probeIntervals"');
  });
});

const timings: number[] = [];
