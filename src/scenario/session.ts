/**
 * A scenario being played: the world built from its seed, and the timeline
 * run one step at a time. `runScenario` plays a whole file through one; the
 * interactive shell keeps one open and lets a person drive it (a command, a
 * few events, twelve hours) between steps.
 */

import { type Duration, type Instant, type TraceSink, Simulation, formatDuration, formatInstant, hours, instant } from "../sim/index.js";
import type { KeyCache } from "../pki/index.js";
import { Cluster, type CommandOutput, type CommandResult, expandVariables, fail, isDeferred, splitCommandLine } from "../swarm/index.js";
import { Adversary } from "./adversary.js";
import { describeAttack, needsEavesdropper } from "./attacks.js";
import { evaluateClusterCheck } from "./check-run.js";
import { type CheckResult, checkOutput } from "./expect.js";
import { TraceTally } from "./tally.js";
import { FaultInjector, describeFault } from "./fault-actions.js";
import { showTable } from "./show.js";
import type { DockerStep, Expectation, NodeSpec, RepeatStep, Scenario, Step } from "./types.js";

/** How to run a scenario. */
export interface ScenarioRunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Stops the run at this simulated time: later steps do not run; if the steps end sooner, time runs on to it. */
  readonly until?: Duration;
  /** Trace sinks to attach before the first record. */
  readonly sinks?: readonly TraceSink[];
  /** Called once the cluster exists, before anything runs: attach taps and observers here. */
  readonly onCluster?: (cluster: Cluster) => void;
  /** Called every few thousand events and after each step. */
  readonly onProgress?: (progress: { readonly now: Instant; readonly events: number; readonly step: number }) => void;
  /** Where RSA keys are looked up before being drawn (`fileKeyCache(dir)`, `MemoryKeyCache`): same run, less time. */
  readonly keyCache?: KeyCache;
  /**
   * Keep the eavesdropper's capture of every packet even when the timeline
   * does not read it (a property suite's invariants do). Default: only when a
   * step attacks or checks the capture.
   */
  readonly eavesdrop?: boolean;
}

/** What one step did. */
export interface StepReport {
  /** The step's index in the scenario, or -1 for a command of automatic bootstrap or one typed at a prompt. */
  readonly index: number;
  readonly kind: Step["kind"];
  /** The step as a person would write it: the command, `wait 30s`, or a fault (`crash manager-1`). */
  readonly text: string;
  readonly node?: string;
  /** When the step started. */
  readonly at: Instant;
  readonly output?: CommandOutput;
  readonly checks: readonly CheckResult[];
  /** The step's line in the scenario file. */
  readonly line: number;
}

const PROGRESS_CHUNK = 20_000;
/** A command still running after this much simulated time is a simulator fault, reported as such. */
const COMMAND_LIMIT = hours(1);

/** A scenario's world and timeline, played step by step. */
export class ScenarioSession {
  readonly sim: Simulation;
  readonly cluster: Cluster;
  readonly seed: number;
  /** What every step run so far did, bootstrap commands first. */
  readonly reports: StepReport[] = [];
  /** Values captured by `capture: NAME`, for `$NAME` in later commands. */
  readonly variables = new Map<string, string>();
  /** Set once a step could not finish (a failed bootstrap, `until` reached): later steps do not run. */
  cutShort = false;
  private readonly faults: FaultInjector;
  /** The attacker on the underlay: its capture (when the timeline reads it), its host, the keys it took. */
  readonly adversary: Adversary;
  /** What the trace has counted so far, for `check` steps. */
  readonly tally = new TraceTally();
  private readonly limit: number;

