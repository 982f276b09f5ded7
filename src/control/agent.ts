/**
 * A node's agent (swarmkit agent/agent.go and agent/session.go): keeps one
 * session with the dispatcher. It opens `Session` on a manager (its own
 * manager, in-process, when it is one; else one of the managers it knows),
 * heartbeats at the period the dispatcher gives, hands every session message
 * to the node, and after any failure starts over with a backoff.
 *
 * Once registered it watches its tasks (session.go watch: the dispatcher's
 * `Assignments` stream), hands the node the whole set after each message,
 * and carries the node's reports on its tasks back (`UpdateTaskStatus`), and
 * its engine's network attachments (the ResourceAllocator), over the same
 * connection.
 */

import { EventEmitter } from "eventemitter3";
import type { Ipv4Address } from "../net/index.js";
import type { EventHandle, Rng } from "../sim/index.js";
import type { TlsPeer } from "../tls/index.js";
import { AgentTaskCalls, type AttachOutcome, type CallOutcome } from "./agent-calls.js";
import { AssignedTasks, type TaskStatusReport } from "./agent-assignments.js";
import { DispatcherTaskMethod, decodeAssignmentsMessage, encodeAssignmentsRequest } from "./assignment-messages.js";
import { callWithTimeout } from "./certificate-request.js";
import type { StoredTask } from "./cluster-store.js";
import { dispatcherRpcTimeoutUs, nextSessionBackoff, sessionStartTimedOutMessage } from "./dispatcher-constants.js";
import {
  DispatcherMethod,
  type NodeDescription,
  type SessionMessage,
  decodeHeartbeatResponse,
  decodeSessionMessage,
  encodeHeartbeatRequest,
  encodeSessionRequest,
} from "./dispatcher-messages.js";
import { type ControlConnection, type ControlContext, dialControlPlane } from "./endpoint.js";
import { type NodeIdentity, contextFor, tlsIdentityOf, trustOf } from "./identity.js";
import { connectLocal, localPeerOf } from "./local-channel.js";
import type { MethodHandler } from "./rpc.js";
import type { Remotes } from "./remotes.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The agent's session failed; it tries again after `backoff` µs at most. */
    "agent.session-failed": { manager: string; reason: string; backoff: number };
    /** The agent registered: the dispatcher gave it a session. */
    "agent.registered": { manager: string; sessionId: string };
    /** The agent's set of tasks changed: how many it holds now. */
    "agent.assignments": { tasks: number };
  }
}

/** What an agent runs with. */
export interface AgentOptions {
  readonly context: ControlContext;
  /** Names its streams and connections: a new name for every membership. */
  readonly name: string;
  readonly identity: () => NodeIdentity;
  /** The managers the node knows: where a worker opens its session; session messages update it. */
  readonly remotes: Remotes;
  /** The local manager's methods, when this node is a manager. */
  readonly local: () => ReadonlyMap<string, MethodHandler<TlsPeer | null>> | undefined;
  /** What the node reports about itself (hostname, platform, TLS info). */
  readonly description: () => NodeDescription;
  /** Receives every session message. */
  readonly onMessage: (message: SessionMessage) => void;
  /**
   * Receives the complete set of tasks assigned to this node (sorted by task
   * ID, each with the status the node last reported laid over it) after each
   * Assignments message that changed it. The `assignments` event carries the same.
   */
  readonly onAssignments?: (tasks: readonly StoredTask[]) => void;
}

/** What an agent tells those who listen. */
export interface AgentEvents {
  /** The tasks assigned to the node changed; the complete set. */
  assignments: [tasks: readonly StoredTask[]];
}

/** One node's agent: `start()` once the node is a member, `stop()` when it leaves or crashes. */
export class Agent extends EventEmitter<AgentEvents> {
  private connection: ControlConnection | undefined;
  private timer: EventHandle | undefined;
  private sessionId = "";
  private backoffUs = 0;
  private attempts = 0;
  private running = false;
  private current: Ipv4Address | "local" | undefined;
  /** Waiting for the first registration (swarmkit agent.Ready). */
  private readonly readyWaiters: Array<() => void> = [];
  private registeredOnce = false;
  private readonly rng: Rng;
  /** Waiting for a new session's first message (session.go start). */
  private startTimer: EventHandle | undefined;
  /** The tasks assigned to the node. */
  private readonly assigned = new AssignedTasks();
  /** Counts Assignments streams opened, so that messages of one given up are ignored. */
  private watches = 0;
  /** Status reports and network attachments. */
  private readonly calls: AgentTaskCalls;

