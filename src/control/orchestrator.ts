/**
 * The replicated orchestrator (swarmkit manager/orchestrator/replicated) and
 * its restart supervisor (orchestrator/restart/restart.go): keeps `replicas`
 * tasks desired to run for each service, in slots 1..N.
 *
 * - A task that stopped (failed, rejected, complete, ... : restart condition
 *   "any", the default), or whose node is down, drained or gone
 *   (orchestrator/task.go InvalidNode), is shut down (desired SHUTDOWN) and
 *   replaced in its slot by a task desired READY, which becomes desired
 *   RUNNING after the restart delay and once the old task stopped (or its
 *   node is down, or a minute passed).
 * - Scaling up fills the lowest free slots; scaling down marks the tasks of
 *   the extra slots desired REMOVE (replicated/services.go reconcile), taking
 *   first the slots with no node, then the nth copies on the busiest nodes,
 *   then tasks not running, the highest slot first among equals.
 * - A removed service has all its tasks desired REMOVE
 *   (orchestrator/service.go SetServiceTasksRemove); the reaper deletes them.
 *
 * Pure functions over a view. Unlike swarmkit, which reacts to store events,
 * a round looks at every task: the same decisions, level-triggered.
 */

import type { Instant } from "../sim/index.js";
import type { StoredNode, StoredService, StoredTask, TaskStateName } from "./cluster-store.js";
import type { StoreAction } from "./store.js";
import { byId } from "./task-allocator.js";
import { createdMessage, oldTaskTimeoutUs, restartDelayUs } from "./task-constants.js";
import { stateBefore } from "./task-object.js";
import type { ClusterView } from "./task-writer.js";

/** What a round needs besides the view. */
export interface OrchestrationContext {
  readonly now: Instant;
  /** A new task ID (identity.NewID). */
  readonly newTaskId: () => string;
}

/** What a round decided: the changes, and when it must look again (a delayed start coming due). */
export interface OrchestrationRound {
  readonly actions: StoreAction[];
  readonly wakeAt: Instant | undefined;
}

/** orchestrator/task.go InvalidNode: no node, or one that is down or drained. */
export function invalidNode(node: StoredNode | undefined): boolean {
  return node === undefined || node.status === "down" || node.availability === "drain";
}

const desiredToRun = (t: StoredTask) => !stateBefore("running", t.desiredState);
const stillRunning = (t: StoredTask) => !stateBefore("running", t.state);

/** orchestrator/task.go NewTask: a task of `service` in `slot`, its spec copied from the service. */
export function newServiceTask(service: StoredService, slot: number, desiredState: TaskStateName, context: OrchestrationContext): StoredTask {
  return {
    id: context.newTaskId(),
    serviceId: service.id,
    slot,
    nodeId: "",
    desiredState,
    state: "new",
    message: createdMessage,
    err: "",
    stateAt: context.now,
    containerId: "",
    exitCode: 0,
    attachmentContainerId: "",
    networks: service.networks.map((networkId) => ({ networkId, addresses: [] })),
    version: 1,
    createdAt: context.now,
    container: { serviceName: service.name, image: service.image, args: service.args },
  };
}

const withDesired = (task: StoredTask, desiredState: TaskStateName): StoredTask => ({ ...task, desiredState, version: task.version + 1 });

/**
 * restart.go Restart, for each task of `service` desired to run that stopped
 * or whose node is invalid: the task is shut down and a replacement made in
 * its slot, desired READY (DelayStart moves it on).
 */
function restarts(service: StoredService, tasks: readonly StoredTask[], view: ClusterView, context: OrchestrationContext): StoreAction[] {
  const actions: StoreAction[] = [];
  for (const task of tasks) {
    if (!desiredToRun(task)) continue;
    const dead = !stillRunning(task);
    if (!dead && (task.nodeId === "" || !invalidNode(view.nodes.get(task.nodeId)))) continue;
    actions.push({ kind: "update-task", task: withDesired(task, "shutdown") });
    actions.push({ kind: "create-task", task: newServiceTask(service, task.slot, "ready", context) });
  }
  return actions;
}