  constructor(
    readonly scenario: Scenario,
    private readonly options: ScenarioRunOptions = {},
  ) {
    this.seed = options.seed ?? scenario.seed;
    this.sim = new Simulation({ seed: this.seed });
    this.sim.trace.addSink(this.tally);
    for (const sink of options.sinks ?? []) this.sim.trace.addSink(sink);
    this.sim.trace.record("sim.start", { seed: this.seed, scenario: scenario.name });
    const wireSearch = scenario.steps.flatMap((s) => (s.kind === "show" ? (s.search ?? []) : []));
    this.cluster = new Cluster(this.sim, scenario.cluster, scenario.underlay, { wireSearch, ...(options.keyCache === undefined ? {} : { keyCache: options.keyCache }) });
    for (const link of scenario.links ?? []) {
      const change = { ...(link.latency === undefined ? {} : { latency: link.latency }), ...(link.lossPpm === undefined ? {} : { lossPpm: link.lossPpm }) };
      for (const from of link.from) for (const to of link.to) this.cluster.fabric.setLink(from, to, change, { oneWay: link.oneWay });
    }
    options.onCluster?.(this.cluster);
    this.faults = new FaultInjector(this.cluster);
    this.adversary = new Adversary(this.cluster, options.eavesdrop === true || needsEavesdropper(scenario.steps));
    this.limit = options.until === undefined ? Infinity : options.until;
  }

  /**
   * Runs events up to `to` (never past `until`); returns true if a handler
   * stopped the scheduler (`scheduler.stop()`) before then.
   */
  advanceTo(to: number, step = -1): boolean {
    const end = Math.min(to, this.limit);
    const { sim } = this;
    while (sim.now < end || sim.scheduler.peek()?.at === sim.now) {
      const r = sim.scheduler.run({ until: instant(end), maxEvents: PROGRESS_CHUNK });
      this.options.onProgress?.({ now: sim.now, events: sim.scheduler.executed, step });
      if (r.stop === "stopped") return true;
      if (r.stop !== "maxEvents") break;
    }
    return false;
  }

  /** Automatic bootstrap (`cluster.bootstrap: auto`): `swarm init` on the first manager, then every join. */
  bootstrap(): void {
    if (this.scenario.cluster.bootstrap !== "auto") return;
    for (const step of bootstrapSteps(this.cluster, this.scenario)) {
      const report = this.runDocker(step.command(), -1);
      if (report.checks.some((c) => !c.ok)) this.cutShort = true;
      if (this.cutShort) return;
    }
  }

  /** Runs the whole timeline (after `bootstrap`), then on to `until` if one was given. */
  runTimeline(): void {
    this.scenario.steps.forEach((step, index) => {
      if (!this.cutShort) this.runStep(step, index);
    });
    if (this.options.until !== undefined) this.advanceTo(this.options.until, this.scenario.steps.length);
  }

  /** Runs one step of the timeline (its `index` names it in reports and the trace). */
  runStep(step: Step, index: number): StepReport {
    const report = this.stepReport(step, index);
    this.reports.push(report);
    this.options.onProgress?.({ now: this.sim.now, events: this.sim.scheduler.executed, step: index });
    if (step.kind === "repeat") this.runRounds(step, index);
    return report;
  }

  /** A repeat's rounds: its steps in order, `$ROUND` set to the round's number, then the `every` wait. */
  private runRounds(step: RepeatStep, index: number): void {
    for (let round = 1; round <= step.times && !this.cutShort; round++) {
      this.variables.set("ROUND", String(round));
      for (const inner of step.steps) if (!this.cutShort) this.runStep(inner, index);
      if (step.every !== undefined && !this.cutShort) this.runStep({ kind: "wait", duration: step.every, where: step.where }, index);
    }
    this.variables.delete("ROUND");
  }

