import { describe, expect, it } from "vitest";
import { formatProblem, parseScenario, type Scenario, type ScenarioProblem } from "../../src/scenario/index.js";
import { type Override, overrideFlag, parseOverride, parseWithOverrides } from "../../src/scenario/overrides.js";
import { parseDuration } from "../../src/sim/index.js";

const FILE = ["name: demo", "seed: 42", "cluster: {managers: 1, keyRotation: 12h}", "steps:", "  - docker node ls", "  - {run: docker version, on: manager-1}", ""].join("\n");

const set = (...texts: string[]): Override[] =>
  texts.map((t) => {
    const r = parseOverride(t);
    if (!r.ok) throw new Error(r.reason);
    return r.override;
  });

const load = (text: string, ...overrides: string[]): Scenario => {
  const r = parseScenario(text, "s.yaml", { overrides: set(...overrides) });
  if (!r.ok) throw new Error(r.problems.map(formatProblem).join("\n"));
  return r.scenario;
};

const problems = (text: string, ...overrides: string[]): ScenarioProblem[] => {
  const r = parseScenario(text, "s.yaml", { overrides: set(...overrides) });
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.problems;
};

describe("parseOverride", () => {
  it("splits at the first = into a dotted path and the value's text", () => {
    expect(parseOverride("underlay.latency={uniform: [1ms, 5ms]}")).toEqual({ ok: true, override: { path: ["underlay", "latency"], value: "{uniform: [1ms, 5ms]}" } });
    expect(parseOverride("steps.0.expect.stdout-contains=a=b")).toEqual({ ok: true, override: { path: ["steps", "0", "expect", "stdout-contains"], value: "a=b" } });
    expect(overrideFlag(set("cluster.workers=5")[0]!)).toBe("--set cluster.workers=5");
  });

  it.each([
    ["no =", "cluster.workers", /^--set expected KEY=VALUE such as cluster\.workers=5, got "cluster\.workers"$/],
    ["an empty segment", "cluster..workers=5", /expected a dotted key .* got "cluster\.\.workers"$/],
    ["an empty key", "=5", /expected a dotted key .* got ""$/],
    ["a space in the key", "cluster workers=5", /expected a dotted key/],
  ])("refuses %s, saying what was expected", (_what, text, message) => {
    const r = parseOverride(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(message);
  });
});

describe("parseScenario with overrides", () => {
  it("replaces a value of the file before validation", () => {
    const s = load(FILE, "cluster.keyRotation=6h", "seed=7", "cluster.workers=5", "cluster.rsaBits=1024");
    expect(s.cluster.keyRotation).toBe(parseDuration("6h"));
    expect(s.seed).toBe(7);
    expect(s.cluster.nodes.map((n) => n.name)).toEqual(["manager-1", "worker-1", "worker-2", "worker-3", "worker-4", "worker-5"]);
    expect(s.cluster.rsaBits).toBe(1024);
  });

  it("makes a missing parent, and reads flow values as YAML", () => {
    expect(load(FILE, "underlay.latency=5ms").underlay.latency).toEqual({ kind: "fixed", latency: parseDuration("5ms") });
    expect(load(FILE, "underlay.latency={uniform: [1ms, 5ms]}").underlay.latency).toEqual({ kind: "uniform", min: 1000, max: 5000 });
    const uniform = FILE.replace("steps:", "underlay: {latency: {uniform: [2ms, 3ms]}}\nsteps:");
    expect(load(uniform, "underlay.latency.uniform=[1ms, 5ms]").underlay.latency).toEqual({ kind: "uniform", min: 1000, max: 5000 });
  });

  it("applies overrides in order, so a later one wins", () => {
    expect(load(FILE, "cluster.workers=2", "cluster.workers=3").cluster.nodes).toHaveLength(4);
    expect(load(FILE, "underlay.latency={exponential: 2ms}", "underlay.latency.exponential=4ms").underlay.latency).toEqual({ kind: "exponential", mean: 4000 });
  });

  it("indexes a list with a whole number", () => {
    const s = load(FILE, "steps.1.run=docker info", "steps.0=docker swarm ca");
    expect(s.steps.map((step) => (step.kind === "docker" ? step.command : step.kind))).toEqual(["docker swarm ca", "docker info"]);
  });

  it("leaves the file's positions alone", () => {
    const s = load(FILE, "cluster.workers=1");
    expect(s.steps[1]).toMatchObject({ where: { file: "s.yaml", line: 6, column: 5 } });
    expect(problems(FILE.replace("docker version", "kubectl version"), "cluster.workers=1").map(formatProblem)).toEqual([
      's.yaml:6:11: expected a docker command (starting with "docker"), got "kubectl version"',
    ]);
  });

  it("reports a bad value at its flag, not at a file position", () => {
    expect(problems(FILE, "cluster.keyRotation=abc")).toEqual([
      { file: "--set cluster.keyRotation=abc", line: 0, column: 0, message: expect.stringMatching(/^invalid duration "abc" .*\(in cluster\.keyRotation\)$/) },
    ]);
    expect(problems(FILE, "cluster.workers=many")[0]).toMatchObject({ file: "--set cluster.workers=many", message: 'expected a whole number from 0 to 1000 for cluster.workers, got "many"' });
    // Inside a flow value too: every node an override made is reported at its flag.
    expect(problems(FILE, "underlay.latency={uniform: [1ms, zz]}")[0]).toMatchObject({ file: "--set underlay.latency={uniform: [1ms, zz]}", line: 0 });
  });

  it("rejects an unknown key through the normal validation, at the flag", () => {
    expect(problems(FILE, "colour=red")).toEqual([
      { file: "--set colour=red", line: 0, column: 0, message: 'unknown key "colour" in the scenario: expected one of name, cluster, steps, description, seed, underlay' },
    ]);
    expect(problems(FILE, "cluster.colour=red")[0]).toMatchObject({ file: "--set cluster.colour=red", message: expect.stringMatching(/^unknown key "colour" in cluster/) });
  });

  it.each([
    ["invalid YAML in the value", "underlay.latency=[1ms", /^invalid YAML value: /],
    ["a parent that is a scalar", "name.first=x", /^cannot set name\.first: name is "demo", not a mapping or a list$/],
    ["an index past the list's end", "steps.2.run=docker ps", /^cannot set steps\.2\.run: expected an index of steps from 0 to 1 \(a list of 2\), got "2"$/],
    ["a word as a list index", "steps.first.run=docker ps", /got "first"$/],
  ])("reports %s at the flag", (_what, override, message) => {
    const [p] = problems(FILE, override);
    expect(p).toMatchObject({ file: `--set ${override}`, line: 0, message: expect.stringMatching(message) });
  });

  it("still reports YAML errors of the file at their place, before any override", () => {
    const r = parseWithOverrides("name: x\ncluster: {managers: 1\n", "s.yaml", set("colour=red"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map(formatProblem)[0]).toMatch(/^s\.yaml:\d+:\d+: invalid YAML/);
  });

  it("builds a whole scenario into an empty file, and reports missing keys at the file", () => {
    expect(load("", "name=x", "cluster.managers=1", "steps=[docker node ls]").steps).toHaveLength(1);
    const found = problems("", "name=x").map(formatProblem);
    expect(found.slice(0, 2)).toEqual(['s.yaml:1:1: the scenario is missing the required key "cluster"', 's.yaml:1:1: the scenario is missing the required key "steps"']);
    for (const p of found) expect(p).toMatch(/^s\.yaml:1:1: /);
  });
});
