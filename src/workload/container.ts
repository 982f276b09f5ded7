/**
 * A container: an ID, an image and a command line, a network namespace, the
 * main process (an app), its state and exit code, and what it wrote.
 *
 * Lifecycle as Docker's: `created` → `start()` → `running` → `exited` when the
 * process ends (by itself, on its stop signal, or killed when `stop`'s grace
 * period runs out: exit 137, 128 + SIGKILL). A container is not restarted;
 * swarm starts a new task instead.
 */

import { EventEmitter } from "eventemitter3";
import type { TcpSettings } from "../net/index.js";
import { type Duration, type EventHandle, type Instant, type Rng, type Scheduler, type Trace, ms, seconds } from "../sim/index.js";
import type { App, AppContext, ProcessClock } from "./app.js";
import { type ImageSpec, executableNotFoundError, imageSpec, noSuchImageError } from "./images.js";
import { LogLines } from "./log-lines.js";
import { NetworkNamespace } from "./netns.js";
import type { EndpointLink, LogLine, PacketSink, ServiceLookup } from "./types.js";
import "./trace-kinds.js";

/** Docker's default stop timeout, and swarm's default `--stop-grace-period`: 10 s. */
export const defaultStopGraceUs: Duration = seconds(10);

/**
 * How long the namespace outlives the process: the daemon handles the exit
 * event, then releases the network sandbox. Meanwhile the kernel still
 * acknowledges in-flight segments (a peer's FIN), as on a real node.
 */
export const sandboxTeardownUs: Duration = ms(100);

/** The exit code of a killed main process: 128 + 9 (SIGKILL). */
export const killedExitCode = 137;

/** Where a container is in its life. */
export type ContainerState = "created" | "running" | "exited";

/** A container's events (eventemitter3 style). */
export interface ContainerEvents {
  /** The main process started. */
  start: [];
  /** The main process ended with this exit code. */
  exit: [exitCode: number];
}

/** How to make a container. */
export interface ContainerOptions {
  /** The image as the service names it (`nginx`, `radial/busyboxplus:curl`). */
  readonly image: string;
  /** The service's args; empty or absent: the image's CMD. */
  readonly argv?: readonly string[];
  /** The container's own stream: its ID, initial sequence numbers and the app's randomness fork from it. */
  readonly rng: Rng;
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  /** The stream settings of the underlay hosts. */
  readonly tcp: TcpSettings;
  /** Service discovery and VIPs as this container sees them. */
  readonly lookup: ServiceLookup;
  /** The endpoints it starts with (more may be attached). */
  readonly links?: readonly EndpointLink[];
  /** The node it runs on, for traces (default: its hostname). */
  readonly node?: string;
}

/** A container, or the task error that kept it from being made. */
export type CreateResult = { readonly ok: true; readonly container: Container } | { readonly ok: false; readonly error: string };

/** A start, or the task error that kept the process from starting. */
export type StartResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** 64 lowercase hex digits from `rng`, as Docker's random IDs (stringid.GenerateRandomID): containers, endpoints. */
export function randomId64(rng: Rng): string {
  let id = "";
  for (let i = 0; i < 8; i++) id += rng.uint32().toString(16).padStart(8, "0");
  return id;
}

/**
 * Makes a container of `options.image`; an image the model does not have is
 * a task error (`No such image: NAME:latest`).
 *
 * @example
 * const made = createContainer({ image: "nginx", rng, scheduler, trace, tcp, lookup });
 * if (made.ok) {
 *   driver.joinEndpoint(network, endpoint, made.container.receive); // then container.attach(link)
 *   made.container.start();
 * }
 */
export function createContainer(options: ContainerOptions): CreateResult {
  const spec = imageSpec(options.image);
  if (spec === undefined) return { ok: false, error: noSuchImageError(options.image) };
  return { ok: true, container: new Container(options, spec) };
}

/** One container. Made by `createContainer`. */
export class Container extends EventEmitter<ContainerEvents> {
  /** The full ID: 64 hex digits. */
  readonly id: string;
  /** The hostname, and `docker ps`'s short ID: the first 12 hex digits. */
  readonly hostname: string;
  readonly image: string;
  /** The command line the main process runs (the args, or the image's CMD). */
  readonly argv: readonly string[];
  readonly netns: NetworkNamespace;
  private readonly log: LogLines;
  private status: ContainerState = "created";
  private code: number | undefined;
  private started: Instant | undefined;
  private finished: Instant | undefined;
  private app: App | undefined;
  private killTimer: EventHandle | undefined;
  /** The process's live timers: cancelled when it exits. */
  private readonly timers = new Set<EventHandle>();
  private readonly traceNode: string;

