/**
 * The dispatcher's task messages (api/dispatcher.proto Assignments and
 * UpdateTaskStatus) and the ResourceAllocator service (api/resource.proto)
 * through which an engine attaches a standalone container to a swarm network,
 * encoded as protocol buffers with their real field numbers.
 *
 * Field numbers were read from moby/swarmkit's api/dispatcher.proto (commit
 * 22066d4f) and api/resource.proto (fef5dc05). Framing follows gogoproto's
 * generated marshallers, as in dispatcher-messages.ts.
 */

import { type MessageReader, decodeWith } from "./dispatcher-messages.js";
import {
  type NetworkAttachmentConfigMessage,
  type TaskObject,
  type TaskStatusMessage,
  encodeNetworkAttachmentConfig,
  encodeTaskObject,
  encodeTaskStatus,
  readNetworkAttachmentConfig,
  readTaskObject,
  readTaskStatus,
} from "./task-messages.js";
import { type Decoded, ProtoWriter } from "../encoding/index.js";

/** The Dispatcher service's task methods, by gRPC path (api/dispatcher.proto; Session and Heartbeat are DispatcherMethod). */
export const DispatcherTaskMethod = {
  assignments: "/docker.swarmkit.v1.Dispatcher/Assignments",
  updateTaskStatus: "/docker.swarmkit.v1.Dispatcher/UpdateTaskStatus",
} as const;

/** The ResourceAllocator service's methods, by gRPC path (api/resource.proto). */
export const ResourceAllocatorMethod = {
  attachNetwork: "/docker.swarmkit.v1.ResourceAllocator/AttachNetwork",
  detachNetwork: "/docker.swarmkit.v1.ResourceAllocator/DetachNetwork",
} as const;

/** AssignmentsMessage.Type: the whole set, or changes to the set last sent. */
export const AssignmentsType = { complete: 0, incremental: 1 } as const;
/** AssignmentChange.AssignmentAction. */
export const AssignmentAction = { update: 0, remove: 1 } as const;

/** AssignmentsRequest { string session_id = 1; } */
export interface AssignmentsRequest {
  readonly sessionId: string;
}
/** Encodes an AssignmentsRequest. */
export const encodeAssignmentsRequest = (m: AssignmentsRequest) => new ProtoWriter().string(1, m.sessionId).finish();
/** Decodes an AssignmentsRequest. */
export const decodeAssignmentsRequest = (b: Uint8Array): Decoded<AssignmentsRequest> => decodeWith(b, (r) => ({ sessionId: r.string(1) }));

/**
 * AssignmentChange { Assignment assignment = 1; AssignmentAction action = 2; }, with
 * Assignment { oneof item { Task task = 1; Secret secret = 2; Config config = 3; } }:
 * only tasks are modelled; a change carrying something else has no `task`.
 */
export interface AssignmentChange {
  readonly task?: TaskObject;
  /** AssignmentAction. */
  readonly action: number;
}

/**
 * AssignmentsMessage { Type type = 1; string applies_to = 2; string results_in = 3;
 * repeated AssignmentChange changes = 4; }: `applies_to` names the message this one
 * follows, `results_in` this one, so that an agent notices a message it missed.
 */
export interface AssignmentsMessage {
  /** AssignmentsType. */
  readonly type: number;
  readonly appliesTo: string;
  readonly resultsIn: string;
  readonly changes: readonly AssignmentChange[];
}

function encodeChange(c: AssignmentChange): Uint8Array {
  const assignment = new ProtoWriter();
  if (c.task !== undefined) assignment.message(1, encodeTaskObject(c.task));
  return new ProtoWriter().message(1, assignment.finish()).uint(2, c.action).finish();
}

function readChange(r: MessageReader): AssignmentChange {
  const task = r.message(1, "assignment", (a) => a.optionalMessage(1, "task", readTaskObject));
  const action = r.uint(2);
  return task === undefined ? { action } : { task, action };
}

