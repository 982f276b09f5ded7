/**
 * The leader's scheduler (swarmkit manager/scheduler/scheduler.go): puts each
 * PENDING task on a node. Only the readiness filter is modelled
 * (scheduler/filter.go ReadyFilter: the node is Ready and Active, and here
 * also accepted); among the nodes that pass, the spread strategy takes the
 * one with the fewest tasks of the task's service, then the fewest tasks in
 * all (nodeinfo.go ActiveTasksCountByService, ActiveTasksCount), ties broken
 * by node ID so that a run does not depend on map order. Pure functions over
 * a view.
 */

import type { Instant } from "../sim/index.js";
import type { StoredNode, StoredTask } from "./cluster-store.js";
import type { StoreAction } from "./store.js";
import { assignedMessage, noSuitableNodeError, preassignedMessage } from "./task-constants.js";
import { byId, placementOrder } from "./task-allocator.js";
import { stateBefore } from "./task-object.js";
import { type PlacementConstraint, nodeMatches, parseConstraints } from "./constraints.js";
import type { StoredService } from "./cluster-store.js";
import type { ClusterView } from "./task-writer.js";

/** scheduler/filter.go ReadyFilter.Check: a node that may take new tasks. */
export function nodeReady(node: StoredNode): boolean {
  return node.status === "ready" && node.availability === "active" && node.membership === "accepted";
}

/** A task that counts on its node (nodeinfo.go addTask: desired to run and not past running). */
function activeOn(task: StoredTask): boolean {
  return task.nodeId !== "" && !stateBefore("running", task.desiredState) && !stateBefore("running", task.state);
}

/** A service's placement constraints, parsed (the control API refused any that do not parse). */
function constraintsOf(service: StoredService | undefined): readonly PlacementConstraint[] {
  const parsed = parseConstraints(service?.constraints ?? []);
  return parsed.ok ? parsed.value : [];
}

/** The tasks on each ready node: in all, and by service. */
class NodeLoad {
  readonly total = new Map<string, number>();
  readonly byService = new Map<string, number>();

  constructor(readonly nodes: readonly StoredNode[], tasks: Iterable<StoredTask>) {
    for (const node of nodes) this.total.set(node.id, 0);
    for (const task of tasks) if (activeOn(task) && this.total.has(task.nodeId)) this.add(task.nodeId, task.serviceId);
  }

  add(nodeId: string, serviceId: string): void {
    this.total.set(nodeId, (this.total.get(nodeId) ?? 0) + 1);
    const key = `${serviceId}/${nodeId}`;
    this.byService.set(key, (this.byService.get(key) ?? 0) + 1);
  }

  /** The node a task of `serviceId` goes to, among `eligible` (nodes are sorted by ID, so the first of equals wins). */
  pick(serviceId: string, eligible: (node: StoredNode) => boolean): StoredNode | undefined {
    let best: StoredNode | undefined;
    let bestKey: [number, number] = [Infinity, Infinity];
    for (const node of this.nodes) {
      if (!eligible(node)) continue;
      const key: [number, number] = [this.byService.get(`${serviceId}/${node.id}`) ?? 0, this.total.get(node.id) ?? 0];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) [best, bestKey] = [node, key];
    }
    return best;
  }
}

/**
 * One scheduling round over `view`: each PENDING task desired to run is
 * ASSIGNED to a node; a network attachment, which names its node already,
 * is confirmed on it if the node is ready. A task no node can take keeps
 * waiting, its error saying why (written only when the reason changes).
 */
export function schedule(view: ClusterView, now: Instant): StoreAction[] {
  const nodes = [...view.nodes.values()].sort(byId);
  const ready = nodes.filter(nodeReady);
  const load = new NodeLoad(ready, view.tasks.values());
  const actions: StoreAction[] = [];
  const waiting = [...view.tasks.values()].filter((t) => t.state === "pending" && !stateBefore("running", t.desiredState)).sort(placementOrder);
  // Each service's constraints, parsed once per round.
  const parsed = new Map<string, readonly PlacementConstraint[]>();
  const constraintsFor = (serviceId: string): readonly PlacementConstraint[] => {
    let constraints = parsed.get(serviceId);
    if (constraints === undefined) parsed.set(serviceId, (constraints = constraintsOf(view.services.get(serviceId))));
    return constraints;
  };
  for (const task of waiting) {
    if (task.nodeId !== "") {
      // scheduler.go processPreassignedTasks / taskFitNode.
      const node = view.nodes.get(task.nodeId);
      if (node === undefined || !nodeReady(node)) continue;
      load.add(node.id, task.serviceId);
      actions.push({ kind: "update-task", task: { ...task, state: "assigned", message: preassignedMessage, err: "", stateAt: now, version: task.version + 1 } });
      continue;
    }
    // filter.go ConstraintFilter: the service's placement constraints, checked on nodes that are ready.
    const constraints = constraintsFor(task.serviceId);
    const node = load.pick(task.serviceId, (n) => nodeMatches(constraints, n));
    if (node === undefined) {
      const unsatisfied = constraints.length === 0 ? 0 : ready.filter((n) => !nodeMatches(constraints, n)).length;
      const err = noSuitableNodeError(nodes.length - ready.length, unsatisfied);
      if (task.err !== err) actions.push({ kind: "update-task", task: { ...task, err, stateAt: now, version: task.version + 1 } });
      continue;
    }
    load.add(node.id, task.serviceId);
    actions.push({ kind: "update-task", task: { ...task, nodeId: node.id, state: "assigned", message: assignedMessage, err: "", stateAt: now, version: task.version + 1 } });
  }
  return actions;
}
