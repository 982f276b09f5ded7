/**
 * What the leader runs over services and tasks (swarmkit manager/manager.go
 * becomeLeader: the replicated orchestrator, the allocator, the scheduler
 * and the task reaper), as one loop: after each committed change, and when a
 * delayed start comes due, a round runs the four in that order over one view
 * (each sees what the previous decided) and proposes what they decided as
 * one raft entry, a task's successive changes folded into one action.
 */

import { newId } from "../pki/index.js";
import type { EventHandle, Instant, Rng, Simulation } from "../sim/index.js";
import type { StoreAction } from "./store.js";
import { allocate } from "./task-allocator.js";
import { orchestrate } from "./orchestrator.js";
import { reap } from "./task-reaper.js";
import { schedule } from "./task-scheduler.js";
import { type TaskWriter, overlay } from "./task-writer.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** An orchestration round proposed changes: tasks made, changed, deleted; services given VIPs. */
    "orchestrator.round": { created: number; updated: number; removed: number; services: number };
  }
}

/** What the loop runs with. */
export interface TaskOrchestrationOptions {
  readonly sim: Simulation;
  /** Where new task IDs are drawn (one stream per leader term). */
  readonly rng: Rng;
  readonly writer: TaskWriter;
  /** The manager's name, for traces. */
  readonly node: string;
}

/**
 * Folds successive changes of one service or task into one action, where the
 * first was: create then update is a create of the last version, create then
 * remove is nothing. Other actions stay as they are.
 */
export function foldActions(actions: readonly StoreAction[]): StoreAction[] {
  const folded = new Map<string, StoreAction | undefined>();
  for (const [index, action] of actions.entries()) {
    const key = keyOf(action) ?? `other/${index}`;
    const before = folded.get(key);
    if (before === undefined) folded.set(key, action);
    else if (before.kind === "create-task" && action.kind === "remove-task") folded.set(key, undefined);
    else if (before.kind === "create-task" && action.kind === "update-task") folded.set(key, { kind: "create-task", task: action.task });
    else if (before.kind === "create-service" && action.kind === "update-service") folded.set(key, { kind: "create-service", service: action.service });
    else folded.set(key, action);
  }
  return [...folded.values()].filter((a): a is StoreAction => a !== undefined);
}

/** The object an action changes (a service or task), or undefined for actions left as they are. */
function keyOf(action: StoreAction): string | undefined {
  switch (action.kind) {
    case "create-task":
    case "update-task":
      return `task/${action.task.id}`;
    case "remove-task":
      return `task/${action.taskId}`;
    case "create-service":
    case "update-service":
      return `service/${action.service.id}`;
    case "remove-service":
      return `service/${action.serviceId}`;
    default:
      return undefined;
  }
}

/** The leader's orchestration loop; `start()` when leadership begins, `stop()` when it ends. */
export class TaskOrchestration {
  private round: EventHandle | undefined;
  private wake: { at: Instant; handle: EventHandle } | undefined;
  private running = false;
  private readonly onChange = () => this.kick();

  constructor(private readonly options: TaskOrchestrationOptions) {}

  /** Starts: a first round looks at what the last leader left. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.options.writer.store.on("change", this.onChange);
    this.kick();
  }

  /** Stops (leadership lost). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.options.writer.store.off("change", this.onChange);
    const { scheduler } = this.options.sim;
    if (this.round !== undefined) scheduler.cancel(this.round);
    if (this.wake !== undefined) scheduler.cancel(this.wake.handle);
    this.round = undefined;
    this.wake = undefined;
  }

  /** A round soon: changes that commit together are looked at together. */
  private kick(): void {
    if (!this.running || this.round !== undefined) return;
    this.round = this.options.sim.scheduler.after(0 as never, "orchestrator.round", () => {
      this.round = undefined;
      this.runRound();
    });
  }

  private runRound(): void {
    if (!this.running) return;
    const { sim, writer, rng } = this.options;
    const now = sim.now;
    const view = writer.view();
    const orchestrated = orchestrate(view, { now, newTaskId: () => newId(rng) });
    const afterOrchestration = overlay(view, orchestrated.actions);
    const allocated = allocate(afterOrchestration, [...writer.store.pendingActions(), ...orchestrated.actions], now);
    const afterAllocation = overlay(afterOrchestration, allocated);
    const scheduled = schedule(afterAllocation, now);
    const reaped = reap(overlay(afterAllocation, scheduled));
    const actions = foldActions([...orchestrated.actions, ...allocated, ...scheduled, ...reaped]);
    if (orchestrated.wakeAt !== undefined) this.wakeAt(orchestrated.wakeAt);
    if (actions.length === 0) return;
    const count = (kind: StoreAction["kind"]) => actions.filter((a) => a.kind === kind).length;
    sim.trace.record(
      "orchestrator.round",
      { created: count("create-task"), updated: count("update-task"), removed: count("remove-task"), services: count("update-service") },
      this.options.node,
    );
    writer.propose(actions);
  }

  /** A round at `at` (a delayed start comes due), unless one is due sooner. */
  private wakeAt(at: Instant): void {
    const { scheduler } = this.options.sim;
    if (this.wake !== undefined && this.wake.at <= at) return;
    if (this.wake !== undefined) scheduler.cancel(this.wake.handle);
    this.wake = {
      at,
      handle: scheduler.at(at, "orchestrator.wake", () => {
        this.wake = undefined;
        this.kick();
      }),
    };
  }
}