/** Encodes an AssignmentsMessage. */
export function encodeAssignmentsMessage(m: AssignmentsMessage): Uint8Array {
  const w = new ProtoWriter().uint(1, m.type).string(2, m.appliesTo).string(3, m.resultsIn);
  for (const c of m.changes) w.message(4, encodeChange(c));
  return w.finish();
}
/** Decodes an AssignmentsMessage. */
export const decodeAssignmentsMessage = (b: Uint8Array): Decoded<AssignmentsMessage> =>
  decodeWith(b, (r) => ({ type: r.uint(1), appliesTo: r.string(2), resultsIn: r.string(3), changes: r.messages(4, "changes", readChange) }));

/** UpdateTaskStatusRequest.TaskStatusUpdate { string task_id = 1; TaskStatus status = 2; } */
export interface TaskStatusUpdate {
  readonly taskId: string;
  /** Nullable in the proto: the dispatcher skips an update without one. */
  readonly status?: TaskStatusMessage;
}

/** UpdateTaskStatusRequest { string session_id = 1; repeated TaskStatusUpdate updates = 3; } */
export interface UpdateTaskStatusRequest {
  readonly sessionId: string;
  readonly updates: readonly TaskStatusUpdate[];
}

/** Encodes an UpdateTaskStatusRequest. */
export function encodeUpdateTaskStatusRequest(m: UpdateTaskStatusRequest): Uint8Array {
  const w = new ProtoWriter().string(1, m.sessionId);
  for (const u of m.updates) {
    const update = new ProtoWriter().string(1, u.taskId);
    if (u.status !== undefined) update.message(2, encodeTaskStatus(u.status));
    w.message(3, update.finish());
  }
  return w.finish();
}

/** Decodes an UpdateTaskStatusRequest. */
export const decodeUpdateTaskStatusRequest = (b: Uint8Array): Decoded<UpdateTaskStatusRequest> =>
  decodeWith(b, (r) => ({
    sessionId: r.string(1),
    updates: r.messages(3, "updates", (u): TaskStatusUpdate => {
      const taskId = u.string(1);
      const status = u.optionalMessage(2, "status", readTaskStatus);
      return status === undefined ? { taskId } : { taskId, status };
    }),
  }));

/** AttachNetworkRequest { NetworkAttachmentConfig config = 1; string container_id = 2; } */
export interface AttachNetworkRequest {
  /** Nullable in the proto: refused as InvalidArgument when absent. */
  readonly config?: NetworkAttachmentConfigMessage;
  readonly containerId: string;
}
/** Encodes an AttachNetworkRequest. */
export function encodeAttachNetworkRequest(m: AttachNetworkRequest): Uint8Array {
  const w = new ProtoWriter();
  if (m.config !== undefined) w.message(1, encodeNetworkAttachmentConfig(m.config));
  return w.string(2, m.containerId).finish();
}
/** Decodes an AttachNetworkRequest. */
export const decodeAttachNetworkRequest = (b: Uint8Array): Decoded<AttachNetworkRequest> =>
  decodeWith(b, (r) => {
    const config = r.optionalMessage(1, "config", readNetworkAttachmentConfig);
    const containerId = r.string(2);
    return config === undefined ? { containerId } : { config, containerId };
  });

/** AttachNetworkResponse { string attachment_id = 1; } and DetachNetworkRequest { string attachment_id = 1; }: the attachment's task ID. */
export interface AttachmentIdMessage {
  readonly attachmentId: string;
}
/** Encodes an AttachNetworkResponse or a DetachNetworkRequest. */
export const encodeAttachmentId = (m: AttachmentIdMessage) => new ProtoWriter().string(1, m.attachmentId).finish();
/** Decodes an AttachNetworkResponse or a DetachNetworkRequest. */
export const decodeAttachmentId = (b: Uint8Array): Decoded<AttachmentIdMessage> => decodeWith(b, (r) => ({ attachmentId: r.string(1) }));
