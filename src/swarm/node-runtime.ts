/**
 * A node's container runtime: what swarmkit's worker and the Docker executor
 * do with the tasks the dispatcher assigns (agent/worker.go reconcile,
 * agent/exec/dockerapi controller.go Prepare / Start / Wait / Shutdown).
 *
 * A task with desired state running is prepared: its container is made from
 * the task's spec, joins the overlay driver on each of the task's networks
 * with the address the allocator gave it (libnetwork writes its peer and
 * service records into networkdb), and starts. The node reports the state it
 * reaches to the dispatcher: running, or rejected with the error that stopped
 * it (an unknown image, a secure network without keys). A container that
 * ends reports complete or failed with its exit code; a task the managers
 * want shut down is stopped (its image's stop signal, then SIGKILL after the
 * grace period) and reports shutdown. swarmkit's status reporter sends only
 * the latest state of a task, so the intermediate states (accepted,
 * preparing, ready, starting) that pass within one instant are not sent.
 *
 * What a container wrote stays readable after it ends, for `docker service logs`.
 */

import type { ClusterState, StoredNetwork, StoredTask, TaskNetworkAttachment, TaskStateName, TaskStatusReport, VirtualIp } from "../control/index.js";
import type { Ipv4Address, TcpSettings } from "../net/index.js";
import { type OverlayDriver, type OverlayNetworkSpec, overlayMtu } from "../overlay/index.js";
import { type Rng, type Simulation, seconds } from "../sim/index.js";
import { type Container, type LogLine, type ServiceLookup, createContainer, randomId64 } from "../workload/index.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The node reached a new state for one of its tasks, and reports it. */
    "task.state": { taskId: string; state: string; message: string; err?: string };
  }
}

/** What a node's runtime works with. */
export interface NodeRuntimeOptions {
  readonly sim: Simulation;
  /** The node's name, for the trace. */
  readonly node: string;
  /** Its own stream: container and endpoint IDs, and the containers' randomness. */
  readonly rng: Rng;
  /** The underlay's stream settings, which containers' stacks start from. */
  readonly tcp: TcpSettings;
  /** The node's overlay driver. */
  readonly driver: OverlayDriver;
  /** Docker's embedded DNS and the VIP balancer, as the node's containers see them. */
  readonly lookup: ServiceLookup;
  /**
   * The swarm's networks and services as the managers committed them: what
   * the task objects of an assignment carry along (api Task.networks holds
   * each network object, Task.endpoint the service's VIPs).
   */
  readonly state: () => ClusterState | undefined;
  /** The images the node has pulled (they stay on its disk across memberships and restarts). */
  readonly pulled: Set<string>;
  /** Sends a task's new state to the dispatcher. */
  readonly report: (taskId: string, status: TaskStatusReport) => void;
}

/**
 * How long a node takes to pull an image it does not have: a registry pull
 * of a small image over a fast link takes seconds. Long enough, as on a real
 * node, for networkdb to sync the task's networks before its process starts.
 */
export const imagePullUs = seconds(3);

/** What `docker run` asks of the runtime. */
export interface StandaloneRequest {
  readonly image: string;
  /** The command; empty: the image's CMD. */
  readonly argv: readonly string[];
  /** The container's name (`--name`, or one Docker made up). */
  readonly name: string;
  /** The attachable overlay it joins, with the address its attachment got. */
  readonly network?: { readonly network: StoredNetwork; readonly address: Ipv4Address };
}

/** What `docker run` hears of its container. */
export interface StandaloneHooks {
  /** The node lacks the image: it is being pulled. */
  pulling(): void;
  /** The process could not start. */
  failed(error: string): void;
  /** The process ended with `code`, having written `logs`. */
  exited(code: number, logs: readonly LogLine[]): void;
}

/** The states in which a task's container should run (api TaskState up to RUNNING). */
const runnable: ReadonlySet<TaskStateName> = new Set(["new", "pending", "assigned", "accepted", "preparing", "ready", "starting", "running"]);

