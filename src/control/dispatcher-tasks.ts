/**
 * The dispatcher's task side (swarmkit manager/dispatcher/dispatcher.go
 * Assignments, UpdateTaskStatus, moveTasksToOrphaned, and assignments.go):
 *
 * - `Assignments` streams to a node the tasks the scheduler put on it: the
 *   complete set when the stream opens, then the changes, gathered for
 *   100 ms after the last one. Only tasks ASSIGNED or later are sent; a change
 *   of status alone past ASSIGNED (which the node itself reported) is not.
 * - `UpdateTaskStatus` takes a node's reports about its own tasks; they are
 *   written to the store every 100 ms in one batch, a state never going back.
 * - A node Down for 24 h has its tasks that may have been running marked
 *   ORPHANED.
 */

import type { EventHandle, Simulation } from "../sim/index.js";
import {
  AssignmentAction,
  type AssignmentChange,
  AssignmentsType,
  decodeAssignmentsRequest,
  decodeUpdateTaskStatusRequest,
  encodeAssignmentsMessage,
} from "./assignment-messages.js";
import type { StoredTask } from "./cluster-store.js";
import { nodeNotRegisteredMessage } from "./dispatcher-constants.js";
import type { Reply } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";
import type { StoreAction } from "./store.js";
import { assignmentsBatchLimit, assignmentsBatchWaitUs, nodeDownPeriodUs, sessionInvalidMessage, statusBatchIntervalUs } from "./task-constants.js";
import { type TaskStatusMessage, bareTaskObject } from "./task-messages.js";
import { instantOfUnixMicros, stateBefore, taskObjectOf, taskStateName } from "./task-object.js";
import type { TaskWriter } from "./task-writer.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** An Assignments message went out to a node (empty sets are not traced). */
    "dispatcher.assignments": { nodeId: string; type: string; changes: number };
    /** A node's report changed a task's state. */
    "task.status": { taskId: string; nodeId: string; state: string };
  }
}

/** What the dispatcher's task side needs. */
export interface DispatcherTasksOptions {
  readonly sim: Simulation;
  readonly writer: TaskWriter;
  /** The session ID a node holds now, if any. */
  readonly sessionOf: (nodeId: string) => string | undefined;
  /** The manager's name, for traces. */
  readonly node: string;
}

/** One node's Assignments stream (assignments.go assignmentSet). */
interface AssignmentStream {
  readonly nodeId: string;
  readonly sessionId: string;
  readonly reply: Reply;
  /** The tasks the node was sent, by ID. */
  readonly known: Map<string, StoredTask>;
  /** Changes not sent yet, by task ID. */
  readonly changes: Map<string, AssignmentChange>;
  sequence: number;
  timer: EventHandle | undefined;
}

/** What a node must act on in a task: all but its status and version (api/equality TasksEqualStable). */
function stableOf(task: StoredTask): string {
  const { state: _s, message: _m, err: _e, stateAt: _a, containerId: _c, exitCode: _x, version: _v, ...stable } = task;
  return JSON.stringify(stable);
}

/** The dispatcher's task side, for one leader term. */
export class DispatcherTasks {
  private readonly streams = new Map<string, AssignmentStream>();
  /** Status reports not written yet, by task ID (the last report of a task wins). */
  private readonly reports = new Map<string, { nodeId: string; status: TaskStatusMessage }>();
  private flushTimer: EventHandle | undefined;
  /** When each Down node's tasks are marked orphaned. */
  private readonly downNodes = new Map<string, EventHandle>();
  private readonly onChange = (actions: readonly StoreAction[]) => this.storeChanged(actions);

  constructor(private readonly options: DispatcherTasksOptions) {}

  /** Starts with its dispatcher: committed task changes reach the streams from now on. */
  start(): void {
    this.options.writer.store.on("change", this.onChange);
  }

  /** Leadership lost: streams end (the agents reconnect), reports not yet written are dropped, as dispatcher.go Stop does. */
  stop(): void {
    const { scheduler } = this.options.sim;
    this.options.writer.store.off("change", this.onChange);
    for (const stream of [...this.streams.values()]) this.end(stream, GrpcCode.unavailable, "dispatcher is stopped");
    if (this.flushTimer !== undefined) scheduler.cancel(this.flushTimer);
    for (const timer of this.downNodes.values()) scheduler.cancel(timer);
    this.downNodes.clear();
    this.reports.clear();
  }