  /** @internal Containers are made by `createContainer`. */
  constructor(
    private readonly options: ContainerOptions,
    private readonly spec: ImageSpec,
  ) {
    super();
    this.id = randomId64(options.rng.fork("id"));
    this.hostname = this.id.slice(0, 12);
    this.image = options.image;
    this.argv = options.argv !== undefined && options.argv.length > 0 ? [...options.argv] : [...spec.defaultArgv];
    this.traceNode = options.node ?? this.hostname;
    this.log = new LogLines(() => options.scheduler.now);
    this.netns = new NetworkNamespace({
      name: this.traceNode,
      scheduler: options.scheduler,
      trace: options.trace,
      tcp: options.tcp,
      rng: options.rng.fork("netns"),
      lookup: options.lookup,
      links: options.links ?? [],
    });
  }

  /** Hand this to the overlay driver: the IPv4 packets addressed to the container. */
  get receive(): PacketSink {
    return this.netns.receive;
  }

  get state(): ContainerState {
    return this.status;
  }

  /** The main process's exit code, once it exited. */
  get exitCode(): number | undefined {
    return this.code;
  }

  get startedAt(): Instant | undefined {
    return this.started;
  }

  get finishedAt(): Instant | undefined {
    return this.finished;
  }

  /** What the container wrote, one entry per line, oldest first (`docker service logs`). */
  get logs(): readonly LogLine[] {
    return this.log.all;
  }

  /** Adds an endpoint (the driver's link for one network). */
  attach(link: EndpointLink): void {
    this.netns.attach(link);
  }

  /** Removes the endpoint on `networkId`. */
  detach(networkId: string): void {
    this.netns.detach(networkId);
  }

  /**
   * Starts the main process. A command the image does not have is a task
   * error, and the container stays `created`. Starting twice is a programming mistake.
   */
  start(): StartResult {
    if (this.status !== "created") throw new Error(`container ${this.hostname} was already started`);
    const command = this.argv[0] ?? "";
    if (!this.spec.hasExecutable(command)) return { ok: false, error: executableNotFoundError(command) };
    this.status = "running";
    this.started = this.options.scheduler.now;
    this.options.trace.record("workload.container.start", { id: this.id, image: this.image, command: this.argv.join(" ") }, this.traceNode);
    this.emit("start");
    this.app = this.spec.start(this.context());
    return { ok: true };
  }

  /**
   * `docker stop`: the image's stop signal, then SIGKILL (exit 137) if the
   * process is still running after `graceUs`. Does nothing unless running.
   */
  stop(graceUs: Duration = defaultStopGraceUs): void {
    if (this.status !== "running" || this.killTimer !== undefined) return;
    this.killTimer = this.options.scheduler.after(graceUs, "workload.container.kill", () => this.exit(killedExitCode));
    this.app?.signal(this.spec.stopSignal);
  }

  /** `docker kill`: SIGKILL at once (exit 137). */
  kill(): void {
    if (this.status === "running") this.exit(killedExitCode);
  }

  private context(): AppContext {
    const scheduler = this.options.scheduler;
    const clock: ProcessClock = {
      now: () => scheduler.now,
      after: (delay, kind, handler) => {
        const handle = scheduler.after(delay, kind, () => {
          this.timers.delete(handle);
          if (this.status === "running") handler();
        });
        this.timers.add(handle);
        return handle;
      },
      cancel: (handle) => {
        this.timers.delete(handle);
        return scheduler.cancel(handle);
      },
    };
    return {
      argv: this.argv,
      netns: this.netns,
      lookup: this.options.lookup,
      networkIds: () => this.netns.endpoints.map((e) => e.networkId),
      hostname: this.hostname,
      rng: this.options.rng.fork("app"),
      clock,
      write: (stream, text) => {
        if (this.status === "running") this.log.write(stream, text);
      },
      exit: (code) => this.exit(code),
    };
  }

  /** The main process ended: its timers die, its output is flushed, its namespace goes. */
  private exit(code: number): void {
    if (this.status !== "running") return;
    this.status = "exited";
    this.code = code & 0xff;
    this.finished = this.options.scheduler.now;
    for (const handle of this.timers) this.options.scheduler.cancel(handle);
    this.timers.clear();
    if (this.killTimer !== undefined) this.options.scheduler.cancel(this.killTimer);
    this.killTimer = undefined;
    this.log.flush();
    this.netns.releaseSockets();
    this.options.scheduler.after(sandboxTeardownUs, "workload.container.teardown", () => this.netns.close());
    this.options.trace.record("workload.container.exit", { id: this.id, exitCode: this.code }, this.traceNode);
    this.emit("exit", this.code);
  }
}