/** A task this node holds. */
interface HeldTask {
  task: StoredTask;
  container: Container | undefined;
  /** The endpoints it joined, by ID. */
  readonly endpoints: string[];
  /** The managers asked it to stop. */
  stopping: boolean;
  /** The last state reported. */
  state: TaskStateName;
  /** Prepared, its desired state READY: it starts when the managers want it running (a restart's delay). */
  prepared?: Container;
}

/** Every endpoint's address on the network, without the prefix length. */
const addressOf = (cidr: string): Ipv4Address => cidr.split("/")[0] as Ipv4Address;

/** An overlay network as the driver takes it. */
export function overlayNetworkSpec(network: StoredNetwork): OverlayNetworkSpec {
  return { id: network.id, name: network.name, vni: network.vni, subnet: network.subnet, encrypted: "encrypted" in network.options };
}


/** One node's tasks and containers. */
export class NodeRuntime {
  private readonly held = new Map<string, HeldTask>();
  /** The containers of tasks this node ran, kept for their logs. */
  private readonly ran = new Map<string, Container>();
  private readonly ids: Rng;
  /** Every container this runtime made, with its name (a task's is `service.slot.task`), oldest first. */
  private readonly named: Array<{ readonly name: string; readonly container: Container }> = [];
  /** `docker run` containers alive now. */
  private readonly standalone = new Set<Container>();
  private standaloneCount = 0;

  constructor(private readonly options: NodeRuntimeOptions) {
    this.ids = options.rng.fork("ids");
  }

  /** What the container of `taskId` wrote, oldest first. */
  logsOf(taskId: string): readonly LogLine[] {
    return this.ran.get(taskId)?.logs ?? [];
  }

  /**
   * The container `ref` names, as the engine looks one up (moby
   * daemon/container.go GetContainer): a full ID, a name, then an unambiguous
   * ID prefix; the newest of that name wins.
   */
  findContainer(ref: string): { readonly name: string; readonly container: Container } | undefined {
    const byId = this.named.find((n) => n.container.id === ref);
    if (byId !== undefined) return byId;
    const byName = [...this.named].reverse().find((n) => n.name === ref);
    if (byName !== undefined) return byName;
    const prefixed = ref === "" ? [] : this.named.filter((n) => n.container.id.startsWith(ref));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  }

  /** The containers running now, by task ID. */
  containers(): Map<string, Container> {
    const out = new Map<string, Container>();
    for (const [id, held] of this.held) if (held.container?.state === "running") out.set(id, held.container);
    return out;
  }

  /**
   * The complete set of tasks assigned to this node (worker.go reconcile):
   * new runnable tasks start, tasks the managers want stopped stop, tasks no
   * longer assigned stop and are forgotten. Network attachments of standalone
   * containers are `docker run`'s, not the runtime's.
   */
  assign(tasks: readonly StoredTask[]): void {
    const current = new Set<string>();
    for (const task of tasks) {
      if (task.serviceId === "") continue;
      current.add(task.id);
      const held = this.held.get(task.id);
      if (held === undefined) {
        if (runnable.has(task.desiredState) && runnable.has(task.state)) this.start(task);
        continue;
      }
      held.task = task;
      if (!runnable.has(task.desiredState)) this.stop(held);
      else if (task.desiredState === "running" && held.prepared !== undefined) this.run(held, held.prepared);
    }
    for (const held of [...this.held.values()]) {
      if (current.has(held.task.id)) continue;
      this.stop(held);
      this.held.delete(held.task.id);
    }
  }

  /** Power loss: every container dies where it stands, without a word to anyone. */
  killAll(): void {
    for (const container of [...this.standalone]) {
      container.removeAllListeners("exit");
      container.kill();
    }
    this.standalone.clear();
    for (const held of this.held.values()) {
      held.container?.removeAllListeners("exit");
      held.container?.kill();
      this.leave(held);
    }
    this.held.clear();
  }

