/**
 * The tasks an agent holds (swarmkit agent/session.go watch and
 * agent/worker.go Assign / Update): the set the dispatcher's Assignments
 * stream builds, a COMPLETE message replacing it and each INCREMENTAL one
 * changing it, with the status the node itself last reported laid over each
 * task (worker.go keeps its own task status, which the managers' copy of a
 * task trails).
 */

import type { Instant } from "../sim/index.js";
import { AssignmentAction, type AssignmentsMessage, AssignmentsType } from "./assignment-messages.js";
import type { StoredTask, TaskStateName } from "./cluster-store.js";
import { stateBefore, storedTaskOf } from "./task-object.js";

/** What a node reports about one of its tasks (api TaskStatus, as agent.updateTaskStatus takes it). */
export interface TaskStatusReport {
  readonly state: TaskStateName;
  /** What led to the state ("started", "finished", ...). */
  readonly message: string;
  /** Why it failed or was rejected. */
  readonly err?: string;
  /** The container's ID (64 hex); kept from the last report when not given. */
  readonly containerId?: string;
  /** The container's exit code; kept from the last report when not given. */
  readonly exitCode?: number;
}

/** A report as the agent keeps it: complete, with when it was made. */
export type ReportedStatus = Required<TaskStatusReport> & { readonly at: Instant };

/** What applying an Assignments message came to. */
export type AssignmentsOutcome =
  | { readonly ok: true }
  /** A message missed: the stream must be opened again for a complete set (session.go watch). */
  | { readonly ok: false; readonly gap: true }
  | { readonly ok: false; readonly gap: false; readonly reason: string };

/** The tasks assigned to one node. */
export class AssignedTasks {
  private tasks = new Map<string, StoredTask>();
  private readonly reported = new Map<string, ReportedStatus>();
  /** The `results_in` of the last message applied: the next must apply to it. */
  private resultsIn = "";

  /** A new stream opens: its first message is a complete set. */
  restart(): void {
    this.resultsIn = "";
  }

  /** Applies one message; on a refusal nothing changes. */
  apply(message: AssignmentsMessage): AssignmentsOutcome {
    const complete = message.type === AssignmentsType.complete;
    if (!complete && message.appliesTo !== this.resultsIn) return { ok: false, gap: true };
    const next = complete ? new Map<string, StoredTask>() : new Map(this.tasks);
    for (const change of message.changes) {
      // Secrets and configs are not modelled: a change without a task is passed over.
      if (change.task === undefined) continue;
      if (change.action === AssignmentAction.remove) {
        next.delete(change.task.id);
        continue;
      }
      const task = storedTaskOf(change.task);
      if (!task.ok) return { ok: false, gap: false, reason: task.reason };
      next.set(task.value.id, task.value);
    }
    // A task taken away takes its reports along.
    for (const id of this.tasks.keys()) if (!next.has(id)) this.reported.delete(id);
    this.tasks = next;
    this.resultsIn = message.resultsIn;
    return { ok: true };
  }

  /** Keeps what the node reported about `taskId`, filling the container's ID and exit code from the last report. */
  report(taskId: string, status: TaskStatusReport, at: Instant): ReportedStatus {
    const last = this.reported.get(taskId);
    const full: ReportedStatus = {
      state: status.state,
      message: status.message,
      err: status.err ?? "",
      containerId: status.containerId ?? last?.containerId ?? "",
      exitCode: status.exitCode ?? last?.exitCode ?? 0,
      at,
    };
    this.reported.set(taskId, full);
    return full;
  }

  /** Every report kept, by task ID (sent again on each new session, as worker.go Listen does). */
  reports(): ReadonlyMap<string, ReportedStatus> {
    return this.reported;
  }

  /** The task `id`, with the node's own status laid over it when that is newer. */
  get(id: string): StoredTask | undefined {
    const task = this.tasks.get(id);
    const status = this.reported.get(id);
    if (task === undefined || status === undefined || stateBefore(status.state, task.state)) return task;
    return { ...task, state: status.state, message: status.message, err: status.err, containerId: status.containerId, exitCode: status.exitCode, stateAt: status.at };
  }

  /** The whole set, by task ID. */
  list(): StoredTask[] {
    return [...this.tasks.keys()].sort().map((id) => this.get(id)!);
  }
}
