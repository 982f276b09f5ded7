/**
 * The role manager (swarmkit manager/role_manager.go): on the leader, makes
 * each node's role follow the role asked for with `docker node promote` or
 * `demote`. A promotion sets the role at once (the node then renews its
 * certificate as a manager and joins raft); a demotion first removes the node
 * from raft, and waits while that would cost the managers their quorum. The
 * leader demoted hands leadership to another manager first.
 */

import type { Trace } from "../sim/index.js";
import type { StoredNode } from "./cluster-store.js";
import type { RaftMember } from "./raft-member.js";
import type { ClusterStore } from "./store.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The role manager changed a node's role. */
    "role.changed": { nodeId: string; role: string };
  }
}

/** The leader's role manager. */
export class RoleManager {
  /** Nodes with a change under way. */
  private readonly busy = new Set<string>();
  private readonly onChange = () => this.reconcile();
  private stopped = false;

  constructor(
    private readonly store: ClusterStore,
    private readonly raft: RaftMember,
    private readonly trace: Trace,
    private readonly node: string,
  ) {
    store.on("change", this.onChange);
    this.reconcile();
  }

  stop(): void {
    this.stopped = true;
    this.store.off("change", this.onChange);
  }

  private reconcile(): void {
    if (this.stopped) return;
    for (const node of this.store.state.nodes.values()) {
      if (node.desiredRole === node.role || this.busy.has(node.id)) continue;
      if (node.desiredRole === "manager") this.setRole(node, { role: "manager" });
      else this.demote(node);
    }
  }

  private demote(node: StoredNode): void {
    const raftId = node.raftId;
    if (raftId === undefined || !this.raft.voters.includes(raftId)) return this.setRole(node, { role: "worker", raftId: undefined });
    if (!this.raft.canRemove(raftId)) return; // role_manager.go: retried when the cluster changes
    this.busy.add(node.id);
    if (raftId === this.raft.raftId) {
      // role_manager.go "demoted; transferring leadership": the new leader's role manager then removes
      // this member; if the transfer fails, the leader removes itself (and steps down once that commits).
      this.raft.transferLeadership((transferred) => {
        if (this.stopped) return;
        if (transferred) this.busy.delete(node.id);
        else this.removeMember(node, raftId);
      });
      return;
    }
    this.removeMember(node, raftId);
  }

  private removeMember(node: StoredNode, raftId: number): void {
    this.raft.changeVoters("remove", raftId, (result) => {
      this.busy.delete(node.id);
      if (result.ok) this.setRole(node, { role: "worker", raftId: undefined });
    });
  }

  private setRole(node: StoredNode, change: Partial<StoredNode>): void {
    this.busy.add(node.id);
    this.store.updateNode(this.raft, node.id, () => change, (result) => {
      this.busy.delete(node.id);
      if (result.ok) this.trace.record("role.changed", { nodeId: node.id, role: String(change.role) }, this.node);
    });
  }
}