  /** Prepare and start (controller.go Prepare, Start). */
  private start(task: StoredTask): void {
    const held: HeldTask = { task, container: undefined, endpoints: [], stopping: false, state: task.state };
    this.held.set(task.id, held);
    const state = this.options.state();
    const service = state?.services.get(task.serviceId);
    const spec = task.container ?? (service === undefined ? undefined : { serviceName: service.name, image: service.image, args: service.args });
    if (state === undefined || spec === undefined) return this.reportState(held, "rejected", "preparing", "no such service");
    const networks: Array<{ attachment: TaskNetworkAttachment; network: StoredNetwork }> = [];
    for (const attachment of task.networks) {
      const network = state.networks.get(attachment.networkId);
      if (network === undefined) return this.reportState(held, "rejected", "preparing", `network ${attachment.networkId} not found`);
      networks.push({ attachment, network });
    }
    const mtu = Math.min(1500, ...networks.map((n) => overlayMtu("encrypted" in n.network.options)));
    const made = createContainer({
      image: spec.image,
      argv: spec.args,
      rng: this.options.rng.fork(`task-${task.id}`),
      scheduler: this.options.sim.scheduler,
      trace: this.options.sim.trace,
      // Linux announces the interface MTU less 40 bytes of IPv4 and TCP headers as its MSS.
      tcp: { ...this.options.tcp, mssBytes: Math.min(this.options.tcp.mssBytes, mtu - 40) },
      lookup: this.options.lookup,
      node: this.options.node,
    });
    if (!made.ok) return this.reportState(held, "rejected", "preparing", made.error);
    const container = made.container;
    held.container = container;
    this.ran.set(task.id, container);
    this.named.push({ name: `${spec.serviceName}.${task.slot}.${task.id}`, container });
    // controller.go Prepare: the task's networks first (libnetwork joins them in
    // networkdb, which syncs their tables meanwhile), then the image.
    if (!this.join(held, container, spec.serviceName, networks, service?.virtualIps ?? [])) return;
    if (this.options.pulled.has(spec.image)) return this.prepared(held, container);
    this.reportState(held, "preparing", "preparing");
    this.options.sim.scheduler.after(imagePullUs, "task.pull", () => {
      this.options.pulled.add(spec.image);
      // A task stopped while its image came has left its networks and said so already.
      if (this.held.get(task.id) !== held || held.stopping) return;
      this.prepared(held, container);
    });
  }

  /**
   * Prepared: started if the managers want it running, else READY until they
   * do (agent/exec controller: a task desired READY is prepared, not started;
   * the orchestrator moves it to RUNNING after the restart delay).
   */
  private prepared(held: HeldTask, container: Container): void {
    if (held.task.desiredState === "running") return this.run(held, container);
    held.prepared = container;
    this.reportState(held, "ready", "prepared");
  }

  /** Joins the task's networks (libnetwork's sandbox join); false, with the task rejected, if the driver refuses. */
  private join(held: HeldTask, container: Container, serviceName: string, networks: ReadonlyArray<{ attachment: TaskNetworkAttachment; network: StoredNetwork }>, virtualIps: readonly VirtualIp[]): boolean {
    const task = held.task;
    for (const { attachment, network } of networks) {
      const virtualIp = virtualIps.find((v) => v.networkId === attachment.networkId)?.addr;
      const endpointId = randomId64(this.ids);
      const joined = this.options.driver.joinEndpoint(overlayNetworkSpec(network), { id: endpointId, address: addressOf(attachment.addresses[0] ?? "") }, container.receive, {
        name: `${serviceName}.${task.slot}.${task.id}`,
        serviceName,
        serviceId: task.serviceId,
        ...(virtualIp === undefined ? {} : { virtualIp: addressOf(virtualIp) }),
      });
      if (!joined.ok) {
        this.leave(held);
        this.reportState(held, "rejected", "preparing", joined.error);
        return false;
      }
      held.endpoints.push(endpointId);
      container.attach(joined.link);
    }
    return true;
  }

  /**
   * controller.go Start, then Wait. A process that ends within its first
   * instant (a curl that cannot resolve) is reported running, then ended, as
   * the executor sees it.
   */
  private run(held: HeldTask, container: Container): void {
    held.prepared = undefined;
    let startReturned = false;
    let earlyExit: number | undefined;
    container.on("exit", (code) => {
      if (startReturned) this.exited(held, code);
      else earlyExit = code;
    });
    const started = container.start();
    startReturned = true;
    if (!started.ok) {
      this.leave(held);
      return this.reportState(held, "failed", "starting", started.error);
    }
    this.reportState(held, "running", "started");
    if (earlyExit !== undefined) this.exited(held, earlyExit);
  }

