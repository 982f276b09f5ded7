import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ScenarioDescription, type TraceRecord, ScenarioError, loadScenario, openScenario, runScenario } from "../../src/index.js";

/** A small world that rotates its keys every 2 minutes. */
const small: ScenarioDescription = {
  name: "api",
  seed: 5,
  cluster: { nodes: [{ name: "manager-1", role: "manager" }, { name: "worker-1", role: "worker" }, { name: "spare-1", role: "worker", join: false }], rsaBits: 512, keyRotation: "2m", gossip: false },
  steps: [],
};

describe("openScenario", () => {
  it("builds a cluster from a description and bootstraps it: every joined node ready, holding the leader's keys", () => {
    const world = openScenario(small);
    const swarm = world.swarm()!;
    expect(swarm.leader).toBe("manager-1");
    expect(swarm.members.map((m) => [m.hostname, m.role])).toEqual([["manager-1", "manager"], ["worker-1", "worker"]]);
    expect(world.node("spare-1")).toMatchObject({ status: "outside", role: undefined, keys: undefined });
    for (const name of ["manager-1", "worker-1"]) {
      expect(world.node(name).status).toBe("ready");
      expect(world.node(name).keys?.gossip.tags).toEqual(swarm.keyTags.gossip);
      expect(world.node(name).keys?.ipsec.tags).toEqual(swarm.keyTags.ipsec);
    }
  });

  it("plays a scenario file's timeline as runScenario does, to the same fingerprint", () => {
    const text = readFileSync("scenarios/default.yaml", "utf8").replace(/^cluster: \{/m, "cluster: {rsaBits: 512, ");
    const world = openScenario(text, { file: "default.yaml" });
    const reports = world.runTimeline();
    expect(reports.length).toBe(loadScenario(text, "default.yaml").steps.length);
    expect(world.runNextStep()).toBeUndefined();
    expect(world.finish().fingerprint).toBe(runScenario(loadScenario(text, "default.yaml")).fingerprint);
  });

  it("runs to an instant, for a span, or one event at a time", () => {
    const world = openScenario(small);
    world.runUntil("1m");
    expect(world.now).toBe(60_000_000);
    world.runFor(1_000_000);
    expect(world.now).toBe(61_000_000);
    const next = world.step();
    expect(next?.at).toBeGreaterThanOrEqual(61_000_000);
    expect(world.now).toBe(next?.at);
    expect(() => world.runUntil("30s")).toThrow(RangeError);
    expect(() => world.runFor("soon")).toThrow(/"span" expected a duration/);
  });

  it("runs until a trace record comes, or gives up at the limit", () => {
    const world = openScenario(small);
    const rotation = world.runUntilRecord("keymanager.rotate", { within: "5m" });
    expect(rotation?.kind).toBe("keymanager.rotate");
    expect(world.now).toBe(rotation?.t);
    const start = world.now;
    expect(world.runUntilRecord((r) => r.kind === "no.such.kind", { within: "10s" })).toBeUndefined();
    expect(world.now).toBe(start + 10_000_000);
  });

  it("runs docker commands, with captured variables, and refuses what is not one", () => {
    const world = openScenario(small);
    world.docker("manager-1", "docker swarm join-token -q worker", { capture: "TOKEN" });
    const joined = world.docker("spare-1", "docker swarm join --token $TOKEN manager-1:2377");
    expect(joined).toEqual({ stdout: "This node joined a swarm as a worker.\n", stderr: "", exitCode: 0 });
    expect(world.node("spare-1").status).toBe("ready");
    expect(world.docker("worker-1", "docker node ls").exitCode).toBe(1);
    expect(() => world.docker("worker-9", "docker node ls")).toThrow(RangeError);
    expect(() => world.docker("manager-1", "ls -l")).toThrow(/"line" expected a docker command/);
    expect(() => world.docker("manager-1", "docker swarm join --token $NOPE x")).toThrow(/\$NOPE/);
  });

  it("applies any step of the scenario language, with its node names checked", () => {
    const world = openScenario(small);
    world.apply({ crash: "worker-1" });
    expect(world.node("worker-1").status).toBe("down");
    const check = world.apply({ check: { nodes: { "worker-1": { status: "down" }, "manager-1": { keys: 3 } } } });
    expect(check.checks.every((c) => c.ok)).toBe(true);
    expect(() => world.apply({ crash: "worker-9" })).toThrow(ScenarioError);
    expect(() => world.apply({ crash: "worker-9" })).toThrow(/expected one of manager-1, worker-1, spare-1 for crash, got "worker-9"/);
  });

  it("tells trace listeners every record until they stop listening", () => {
    const world = openScenario(small);
    const seen: TraceRecord[] = [];
    const stop = world.onTrace((r) => seen.push(r));
    world.runFor("10s");
    const counted = seen.length;
    expect(counted).toBeGreaterThan(0);
    stop();
    world.runFor("10s");
    expect(seen.length).toBe(counted);
  });

  it("keeps the capture and a pcap when asked, and says so when not", () => {
    const world = openScenario(small, { eavesdrop: true, pcap: true });
    world.runFor("5s");
    expect(world.capture().length).toBeGreaterThan(0);
    expect([...world.pcap().subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    const plain = openScenario(small);
    expect(() => plain.capture()).toThrow(/eavesdrop: true/);
    expect(() => plain.pcap()).toThrow(/pcap: true/);
  });

  it("refuses what is not a scenario, for callers in plain JavaScript", () => {
    expect(() => openScenario(undefined as never)).toThrow(TypeError);
    expect(() => openScenario(small).onTrace("x" as never)).toThrow(TypeError);
  });

  it("opens worlds that do not bootstrap, for timelines that init the swarm themselves", () => {
    const world = openScenario(small, { bootstrap: false });
    expect(world.nodes().every((n) => n.status === "outside")).toBe(true);
    expect(world.docker("manager-1", "docker swarm init").exitCode).toBe(0);
    expect(world.swarm()?.leader).toBe("manager-1");
  });
});
