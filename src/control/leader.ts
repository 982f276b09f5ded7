/**
 * What runs on the leader only, for as long as it leads (swarmkit
 * manager/manager.go becomeLeader): the dispatcher, the key manager, the role
 * manager, the root rotation reconciler, the orchestration of services and
 * tasks (orchestrator, allocator, scheduler, task reaper) and the resource
 * allocator; and the CA signs what the last leader left unsigned. All of it stops when leadership is lost, and a new
 * leader starts its own, afresh: the key manager's 12 h timer included.
 */

import { RootRotationReconciler } from "./ca-rotation.js";
import type { CaServer } from "./ca-server.js";
import type { StoredNode } from "./cluster-store.js";
import { Dispatcher } from "./dispatcher.js";
import { KeyManager } from "./keymanager.js";
import type { ManagerOptions } from "./manager.js";
import type { ManagerStatusView } from "./node-object.js";
import type { RaftMember } from "./raft-member.js";
import { TaskOrchestration } from "./orchestration.js";
import { ResourceAllocator } from "./resource-allocator.js";
import { RoleManager } from "./role-manager.js";
import type { MethodHandler } from "./rpc.js";
import { TaskWriter } from "./task-writer.js";
import type { TlsPeer } from "../tls/index.js";

/** A manager as the leader sees it (api ManagerStatus): leader, and reachable by raft. */
export function managerStatusOf(node: StoredNode, raft: RaftMember): ManagerStatusView | undefined {
  if (node.raftId === undefined || node.role !== "manager") return undefined;
  const addr = raft.addressOf(node.raftId);
  return { leader: node.raftId === raft.leaderId, reachable: raft.reachable(node.raftId), ...(addr === undefined ? {} : { addr }) };
}

/** The leader's services of one term. */
export class LeaderServices {
  readonly dispatcher: Dispatcher;
  readonly dispatcherMethods: ReadonlyMap<string, MethodHandler<TlsPeer | null>>;
  /** Every method only the leader serves (the dispatcher's and the resource allocator's), by gRPC path. */
  readonly methods: ReadonlyMap<string, MethodHandler<TlsPeer | null>>;
  readonly keyManager: KeyManager;
  readonly reconciler: RootRotationReconciler;
  /** Services and tasks: orchestrator, allocator, scheduler, reaper. */
  readonly orchestration: TaskOrchestration;
  private readonly roleManager: RoleManager;

  constructor(options: ManagerOptions, raft: RaftMember, caServer: CaServer) {
    const { context, store } = options;
    const { sim, node } = context;
    const term = raft.term;
    // One writer of tasks for the term, shared, so that no task write undoes another in flight.
    const writer = new TaskWriter(store, raft);
    this.dispatcher = new Dispatcher({
      writer,
      sim,
      rng: context.rng.fork(`dispatcher-${term}`),
      store,
      proposer: raft,
      managerStatus: (stored) => managerStatusOf(stored, raft),
      node,
    });
    this.dispatcherMethods = this.dispatcher.methods();
    const resources = new ResourceAllocator({ sim, rng: context.rng.fork(`attachment-ids-${term}`), writer, node });
    this.methods = new Map([...this.dispatcherMethods, ...resources.methods()]);
    this.dispatcher.start();
    caServer.signPending();
    this.keyManager = new KeyManager({
      rng: context.rng.fork(`keymanager-${term}`),
      scheduler: sim.scheduler,
      trace: sim.trace,
      node,
      ...(options.keyRotationUs === undefined ? {} : { rotationIntervalUs: options.keyRotationUs }),
      onKeysChanged: (keys) => store.update(raft, [{ kind: "update-cluster", changes: { networkKeys: keys, lamportClock: this.keyManager.lamportClock } }]),
    });
    const stored = store.state.networkKeys;
    this.keyManager.start(stored.length > 0 ? { keys: stored, lamportClock: store.state.lamportClock } : undefined);
    this.reconciler = new RootRotationReconciler(store, raft, { sim, rng: context.rng.fork("ca-rotation"), node });
    this.reconciler.start();
    this.roleManager = new RoleManager(store, raft, sim.trace, node);
    this.orchestration = new TaskOrchestration({ sim, rng: context.rng.fork(`task-ids-${term}`), writer, node });
    this.orchestration.start();
  }

  /** Leadership lost: everything stops. */
  stop(): void {
    this.orchestration.stop();
    this.dispatcher.stop();
    this.keyManager.stop();
    this.reconciler.stop();
    this.roleManager.stop();
  }
}