  /**
   * `docker run`: a standalone container, on `network` when given (an
   * attachable overlay, with the address its attachment got). It joins the
   * network, is pulled if the node lacks its image (`pulling` says so), then
   * starts; `exited` hears its exit code once its endpoint left. A refusal
   * (an unknown image, a secure network without keys) returns the engine's error.
   */
  runStandalone(request: StandaloneRequest, hooks: StandaloneHooks): { readonly ok: true; readonly container: Container } | { readonly ok: false; readonly error: string } {
    const network = request.network;
    const mtu = network === undefined ? 1500 : overlayMtu("encrypted" in network.network.options);
    const made = createContainer({
      image: request.image,
      argv: request.argv,
      rng: this.options.rng.fork(`standalone-${++this.standaloneCount}`),
      scheduler: this.options.sim.scheduler,
      trace: this.options.sim.trace,
      tcp: { ...this.options.tcp, mssBytes: Math.min(this.options.tcp.mssBytes, mtu - 40) },
      lookup: this.options.lookup,
      node: this.options.node,
    });
    if (!made.ok) return made;
    const container = made.container;
    let endpointId: string | undefined;
    if (network !== undefined) {
      endpointId = randomId64(this.ids);
      const joined = this.options.driver.joinEndpoint(overlayNetworkSpec(network.network), { id: endpointId, address: network.address }, container.receive, { name: request.name });
      if (!joined.ok) return { ok: false, error: joined.error };
      container.attach(joined.link);
    }
    this.standalone.add(container);
    this.named.push({ name: request.name, container });
    container.on("exit", (code) => {
      this.standalone.delete(container);
      if (endpointId !== undefined) this.options.driver.leaveEndpoint(endpointId);
      hooks.exited(code, container.logs);
    });
    const start = () => {
      const started = container.start();
      if (!started.ok) {
        this.standalone.delete(container);
        if (endpointId !== undefined) this.options.driver.leaveEndpoint(endpointId);
        hooks.failed(started.error);
      }
    };
    if (this.options.pulled.has(request.image)) {
      start();
    } else {
      hooks.pulling();
      this.options.sim.scheduler.after(imagePullUs, "container.pull", () => {
        this.options.pulled.add(request.image);
        if (this.standalone.has(container)) start();
      });
    }
    return { ok: true, container };
  }

  /** controller.go Shutdown: the stop signal, SIGKILL after the grace period. */
  private stop(held: HeldTask): void {
    if (held.stopping) return;
    held.stopping = true;
    held.prepared = undefined;
    if (held.container?.state === "running") held.container.stop();
    else if (held.state !== "shutdown" && runnable.has(held.state)) {
      this.leave(held);
      this.reportState(held, "shutdown", "shutdown");
    }
  }

  /** The main process ended (controller.go Wait). */
  private exited(held: HeldTask, code: number): void {
    this.leave(held);
    if (held.stopping) return this.reportState(held, "shutdown", "shutdown");
    if (code === 0) return this.reportState(held, "complete", "finished");
    this.reportState(held, "failed", "started", `task: non-zero exit (${code})`);
  }

  /** The container's endpoints leave their networks. */
  private leave(held: HeldTask): void {
    for (const id of held.endpoints.splice(0)) this.options.driver.leaveEndpoint(id);
  }

  private reportState(held: HeldTask, state: TaskStateName, message: string, err?: string): void {
    held.state = state;
    const containerId = held.container?.id;
    const exitCode = held.container?.exitCode;
    this.options.sim.trace.record("task.state", { taskId: held.task.id, state, message, ...(err === undefined ? {} : { err }) }, this.options.node);
    this.options.report(held.task.id, {
      state,
      message,
      ...(err === undefined ? {} : { err }),
      ...(containerId === undefined ? {} : { containerId }),
      ...(exitCode === undefined ? {} : { exitCode }),
    });
  }
}
