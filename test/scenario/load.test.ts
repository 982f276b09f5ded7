import { describe, expect, it } from "vitest";
import { ScenarioError, formatProblem, loadScenario, parseScenario } from "../../src/scenario/index.js";
import { parseDuration } from "../../src/sim/index.js";

const problemsOf = (text: string) => {
  const r = parseScenario(text, "s.yaml");
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.problems.map(formatProblem);
};

describe("loading a scenario", () => {
  it("reads the gossip knobs and show steps with expectations", () => {
    const s = loadScenario(
      [
        "name: knobs",
        "cluster: {managers: 1, gossip: false, keyDelay: 5m, primaryKey: newest, keyRotation: 20m}",
        "steps:",
        "  - show: gossip",
        "    expect: {stdout-excludes: [no-key, bad-crc]}",
        "  - show: keyrings",
      ].join("\n"),
      "knobs.yaml",
    );
    expect(s.cluster).toMatchObject({ gossip: false, keyDelay: parseDuration("5m"), primaryKey: "newest", keyRotation: parseDuration("20m") });
    expect(s.steps[0]).toMatchObject({ kind: "show", what: "gossip", expect: { stdoutExcludes: ["no-key", "bad-crc"] } });
    expect(s.steps[1]).toMatchObject({ kind: "show", what: "keyrings" });
    expect(problemsOf("name: x\ncluster: {managers: 1, primaryKey: oldest, gossip: yes-please}\nsteps: []\n")).toEqual([
      's.yaml:2:52: expected true or false for cluster.gossip, got "yes-please"',
      's.yaml:2:36: expected one of middle, newest for cluster.primaryKey, got "oldest"',
    ]);
  });

  it("reads the minimum shape into a typed scenario", () => {
    const s = loadScenario(
      [
        "name: demo",
        "seed: 42",
        "cluster: {managers: 1, workers: 2}",
        "underlay: {latency: 1ms, loss: 0%}",
        "steps:",
        "  - docker network ls",
        "  - {run: \"docker node ls\", on: worker-1, expect: {stdout-contains: \"x\"}}",
        "  - {wait: 30s}",
        "  - run: docker service create --name b radial/busyboxplus:curl sh -c 'curl web && sleep 3600'",
      ].join("\n"),
      "demo.yaml",
    );
    expect(s.name).toBe("demo");
    expect(s.seed).toBe(42);
    expect(s.cluster.nodes.map((n) => `${n.name}:${n.role}:${n.os}`)).toEqual([
      "manager-1:manager:linux",
      "worker-1:worker:linux",
      "worker-2:worker:linux",
    ]);
    expect(s.underlay).toEqual({ latency: { kind: "fixed", latency: parseDuration("1ms") }, lossPpm: 0 });
    const [first, second, wait, last] = s.steps;
    expect(first).toMatchObject({ kind: "docker", on: "manager-1", argv: ["docker", "network", "ls"], expect: { exitCode: 0 } });
    expect(second).toMatchObject({ kind: "docker", on: "worker-1", expect: { stdoutContains: ["x"] }, where: { line: 7, column: 5 } });
    expect(wait).toMatchObject({ kind: "wait", duration: 30_000_000 });
    expect(last).toMatchObject({ argv: ["docker", "service", "create", "--name", "b", "radial/busyboxplus:curl", "sh", "-c", "curl web && sleep 3600"] });
  });

  it("reads named nodes with os, latency distributions and loss", () => {
    const s = loadScenario(
      [
        "name: mixed",
        "cluster:",
        "  nodes:",
        "    - {name: m1, role: manager}",
        "    - {name: win, role: worker, os: windows}",
        "underlay: {latency: {uniform: [1ms, 3ms]}, loss: 0.5%}",
        "steps: []",
      ].join("\n"),
      "m.yaml",
    );
    expect(s.seed).toBe(1);
    expect(s.cluster.nodes[1]).toEqual({ name: "win", role: "worker", os: "windows" });
    expect(s.underlay).toEqual({ latency: { kind: "uniform", min: 1000, max: 3000 }, lossPpm: 5000 });
  });

  it.each([
    ["bad YAML", "name: x\ncluster: {managers: 1\nsteps: []\n", /^s\.yaml:\d+:\d+: invalid YAML/],
    ["an unknown key", "name: x\ncluster: {managers: 1}\nsteps: []\ncolour: red\n", /^s\.yaml:4:1: unknown key "colour" in the scenario: expected one of/],
    ["a wrong type", "name: x\nseed: forty-two\ncluster: {managers: 1}\nsteps: []\n", /^s\.yaml:2:7: expected a whole number from 0 to \d+ for seed, got "forty-two"/],
    ["a bad duration", "name: x\ncluster: {managers: 1}\nsteps:\n  - wait: 12x\n", /^s\.yaml:4:11: invalid duration "12x"/],
    ["a missing key", "name: x\nsteps: []\n", /^s\.yaml:1:1: the scenario is missing the required key "cluster"/],
    ["a duplicate key", "name: x\nname: y\ncluster: {managers: 1}\nsteps: []\n", /^s\.yaml:2:1: invalid YAML: Map keys must be unique/],
    ["an unknown node", "name: x\ncluster: {managers: 1}\nsteps:\n  - {run: docker ps, on: worker-9}\n", /^s\.yaml:4:26: expected the name of a node in the cluster for "on" \(manager-1\), got "worker-9"/],
    ["a non-docker command", "name: x\ncluster: {managers: 1}\nsteps:\n  - kubectl get pods\n", /^s\.yaml:4:5: expected a docker command/],
    ["an unterminated quote", "name: x\ncluster: {managers: 1}\nsteps:\n  - docker run 'x\n", /^s\.yaml:4:5: cannot split the command into words: unterminated single quote/],
    ["a bad loss", "name: x\ncluster: {managers: 1}\nunderlay: {loss: 150%}\nsteps: []\n", /^s\.yaml:3:18: expected a percentage/],
    ["no manager", "name: x\ncluster:\n  nodes: [{name: a, role: worker}]\nsteps: []\n", /^s\.yaml:3:10: cluster.nodes needs at least one manager/],
    ["a bad expect key", "name: x\ncluster: {managers: 1}\nsteps:\n  - {run: docker ps, expect: {stdout-has: x}}\n", /^s\.yaml:4:31: unknown key "stdout-has" in expect/],
  ])("reports %s as file:line:column: what was expected", (_what, text, pattern) => {
    const problems = problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(pattern);
  });

  it("reports every problem in one pass", () => {
    const problems = problemsOf("name: 5\nseed: -1\ncluster: {managers: 0}\nsteps: [{wait: soon}]\n");
    expect(problems).toHaveLength(4);
  });

  it("throws a ScenarioError whose message lists the problems", () => {
    expect(() => loadScenario("name: x\n", "bad.yaml")).toThrow(ScenarioError);
    expect(() => loadScenario("name: x\n", "bad.yaml")).toThrow(/^bad\.yaml:1:1: /);
  });
});

