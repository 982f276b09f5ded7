import { describe, expect, it } from "vitest";
import {
  type ClusterView,
  type StoredNetwork,
  type StoredNode,
  type StoredService,
  type StoredTask,
  allocate,
  foldActions,
  newServiceTask,
  nextFreeAddress,
  orchestrate,
  reap,
  restartDelayUs,
  schedule,
} from "../../src/control/index.js";
import { type Instant, minutes, seconds } from "../../src/sim/index.js";
import { createService, leader, nodeName, propose, runnableTasks, scaleService, serviceSpec, serviceWorld, settle, storedNetwork, tasksOf } from "./services-support.js";

// ---------------------------------------------------------------------------
// The pure rounds, over hand-made views

const at = (us: number) => us as Instant;

function node(id: string, change: Partial<StoredNode> = {}): StoredNode {
  return {
    id,
    role: "worker",
    desiredRole: "worker",
    hostname: id,
    addr: "10.0.0.9",
    availability: "active",
    membership: "accepted",
    status: "ready",
    statusMessage: "",
    certificate: { role: "worker", csrPem: "", state: "issued", chainPem: "", err: "" },
    createdAt: at(0),
    ...change,
  };
}

const net: StoredNetwork = storedNetwork({ createdAt: at(0) });

const svc: StoredService = { id: "svc", name: "web", image: "nginx", args: [], networks: ["net"], replicas: 3, labels: {}, virtualIps: [], version: 0, createdAt: at(0), updatedAt: at(0) };

function view(parts: { nodes?: StoredNode[]; services?: StoredService[]; tasks?: StoredTask[] }): ClusterView {
  return {
    nodes: new Map((parts.nodes ?? []).map((n) => [n.id, n])),
    services: new Map((parts.services ?? []).map((s) => [s.id, s])),
    tasks: new Map((parts.tasks ?? []).map((t) => [t.id, t])),
    networks: new Map([[net.id, net]]),
  };
}

let ids = 0;
const context = (now: number) => ({ now: at(now), newTaskId: () => `t${++ids}` });

function task(id: string, change: Partial<StoredTask> = {}): StoredTask {
  return { ...newServiceTask(svc, 1, "running", { now: at(0), newTaskId: () => id }), ...change };
}

describe("the scheduler's round", () => {
  it("spreads a service's tasks: fewest of the service first, then fewest in all, then node ID", () => {
    const busy = task("old", { serviceId: "other", nodeId: "a", state: "running" });
    const tasks = [1, 2, 3, 4].map((slot) => task(`s${slot}`, { slot, state: "pending" }));
    const actions = schedule(view({ nodes: [node("c"), node("b"), node("a")], tasks: [busy, ...tasks] }), at(7));
    const placed = actions.map((a) => (a.kind === "update-task" ? [a.task.slot, a.task.nodeId, a.task.state, a.task.message] : []));
    expect(placed).toEqual([
      [1, "b", "assigned", "scheduler assigned task to node"],
      [2, "c", "assigned", "scheduler assigned task to node"],
      [3, "a", "assigned", "scheduler assigned task to node"],
      [4, "b", "assigned", "scheduler assigned task to node"],
    ]);
  });

  it("leaves a task pending with swarmkit's reason when no node is ready, active and accepted", () => {
    const nodes = [node("a", { status: "down" }), node("b", { availability: "drain" }), node("c", { membership: "pending" })];
    const [action] = schedule(view({ nodes, tasks: [task("t", { state: "pending" })] }), at(7));
    expect(action?.kind === "update-task" && [action.task.state, action.task.nodeId, action.task.err]).toEqual(["pending", "", "no suitable node (3 nodes not available for new tasks)"]);
    // The same reason again is not written again: the round settles.
    const waiting = action?.kind === "update-task" ? action.task : task("x");
    expect(schedule(view({ nodes, tasks: [waiting] }), at(8))).toEqual([]);
    expect(schedule(view({ nodes: [node("a", { status: "down" })], tasks: [task("t", { state: "pending" })] }), at(7))[0]).toMatchObject({ task: { err: "no suitable node (1 node not available for new tasks)" } });
  });

  it("confirms a network attachment on the node that asked for it", () => {
    const attachment = task("att", { serviceId: "", slot: 0, nodeId: "b", state: "pending" });
    expect(schedule(view({ nodes: [node("a"), node("b")], tasks: [attachment] }), at(7))).toMatchObject([
      { kind: "update-task", task: { nodeId: "b", state: "assigned", message: "scheduler confirmed task can run on preassigned node" } },
    ]);
  });
});

