/**
 * Changes to the cluster store go through raft (swarmkit manager/state/store
 * `Update`, manager/state/raft `ProposeValue`): the leader encodes the change
 * as an InternalRaftRequest of store actions, proposes it, and the change is
 * applied when the entry commits on a quorum of managers. Nothing changes
 * without quorum; a proposal made where there is no leader fails.
 *
 * The `ClusterState` object is the committed state every manager holds: it is
 * changed once, by whichever manager first learns that an entry committed
 * (every manager learns the same entries in the same order).
 */

import { EventEmitter } from "eventemitter3";
import type { Instant } from "../sim/index.js";
import type { ClusterFields, ClusterState, StoredNetwork, StoredNode, StoredService, StoredTask } from "./cluster-store.js";

/** One change to the store (api/raft.proto StoreAction, the objects modelled). */
export type StoreAction =
  | { readonly kind: "create-node" | "update-node"; readonly node: StoredNode }
  | { readonly kind: "remove-node"; readonly nodeId: string; readonly removedUntil: Instant }
  | { readonly kind: "update-cluster"; readonly changes: Partial<ClusterFields> }
  | { readonly kind: "create-network"; readonly network: StoredNetwork }
  | { readonly kind: "remove-network"; readonly networkId: string }
  | { readonly kind: "create-service" | "update-service"; readonly service: StoredService }
  | { readonly kind: "remove-service"; readonly serviceId: string }
  | { readonly kind: "create-task" | "update-task"; readonly task: StoredTask }
  | { readonly kind: "remove-task"; readonly taskId: string };

/** How a proposal ended: committed and applied, or not (no leader, leadership lost). */
export type ProposalResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** What a store proposes through: a manager's raft member. */
export interface Proposer {
  /** Proposes an entry carrying `data`; `done` runs when it committed (or could not). */
  propose(data: Uint8Array, done: (result: ProposalResult) => void): void;
}

/** Encodes a proposal's actions as the entry's bytes, and reads a committed entry's request ID back. */
export interface EntryCodec {
  encode(requestId: number, actions: readonly StoreAction[], state: ClusterState): Uint8Array;
  requestIdOf(data: Uint8Array): number | undefined;
}

/** What `change` listeners hear: the actions one committed entry applied. */
export interface StoreEvents {
  change: [actions: readonly StoreAction[]];
}

/** swarmkit raft.go ErrLostLeadership / ErrNoClusterLeader, as the store reports them. */
export const noLeaderReason = "raft: no elected cluster leader";

/** The replicated cluster store of one swarm. */
export class ClusterStore extends EventEmitter<StoreEvents> {
  /** Actions of the proposals not yet applied, by request ID. */
  private readonly proposed = new Map<number, readonly StoreAction[]>();
  /** Per node, the changes waiting for the one in flight to commit or fail (`updateNode`). */
  private readonly nodeUpdates = new Map<string, Array<() => void>>();
  private nextRequestId = 0;
  /** The highest raft index applied to `state`. */
  appliedIndex = 0;

  constructor(
    /** The committed state. */
    readonly state: ClusterState,
    private readonly codec: EntryCodec,
    /** The raft members before the log's first entry: the manager that ran `swarm init`. */
    readonly bootstrapVoters: readonly number[],
  ) {
    super();
  }

  /**
   * Proposes `actions` through `proposer` (the leader's raft member); they are
   * applied when the entry commits. `done` hears the outcome.
   */
  update(proposer: Proposer | undefined, actions: readonly StoreAction[], done: (result: ProposalResult) => void = () => {}): void {
    if (proposer === undefined) return done({ ok: false, reason: noLeaderReason });
    const requestId = ++this.nextRequestId;
    this.proposed.set(requestId, actions);
    proposer.propose(this.codec.encode(requestId, actions, this.state), done);
  }

  /**
   * The actions proposed through this store and not applied yet, oldest
   * first: what an allocator must treat as taken besides the committed state
   * (swarmkit's allocator serializes its allocations the same way).
   */
  pendingActions(): StoreAction[] {
    return [...this.proposed.values()].flat();
  }

  /** A node object changed by `change` (a copy: objects in the state are replaced, never edited). */
  updateNode(proposer: Proposer | undefined, nodeId: string, change: (node: StoredNode) => Partial<StoredNode>, done?: (result: ProposalResult) => void): void {
    // swarmkit's MemoryStore.Update holds its update lock until the proposal commits, so a change is
    // made to the node as the previous one left it: one change at a time per node here, or a change
    // proposed meanwhile would write back the fields of a stale copy (a raft ID, a status) when it commits.
    const run = () => {
      const node = this.state.nodes.get(nodeId);
      if (node === undefined) {
        this.nextNodeUpdate(nodeId);
        return done?.({ ok: false, reason: `node ${nodeId} not found` });
      }
      this.update(proposer, [{ kind: "update-node", node: { ...node, ...change(node) } }], (result) => {
        this.nextNodeUpdate(nodeId);
        done?.(result);
      });
    };
    const queue = this.nodeUpdates.get(nodeId);
    if (queue !== undefined) return void queue.push(run);
    this.nodeUpdates.set(nodeId, []);
    run();
  }

  /** Runs the next change queued for `nodeId`, if any. */
  private nextNodeUpdate(nodeId: string): void {
    const next = this.nodeUpdates.get(nodeId)?.shift();
    if (next === undefined) this.nodeUpdates.delete(nodeId);
    else next();
  }

  /**
   * An entry committed at `index`: applies its actions if it carries a
   * proposal and no manager applied it yet. Returns whether it was applied now.
   */
  applyCommitted(index: number, data: Uint8Array): boolean {
    if (index <= this.appliedIndex) return false;
    this.appliedIndex = index;
    if (data.length === 0) return false; // a new leader's empty entry
    const requestId = this.codec.requestIdOf(data);
    const actions = requestId === undefined ? undefined : this.proposed.get(requestId);
    if (requestId === undefined || actions === undefined) return false;
    this.proposed.delete(requestId);
    for (const action of actions) applyAction(this.state, action);
    this.emit("change", actions);
    return true;
  }
}

function applyAction(state: ClusterState, action: StoreAction): void {
  switch (action.kind) {
    case "create-node":
    case "update-node":
      state.nodes.set(action.node.id, action.node);
      return;
    case "remove-node":
      state.nodes.delete(action.nodeId);
      state.removedNodes.set(action.nodeId, action.removedUntil);
      return;
    case "update-cluster":
      Object.assign(state, action.changes);
      return;
    case "create-network":
      state.networks.set(action.network.id, action.network);
      return;
    case "remove-network":
      state.networks.delete(action.networkId);
      return;
    case "create-service":
    case "update-service":
      state.services.set(action.service.id, action.service);
      return;
    case "remove-service":
      state.services.delete(action.serviceId);
      return;
    case "create-task":
    case "update-task":
      state.tasks.set(action.task.id, action.task);
      return;
    case "remove-task":
      state.tasks.delete(action.taskId);
      return;
  }
}
