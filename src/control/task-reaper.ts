/**
 * The task reaper (swarmkit manager/orchestrator/taskreaper/task_reaper.go):
 * deletes tasks from the store.
 *
 * - A task desired REMOVE (its slot was scaled away, or its service removed)
 *   once it never reached a node (state before ASSIGNED) or its node shut it
 *   down (state COMPLETE or later). Here also once its node is down or gone:
 *   swarmkit waits for the dispatcher to mark such tasks ORPHANED after a
 *   node has been down 24 h (dispatcher.go moveTasksToOrphaned); a removed
 *   service's tasks would otherwise outlive it by a day.
 * - A network attachment (no service) that is ORPHANED.
 * - In each slot of a service, the oldest tasks beyond the history limit (5),
 *   except those desired and still running.
 *
 * A pure function over a view.
 */

import type { StoredTask } from "./cluster-store.js";
import type { StoreAction } from "./store.js";
import { byId } from "./task-allocator.js";
import { taskHistoryRetentionLimit } from "./task-constants.js";
import { stateBefore } from "./task-object.js";
import type { ClusterView } from "./task-writer.js";

/** task_reaper.go: a task desired REMOVE that may go. */
function removable(task: StoredTask, view: ClusterView): boolean {
  if (task.desiredState !== "remove") return false;
  if (stateBefore(task.state, "assigned") || !stateBefore(task.state, "complete")) return true;
  const node = view.nodes.get(task.nodeId);
  return node === undefined || node.status === "down";
}

/** Oldest first, by the time of the last state change (task_reaper.go tasksByTimestamp), then by ID. */
const byAge = (a: StoredTask, b: StoredTask) => a.stateAt - b.stateAt || byId(a, b);

/** task_reaper.go tick: the history of each slot kept to the limit. */
function trimHistory(tasks: readonly StoredTask[], deleted: Set<string>): void {
  const slots = new Map<string, StoredTask[]>();
  for (const task of tasks) {
    if (deleted.has(task.id)) continue;
    const key = `${task.serviceId}/${task.slot}`;
    slots.set(key, [...(slots.get(key) ?? []), task]);
  }
  for (const history of slots.values()) {
    let kept = history.length;
    for (const task of [...history].sort(byAge)) {
      if (kept <= taskHistoryRetentionLimit) break;
      if (task.desiredState === "running" && !stateBefore("running", task.state)) continue;
      deleted.add(task.id);
      kept--;
    }
  }
}

/** One reaping round over `view`: the tasks to delete. */
export function reap(view: ClusterView): StoreAction[] {
  const deleted = new Set<string>();
  const tasks = [...view.tasks.values()].sort(byId);
  for (const task of tasks) {
    if (removable(task, view)) deleted.add(task.id);
    else if (task.serviceId === "" && !stateBefore(task.state, "orphaned")) deleted.add(task.id);
  }
  trimHistory(
    tasks.filter((t) => t.serviceId !== "" && view.services.has(t.serviceId)),
    deleted,
  );
  return [...deleted].sort().map((taskId) => ({ kind: "remove-task", taskId }));
}