  private stepReport(step: Step, index: number): StepReport {
    const { sim } = this;
    const line = step.where.line;
    switch (step.kind) {
      case "wait": {
        const startedAt = sim.now;
        const to = sim.now + step.duration;
        this.cutShort = to > this.limit;
        this.advanceTo(to, index);
        const text = `wait ${formatDuration(step.duration)}`;
        sim.trace.record("step", { index, step: text });
        return { index, kind: "wait", text, at: startedAt, checks: [], line };
      }
      case "show": {
        const text = `show ${step.what}`;
        sim.trace.record("step", { index, step: text });
        const output = { stdout: showTable(this.cluster, step), stderr: "", exitCode: 0 };
        return { index, kind: "show", text, at: sim.now, output, checks: this.check(step.expect, output, index), line };
      }
      case "at": {
        const startedAt = sim.now;
        const text = `at ${formatInstant(step.instant)}`;
        // An instant already behind is the timeline's mistake: said, not silently skipped.
        const late = startedAt > step.instant;
        if (!late) {
          this.cutShort = step.instant > this.limit;
          this.advanceTo(step.instant, index);
        }
        sim.trace.record("step", { index, step: text });
        const checks = late ? [{ ok: false, what: text, expected: `the run at or before ${formatInstant(step.instant)}`, seen: `the run already at ${formatInstant(startedAt)}` }] : [];
        return { index, kind: "at", text, at: startedAt, checks, line };
      }
      case "check": {
        sim.trace.record("step", { index, step: "check" });
        const checks = evaluateClusterCheck(step.check, this.cluster, this.tally, this.adversary);
        for (const c of checks) sim.trace.record("expect", { index, what: c.what, ok: c.ok });
        // Every result is printed, held or not: a check is also how a student reads the state.
        const stdout = checks.map((c) => `${c.ok ? "ok    " : "FAILED"} ${c.what}: ${c.seen.split("\n")[0]}\n`).join("");
        return { index, kind: "check", text: "check", at: sim.now, output: { stdout, stderr: "", exitCode: 0 }, checks, line };
      }
      case "repeat": {
        const text = `repeat ${step.times} rounds of ${step.steps.length} step${step.steps.length === 1 ? "" : "s"}${step.every === undefined ? "" : `, every ${formatDuration(step.every)}`}`;
        sim.trace.record("step", { index, step: text });
        return { index, kind: "repeat", text, at: sim.now, checks: [], line };
      }
      case "attack": {
        const text = describeAttack(step.attack);
        sim.trace.record("step", { index, step: text });
        const output = this.adversary.attack(step.attack);
        const checks = output.exitCode === 0 ? [] : [{ ok: false, what: text, expected: "the attack carried out", seen: output.stderr.trim() }];
        return { index, kind: "attack", text, at: sim.now, output, checks, line };
      }
      case "fault": {
        // Traced before it acts, so the trace reads cause, then effects (net.partition, net.host.down, ...).
        const text = describeFault(step.fault);
        sim.trace.record("step", { index, step: text });
        this.faults.apply(step.fault);
        return { index, kind: "fault", text, at: sim.now, checks: [], line };
      }
      case "docker":
        return this.dockerReport(step, index);
    }
  }

  /** Runs a docker step and records its report (bootstrap commands and commands typed at a prompt too). */
  runDocker(step: DockerStep, index: number): StepReport {
    const report = this.dockerReport(step, index);
    this.reports.push(report);
    return report;
  }

  /**
   * A command typed at a prompt on node `on` (`argv` split from `text`, its
   * variables already expanded): run and settled as a step is, traced as a
   * step with index -1, and checked against nothing, since a person typing
   * expects nothing in particular.
   */
  runTyped(on: string, text: string, argv: readonly string[]): StepReport {
    const at = this.sim.now;
    const output = this.settle(this.cluster.docker(on, argv), -1);
    this.sim.trace.record("step", { index: -1, step: text, exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr }, on);
    const report: StepReport = { index: -1, kind: "docker", text, node: on, at, output, checks: [], line: 0 };
    this.reports.push(report);
    return report;
  }

