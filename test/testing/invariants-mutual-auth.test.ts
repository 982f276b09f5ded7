import { describe, expect, it } from "vitest";
import { type TraceRecord, instant, loadScenario } from "../../src/index.js";
import { type FinishedRun, type Verdict, invariants, runForTesting } from "../../src/testing/index.js";

// Three managers (raft between them, workers' calls forwarded to the leader),
// workers joining without a certificate, a root rotation, a worker joining
// after it (under the new root), and a worker removed while up: its calls
// are refused from then on.
const scenario = loadScenario(
  `
name: mutual-auth
seed: 3
cluster:
  rsaBits: 1024
  gossip: false
  nodes:
    - {name: manager-1, role: manager}
    - {name: manager-2, role: manager}
    - {name: manager-3, role: manager}
    - {name: worker-1, role: worker}
    - {name: worker-2, role: worker}
    - {name: late, role: worker, join: false}
steps:
  - wait: 10s
  - docker swarm ca --rotate -d
  - wait: 30s
  - {run: docker swarm join-token -q worker, capture: TOKEN}
  - {run: "docker swarm join --token $TOKEN manager-1:2377", on: late}
  - docker node rm --force worker-2
  - wait: 30s
`,
  "mutual-auth.yaml",
);
const run = runForTesting(scenario);

const served = (r: TraceRecord) => r.kind === "rpc.served";
const accepted = (r: TraceRecord) => r.kind === "rpc.accepted";
const sameConnection = (a: TraceRecord, b: TraceRecord) => a.node === b.node && a["local"] === b["local"] && a["remote"] === b["remote"];

/** The run with `record` replaced by `change(record)`. */
function tampered(match: (r: TraceRecord) => boolean, change: (r: TraceRecord) => TraceRecord): FinishedRun {
  const index = run.records.findIndex(match);
  expect(index).toBeGreaterThanOrEqual(0);
  return { ...run, records: run.records.map((r, i) => (i === index ? change(r) : r)) };
}

/** The run with `record` inserted in time order. */
function withRecord(record: TraceRecord): FinishedRun {
  const at = run.records.findIndex((r) => r.t > record.t);
  return { ...run, records: [...run.records.slice(0, at), record, ...run.records.slice(at)] };
}

function violations(verdict: Verdict): Array<Record<string, unknown>> {
  expect(verdict.ok).toBe(false);
  return verdict.ok ? [] : (verdict.evidence["violations"] as Array<Record<string, unknown>>);
}

/** The first connection accepted at or after `from` from a node with a certificate (of role `ou`) on which a call was served. */
function certifiedConnection(from = 0, ou = "swarm-worker"): TraceRecord {
  const found = run.records.find((a) => accepted(a) && a.t >= from && a["peerOU"] === ou && run.records.some((s) => served(s) && sameConnection(a, s)));
  expect(found).toBeDefined();
  return found!;
}

