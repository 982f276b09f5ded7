/**
 * A world to drive from code: a scenario opened (built and bootstrapped), then
 * run as far as wanted (to an instant, event by event, until a trace record),
 * with docker commands and any step of the scenario language in between, and
 * its state, trace and capture readable at every point. A thin layer over
 * `ScenarioSession`, the engine `swarmsim run` and the shell use, so a
 * program sees exactly the runs they see.
 */

import type { CapturedPacket } from "../adversary/index.js";
import { type RunReport, type Scenario, type ScenarioRunOptions, ScenarioSession, type StepReport, finishRun } from "../scenario/index.js";
import { type EventInfo, type Instant, type Simulation, type TraceRecord, tryParseDuration } from "../sim/index.js";
import { type Cluster, type CommandOutput, expandVariables, splitCommandLine } from "../swarm/index.js";
import type { DurationText, StepDescription } from "./description.js";
import { readStep } from "./load-description.js";
import { type NodeState, type SwarmState, nodeState, swarmState } from "./state.js";

/** How long `runUntilRecord` looks by default: an hour of simulated time ("put a limit on everything"). */
const defaultRecordWindowUs = 3_600_000_000;

/** Microseconds, or Go-style text (`"30s"`, `"12h"`); `what` names the argument in errors. */
export function toMicros(value: number | DurationText, what: string): number {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"${what}" expected whole microseconds >= 0, got ${value}`);
    return value;
  }
  if (typeof value !== "string") throw new TypeError(`"${what}" expected microseconds or a duration such as "30s", got ${typeof value}`);
  const parsed = tryParseDuration(value);
  if (!parsed.ok) throw new RangeError(`"${what}" expected a duration such as "30s" or "12h": ${parsed.reason}`);
  return parsed.value;
}

/**
 * A scenario's world, opened for a program to drive; made by `openScenario`.
 *
 * @example
 * ```ts
 * const world = openScenario(loadScenario(text, "demo.yaml"));
 * world.runNextStep();                              // the file's first step
 * world.docker("manager-1", "docker node ls").stdout;
 * world.runUntil("12h");                            // to an instant of the run
 * world.step();                                     // one event
 * world.nodes().filter((n) => n.status === "ready").length;
 * ```
 */
export class Simulator {
  /** The engine underneath, for what this class does not wrap. */
  readonly session: ScenarioSession;
  private nextStep = 0;
  private finished: RunReport | undefined;

  constructor(
    readonly scenario: Scenario,
    options: ScenarioRunOptions,
    private readonly pcapChunks: Uint8Array[] | undefined,
  ) {
    this.session = new ScenarioSession(scenario, options);
  }

  /** The world: nodes, underlay, the docker CLI. */
  get cluster(): Cluster {
    return this.session.cluster;
  }

  /** The kernel: scheduler, random streams, trace, bus. */
  get sim(): Simulation {
    return this.session.sim;
  }

  /** The current simulated time, in µs since the run began. */
  get now(): Instant {
    return this.session.sim.now;
  }

  /** The SHA-256 of the trace so far: equal for equal runs. */
  get fingerprint(): string {
    return this.session.sim.trace.fingerprint();
  }

  /** Runs every event up to `at` (µs since the start, or `"12h"`), then leaves the clock there. */
  runUntil(at: number | DurationText): this {
    const to = toMicros(at, "at");
    if (to < this.now) throw new RangeError(`"at" expected an instant at or after now (${this.now} µs), got ${to} µs`);
    this.session.advanceTo(to);
    return this;
  }

  /** Lets `span` of simulated time pass (µs, or `"30s"`). */
  runFor(span: number | DurationText): this {
    this.session.advanceTo(this.now + toMicros(span, "span"));
    return this;
  }

  /** Runs the next event; what ran (its instant and kind), or undefined when nothing is scheduled. */
  step(): EventInfo | undefined {
    return this.session.sim.scheduler.step();
  }

  /**
   * Runs event by event until a trace record of `kind` (or one `kind` accepts)
   * is written, and returns it; undefined if none came `within` (default 1 h),
   * the clock then standing at that limit.
   */
  runUntilRecord(kind: string | ((record: TraceRecord) => boolean), options: { readonly within?: number | DurationText } = {}): TraceRecord | undefined {
    const matches = typeof kind === "function" ? kind : (record: TraceRecord) => record.kind === kind;
    const deadline = this.now + (options.within === undefined ? defaultRecordWindowUs : toMicros(options.within, "within"));
    let found: TraceRecord | undefined;
    const listen = (record: TraceRecord) => {
      if (found === undefined && matches(record)) found = record;
    };
    const { bus, scheduler } = this.session.sim;
    bus.on("trace", listen);
    try {
      while (found === undefined) {
        const next = scheduler.peek();
        if (next === undefined || next.at > deadline) break;
        scheduler.step();
      }
    } finally {
      bus.off("trace", listen);
    }
    if (found === undefined) this.session.advanceTo(deadline);
    return found;
  }

  /**
   * Runs a docker command on `node` as its terminal would, letting simulated
   * time pass while it runs (a join waits for its certificate). `$NAME` is
   * replaced by what an earlier step captured; `capture` keeps this output.
   */
  docker(node: string, line: string, options: { readonly capture?: string } = {}): CommandOutput {
    this.cluster.node(node); // a RangeError naming the valid node, not a failed command, for a typo
    if (typeof line !== "string") throw new TypeError(`"line" expected a command line such as "docker node ls", got ${typeof line}`);
    const expanded = expandVariables(line, this.session.variables);
    if (!expanded.ok) throw new RangeError(`"line" uses $${expanded.missing}, which no step captured`);
    const split = splitCommandLine(expanded.line);
    if (!split.ok) throw new RangeError(`"line" cannot be split into words: ${split.reason}`);
    if (split.argv[0] !== "docker") throw new RangeError(`"line" expected a docker command, got "${line}"`);
    const output = this.session.runTyped(node, expanded.line, split.argv).output!;
    if (options.capture !== undefined) this.session.variables.set(options.capture, output.stdout.trim());
    return output;
  }

  /**
   * Runs any step of the scenario language, written as in a file: a fault
   * (`{crash: "worker-1"}`), an attack, a `check`, a `wait`, a command step
   * with its `expect`. Node names are checked against the cluster.
   */
  apply(step: StepDescription): StepReport {
    return this.session.runStep(readStep(this.scenario, step, this.session.variables.keys()), -1);
  }

  /** Runs the scenario's own next step; undefined when every step has run (or the run was cut short). */
  runNextStep(): StepReport | undefined {
    const step = this.scenario.steps[this.nextStep];
    if (step === undefined || this.session.cutShort) return undefined;
    return this.session.runStep(step, this.nextStep++);
  }

  /** Runs the scenario's remaining steps; their reports. */
  runTimeline(): StepReport[] {
    const reports: StepReport[] = [];
    for (let report = this.runNextStep(); report !== undefined; report = this.runNextStep()) reports.push(report);
    return reports;
  }

  /** Every machine, in the cluster's order, as it sees itself now. */
  nodes(): NodeState[] {
    return [...this.cluster.nodes.values()].map(nodeState);
  }

  /** Machine `name` as it sees itself now. */
  node(name: string): NodeState {
    return nodeState(this.cluster.node(name));
  }

  /** The swarm as its leader records it; undefined while no node leads. */
  swarm(): SwarmState | undefined {
    return swarmState(this.cluster);
  }

  /** Calls `listener` with every trace record from now on; returns the function that stops it. */
  onTrace(listener: (record: TraceRecord) => void): () => void {
    if (typeof listener !== "function") throw new TypeError(`"listener" expected a function, got ${typeof listener}`);
    const { bus } = this.session.sim;
    bus.on("trace", listener);
    return () => bus.off("trace", listener);
  }

  /** Every packet on the underlay so far, as the eavesdropper kept it (open with `eavesdrop: true`). */
  capture(): readonly CapturedPacket[] {
    const eavesdropper = this.session.adversary.eavesdropper;
    if (eavesdropper === undefined) throw new Error(`capture() needs the eavesdropper: open the scenario with { eavesdrop: true }`);
    return eavesdropper.packets;
  }

  /** The capture as a classic pcap file (LINKTYPE_RAW) for tshark and Wireshark (open with `pcap: true`). */
  pcap(): Uint8Array {
    if (this.pcapChunks === undefined) throw new Error(`pcap() needs the pcap writer: open the scenario with { pcap: true }`);
    const out = new Uint8Array(this.pcapChunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of this.pcapChunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }

  /** Closes the trace (`sim.end`) and reports the run as `runScenario` would; later calls give the same report. */
  finish(): RunReport {
    this.finished ??= finishRun(this.session);
    return this.finished;
  }
}
