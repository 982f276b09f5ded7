import { describe, expect, it } from "vitest";
import { openScenario } from "../../src/api/index.js";
import { formatReport, loadScenario, runScenario } from "../../src/scenario/index.js";

/** Runs a scenario and fails with its report unless every expectation passed. */
function runOk(text: string): string {
  const report = runScenario(loadScenario(text, "demotion.yaml"));
  const printed = formatReport(report);
  expect(report.ok, printed).toBe(true);
  return printed;
}

const notManager = "This node is not a swarm manager.";

/** Three managers and a worker; manager-2 demotes the leader, manager-1, and `wait` passes; then `steps` (YAML list items). */
function demotingTheLeader(name: string, wait: string, steps: string): string {
  return runOk(`name: ${name}
seed: 3
cluster: {managers: 3, workers: 1, rsaBits: 1024, gossip: false}
steps:
  - {run: docker node demote manager-1, on: manager-2}
  - wait: ${wait}
${steps}`);
}

describe("a demoted manager (swarmkit ErrMemberRemoved, node.go superviseManager)", () => {
  it("demoting the leader: another manager leads, and the old leader renews as a worker and serves no manager commands", () => {
    const printed = demotingTheLeader(
      "demote-leader",
      "60s",
      `  - check:
      nodes:
        manager-1: {status: ready, role: worker, leader: false}
        worker-1: {status: ready, role: worker}
      records: {manager.removed: 1}
  - {run: docker node ls, on: manager-1, expect: {exit-code: 1, stderr-contains: "${notManager}"}}
  - {run: docker node ls, on: manager-2, expect: {stdout-matches: "manager-1 +Ready +Active +28"}}
`,
    );
    expect(printed).toContain("manager-1 role worker: worker");
  });

  it("the demoted leader hands leadership over first (role_manager.go): another manager leads within a second, with no election timeout", () => {
    demotingTheLeader(
      "demote-leader-transfer",
      "1s",
      `  - check:
      nodes:
        manager-1: {leader: false, role: worker}
      records: {raft.transfer: 1, manager.removed: 1}
  - {run: docker node ls, on: manager-2, expect: {stdout-matches: "manager-(2|3) +Ready +Active +Leader"}}
`,
    );
  });

  it("the demoted leader promoted again rejoins raft through another manager and is reachable", () => {
    demotingTheLeader(
      "demote-promote-leader",
      "60s",
      `  - {run: docker node promote manager-1, on: manager-2}
  - wait: 60s
  - check:
      nodes:
        manager-1: {status: ready, role: manager}
  - {run: docker node ls, on: manager-1, expect: {stdout-matches: "manager-1 +Ready +Active +Reachable"}}
`,
    );
  });

  it("of two managers, demoting the leader leaves the other leading alone", () => {
    runOk(`name: demote-leader-of-two
seed: 3589092122
cluster: {managers: 2, rsaBits: 512, gossip: false}
steps:
  - {run: docker node demote manager-1, on: manager-2}
  - wait: 60s
  - check:
      leader: manager-2
      nodes:
        manager-1: {role: worker}
`);
  });
});

describe("a demoted manager restarted (node.go: the role its certificate says)", () => {
  it("comes back as a worker, and the remaining manager alone leads", () => {
    runOk(`name: demote-crash-restart
seed: 0
cluster: {managers: 2, rsaBits: 512, gossip: false}
steps:
  - {run: docker node demote manager-1, on: manager-2}
  - wait: 30s
  - crash: manager-1
  - wait: 60s
  - restart: manager-1
  - wait: 60s
  - check:
      leader: manager-2
      nodes:
        manager-1: {status: ready, role: worker, leader: false}
  - {run: docker node ls, on: manager-1, expect: {exit-code: 1, stderr-contains: "${notManager}"}}
`);
  });
});

describe("the managers a node knows (swarmkit remotes, state.json)", () => {
  it("a worker restarted while the manager it joined through is down opens its session with another and gets its keys", () => {
    runOk(`name: restart-without-join-manager
seed: 5
cluster: {managers: 3, workers: 1, rsaBits: 1024, gossip: false}
steps:
  - crash: manager-1
  - crash: worker-1
  - wait: 30s
  - restart: worker-1
  - wait: 60s
  - check:
      nodes:
        worker-1: {status: ready, keys: 3, keys-like: manager-2}
  - {run: docker node ls, on: manager-2, expect: {stdout-matches: "worker-1 +Ready"}}
`);
  });
});

describe("changes to one node object (MemoryStore.Update holds its lock until commit)", () => {
  it("a change proposed while another is in flight is made to the node as the first left it", () => {
    const world = openScenario({
      name: "store",
      seed: 1,
      // Three managers: an entry commits only once a follower acked it, so the two proposals overlap.
      cluster: { nodes: [{ name: "manager-1", role: "manager" }, { name: "manager-2", role: "manager" }, { name: "manager-3", role: "manager" }, { name: "worker-1", role: "worker" }], rsaBits: 512, gossip: false },
      steps: [],
    });
    const leader = [...world.cluster.nodes.values()].find((n) => n.manager?.raft?.isLeader === true)!;
    const store = leader.store!;
    const raft = leader.manager!.raft!;
    const workerId = world.cluster.node("worker-1").id!;
    const results: boolean[] = [];
    // Both proposed at once: before, the second carried a copy without the first's change and undid it when it committed.
    store.updateNode(raft, workerId, () => ({ statusMessage: "first" }), (r) => results.push(r.ok));
    store.updateNode(raft, workerId, () => ({ availability: "drain" }), (r) => results.push(r.ok));
    world.runFor("2s");
    expect(results).toEqual([true, true]);
    expect(store.state.nodes.get(workerId)).toMatchObject({ statusMessage: "first", availability: "drain" });
  });
});