  /** The node's session `sessionId` ended: so does its Assignments stream. */
  sessionEnded(nodeId: string, sessionId?: string): void {
    const stream = this.streams.get(nodeId);
    if (stream !== undefined && (sessionId === undefined || stream.sessionId === sessionId)) this.end(stream, GrpcCode.notFound, nodeNotRegisteredMessage);
  }

  /** dispatcher.go GetWithSession: the call's session is the node's current one; else why not. */
  private checkSession(nodeId: string, sessionId: string): { code: number; message: string } | undefined {
    const current = this.options.sessionOf(nodeId);
    if (current === undefined) return { code: GrpcCode.notFound, message: nodeNotRegisteredMessage };
    if (current !== sessionId) return { code: GrpcCode.invalidArgument, message: sessionInvalidMessage };
    return undefined;
  }

  /** dispatcher.go Assignments: the complete set now, changes after. */
  assignments(nodeId: string, body: Uint8Array, reply: Reply): void {
    const request = decodeAssignmentsRequest(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed assignments request: ${request.reason}`);
    const refused = this.checkSession(nodeId, request.value.sessionId);
    if (refused !== undefined) return reply.error(refused.code, refused.message);
    const previous = this.streams.get(nodeId);
    if (previous !== undefined) this.end(previous, GrpcCode.aborted, "assignments stream replaced");
    const stream: AssignmentStream = { nodeId, sessionId: request.value.sessionId, reply, known: new Map(), changes: new Map(), sequence: 0, timer: undefined };
    this.streams.set(nodeId, stream);
    reply.onCancel(() => this.forget(stream));
    const tasks = [...this.options.writer.store.state.tasks.values()].filter((t) => t.nodeId === nodeId).sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const task of tasks) this.addOrUpdate(stream, task);
    this.send(stream, AssignmentsType.complete);
  }

  private forget(stream: AssignmentStream): void {
    if (stream.timer !== undefined) this.options.sim.scheduler.cancel(stream.timer);
    stream.timer = undefined;
    if (this.streams.get(stream.nodeId) === stream) this.streams.delete(stream.nodeId);
  }

  private end(stream: AssignmentStream, code: number, message: string): void {
    this.forget(stream);
    stream.reply.error(code, message);
  }

  /** assignments.go addOrUpdateTask: whether the node must hear of the change. */
  private addOrUpdate(stream: AssignmentStream, task: StoredTask): boolean {
    if (stateBefore(task.state, "assigned")) return false;
    const old = stream.known.get(task.id);
    stream.known.set(task.id, task);
    // States up to ASSIGNED are the managers' own; past it, a status change came from the node.
    if (old !== undefined && stableOf(old) === stableOf(task) && task.state !== "assigned") return false;
    stream.changes.set(task.id, { task: taskObjectOf(task, this.options.writer.store.state), action: AssignmentAction.update });
    return true;
  }

  /** assignments.go removeTask. */
  private remove(stream: AssignmentStream, taskId: string): boolean {
    if (!stream.known.delete(taskId)) return false;
    stream.changes.set(taskId, { task: bareTaskObject(taskId), action: AssignmentAction.remove });
    return true;
  }

  /** After a committed change: the streams of the nodes whose tasks changed gather it. */
  private storeChanged(actions: readonly StoreAction[]): void {
    for (const action of actions) {
      if (action.kind === "remove-task") {
        for (const stream of this.streams.values()) if (this.remove(stream, action.taskId)) this.modified(stream);
        continue;
      }
      if (action.kind !== "create-task" && action.kind !== "update-task") continue;
      const stream = this.streams.get(action.task.nodeId);
      if (stream !== undefined && this.addOrUpdate(stream, action.task)) this.modified(stream);
    }
  }

  /** dispatcher.go Assignments' batching loop: 100 ms after the last change, or at once past 100 changes. */
  private modified(stream: AssignmentStream): void {
    const { scheduler } = this.options.sim;
    if (stream.timer !== undefined) scheduler.cancel(stream.timer);
    stream.timer = undefined;
    if (stream.changes.size >= assignmentsBatchLimit) return this.send(stream, AssignmentsType.incremental);
    stream.timer = scheduler.after(assignmentsBatchWaitUs, "dispatcher.assignments", () => {
      stream.timer = undefined;
      this.send(stream, AssignmentsType.incremental);
    });
  }

  private send(stream: AssignmentStream, type: number): void {
    if (stream.reply.done) return this.forget(stream);
    const changes = [...stream.changes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, change]) => change);
    stream.changes.clear();
    const appliesTo = stream.sequence === 0 ? "" : String(stream.sequence);
    stream.sequence++;
    stream.reply.message(encodeAssignmentsMessage({ type, appliesTo, resultsIn: String(stream.sequence), changes }));
    if (changes.length > 0) {
      const name = type === AssignmentsType.complete ? "complete" : "incremental";
      this.options.sim.trace.record("dispatcher.assignments", { nodeId: stream.nodeId, type: name, changes: changes.length }, this.options.node);
    }
  }

  /** dispatcher.go UpdateTaskStatus: checked now, written with the next batch. */
  updateTaskStatus(nodeId: string, body: Uint8Array, reply: Reply): void {
    const request = decodeUpdateTaskStatusRequest(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed task status update: ${request.reason}`);
    const refused = this.checkSession(nodeId, request.value.sessionId);
    if (refused !== undefined) return reply.error(refused.code, refused.message);
    const view = this.options.writer.view();
    const valid: Array<{ taskId: string; status: TaskStatusMessage }> = [];
    for (const update of request.value.updates) {
      const task = view.tasks.get(update.taskId);
      // A report without a status, or for a task gone from the store, is skipped.
      if (update.status === undefined || task === undefined) continue;
      if (task.nodeId !== nodeId) return reply.error(GrpcCode.permissionDenied, "cannot update a task not assigned this node");
      valid.push({ taskId: update.taskId, status: update.status });
    }
    for (const { taskId, status } of valid) {
      this.reports.delete(taskId);
      this.reports.set(taskId, { nodeId, status });
    }
    if (this.reports.size > 0 && this.flushTimer === undefined) {
      this.flushTimer = this.options.sim.scheduler.after(statusBatchIntervalUs, "dispatcher.status-batch", () => {
        this.flushTimer = undefined;
        this.flush();
      });
    }
    reply.ok(new Uint8Array(0));
  }

