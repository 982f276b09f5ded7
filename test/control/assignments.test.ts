import { describe, expect, it } from "vitest";
import { type AttachOutcome, type CallOutcome, type StoredTask, GrpcCode } from "../../src/control/index.js";
import { MemorySink, seconds } from "../../src/sim/index.js";
import { tokenOf, world } from "../support/swarm.js";
import { createService, leader, nodeName, propose, serviceSpec, serviceWorld, settle, tasksOf } from "./services-support.js";

describe("the dispatcher's Assignments stream and the agent", () => {
  it("hands each node its tasks, and writes back what the node reports", () => {
    const w = serviceWorld();
    const seen = new Map<string, (readonly StoredTask[])[]>();
    for (const name of ["m1", "w1", "w2"]) w.cluster.node(name).agent!.on("assignments", (tasks) => seen.set(name, [...(seen.get(name) ?? []), tasks]));
    const service = serviceSpec(w, "web", 3);
    createService(w, service);
    for (const name of ["m1", "w1", "w2"]) {
      const agent = w.cluster.node(name).agent!;
      const last = seen.get(name)!.at(-1)!;
      expect(last.map((t) => t.id)).toEqual(agent.assignedTasks.map((t) => t.id));
      expect(last.map((t) => [nodeName(w, t.nodeId), t.serviceId, t.desiredState])).toEqual([[name, service.id, "running"]]);
      // The task arrives whole: its container, its address and the network it is on.
      expect(last[0]!.container).toEqual({ serviceName: "web", image: "nginx", args: [] });
      expect(last[0]!.networks[0]!.addresses[0]).toMatch(/^10\.0\.1\.\d+\/24$/);
    }
    const outcomes: CallOutcome[] = [];
    for (const name of ["m1", "w1", "w2"]) {
      const agent = w.cluster.node(name).agent!;
      const [t] = agent.assignedTasks;
      agent.updateTaskStatus(t!.id, { state: "running", message: "started", containerId: name.repeat(32).slice(0, 64) }, (o) => outcomes.push(o));
      // The node's own report is laid over its copy at once.
      expect(agent.assignedTasks[0]!.state).toBe("running");
    }
    settle(w, seconds(1));
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(tasksOf(w, service.id).map((t) => [t.state, t.message, t.containerId.length])).toEqual([
      ["running", "started", 64],
      ["running", "started", 64],
      ["running", "started", 64],
    ]);
  });

  it("sends a status change the node made itself no further, but a new desired state at once (100 ms batches)", () => {
    const w = serviceWorld();
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    const service = serviceSpec(w, "web", 1);
    createService(w, service);
    const [t] = tasksOf(w, service.id);
    const name = nodeName(w, t!.nodeId);
    const sent = () => sink.records.filter((r) => r.kind === "dispatcher.assignments" && r.nodeId === t!.nodeId).length;
    const before = sent();
    w.cluster.node(name).agent!.updateTaskStatus(t!.id, { state: "running", message: "started" });
    settle(w, seconds(1));
    expect(leader(w).state.tasks.get(t!.id)?.state).toBe("running");
    expect(sent()).toBe(before);
    propose(w, [{ kind: "remove-service", serviceId: service.id }]);
    settle(w, seconds(1));
    expect(sent()).toBeGreaterThan(before);
    const removal = sink.records.filter((r) => r.kind === "dispatcher.assignments" && r.nodeId === t!.nodeId)[before]!;
    expect(removal).toMatchObject({ type: "incremental", changes: 1 });
  });

  it("refuses a report on a task of another node, as swarmkit does", () => {
    const w = serviceWorld();
    const service = serviceSpec(w, "web", 3);
    createService(w, service);
    const other = tasksOf(w, service.id).find((t) => nodeName(w, t.nodeId) !== "w1")!;
    let outcome: CallOutcome | undefined;
    w.cluster.node("w1").agent!.updateTaskStatus(other.id, { state: "failed", message: "lies" }, (o) => (outcome = o));
    settle(w, seconds(1));
    expect(outcome).toEqual({
      ok: false,
      code: GrpcCode.permissionDenied,
      message: "cannot update a task not assigned this node",
      text: "rpc error: code = PermissionDenied desc = cannot update a task not assigned this node",
    });
    expect(leader(w).state.tasks.get(other.id)?.state).not.toBe("failed");
  });

  it("opens the stream again on a new session and gets the complete set, the node's reports sent again", () => {
    const w = serviceWorld();
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    const service = serviceSpec(w, "web", 3);
    createService(w, service);
    const agent = w.cluster.node("w1").agent!;
    const [mine] = agent.assignedTasks;
    agent.updateTaskStatus(mine!.id, { state: "running", message: "started" });
    settle(w, seconds(1));
    const complete = () => sink.records.filter((r) => r.kind === "dispatcher.assignments" && r.type === "complete").length;
    const before = complete();
    agent.restartSession();
    settle(w, seconds(1));
    expect(complete()).toBe(before + 1);
    expect(agent.assignedTasks.map((t) => [t.id, t.state])).toEqual([[mine!.id, "running"]]);
  });

  it("reaches a worker whose session a follower forwards, and survives the leader's loss", () => {
    const w = world({ managers: 3, workers: 1 });
    w.docker("m1", "docker swarm init");
    for (const m of ["m2", "m3"]) w.docker(m, `docker swarm join --token ${tokenOf(w, "manager")} m1:2377`);
    w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m2:2377`);
    w.docker("m1", "docker network create -d overlay web");
    settle(w, seconds(1));
    const service = serviceSpec(w, "web", 4);
    createService(w, service);
    const agent = w.cluster.node("w1").agent!;
    expect(agent.assignedTasks).toHaveLength(1);
    const [mine] = agent.assignedTasks;
    agent.updateTaskStatus(mine!.id, { state: "running", message: "started" });
    settle(w, seconds(1));
    expect(leader(w).state.tasks.get(mine!.id)?.state).toBe("running");
    const m1 = w.cluster.node("m1").id!;
    expect(tasksOf(w, service.id).some((t) => t.nodeId === m1)).toBe(true);
    w.cluster.crashNode("m1");
    // An election, then 6 heartbeat periods for m1 to come back, then the restart delay.
    settle(w, seconds(60));
    expect(leader(w)).not.toBe(w.cluster.node("m1").manager);
    // The new leader's orchestration replaced m1's task elsewhere; the worker kept its own.
    const runnable = tasksOf(w, service.id).filter((t) => t.desiredState === "running" || t.desiredState === "ready");
    expect(runnable).toHaveLength(4);
    expect(runnable.some((t) => t.nodeId === m1)).toBe(false);
    expect(agent.assignedTasks.map((t) => [t.id, t.state])).toContainEqual([mine!.id, "running"]);
  });
});

describe("network attachments for standalone containers (ResourceAllocator)", () => {
  function attach(w: ReturnType<typeof serviceWorld>, node: string, network: string, containerId: string): AttachOutcome {
    let outcome: AttachOutcome | undefined;
    w.cluster.node(node).agent!.attachNetwork(network, containerId, (o) => (outcome = o));
    settle(w, seconds(1));
    if (outcome === undefined) throw new Error("no answer");
    return outcome;
  }

  it("refuses a network that is not attachable, the ingress network too, in swarmkit's words", () => {
    const w = serviceWorld({ attachable: false });
    expect(attach(w, "w1", "web", "c".repeat(64))).toEqual({
      ok: false,
      code: GrpcCode.permissionDenied,
      message: "network web not manually attachable",
      text: "rpc error: code = PermissionDenied desc = network web not manually attachable",
    });
    expect(attach(w, "w1", "ingress", "c".repeat(64))).toMatchObject({ ok: false, message: "network ingress not manually attachable" });
    expect(attach(w, "w1", "nope", "c".repeat(64))).toMatchObject({ ok: false, code: GrpcCode.notFound, message: "network nope not found" });
    expect([...leader(w).state.tasks.values()]).toEqual([]);
  });

  it("attaches a container on an attachable network: an address of its own, on the caller's node; detach gives it back", () => {
    const w = serviceWorld();
    const service = serviceSpec(w, "web", 2);
    createService(w, service);
    const container = "d".repeat(64);
    const outcome = attach(w, "w2", "web", container);
    if (!outcome.ok) throw new Error(outcome.text);
    expect(outcome.task).toMatchObject({ id: outcome.attachmentId, serviceId: "", slot: 0, attachmentContainerId: container, state: "assigned", desiredState: "running" });
    expect(outcome.task.message).toBe("scheduler confirmed task can run on preassigned node");
    expect(nodeName(w, outcome.task.nodeId)).toBe("w2");
    const taken = [...leader(w).state.tasks.values()].filter((t) => t.serviceId !== "").map((t) => t.networks[0]!.addresses[0]);
    expect(taken).not.toContain(outcome.task.networks[0]!.addresses[0]);
    expect(outcome.task.networks[0]!.addresses[0]).toMatch(/^10\.0\.1\.\d+\/24$/);
    // Only the node it belongs to may give it back.
    let refused: CallOutcome | undefined;
    w.cluster.node("w1").agent!.detachNetwork(outcome.attachmentId, (o) => (refused = o));
    settle(w, seconds(1));
    expect(refused).toMatchObject({ ok: false, code: GrpcCode.permissionDenied, message: `attachment ${outcome.attachmentId} doesn't belong to this node` });
    let detached: CallOutcome | undefined;
    w.cluster.node("w2").agent!.detachNetwork(outcome.attachmentId, (o) => (detached = o));
    settle(w, seconds(1));
    expect(detached).toEqual({ ok: true });
    expect(leader(w).state.tasks.has(outcome.attachmentId)).toBe(false);
    expect(w.cluster.node("w2").agent!.assignedTasks.some((t) => t.id === outcome.attachmentId)).toBe(false);
  });
});