describe("bootstrap and captured variables", () => {
  it("reads cluster.bootstrap (auto by default) and capture", () => {
    const s = loadScenario(
      [
        "name: manual",
        "cluster: {managers: 1, workers: 1, bootstrap: manual}",
        "steps:",
        "  - {run: docker version, capture: VERSION}",
        "  - {run: \"docker version $VERSION\", on: worker-1}",
      ].join("\n"),
      "m.yaml",
    );
    expect(s.cluster.bootstrap).toBe("manual");
    expect(s.steps[0]).toMatchObject({ capture: "VERSION", usesVariables: false });
    expect(s.steps[1]).toMatchObject({ usesVariables: true });
    expect(loadScenario("name: a\ncluster: {managers: 1}\nsteps: []\n", "a.yaml").cluster.bootstrap).toBe("auto");
  });

  it.each([
    ["a variable no earlier step captures", "steps:\n  - docker swarm join --token $TOKEN m:2377\n  - {run: docker version, capture: TOKEN}\n", /^s\.yaml:5:5: "\$TOKEN" is not captured by an earlier step/],
    ["a bad variable name", "steps:\n  - {run: docker version, capture: 9lives}\n", /^s\.yaml:5:36: expected a variable name/],
    ["a bad bootstrap mode", "steps: []\n", /bootstrap/],
  ])("reports %s", (what, steps, pattern) => {
    const cluster = what === "a bad bootstrap mode" ? "cluster: {managers: 1, bootstrap: later}\n" : "cluster: {managers: 1}\n";
    const r = parseScenario(`name: x\nseed: 1\n${cluster}${steps}`, "s.yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatProblem(r.problems[0]!)).toMatch(pattern);
  });
});
