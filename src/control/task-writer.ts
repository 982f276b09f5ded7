/**
 * The leader's writes of tasks, and the view of the cluster they are made
 * from. swarmkit's orchestrator, allocator, scheduler, task reaper and
 * dispatcher each change tasks in store transactions that read the latest
 * object first; here every change is a whole object proposed through raft
 * (store.ts), so each writer must start from the newest version of a task,
 * committed or still in flight, or a later commit would undo an earlier one.
 * One `TaskWriter` per leader term keeps the task writes in flight and builds
 * that view.
 */

import type { StoredNetwork, StoredNode, StoredService, StoredTask } from "./cluster-store.js";
import type { ClusterStore, ProposalResult, Proposer, StoreAction } from "./store.js";

/** The cluster as the leader's task writers see it: committed state, with the changes in flight laid over it. */
export interface ClusterView {
  readonly services: ReadonlyMap<string, StoredService>;
  readonly tasks: ReadonlyMap<string, StoredTask>;
  readonly nodes: ReadonlyMap<string, StoredNode>;
  readonly networks: ReadonlyMap<string, StoredNetwork>;
}

/** Lays task and service actions over maps (a copy each), in order. */
export function overlay(view: ClusterView, actions: Iterable<StoreAction>): ClusterView {
  const services = new Map(view.services);
  const tasks = new Map(view.tasks);
  for (const action of actions) {
    if (action.kind === "create-service" || action.kind === "update-service") services.set(action.service.id, action.service);
    else if (action.kind === "remove-service") services.delete(action.serviceId);
    else if (action.kind === "create-task" || action.kind === "update-task") tasks.set(action.task.id, action.task);
    else if (action.kind === "remove-task") tasks.delete(action.taskId);
  }
  return { services, tasks, nodes: view.nodes, networks: view.networks };
}

/** One leader term's task writes. */
export class TaskWriter {
  /** The batches proposed and not yet answered, oldest first. */
  private readonly inFlight = new Set<readonly StoreAction[]>();

  constructor(
    readonly store: ClusterStore,
    private readonly proposer: Proposer,
  ) {}

  /**
   * The view writers start from: the committed state; then every service
   * change proposed and not yet applied (a `docker service` command's, for
   * one: raft applies it before anything proposed later); then this term's
   * own task writes in flight. Task changes proposed by an earlier term are
   * left out: such a proposal may never commit.
   */
  view(): ClusterView {
    const state = this.store.state;
    const pendingServices = this.store.pendingActions().filter((a) => a.kind === "create-service" || a.kind === "update-service" || a.kind === "remove-service");
    return overlay({ services: state.services, tasks: state.tasks, nodes: state.nodes, networks: state.networks }, [...pendingServices, ...[...this.inFlight].flat()]);
  }

  /** Proposes `actions`; `done` hears the outcome once raft answers. */
  propose(actions: readonly StoreAction[], done: (result: ProposalResult) => void = () => {}): void {
    if (actions.length === 0) return done({ ok: true });
    this.inFlight.add(actions);
    this.store.update(this.proposer, actions, (result) => {
      this.inFlight.delete(actions);
      done(result);
    });
  }

  /** How many proposals wait for an answer. */
  get pending(): number {
    return this.inFlight.size;
  }
}