describe("the allocator's round", () => {
  it("gives the service a VIP, then each task the lowest free address after the gateway, in slot order", () => {
    const tasks = [2, 1].map((slot) => task(`s${slot}`, { slot }));
    const actions = allocate(view({ services: [svc], tasks }), [], at(3));
    expect(actions.map((a) => (a.kind === "update-service" ? a.service.virtualIps : a.kind === "update-task" ? [a.task.slot, a.task.state, a.task.message, a.task.networks] : []))).toEqual([
      [{ networkId: "net", addr: "10.0.1.2/24" }],
      [1, "pending", "pending task scheduling", [{ networkId: "net", addresses: ["10.0.1.3/24"] }]],
      [2, "pending", "pending task scheduling", [{ networkId: "net", addresses: ["10.0.1.4/24"] }]],
    ]);
  });

  it("never gives an address another task, VIP or proposal in flight holds; a dead task's is free again", () => {
    const allocated = { ...svc, virtualIps: [{ networkId: "net", addr: "10.0.1.2/24" }] };
    const holding = task("run", { state: "running", networks: [{ networkId: "net", addresses: ["10.0.1.3/24"] }] });
    const dead = task("dead", { state: "failed", networks: [{ networkId: "net", addresses: ["10.0.1.4/24"] }] });
    const inFlight = task("fly", { state: "pending", networks: [{ networkId: "net", addresses: ["10.0.1.5/24"] }] });
    const fresh = task("new", { slot: 2 });
    const actions = allocate(view({ services: [allocated], tasks: [holding, dead, fresh] }), [{ kind: "create-task", task: inFlight }], at(3));
    expect(actions).toMatchObject([{ kind: "update-task", task: { id: "new", networks: [{ addresses: ["10.0.1.4/24"] }] } }]);
  });

  it("waits while the service has no VIP on one of its networks, or a network is gone", () => {
    expect(allocate(view({ services: [{ ...svc, networks: ["gone"] }], tasks: [task("t")] }), [], at(3))).toEqual([]);
  });

  it("gives the network's addresses up to the last before broadcast, then none", () => {
    const taken = new Set(["10.9.0.1"]);
    expect([1, 2, 3].map(() => nextFreeAddress("10.9.0.0/30", taken))).toEqual(["10.9.0.2/30", undefined, undefined]);
  });
});

describe("the orchestrator's round", () => {
  it("makes the missing tasks in the lowest free slots, desired running", () => {
    const round = orchestrate(view({ services: [svc], tasks: [task("t2", { slot: 2 })] }), context(5));
    expect(round.actions.map((a) => (a.kind === "create-task" ? [a.task.slot, a.task.desiredState, a.task.state, a.task.message, a.task.container] : a.kind))).toEqual([
      [1, "running", "new", "created", { serviceName: "web", image: "nginx", args: [] }],
      [3, "running", "new", "created", { serviceName: "web", image: "nginx", args: [] }],
    ]);
  });

  it("replaces a failed task in its slot, desired ready, and starts it after the restart delay", () => {
    const failed = task("f", { state: "failed", nodeId: "a" });
    const round = orchestrate(view({ nodes: [node("a")], services: [{ ...svc, replicas: 1 }], tasks: [failed] }), context(100));
    expect(round.actions).toMatchObject([
      { kind: "update-task", task: { id: "f", desiredState: "shutdown" } },
      { kind: "create-task", task: { slot: 1, desiredState: "ready", state: "new" } },
    ]);
    expect(round.wakeAt).toBe(100 + restartDelayUs);
    const made = round.actions[1];
    const replacement = made?.kind === "create-task" ? made.task : failed;
    const shut = { ...failed, desiredState: "shutdown" as const };
    const later = orchestrate(view({ nodes: [node("a")], services: [{ ...svc, replicas: 1 }], tasks: [shut, replacement] }), context(100 + restartDelayUs));
    expect(later.actions).toMatchObject([{ kind: "update-task", task: { id: replacement.id, desiredState: "running" } }]);
  });

  it("waits for the replaced task to stop on a node that is up, a minute at most", () => {
    const old = task("old", { state: "running", nodeId: "a", desiredState: "shutdown" });
    const replacement = task("rep", { desiredState: "ready", createdAt: at(0) });
    const round = (now: number) => orchestrate(view({ nodes: [node("a", { availability: "drain" })], services: [{ ...svc, replicas: 1 }], tasks: [old, replacement] }), context(now));
    expect(round(seconds(10)).actions).toEqual([]);
    expect(round(seconds(10)).wakeAt).toBe(minutes(1));
    expect(round(minutes(1)).actions).toMatchObject([{ task: { id: "rep", desiredState: "running" } }]);
  });

  it("scales down by the slots on the busiest nodes and not running, the highest slot first among equals", () => {
    const tasks = [
      task("1", { slot: 1, nodeId: "a", state: "running" }),
      task("2", { slot: 2, nodeId: "b", state: "running" }),
      task("3", { slot: 3, nodeId: "a", state: "running" }),
      task("4", { slot: 4, nodeId: "b", state: "assigned" }),
      task("5", { slot: 5, nodeId: "", state: "pending" }),
    ];
    const round = orchestrate(view({ nodes: [node("a"), node("b")], services: [{ ...svc, replicas: 2 }], tasks }), context(1));
    expect(round.actions.map((a) => (a.kind === "update-task" ? [a.task.slot, a.task.desiredState] : a.kind))).toEqual([
      [3, "remove"],
      [4, "remove"],
      [5, "remove"],
    ]);
  });

  it("does not start a replacement whose slot is scaled away in the same round", () => {
    const tasks = [task("1", { slot: 1, nodeId: "a", state: "running" }), task("2", { slot: 2, desiredState: "ready", createdAt: at(0) })];
    const round = orchestrate(view({ nodes: [node("a")], services: [{ ...svc, replicas: 1 }], tasks }), context(minutes(2)));
    expect(round.actions).toMatchObject([{ kind: "update-task", task: { id: "2", desiredState: "remove" } }]);
  });

  it("marks every task of a removed service desired remove", () => {
    const round = orchestrate(view({ tasks: [task("a", { desiredState: "running" }), task("b", { desiredState: "shutdown" }), task("c", { desiredState: "remove" })] }), context(1));
    expect(round.actions.map((a) => (a.kind === "update-task" ? [a.task.id, a.task.desiredState] : a.kind))).toEqual([
      ["a", "remove"],
      ["b", "remove"],
    ]);
  });
});

