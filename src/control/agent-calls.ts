/**
 * The calls an agent makes about its tasks, over its session's connection:
 * status reports (agent/session.go sendTaskStatus, the dispatcher's
 * UpdateTaskStatus) and, for its engine, network attachments of standalone
 * containers (the ResourceAllocator, as moby daemon/cluster/networks.go
 * AttachNetwork and DetachNetwork use it).
 */

import type { EventHandle, Simulation } from "../sim/index.js";
import type { AssignedTasks, ReportedStatus, TaskStatusReport } from "./agent-assignments.js";
import {
  DispatcherTaskMethod,
  ResourceAllocatorMethod,
  decodeAttachmentId,
  encodeAttachNetworkRequest,
  encodeAttachmentId,
  encodeUpdateTaskStatusRequest,
} from "./assignment-messages.js";
import { callWithTimeout } from "./certificate-request.js";
import type { StoredTask } from "./cluster-store.js";
import { dispatcherRpcTimeoutUs } from "./dispatcher-constants.js";
import { unixMicrosAt } from "./dispatcher-messages.js";
import type { ControlConnection } from "./endpoint.js";
import type { CallResult } from "./rpc.js";
import { GrpcCode, grpcErrorText } from "./rpc-frame.js";
import { attachTimedOutMessage, attachTimeoutUs, sessionClosedMessage } from "./task-constants.js";
import { TaskStateCode, type TaskStatusMessage } from "./task-messages.js";

/**
 * How a call ended: done, or the gRPC code and message the managers answered
 * with (`text` is how the daemon quotes it: `rpc error: code = ... desc = ...`).
 */
export type CallOutcome = { readonly ok: true } | { readonly ok: false; readonly code: number; readonly message: string; readonly text: string };

/** How an attachment ended: the attachment task as it reached the node (its address in `task.networks`), or why not. */
export type AttachOutcome = { readonly ok: true; readonly attachmentId: string; readonly task: StoredTask } | Extract<CallOutcome, { ok: false }>;

/** What the calls need from their agent. */
export interface AgentTaskCallsOptions {
  readonly sim: Simulation;
  readonly assigned: AssignedTasks;
  /** The session the calls go over, while there is one. */
  readonly session: () => { readonly connection: ControlConnection; readonly sessionId: string } | undefined;
}

const failure = (code: number, message: string): Extract<CallOutcome, { ok: false }> => ({ ok: false, code, message, text: grpcErrorText(code, message) });
const outcomeOf = (result: CallResult): CallOutcome => (result.ok ? { ok: true } : failure(result.code, result.message));

function statusMessage(status: ReportedStatus): TaskStatusMessage {
  return {
    timestamp: unixMicrosAt(status.at),
    state: TaskStateCode[status.state],
    message: status.message,
    err: status.err,
    ...(status.containerId === "" && status.exitCode === 0 ? {} : { container: { containerId: status.containerId, pid: 0, exitCode: status.exitCode } }),
  };
}

/** One agent's task calls. */
export class AgentTaskCalls {
  /** Attachments waiting to reach the node, by attachment ID. */
  private readonly attaching = new Map<string, { readonly done: (outcome: AttachOutcome) => void; readonly timer: EventHandle }>();

  constructor(private readonly options: AgentTaskCallsOptions) {}

  /** Keeps the report and sends it, if there is a session. */
  updateTaskStatus(taskId: string, report: TaskStatusReport, done: (outcome: CallOutcome) => void = () => {}): void {
    const status = this.options.assigned.report(taskId, report, this.options.sim.now);
    this.send([[taskId, status]], done);
  }

  /** worker.go Listen: on a new session, every status kept is reported again. */
  reportAll(): void {
    const reports = [...this.options.assigned.reports()];
    if (reports.length > 0) this.send(reports, () => {});
  }

  private send(reports: ReadonlyArray<readonly [string, ReportedStatus]>, done: (outcome: CallOutcome) => void): void {
    const session = this.options.session();
    if (session === undefined) return done(failure(GrpcCode.unavailable, sessionClosedMessage));
    const body = encodeUpdateTaskStatusRequest({ sessionId: session.sessionId, updates: reports.map(([taskId, status]) => ({ taskId, status: statusMessage(status) })) });
    callWithTimeout(this.options.sim, session.connection, DispatcherTaskMethod.updateTaskStatus, body, dispatcherRpcTimeoutUs, (result) => done(outcomeOf(result)));
  }

  /** AttachNetwork, then a wait (20 s at most, the whole of it) for the attachment task to be assigned to the node. */
  attachNetwork(networkRef: string, containerId: string, done: (outcome: AttachOutcome) => void): void {
    const session = this.options.session();
    if (session === undefined) return done(failure(GrpcCode.unavailable, sessionClosedMessage));
    const { sim } = this.options;
    let over = false;
    const deadline = sim.scheduler.after(attachTimeoutUs, "agent.attach-deadline", () => {
      over = true;
      for (const [id, waiter] of this.attaching) if (waiter.timer === deadline) this.attaching.delete(id);
      done(failure(GrpcCode.deadlineExceeded, attachTimedOutMessage));
    });
    const body = encodeAttachNetworkRequest({ config: { target: networkRef, aliases: [], addresses: [] }, containerId });
    session.connection.call(ResourceAllocatorMethod.attachNetwork, body, (result) => {
      if (over) return;
      const response = result.ok ? decodeAttachmentId(result.body) : undefined;
      if (response === undefined || !response.ok) {
        sim.scheduler.cancel(deadline);
        return done(result.ok ? failure(GrpcCode.internal, `malformed attach response: ${response?.ok === false ? response.reason : ""}`) : failure(result.code, result.message));
      }
      this.attaching.set(response.value.attachmentId, { done, timer: deadline });
      this.assignmentsChanged();
    });
  }

  /** The assigned set changed: attachments that arrived are handed over. */
  assignmentsChanged(): void {
    for (const [attachmentId, waiter] of [...this.attaching]) {
      const task = this.options.assigned.get(attachmentId);
      if (task === undefined) continue;
      this.attaching.delete(attachmentId);
      this.options.sim.scheduler.cancel(waiter.timer);
      waiter.done({ ok: true, attachmentId, task });
    }
  }

  /** DetachNetwork. */
  detachNetwork(attachmentId: string, done: (outcome: CallOutcome) => void): void {
    const session = this.options.session();
    if (session === undefined) return done(failure(GrpcCode.unavailable, sessionClosedMessage));
    callWithTimeout(this.options.sim, session.connection, ResourceAllocatorMethod.detachNetwork, encodeAttachmentId({ attachmentId }), dispatcherRpcTimeoutUs, (result) => done(outcomeOf(result)));
  }

  /** The agent stops: attachments still waiting fail. */
  stop(): void {
    for (const waiter of this.attaching.values()) {
      this.options.sim.scheduler.cancel(waiter.timer);
      waiter.done(failure(GrpcCode.unavailable, sessionClosedMessage));
    }
    this.attaching.clear();
  }
}