  constructor(private readonly options: AgentOptions) {
    super();
    this.rng = options.context.rng.fork(`${options.name}-agent`);
    this.calls = new AgentTaskCalls({
      sim: options.context.sim,
      assigned: this.assigned,
      session: () => (this.connection === undefined || this.sessionId === "" ? undefined : { connection: this.connection, sessionId: this.sessionId }),
    });
  }

  /** The tasks assigned to this node now (see `onAssignments`). */
  get assignedTasks(): readonly StoredTask[] {
    return this.assigned.list();
  }

  /**
   * Reports the state of one of the node's tasks to the dispatcher
   * (agent/session.go sendTaskStatus). The report is kept and sent again on
   * each new session; `done` hears whether the dispatcher took it.
   */
  updateTaskStatus(taskId: string, status: TaskStatusReport, done?: (outcome: CallOutcome) => void): void {
    this.calls.updateTaskStatus(taskId, status, done);
  }

  /**
   * Attaches container `containerId` to swarm network `networkRef` (an ID or
   * a name) as the engine does for `docker run --network` (moby
   * daemon/cluster/networks.go AttachNetwork): the ResourceAllocator makes an
   * attachment task, and `done` hears it once it reached this node, with its
   * address; or the refusal (`network NAME not manually attachable`).
   */
  attachNetwork(networkRef: string, containerId: string, done: (outcome: AttachOutcome) => void): void {
    this.calls.attachNetwork(networkRef, containerId, done);
  }

  /** Gives an attachment back (DetachNetwork); `done` hears whether the managers took it. */
  detachNetwork(attachmentId: string, done: (outcome: CallOutcome) => void = () => {}): void {
    this.calls.detachNetwork(attachmentId, done);
  }

  /** Opens the first session. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.open();
  }

  /** Ends the session and stops trying. */
  stop(): void {
    this.running = false;
    this.teardown();
    this.calls.stop();
  }

  /**
   * Starts a new session at once: the node's description changed (a renewed
   * certificate, new roots), which only a new session reports (agent.go).
   */
  restartSession(): void {
    if (!this.running) return;
    this.teardown();
    this.open();
  }

  /**
   * Runs `ready` once the agent has registered with a dispatcher for the first
   * time (swarmkit node.Ready: what `docker swarm init` and `join` wait for).
   */
  whenReady(ready: () => void): void {
    if (this.registeredOnce) return ready();
    this.readyWaiters.push(ready);
  }

  /** The session ID the dispatcher gave, if registered. */
  get session(): string | undefined {
    return this.sessionId === "" ? undefined : this.sessionId;
  }

  private teardown(): void {
    if (this.timer !== undefined) this.options.context.sim.scheduler.cancel(this.timer);
    this.timer = undefined;
    if (this.startTimer !== undefined) this.options.context.sim.scheduler.cancel(this.startTimer);
    this.startTimer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    this.sessionId = "";
    connection?.close();
  }

  private open(): void {
    const connection = this.connect();
    this.connection = connection;
    const request = encodeSessionRequest({ description: this.options.description(), sessionId: "" });
    connection.call(DispatcherMethod.session, request, (result) => this.fail(connection, result.ok ? "session ended" : result.message), {
      onMessage: (body) => this.message(connection, body),
    });
    // session.go start: the dial, the handshake and the first session message within dispatcherRPCTimeout, or the session fails.
    this.startTimer = this.options.context.sim.scheduler.after(dispatcherRpcTimeoutUs, "agent.session-start", () => {
      this.startTimer = undefined;
      if (this.sessionId === "") this.fail(connection, sessionStartTimedOutMessage);
    });
  }

