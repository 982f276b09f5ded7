/**
 * What a modelled program sees of its container: its arguments, the network,
 * name resolution, a clock whose timers die with it, stdout and stderr, and a
 * way to exit. Apps are plain objects made by an `AppFactory`; they never see
 * the container or the scheduler itself.
 */

import type { Duration, EventHandle, Instant, Rng } from "../sim/index.js";
import type { NetworkNamespace } from "./netns.js";
import type { ServiceLookup } from "./types.js";

/** The signals a container's main process gets (docker stop, docker kill). */
export type Signal = "SIGTERM" | "SIGQUIT" | "SIGINT";

/** The standard stream a line goes to. */
export type OutputStream = "stdout" | "stderr";

/**
 * The process's clock: the simulation's time, and timers that are cancelled
 * when the process exits (a dead process runs no code).
 */
export interface ProcessClock {
  /** The current simulated time. */
  now(): Instant;
  /** Runs `handler` after `delay`, unless the process exits first. */
  after(delay: Duration, kind: string, handler: () => void): EventHandle;
  /** Cancels a timer; false if it already ran or was cancelled. */
  cancel(handle: EventHandle): boolean;
}

/** What an app is given when its container starts. */
export interface AppContext {
  /** The command line (`["sh", "-c", "curl web"]`): the image's CMD or the service's args. */
  readonly argv: readonly string[];
  /** The container's network namespace. */
  readonly netns: NetworkNamespace;
  /** Docker's embedded DNS and the VIPs, as this container sees them. */
  readonly lookup: ServiceLookup;
  /** The networks the container is on, for `lookup.resolve`. */
  networkIds(): string[];
  /** The container's hostname: the first 12 hex digits of its ID. */
  readonly hostname: string;
  /** The app's own random stream. */
  readonly rng: Rng;
  readonly clock: ProcessClock;
  /** Writes to stdout or stderr; the runtime cuts it into log lines at each newline. */
  write(stream: OutputStream, text: string): void;
  /** Ends the process with `code` (0-255). Later calls do nothing. */
  exit(code: number): void;
}

/** A running program. */
export interface App {
  /**
   * Delivers a signal. The app may exit (nginx shuts down on SIGQUIT) or
   * ignore it (a shell that is PID 1 has no handler for SIGTERM, and the
   * kernel does not apply the default action to PID 1).
   */
  signal(signal: Signal): void;
}

/** Starts an app in a container. */
export type AppFactory = (context: AppContext) => App;
