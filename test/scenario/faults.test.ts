import { describe, expect, it } from "vitest";
import { IpProtocol, type TapPacket, TcpFlag, encodeTcp, encodeUdp } from "../../src/net/index.js";
import { type Fault, formatProblem, formatReport, loadScenario, parseScenario, runScenario } from "../../src/scenario/index.js";
import { MemorySink, ms, seconds } from "../../src/sim/index.js";
import type { Cluster } from "../../src/swarm/index.js";

/** A scenario of manager-1, worker-1 and worker-2 with these steps (its steps start on line 4). */
const withSteps = (steps: string) => `name: x\ncluster: {managers: 1, workers: 2, bootstrap: manual}\nsteps:\n${steps}`;

/** The fault each step line reads to. */
const faultsOf = (steps: string): Fault[] =>
  loadScenario(withSteps(steps), "f.yaml").steps.map((step) => {
    if (step.kind !== "fault") throw new Error(`expected a fault step, got ${step.kind}`);
    return step.fault;
  });

const problemsOf = (steps: string) => {
  const r = parseScenario(withSteps(steps), "f.yaml");
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.problems.map(formatProblem);
};

describe("reading fault steps", () => {
  it("reads crash, restart, isolate and heal", () => {
    expect(faultsOf("  - crash: worker-1\n  - restart: worker-1\n  - isolate: manager-1\n  - heal: all\n  - heal: true\n")).toEqual([
      { kind: "crash", node: "worker-1" },
      { kind: "restart", node: "worker-1" },
      { kind: "isolate", node: "manager-1" },
      { kind: "heal" },
      { kind: "heal" },
    ]);
  });

  it("reads a clock skew ahead, behind, or back to true time", () => {
    expect(faultsOf("  - clock: {node: worker-1, skew: 2h}\n  - clock: {node: worker-2, skew: -90m}\n  - clock: {node: worker-1, skew: 0}\n")).toEqual([
      { kind: "clock", node: "worker-1", skewUs: 2 * 3_600_000_000 },
      { kind: "clock", node: "worker-2", skewUs: -90 * 60_000_000 },
      { kind: "clock", node: "worker-1", skewUs: 0 },
    ]);
    expect(problemsOf("  - clock: {node: worker-1, skew: soon}\n")[0]).toMatch(/^f\.yaml:4:35: .*clock\.skew/);
    expect(problemsOf("  - clock: {node: worker-1}\n")[0]).toContain('"skew"');
  });

  it("reads a partition's groups and a one-way block of one node or a list", () => {
    expect(faultsOf("  - partition: [[manager-1], [worker-1, worker-2]]\n  - block: {from: worker-1, to: [manager-1, worker-2]}\n")).toEqual([
      { kind: "partition", groups: [["manager-1"], ["worker-1", "worker-2"]] },
      { kind: "block", from: ["worker-1"], to: ["manager-1", "worker-2"] },
    ]);
  });

  it("reads link changes with the underlay's latency and loss syntax, and a reset", () => {
    const faults = faultsOf(
      [
        "  - link: {from: manager-1, to: worker-1, latency: 20ms, loss: 1%}",
        "  - link: {from: manager-1, to: worker-2, latency: {uniform: [1ms, 5ms]}, one-way: true}",
        "  - link: {from: worker-1, to: worker-2, latency: {exponential: 2ms}}",
        "  - link: {from: manager-1, to: worker-1, loss: 0.5%}",
        "  - link: {from: manager-1, to: worker-1, reset: true}",
        "",
      ].join("\n"),
    );
    expect(faults).toEqual([
      { kind: "link", from: "manager-1", to: "worker-1", oneWay: false, change: { latency: { kind: "fixed", latency: ms(20) }, lossPpm: 10_000 } },
      { kind: "link", from: "manager-1", to: "worker-2", oneWay: true, change: { latency: { kind: "uniform", min: ms(1), max: ms(5) } } },
      { kind: "link", from: "worker-1", to: "worker-2", oneWay: false, change: { latency: { kind: "exponential", mean: ms(2) } } },
      { kind: "link", from: "manager-1", to: "worker-1", oneWay: false, change: { lossPpm: 5000 } },
      { kind: "link", from: "manager-1", to: "worker-1", oneWay: false, change: "reset" },
    ]);
  });

  it("reads control-plane delay, drop, loss and clear", () => {
    const faults = faultsOf(
      [
        "  - control-plane: {node: worker-1, delay: 2s}",
        "  - control-plane: {node: worker-1, drop: true}",
        "  - control-plane: {node: worker-1, loss: 30%, delay: 100ms}",
        "  - control-plane: {node: worker-1, clear: true}",
        "",
      ].join("\n"),
    );
    expect(faults).toEqual([
      { kind: "control-plane", node: "worker-1", change: { delay: seconds(2) } },
      { kind: "control-plane", node: "worker-1", change: { lossPpm: 1_000_000 } },
      { kind: "control-plane", node: "worker-1", change: { lossPpm: 300_000, delay: ms(100) } },
      { kind: "control-plane", node: "worker-1", change: "clear" },
    ]);
  });

  it("keeps docker, run and wait steps as they were, and records where each fault step is", () => {
    const s = loadScenario(withSteps("  - docker version\n  - {wait: 1s}\n  - crash: worker-2\n  - {run: docker version, on: worker-1}\n"), "f.yaml");
    expect(s.steps.map((step) => step.kind)).toEqual(["docker", "wait", "fault", "docker"]);
    expect(s.steps[2]?.where).toEqual({ file: "f.yaml", line: 6, column: 5 });
  });

  it.each([
    ["an unknown node to crash", "  - crash: worker-9\n", `f.yaml:4:12: expected one of manager-1, worker-1, worker-2 for crash, got "worker-9"`],
    ["an unknown node to restart", "  - {restart: nope}\n", `f.yaml:4:15: expected one of manager-1, worker-1, worker-2 for restart, got "nope"`],
    ["an unknown node in a partition", "  - partition: [[manager-1], [worker-3]]\n", `f.yaml:4:31: expected one of manager-1, worker-1, worker-2 for partition, got "worker-3"`],
    ["an unknown node to block", "  - block: {from: worker-1, to: [manager-1, m2]}\n", `f.yaml:4:45: expected one of manager-1, worker-1, worker-2 for block.to, got "m2"`],
    ["an unknown node of a link", "  - link: {from: mgr, to: worker-1, loss: 1%}\n", `f.yaml:4:18: expected one of manager-1, worker-1, worker-2 for link.from, got "mgr"`],
    ["an unknown node of control-plane", "  - control-plane: {node: w1, drop: true}\n", `f.yaml:4:27: expected one of manager-1, worker-1, worker-2 for control-plane.node, got "w1"`],
    ["a node in two groups", "  - partition: [[worker-1], [worker-1, worker-2]]\n", `f.yaml:4:30: node "worker-1" is in more than one group of partition`],
    ["a group that is not a list", "  - partition: [manager-1, [worker-1]]\n", `f.yaml:4:17: expected a list for a group of partition (groups are lists: [[a, b], [c]]), got "manager-1"`],
    ["an empty partition", "  - partition: []\n", `f.yaml:4:16: expected at least one group for partition ([[a, b], [c]])`],
    ["an empty group", "  - partition: [[manager-1], []]\n", `f.yaml:4:30: expected at least one node in a group of partition`],
    ["a block without to", "  - block: {from: worker-1}\n", `f.yaml:4:12: block is missing the required key "to"`],
    ["a bad heal", "  - heal: soon\n", `f.yaml:4:11: expected "all" (or true) for heal, got "soon"`],
    ["a crash of a list", "  - crash: [worker-1]\n", `f.yaml:4:12: expected a non-empty string for crash (a node name), got a list`],
    ["a second key", "  - {crash: worker-1, on: worker-2}\n", `f.yaml:4:23: unknown key "on" in a crash step: expected one of crash`],
    ["a bad link latency", "  - link: {from: manager-1, to: worker-1, latency: 20 ms}\n", `f.yaml:4:52: invalid duration "20 ms" at "20 ms": expected a duration such as "250ms", "12h" or "90d" (units: d, h, m, s, ms, us) (in link.latency)`],
    ["a bad uniform latency", "  - link: {from: manager-1, to: worker-1, latency: {uniform: [5ms, 1ms]}}\n", `f.yaml:4:62: expected MIN <= MAX in link.latency.uniform`],
    ["a bad link loss", "  - link: {from: manager-1, to: worker-1, loss: 120%}\n", `f.yaml:4:49: expected a percentage such as "0%" or "0.5%" (or a fraction from 0 to 1) for link.loss, got "120%"`],
    ["a link to itself", "  - link: {from: worker-1, to: worker-1, loss: 1%}\n", `f.yaml:4:32: expected two different nodes for link.from and link.to, got "worker-1" twice`],
    ["a link that changes nothing", "  - link: {from: manager-1, to: worker-1}\n", `f.yaml:4:11: link needs "latency", "loss" or "reset: true"`],
    ["a reset with a change", "  - link: {from: manager-1, to: worker-1, reset: true, loss: 1%}\n", `f.yaml:4:11: link takes either "reset: true" or "latency"/"loss", not both`],
    ["reset: false", "  - link: {from: manager-1, to: worker-1, reset: false}\n", `f.yaml:4:50: expected true for link.reset (leave the key out otherwise), got false`],
    ["a bad control-plane delay", "  - control-plane: {node: worker-1, delay: 2 seconds}\n", `f.yaml:4:44: invalid duration "2 seconds" at "2 seconds": expected a duration such as "250ms", "12h" or "90d" (units: d, h, m, s, ms, us) (in control-plane.delay)`],
    ["drop and loss together", "  - control-plane: {node: worker-1, drop: true, loss: 5%}\n", `f.yaml:4:49: control-plane takes "drop: true" (every packet) or "loss" (a share), not both`],
    ["clear with a change", "  - control-plane: {node: worker-1, clear: true, delay: 1s}\n", `f.yaml:4:20: control-plane takes either "clear: true" or "delay"/"drop"/"loss", not both`],
    ["a control-plane step without an action", "  - control-plane: {node: worker-1}\n", `f.yaml:4:20: control-plane needs "delay", "drop: true", "loss" or "clear: true"`],
    ["a control-plane step without a node", "  - control-plane: {drop: true}\n", `f.yaml:4:20: control-plane is missing the required key "node"`],
    ["a drop that is not true", "  - control-plane: {node: worker-1, drop: yes}\n", `f.yaml:4:43: expected true or false for control-plane.drop, got "yes"`],
  ])("reports %s as file:line:column: what was expected", (_what, steps, message) => {
    expect(problemsOf(steps)).toEqual([message]);
  });

  it("lists at most a few names of a large cluster", () => {
    const r = parseScenario("name: x\ncluster: {managers: 3, workers: 100}\nsteps:\n  - crash: worker-101\n", "big.yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(formatProblem(r.problems[0]!)).toBe(
        `big.yaml:4:12: expected one of manager-1, manager-2, manager-3, worker-1, worker-2, worker-3, worker-4, worker-5, worker-6, worker-7, … (103 nodes) for crash, got "worker-101"`,
      );
    }
  });
});