  private dockerReport(step: DockerStep, index: number): StepReport {
    const { sim } = this;
    const at = sim.now;
    const words = commandWords(step, this.variables);
    const text = words.text;
    const output = "argv" in words ? this.settle(this.cluster.docker(step.on, words.argv), index) : words.refused;
    if (step.capture !== undefined) this.variables.set(step.capture, output.stdout.trim());
    sim.trace.record("step", { index, step: text, exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr }, step.on);
    const checks = checkOutput(step.expect, output);
    for (const c of checks) sim.trace.record("expect", { index, what: c.what, ok: c.ok }, step.on);
    return { index, kind: "docker", text, node: step.on, at, output, checks, line: step.where.line };
  }

  private check(expect: Expectation | undefined, output: CommandOutput, index: number): CheckResult[] {
    if (expect === undefined) return [];
    const checks = checkOutput(expect, output);
    for (const c of checks) this.sim.trace.record("expect", { index, what: c.what, ok: c.ok });
    return checks;
  }

  /** The output of a command, letting simulated time pass while it runs. */
  private settle(result: CommandResult, step: number): CommandOutput {
    if (!isDeferred(result)) return result;
    let output: CommandOutput | undefined;
    result.onDone((o) => {
      output = o;
      this.sim.scheduler.stop();
    });
    const deadline = Math.min(this.sim.now + COMMAND_LIMIT, this.limit);
    while (output === undefined) {
      if (!this.advanceTo(deadline, step)) break; // the deadline came, or nothing is left to run
    }
    if (output !== undefined) return output;
    this.cutShort ||= deadline === this.limit;
    const why = deadline === this.limit ? "the run reached --until before the command finished" : `the command did not finish within ${formatDuration(COMMAND_LIMIT)} of simulated time`;
    return fail(`swarmsim: ${why}`, 130);
  }
}

/**
 * What automatic bootstrap runs before the first step: `docker swarm init` on the
 * first manager, then a join of every other node with its role's token. Each
 * command is built when its turn comes (the tokens exist only after init).
 */
function bootstrapSteps(cluster: Cluster, scenario: Scenario): Array<{ command: () => DockerStep }> {
  const nodes = scenario.cluster.nodes.filter((n) => n.join !== false);
  const first = nodes.find((n) => n.role === "manager")!;
  const availability = (n: NodeSpec) => (n.availability === undefined ? [] : ["--availability", n.availability]);
  const where = { file: scenario.file, line: 0, column: 0 };
  const expect = { stdoutContains: [], stdoutMatches: [], stdoutExcludes: [], stderrContains: [], exitCode: 0, where };
  const step = (on: string, argv: string[]): DockerStep => ({ kind: "docker", command: argv.join(" "), argv, on, expect, where, usesVariables: false });
  const managerNode = cluster.node(first.name);
  return [
    { command: () => step(first.name, ["docker", "swarm", "init", ...availability(first)]) },
    ...nodes
      .filter((n) => n !== first)
      .map((n) => ({
        command: () => {
          const state = managerNode.manager?.state;
          const token = state === undefined ? "" : state.tokens[n.role];
          return step(n.name, ["docker", "swarm", "join", "--token", token, ...availability(n), `${managerNode.host.ip}:2377`]);
        },
      })),
  ];
}

/** The command as run: with captured variables expanded, then split into words as a shell would. */
function commandWords(
  step: DockerStep,
  variables: ReadonlyMap<string, string>,
): { text: string; argv: readonly string[] } | { text: string; refused: CommandOutput } {
  if (!step.usesVariables) return { text: step.command, argv: step.argv };
  // The loader checked that every variable is captured by an earlier step, and every
  // earlier step has run, so expansion cannot miss; splitting can fail only on a
  // captured value that breaks the quoting, which the shell would refuse too.
  const expanded = expandVariables(step.command, variables);
  const text = expanded.ok ? expanded.line : step.command;
  const split = splitCommandLine(text);
  return split.ok ? { text, argv: split.argv } : { text, refused: fail(`sh: syntax error: ${split.reason}`, 2) };
}