describe("invariants.mutualAuthOnly", () => {
  it("holds over joins, forwarding, raft, a root rotation and a removal", () => {
    expect(run.report.ok).toBe(true);
    const verdict = invariants.mutualAuthOnly(run);
    expect(verdict).toMatchObject({ ok: true });
    const info = verdict.ok ? verdict.info! : {};
    expect(info["calls"]).toBeGreaterThan(100);
    expect(info["callsWithoutCertificate"]).toBeGreaterThan(0); // the joins: GetRootCACertificate, IssueNodeCertificate, NodeCertificateStatus
    expect(info["roots"]).toHaveLength(2); // the first root until the rotation ended, the new one from its start
    expect(run.records.some((r) => served(r) && r["forCN"] !== undefined)).toBe(true);
    expect(run.records.some((r) => served(r) && String(r["method"]).includes("Raft"))).toBe(true);
  });

  it("catches a caller whose certificate leads to a rogue root", () => {
    const rogue = "f".repeat(64);
    const connection = certifiedConnection();
    const [violation] = violations(invariants.mutualAuthOnly(tampered((r) => r === connection, (r) => ({ ...r, peerRoot: rogue }))));
    expect(violation!["problem"]).toBe(`the caller's certificate leads to no root its cluster trusted then (${rogue})`);
    expect(violation).toMatchObject({ node: connection.node, connection: { remote: connection["remote"], handshakeAt: connection.t }, peer: { cn: connection["peerCN"], root: rogue } });
  });

  it("catches a handshake on the old root after the rotation ended", () => {
    const done = run.records.find((r) => r.kind === "ca.rotation-done")!;
    const oldRoot = run.records.find((r) => r.kind === "swarm.init")!["caDigest"];
    const connection = certifiedConnection(done.t);
    const [violation] = violations(invariants.mutualAuthOnly(tampered((r) => r === connection, (r) => ({ ...r, peerRoot: oldRoot }))));
    expect(violation!["problem"]).toBe(`the caller's certificate leads to no root its cluster trusted then (${String(oldRoot)})`);
  });

  it("catches an expired certificate, and one of another cluster", () => {
    const connection = certifiedConnection();
    const expired = violations(invariants.mutualAuthOnly(tampered((r) => r === connection, (r) => ({ ...r, peerNotAfter: r.t - 1 }))));
    expect(expired[0]!["problem"]).toBe(`the caller's certificate was not valid at the manager's clock ${connection.t}`);
    const foreign = violations(invariants.mutualAuthOnly(tampered((r) => r === connection, (r) => ({ ...r, peerO: "othercluster" }))));
    expect(foreign.map((v) => v["problem"])).toContain(`the caller's certificate names cluster "othercluster", not "${String(connection["selfO"])}"`);
  });

  it("catches a joining node (no certificate) served anything but the CA's join methods", () => {
    const joining = run.records.find((r) => accepted(r) && r["peerCN"] === undefined)!;
    const session: TraceRecord = { t: instant(joining.t + 1000), kind: "rpc.served", node: joining.node, method: "/docker.swarmkit.v1.Dispatcher/Session", local: joining["local"], remote: joining["remote"] };
    const [violation] = violations(invariants.mutualAuthOnly(withRecord(session)));
    expect(violation).toMatchObject({ problem: "/docker.swarmkit.v1.Dispatcher/Session served to a caller without a certificate", node: joining.node, t: session.t });
  });

  it("catches a call served to a node after its removal", () => {
    const removal = run.records.find((r) => r.kind === "node.removed")!;
    const removedId = removal["nodeId"];
    const connection = run.records.find((r) => accepted(r) && r["peerCN"] === removedId)!;
    const heartbeat: TraceRecord = { t: instant(removal.t + 5_000_000), kind: "rpc.served", node: connection.node, method: "/docker.swarmkit.v1.Dispatcher/Heartbeat", local: connection["local"], remote: connection["remote"] };
    const [violation] = violations(invariants.mutualAuthOnly(withRecord(heartbeat)));
    expect(violation!["problem"]).toBe(`/docker.swarmkit.v1.Dispatcher/Heartbeat served to ${String(removedId)}, removed from the swarm at ${removal.t}`);
    expect(violation).toMatchObject({ node: connection.node, t: heartbeat.t, peer: { cn: removedId } });
  });

  it("catches a raft message served to a worker, and a call on a connection never accepted", () => {
    const worker = certifiedConnection();
    expect(worker["peerOU"]).toBe("swarm-worker");
    const raft: TraceRecord = { t: instant(worker.t + 1000), kind: "rpc.served", node: worker.node, method: "/docker.swarmkit.v1.Raft/ProcessRaftMessage", local: worker["local"], remote: worker["remote"] };
    expect(violations(invariants.mutualAuthOnly(withRecord(raft)))[0]!["problem"]).toBe(
      `/docker.swarmkit.v1.Raft/ProcessRaftMessage served to ${String(worker["peerCN"])}, a swarm-worker`,
    );
    const stray: TraceRecord = { ...raft, remote: "10.0.0.99:40000" };
    expect(violations(invariants.mutualAuthOnly(withRecord(stray)))[0]!["problem"]).toBe("served on a connection with no accepted handshake");
  });
});