describe("the reaper's round", () => {
  it("deletes tasks desired remove once shut down, never assigned, or on a node that is down", () => {
    const tasks = [
      task("shut", { desiredState: "remove", state: "shutdown", nodeId: "a" }),
      task("never", { desiredState: "remove", state: "pending" }),
      task("down", { desiredState: "remove", state: "running", nodeId: "d" }),
      task("running", { desiredState: "remove", state: "running", nodeId: "a" }),
    ];
    expect(reap(view({ nodes: [node("a"), node("d", { status: "down" })], tasks }))).toEqual([
      { kind: "remove-task", taskId: "down" },
      { kind: "remove-task", taskId: "never" },
      { kind: "remove-task", taskId: "shut" },
    ]);
  });

  it("keeps five tasks of a slot's history, deleting the oldest finished first", () => {
    const history = [1, 2, 3, 4, 5, 6].map((i) => task(`h${i}`, { desiredState: "shutdown", state: "failed", stateAt: at(i) }));
    const current = task("now", { state: "running", stateAt: at(0) });
    expect(reap(view({ services: [svc], tasks: [...history, current] }))).toEqual([
      { kind: "remove-task", taskId: "h1" },
      { kind: "remove-task", taskId: "h2" },
    ]);
  });
});

it("folds a task's successive changes in one round into one action", () => {
  const t = task("t");
  expect(foldActions([{ kind: "create-task", task: t }, { kind: "update-task", task: { ...t, state: "pending" } }, { kind: "update-task", task: { ...t, state: "assigned" } }])).toEqual([
    { kind: "create-task", task: { ...t, state: "assigned" } },
  ]);
  expect(foldActions([{ kind: "create-task", task: t }, { kind: "remove-task", taskId: "t" }])).toEqual([]);
});

// ---------------------------------------------------------------------------
// On a running swarm: the leader's orchestration, through raft

/** Whether a task reached a node (ASSIGNED or later): what holds whether or not the node's runtime started it. */
const placed = (t: StoredTask) => t.nodeId !== "" && t.state !== "new" && t.state !== "pending";

/** Each node reports its tasks desired removed as shut down (what its runtime does when it stops them). */
function shutDownRemoved(w: ReturnType<typeof serviceWorld>): void {
  for (const name of ["m1", "w1", "w2"]) {
    const agent = w.cluster.node(name).agent!;
    for (const t of agent.assignedTasks) if (t.desiredState === "remove") agent.updateTaskStatus(t.id, { state: "shutdown", message: "shutdown" });
  }
  settle(w, seconds(1));
}