  /** dispatcher.go processUpdates: each report written over the newest version of its task, a state never going back. */
  private flush(): void {
    const view = this.options.writer.view();
    const actions: StoreAction[] = [];
    for (const [taskId, { nodeId, status }] of this.reports) {
      const task = view.tasks.get(taskId);
      const state = taskStateName(status.state);
      if (task === undefined || state === undefined || stateBefore(state, task.state)) continue;
      const updated: StoredTask = {
        ...task,
        state,
        message: status.message,
        err: status.err,
        stateAt: (status.timestamp === undefined ? undefined : instantOfUnixMicros(status.timestamp)) ?? this.options.sim.now,
        containerId: status.container?.containerId ?? "",
        exitCode: status.container?.exitCode ?? 0,
      };
      if (JSON.stringify(updated) === JSON.stringify(task)) continue;
      actions.push({ kind: "update-task", task: { ...updated, version: task.version + 1 } });
      if (state !== task.state) this.options.sim.trace.record("task.status", { taskId, nodeId, state }, this.options.node);
    }
    this.reports.clear();
    this.options.writer.propose(actions);
  }

  /** dispatcher.go markNodeNotReady: the node is Down; in 24 h its tasks are orphaned unless it comes back. */
  nodeDown(nodeId: string): void {
    if (this.downNodes.has(nodeId)) return;
    this.downNodes.set(
      nodeId,
      this.options.sim.scheduler.after(nodeDownPeriodUs, "dispatcher.orphan", () => {
        this.downNodes.delete(nodeId);
        this.orphanTasks(nodeId);
      }),
    );
  }

  /** The node registered again. */
  nodeUp(nodeId: string): void {
    const timer = this.downNodes.get(nodeId);
    if (timer !== undefined) this.options.sim.scheduler.cancel(timer);
    this.downNodes.delete(nodeId);
  }

  /** dispatcher.go moveTasksToOrphaned: tasks that may have run on the node (ASSIGNED to RUNNING) become ORPHANED. */
  private orphanTasks(nodeId: string): void {
    const tasks = [...this.options.writer.view().tasks.values()].filter((t) => t.nodeId === nodeId && !stateBefore(t.state, "assigned") && !stateBefore("running", t.state));
    this.options.writer.propose(tasks.sort((a, b) => (a.id < b.id ? -1 : 1)).map((task) => ({ kind: "update-task", task: { ...task, state: "orphaned", version: task.version + 1 } })));
  }
}