/** A two-node cluster, bootstrapped by hand and never: no control plane runs, only the fabric. */
const twoNodes = (steps: string) => loadScenario(`name: faults\nseed: 5\ncluster: {managers: 1, workers: 1, bootstrap: manual}\nsteps:\n${steps}`, "faults.yaml");

describe("running fault steps", () => {
  it("partitions and heals the underlay, traces each step before its effect, and prints it like a wait", () => {
    const trace = new MemorySink();
    const report = runScenario(twoNodes("  - partition: [[manager-1], [worker-1]]\n  - {wait: 1s}\n  - heal: all\n"), { sinks: [trace] });
    expect(report.ok).toBe(true);
    const kinds = trace.records.filter((r) => r.kind === "step" || r.kind.startsWith("net.")).map((r) => (r.kind === "step" ? `step ${String(r.step)}` : r.kind));
    expect(kinds).toEqual(["step partition [manager-1] [worker-1]", "net.partition", "step wait 1s", "step heal", "net.heal"]);
    expect(trace.records.find((r) => r.kind === "net.partition")).toMatchObject({ groups: [["manager-1"], ["worker-1"]] });
    expect(report.steps.map((s) => [s.kind, s.text, s.at])).toEqual([
      ["fault", "partition [manager-1] [worker-1]", 0],
      ["wait", "wait 1s", 0],
      ["fault", "heal", seconds(1)],
    ]);
    expect(formatReport(report)).toContain("[+00:00:00.000000] partition [manager-1] [worker-1]\n\n[+00:00:00.000000] wait 1s\n\n[+00:00:01.000000] heal\n\n");
  });

  it("crashes and restarts nodes through the cluster", () => {
    const calls: string[] = [];
    runScenario(twoNodes("  - crash: worker-1\n  - {wait: 5s}\n  - restart: worker-1\n"), {
      onCluster: (cluster) => {
        cluster.crashNode = (name) => calls.push(`crash ${name} at ${cluster.sim.now}`);
        cluster.restartNode = (name) => calls.push(`restart ${name} at ${cluster.sim.now}`);
      },
    });
    expect(calls).toEqual(["crash worker-1 at 0", `restart worker-1 at ${seconds(5)}`]);
  });

  it("isolates, blocks one way and changes links on the fabric", () => {
    let cluster: Cluster | undefined;
    const trace = new MemorySink();
    runScenario(
      twoNodes(
        [
          "  - block: {from: worker-1, to: manager-1}",
          "  - link: {from: manager-1, to: worker-1, latency: {uniform: [1ms, 5ms]}, loss: 2%, one-way: true}",
          "",
        ].join("\n"),
      ),
      { sinks: [trace], onCluster: (c) => (cluster = c) },
    );
    const fabric = cluster!.fabric;
    expect([fabric.canReach("worker-1", "manager-1"), fabric.canReach("manager-1", "worker-1")]).toEqual([false, true]);
    expect(fabric.linkBetween("manager-1", "worker-1")).toEqual({ latency: { kind: "uniform", min: ms(1), max: ms(5) }, lossPpm: 20_000 });
    expect(fabric.linkBetween("worker-1", "manager-1")).toEqual({ latency: { kind: "fixed", latency: ms(1) }, lossPpm: 0 });
    expect(trace.records.filter((r) => r.kind === "step").map((r) => r.step)).toEqual([
      "block worker-1 -> manager-1",
      "link manager-1 -> worker-1 latency 1ms..5ms loss 2%",
    ]);
  });

  it("a link reset returns it to the underlay's settings", () => {
    let cluster: Cluster | undefined;
    runScenario(twoNodes("  - link: {from: manager-1, to: worker-1, latency: 20ms}\n  - link: {from: manager-1, to: worker-1, reset: true}\n"), {
      onCluster: (c) => (cluster = c),
    });
    expect(cluster!.fabric.linkBetween("worker-1", "manager-1")).toEqual({ latency: { kind: "fixed", latency: ms(1) }, lossPpm: 0 });
  });

  it("a control-plane step replaces the node's earlier rule, and clear lifts it", () => {
    const trace = new MemorySink();
    runScenario(
      twoNodes("  - control-plane: {node: worker-1, delay: 2s}\n  - control-plane: {node: worker-1, loss: 30%}\n  - control-plane: {node: worker-1, clear: true}\n"),
      { sinks: [trace] },
    );
    const records = trace.records.filter((r) => r.kind === "step" || r.kind.startsWith("net.rule")).map(({ t: _t, ...r }) => r);
    expect(records).toEqual([
      { kind: "step", index: 0, step: "control-plane worker-1 delay 2s" },
      { kind: "net.rule-add", id: 1, host: "worker-1", protocol: IpProtocol.tcp, port: 2377, delay: "2s" },
      { kind: "step", index: 1, step: "control-plane worker-1 loss 30%" },
      { kind: "net.rule-clear", ids: [1] },
      { kind: "net.rule-add", id: 2, host: "worker-1", protocol: IpProtocol.tcp, port: 2377, lossPpm: 300_000 },
      { kind: "step", index: 2, step: "control-plane worker-1 clear" },
      { kind: "net.rule-clear", ids: [2] },
    ]);
  });

  it("a control-plane drop stops TCP 2377 packets of the node but not its UDP 7946 gossip", () => {
    let cluster: Cluster | undefined;
    runScenario(twoNodes("  - control-plane: {node: worker-1, drop: true}\n"), { onCluster: (c) => (cluster = c) });
    const fabric = cluster!.fabric;
    const seen: TapPacket[] = [];
    fabric.addTap((p) => seen.push(p), { outcomes: ["dropped", "delivered"] });
    const worker = fabric.host("worker-1");
    const manager = fabric.host("manager-1");
    const syn = (src: string, dst: string, srcPort: number, dstPort: number) =>
      encodeTcp({ srcPort, dstPort, seq: 1, ack: 0, flags: TcpFlag.SYN, window: 1000, payload: new Uint8Array(0) }, src, dst);
    worker.sendIp(IpProtocol.tcp, manager.ip, syn(worker.ip, manager.ip, 40_000, 2377)); // its own connection out
    manager.sendIp(IpProtocol.tcp, worker.ip, syn(manager.ip, worker.ip, 40_001, 2377)); // into its endpoint
    manager.sendIp(IpProtocol.tcp, worker.ip, syn(manager.ip, worker.ip, 2377, 40_002)); // an answer from 2377
    worker.sendIp(IpProtocol.udp, manager.ip, encodeUdp({ srcPort: 7946, dstPort: 7946, payload: new Uint8Array(1) }, worker.ip, manager.ip));
    manager.sendIp(IpProtocol.udp, worker.ip, encodeUdp({ srcPort: 7946, dstPort: 7946, payload: new Uint8Array(1) }, manager.ip, worker.ip));
    cluster!.sim.scheduler.run();
    const outcome = (p: TapPacket) => `${p.bytes[9] === IpProtocol.tcp ? "tcp" : "udp"} ${p.src}>${p.dst} ${p.reason ?? p.outcome}`;
    const tcp = seen.filter((p) => p.bytes[9] === IpProtocol.tcp);
    const udp = seen.filter((p) => p.bytes[9] === IpProtocol.udp);
    expect(tcp.map(outcome).sort()).toEqual(["tcp manager-1>worker-1 rule", "tcp manager-1>worker-1 rule", "tcp worker-1>manager-1 rule"]);
    // Both datagrams reach the other host's stack (whether a gossip listener takes them is not this test's business).
    expect(udp.map((p) => `${p.src}>${p.dst}`).sort()).toEqual(["manager-1>worker-1", "worker-1>manager-1"]);
    expect(udp.every((p) => p.outcome === "delivered" || p.reason === "no-listener")).toBe(true);
    expect(fabric.counters.dropped.rule).toBe(3);
  });

  it("a node whose clock is 2 h behind cannot join (every certificate is not yet valid to it); 50 min ahead it can", () => {
    const report = runScenario(
      loadScenario(
        [
          "name: skew",
          "cluster: {managers: 1, workers: 2, bootstrap: manual, rsaBits: 1024, gossip: false}",
          "steps:",
          "  - docker swarm init",
          "  - {run: docker swarm join-token -q worker, capture: TOKEN}",
          "  - clock: {node: worker-1, skew: -2h}",
          '  - {run: "docker swarm join --token $TOKEN manager-1:2377", on: worker-1, expect: {exit-code: 1, stderr-contains: \'x509: certificate has expired or is not yet valid: current time 2025-12-31T22:00:00Z is before 2025-12-31T23:00:00Z"\'}}',
          "  - clock: {node: worker-2, skew: 50m}",
          '  - {run: "docker swarm join --token $TOKEN manager-1:2377", on: worker-2, expect: {stdout-contains: "This node joined a swarm as a worker."}}',
          "",
        ].join("\n"),
        "skew.yaml",
      ),
    );
    expect(report.failures).toBe(0);
    expect(report.steps.map((s) => s.text)).toContain("clock worker-1 skew -2h");
  });

  it("a node 10 min behind refuses the handshake itself: the root is not yet valid to it (Go checks the candidate authority too)", () => {
    const report = runScenario(
      loadScenario(
        [
          "name: skew",
          "cluster: {managers: 1, workers: 1, bootstrap: manual, rsaBits: 1024, gossip: false}",
          "steps:",
          "  - docker swarm init",
          "  - {run: docker swarm join-token -q worker, capture: TOKEN}",
          "  - clock: {node: worker-1, skew: -10m}",
          '  - {run: "docker swarm join --token $TOKEN manager-1:2377", on: worker-1, expect: {exit-code: 1, stderr-contains: \'x509: certificate signed by unknown authority (possibly because of "x509: certificate has expired or is not yet valid" while trying to verify candidate authority certificate "swarm-ca")\'}}',
          "  - check: {records: {ca.admit: 0}}",
          "",
        ].join("\n"),
        "skew.yaml",
      ),
    );
    expect(report.failures).toBe(0);
  });
});