/** Slots sorted so that those to keep come first (replicated/services.go reconcile, scale down). */
function keepOrder(slots: ReadonlyMap<number, readonly StoredTask[]>): number[] {
  const running = (slot: number) => slots.get(slot)!.some((t) => t.state === "running");
  const sorted = [...slots.keys()].sort((a, b) => a - b);
  // slotsByRunningState: running ones first.
  sorted.sort((a, b) => Number(running(b)) - Number(running(a)));
  // slotsByIndex: the nth copy on its node, slots with no single node last.
  const copies = new Map<string, number>();
  const index = new Map<number, number>();
  for (const slot of sorted) {
    const tasks = slots.get(slot)!;
    const nodeId = tasks.length === 1 ? tasks[0]!.nodeId : "";
    if (nodeId === "") index.set(slot, Infinity);
    else {
      copies.set(nodeId, (copies.get(nodeId) ?? 0) + 1);
      index.set(slot, copies.get(nodeId)!);
    }
  }
  return sorted.sort((a, b) => index.get(a)! - index.get(b)!);
}

/** replicated/services.go reconcile: as many slots desired to run as the service has replicas. */
function scale(service: StoredService, tasks: readonly StoredTask[], context: OrchestrationContext): StoreAction[] {
  const runnable = new Map<number, StoredTask[]>();
  for (const task of tasks) if (desiredToRun(task)) runnable.set(task.slot, [...(runnable.get(task.slot) ?? []), task]);
  const actions: StoreAction[] = [];
  if (runnable.size < service.replicas) {
    let slot = 0;
    for (let missing = service.replicas - runnable.size; missing > 0; missing--) {
      do slot++;
      while (runnable.has(slot));
      actions.push({ kind: "create-task", task: newServiceTask(service, slot, "running", context) });
    }
  } else if (runnable.size > service.replicas) {
    const extra = keepOrder(runnable).slice(service.replicas);
    for (const slot of extra.sort((a, b) => a - b)) for (const task of runnable.get(slot)!) actions.push({ kind: "update-task", task: withDesired(task, "remove") });
  }
  return actions;
}

/**
 * restart.go DelayStart: when a replacement desired READY may start. After
 * the restart delay; and, while the task it replaces still runs on a node
 * that is up, not before that task stops (a later round sees it stop) or a
 * minute after the replacement was made, whichever comes first.
 */
export function startAt(task: StoredTask, slotTasks: readonly StoredTask[], view: ClusterView): Instant {
  const delayed = task.createdAt + restartDelayUs;
  const oldRunning = slotTasks.some((t) => t.id !== task.id && !desiredToRun(t) && stillRunning(t) && t.nodeId !== "" && view.nodes.get(t.nodeId)?.status !== "down");
  return Math.max(delayed, oldRunning ? task.createdAt + oldTaskTimeoutUs : delayed) as Instant;
}

/** One round for one service: restarts, scaling, and delayed starts that came due. */
function orchestrateService(service: StoredService, tasks: readonly StoredTask[], view: ClusterView, context: OrchestrationContext, wake: (at: Instant) => void): StoreAction[] {
  const after = new Map(tasks.map((t) => [t.id, t] as const));
  const apply = (changes: readonly StoreAction[]) => {
    for (const action of changes) if (action.kind === "update-task" || action.kind === "create-task") after.set(action.task.id, action.task);
    return changes;
  };
  const actions = [...apply(restarts(service, tasks, view, context))];
  actions.push(...apply(scale(service, [...after.values()], context)));
  const current = [...after.values()];
  for (const task of current) {
    if (task.desiredState !== "ready") continue;
    const due = startAt(task, current.filter((t) => t.slot === task.slot), view);
    if (due <= context.now) actions.push({ kind: "update-task", task: withDesired(task, "running") });
    else wake(due);
  }
  return actions;
}

/** One orchestration round over `view`. */
export function orchestrate(view: ClusterView, context: OrchestrationContext): OrchestrationRound {
  const byService = new Map<string, StoredTask[]>();
  for (const task of [...view.tasks.values()].sort(byId)) {
    if (task.serviceId === "") continue;
    byService.set(task.serviceId, [...(byService.get(task.serviceId) ?? []), task]);
  }
  let wakeAt: Instant | undefined;
  const wake = (at: Instant) => void (wakeAt = wakeAt === undefined || at < wakeAt ? at : wakeAt);
  const actions: StoreAction[] = [];
  for (const service of [...view.services.values()].sort(byId)) actions.push(...orchestrateService(service, byService.get(service.id) ?? [], view, context, wake));
  // service.go SetServiceTasksRemove: the tasks of a service that is gone.
  for (const [serviceId, tasks] of byService) {
    if (view.services.has(serviceId)) continue;
    for (const task of tasks) if (stateBefore(task.desiredState, "remove")) actions.push({ kind: "update-task", task: withDesired(task, "remove") });
  }
  return { actions, wakeAt };
}