  /** The local manager if there is one; else a manager from the list (remotes.Select: weighted random, all weights equal). */
  private connect(): ControlConnection {
    const { context } = this.options;
    const identity = this.options.identity();
    const local = this.options.local();
    if (local !== undefined) {
      this.current = "local";
      return connectLocal(context.sim, local, localPeerOf(identity), context.host.ip);
    }
    const address = this.options.remotes.select(this.rng, context.host.ip);
    this.current = address;
    return dialControlPlane(
      contextFor(context, identity),
      { address, identity: tlsIdentityOf(identity), trust: trustOf(identity), peerAuth: "require", serverName: "swarm-manager" },
      `${this.options.name}-session-${++this.attempts}`,
    );
  }

  private message(connection: ControlConnection, body: Uint8Array): void {
    if (connection !== this.connection) return;
    const message = decodeSessionMessage(body);
    if (!message.ok) return this.fail(connection, `malformed session message: ${message.reason}`);
    const first = this.sessionId === "";
    this.sessionId = message.value.sessionId;
    this.options.remotes.observe(message.value.managers.map((m) => m.peer.addr.split(":")[0]!));
    if (first) {
      if (this.startTimer !== undefined) this.options.context.sim.scheduler.cancel(this.startTimer);
      this.startTimer = undefined;
      this.backoffUs = 0;
      this.options.context.sim.trace.record("agent.registered", { manager: String(this.current), sessionId: this.sessionId }, this.options.context.node);
      this.heartbeat(connection);
      this.watch(connection);
      this.calls.reportAll();
    }
    this.options.onMessage(message.value);
    if (first && !this.registeredOnce) {
      this.registeredOnce = true;
      for (const ready of this.readyWaiters.splice(0)) ready();
    }
  }

  /** session.go watch: opens the Assignments stream; a message missed opens it again, a stream that ends fails the session. */
  private watch(connection: ControlConnection): void {
    const watch = ++this.watches;
    this.assigned.restart();
    const current = () => connection === this.connection && watch === this.watches;
    connection.call(
      DispatcherTaskMethod.assignments,
      encodeAssignmentsRequest({ sessionId: this.sessionId }),
      (result) => {
        if (current()) this.fail(connection, result.ok ? "assignments stream ended" : result.message);
      },
      {
        onMessage: (body) => {
          if (!current()) return;
          const message = decodeAssignmentsMessage(body);
          if (!message.ok) return this.fail(connection, `malformed assignments message: ${message.reason}`);
          const applied = this.assigned.apply(message.value);
          if (!applied.ok) return applied.gap ? this.watch(connection) : this.fail(connection, `malformed assignment: ${applied.reason}`);
          const tasks = this.assigned.list();
          if (message.value.changes.length > 0) this.options.context.sim.trace.record("agent.assignments", { tasks: tasks.length }, this.options.context.node);
          this.calls.assignmentsChanged();
          this.options.onAssignments?.(tasks);
          this.emit("assignments", tasks);
        },
      },
    );
  }

  private heartbeat(connection: ControlConnection): void {
    const { sim } = this.options.context;
    callWithTimeout(sim, connection, DispatcherMethod.heartbeat, encodeHeartbeatRequest({ sessionId: this.sessionId }), dispatcherRpcTimeoutUs, (result) => {
      if (connection !== this.connection) return;
      if (!result.ok) return this.fail(connection, result.message);
      const response = decodeHeartbeatResponse(result.body);
      if (!response.ok) return this.fail(connection, `malformed heartbeat response: ${response.reason}`);
      this.timer = sim.scheduler.after(response.value.periodUs as never, "agent.heartbeat", () => {
        this.timer = undefined;
        this.heartbeat(connection);
      });
    });
  }

  /** The session failed: tear it down and open a new one after a random part of the backoff. */
  private fail(connection: ControlConnection, reason: string): void {
    if (connection !== this.connection || !this.running) return;
    this.teardown();
    this.backoffUs = nextSessionBackoff(this.backoffUs);
    this.options.context.sim.trace.record("agent.session-failed", { manager: String(this.current), reason, backoff: this.backoffUs }, this.options.context.node);
    const delay = this.rng.int(0, this.backoffUs - 1);
    this.timer = this.options.context.sim.scheduler.after(delay as never, "agent.session-retry", () => {
      this.timer = undefined;
      if (this.running) this.open();
    });
  }
}