describe("services on a swarm", () => {
  it("spreads 3 replicas over 3 nodes, each task with its own address in the network's subnet, and the service a VIP", () => {
    const w = serviceWorld();
    const service = serviceSpec(w, "web", 3);
    createService(w, service);
    const stored = leader(w).state.services.get(service.id)!;
    expect(stored.virtualIps).toEqual([{ networkId: service.networks[0], addr: "10.0.1.2/24" }]);
    const tasks = tasksOf(w, service.id);
    expect(tasks.map((t) => [t.slot, t.desiredState, placed(t)])).toEqual([
      [1, "running", true],
      [2, "running", true],
      [3, "running", true],
    ]);
    expect(new Set(tasks.map((t) => nodeName(w, t.nodeId)))).toEqual(new Set(["m1", "w1", "w2"]));
    expect(tasks.map((t) => t.networks[0]!.addresses[0])).toEqual(["10.0.1.3/24", "10.0.1.4/24", "10.0.1.5/24"]);
    expect(tasks.every((t) => t.container?.image === "nginx" && t.container.serviceName === "web")).toBe(true);
  });

  it("scales 3 to 5 to 1, filling the lowest slots and taking the busiest nodes' extra copies away", () => {
    const w = serviceWorld();
    const service = serviceSpec(w, "web", 3);
    createService(w, service);
    scaleService(w, service.id, 5);
    expect(runnableTasks(w, service.id).map((t) => [t.slot, placed(t)])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, true],
    ]);
    const perNode = new Map<string, number>();
    for (const t of runnableTasks(w, service.id)) perNode.set(t.nodeId, (perNode.get(t.nodeId) ?? 0) + 1);
    expect([...perNode.values()].sort()).toEqual([1, 2, 2]);
    scaleService(w, service.id, 1);
    expect(runnableTasks(w, service.id).map((t) => t.slot)).toEqual([1]);
    // The others stay, desired removed, while their nodes may still run them; once shut down they are gone.
    expect(tasksOf(w, service.id).filter((t) => t.slot !== 1).every((t) => t.desiredState === "remove")).toBe(true);
    shutDownRemoved(w);
    expect(tasksOf(w, service.id).map((t) => t.slot)).toEqual([1]);
  });

  it("removes a service's tasks once their nodes shut them down", () => {
    const w = serviceWorld();
    const service = serviceSpec(w, "web", 3);
    createService(w, service);
    propose(w, [{ kind: "remove-service", serviceId: service.id }]);
    settle(w, seconds(1));
    expect(tasksOf(w, service.id).every((t) => t.desiredState === "remove")).toBe(true);
    shutDownRemoved(w);
    expect(tasksOf(w, service.id)).toEqual([]);
    for (const name of ["m1", "w1", "w2"]) expect(w.cluster.node(name).agent!.assignedTasks).toEqual([]);
  });

  it("replaces the tasks of a node that goes down on the other nodes, after the restart delay", () => {
    const w = serviceWorld();
    const service = serviceSpec(w, "web", 3);
    createService(w, service);
    const w1 = w.cluster.node("w1").id!;
    const lost = tasksOf(w, service.id).find((t) => t.nodeId === w1)!;
    w.cluster.crashNode("w1");
    // Down after 3 missed heartbeats (15 s at most), then 5 s before the replacement may start.
    settle(w, seconds(25));
    expect(leader(w).state.nodes.get(w1)?.status).toBe("down");
    const slot = tasksOf(w, service.id).filter((t) => t.slot === lost.slot);
    expect(slot.map((t) => [t.id === lost.id, t.desiredState, nodeName(w, t.nodeId)])).toEqual(
      expect.arrayContaining([
        [true, "shutdown", "w1"],
        [false, "running", expect.stringMatching(/^(m1|w2)$/)],
      ]),
    );
    expect(runnableTasks(w, service.id).filter(placed)).toHaveLength(3);
    expect(new Set(runnableTasks(w, service.id).map((t) => t.networks[0]!.addresses[0])).size).toBe(3);
  });

  it("replaces a task its node reports failed, in the same slot, 5 s later", () => {
    const w = serviceWorld();
    const service = serviceSpec(w, "web", 1);
    createService(w, service);
    const [first] = tasksOf(w, service.id);
    const agent = w.cluster.node(nodeName(w, first!.nodeId)).agent!;
    agent.updateTaskStatus(first!.id, { state: "failed", message: "started", err: "task: non-zero exit (1)", exitCode: 1 });
    settle(w, seconds(1));
    const [old, replacement] = tasksOf(w, service.id).sort((a, b) => a.createdAt - b.createdAt);
    expect(old).toMatchObject({ id: first!.id, state: "failed", desiredState: "shutdown", err: "task: non-zero exit (1)", exitCode: 1 });
    expect(replacement).toMatchObject({ slot: 1, desiredState: "ready" });
    expect(placed(replacement!)).toBe(true);
    settle(w, seconds(5));
    expect(leader(w).state.tasks.get(replacement!.id)?.desiredState).toBe("running");
  });
});
