/**
 * The orchestration layer's timing, limits and messages, as swarmkit sets
 * them. Each value names its unit and its source.
 */

import { type Duration, hours, minutes, ms, seconds } from "../sim/index.js";

/**
 * Pause before a replacement task starts: 5 s (api/defaults/service.go
 * Restart.Delay, the RestartPolicy `docker service create` gives by default),
 * so that a task that keeps failing does not restart in a tight loop.
 */
export const restartDelayUs: Duration = seconds(5);
/**
 * How long a replacement waits for the task it replaces to stop before it
 * starts anyway: 1 min (orchestrator/restart/restart.go defaultOldTaskTimeout).
 */
export const oldTaskTimeoutUs: Duration = minutes(1);
/**
 * Tasks kept per slot, the running one included, before the oldest finished
 * ones are deleted: 5 (docker's default `--task-history-limit`, read by
 * orchestrator/taskreaper/task_reaper.go as TaskHistoryRetentionLimit).
 */
export const taskHistoryRetentionLimit = 5;
/**
 * How long the dispatcher gathers task status reports before it writes them
 * in one store batch: 100 ms (manager/dispatcher/dispatcher.go maxBatchInterval).
 */
export const statusBatchIntervalUs: Duration = ms(100);
/**
 * How long the dispatcher waits after the last change of a node's tasks before
 * it sends them as one Assignments message: 100 ms (dispatcher.go batchingWaitTime).
 */
export const assignmentsBatchWaitUs: Duration = ms(100);
/** Changes that make an Assignments message go out at once (dispatcher.go modificationBatchLimit). */
export const assignmentsBatchLimit = 100;
/**
 * How long a node may stay Down before the dispatcher marks its tasks
 * Orphaned, freeing their resources: 24 h (dispatcher.go defaultNodeDownPeriod).
 */
export const nodeDownPeriodUs: Duration = hours(24);
/**
 * How long the engine waits for a network attachment to reach it: 20 s (moby
 * daemon/cluster swarmRequestTimeout, the context of Cluster.AttachNetwork).
 */
export const attachTimeoutUs: Duration = seconds(20);

/** orchestrator/task.go NewTask: the status a new task starts with. */
export const createdMessage = "created";
/** allocator/network.go allocatedStatusMessage: a task whose networks are allocated, waiting for a node. */
export const allocatedMessage = "pending task scheduling";
/** scheduler/scheduler.go scheduleTaskGroup: the status of a task placed on a node. */
export const assignedMessage = "scheduler assigned task to node";
/** scheduler/scheduler.go taskFitNode: a network attachment, placed on the node that asked for it. */
export const preassignedMessage = "scheduler confirmed task can run on preassigned node";
/** resourceapi/allocator.go errInvalidArgument. */
export const invalidArgumentMessage = "invalid argument";
/** dispatcher/dispatcher.go ErrSessionInvalid: a call with a session ID that is not the node's current one. */
export const sessionInvalidMessage = "session invalid";
/** agent/errors.go errSessionClosed: a call made with no session to make it on. */
export const sessionClosedMessage = "agent: session closed";
/** moby daemon/cluster/networks.go AttachNetwork: the attachment did not reach the engine in time. */
export const attachTimedOutMessage = "attaching to network failed, make sure your network options are correct and check manager logs: context deadline exceeded";

/**
 * scheduler.go noSuitableNode and pipeline.go Explain: why a task waits,
 * each filter's failures (nodes not ready, nodes its placement constraints
 * ruled out), most failures first, joined with "; " (`no suitable node
 * (scheduling constraints not satisfied on 2 nodes; 1 node not available
 * for new tasks)`). A node counts under the first filter it fails.
 */
export function noSuitableNodeError(unavailable: number, unsatisfied = 0): string {
  const nodes = (n: number) => (n === 1 ? "1 node" : `${n} nodes`);
  // Pipeline order (ReadyFilter before ConstraintFilter) for equal counts.
  const explained = [
    { failures: unavailable, text: `${nodes(unavailable)} not available for new tasks` },
    { failures: unsatisfied, text: `scheduling constraints not satisfied on ${nodes(unsatisfied)}` },
  ]
    .filter((e) => e.failures > 0)
    .sort((a, b) => b.failures - a.failures);
  return explained.length === 0 ? "no suitable node" : `no suitable node (${explained.map((e) => e.text).join("; ")})`;
}
