/**
 * Runs a scenario: builds the cluster from its seed, plays the timeline,
 * checks expectations, and reports what happened with the run's fingerprint.
 */

import { type Duration, type Instant, type TraceSink, Simulation, formatDuration, hours, instant } from "../sim/index.js";
import type { KeyCache } from "../pki/index.js";
import { Cluster, type CommandOutput, type CommandResult, expandVariables, fail, isDeferred, keyringTable, gossipTable, splitCommandLine } from "../swarm/index.js";
import { type CheckResult, checkOutput } from "./expect.js";
import { FaultInjector, describeFault } from "./fault-actions.js";
import type { DockerStep, Scenario, ShowStep, Step } from "./types.js";

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
}

/** What one step did. */
export interface StepReport {
  /** The step's index in the scenario, or -1 for a command of automatic bootstrap. */
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

/** What a run did. */
export interface RunReport {
  readonly scenario: string;
  readonly file: string;
  readonly seed: number;
  readonly steps: readonly StepReport[];
  /** Steps not run because `until` came first (a wait cut short ends the timeline). */
  readonly skipped: number;
  /** Failed checks. */
  readonly failures: number;
  readonly ok: boolean;
  readonly simulatedTime: Instant;
  readonly events: number;
  readonly traceRecords: number;
  readonly fingerprint: string;
}

const PROGRESS_CHUNK = 20_000;
/** A command still running after this much simulated time is a simulator fault, reported as such. */
const COMMAND_LIMIT = hours(1);

/** Runs `scenario` to the end of its timeline (or `until`). */
export function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): RunReport {
  const seed = options.seed ?? scenario.seed;
  const sim = new Simulation({ seed });
  for (const sink of options.sinks ?? []) sim.trace.addSink(sink);
  sim.trace.record("sim.start", { seed, scenario: scenario.name });
  const wireSearch = scenario.steps.flatMap((s) => (s.kind === "show" ? (s.search ?? []) : []));
  const cluster = new Cluster(sim, scenario.cluster, scenario.underlay, { wireSearch, ...(options.keyCache === undefined ? {} : { keyCache: options.keyCache }) });
  options.onCluster?.(cluster);

  const limit = options.until === undefined ? Infinity : options.until;
  /** Runs events up to `to`; returns early when a handler calls `scheduler.stop()`. */
  const advance = (to: number, step: number): boolean => {
    while (sim.now < to || sim.scheduler.peek()?.at === sim.now) {
      const r = sim.scheduler.run({ until: instant(to), maxEvents: PROGRESS_CHUNK });
      options.onProgress?.({ now: sim.now, events: sim.scheduler.executed, step });
      if (r.stop === "stopped") return true;
      if (r.stop !== "maxEvents") break;
    }
    return false;
  };
  /** The output of a command, letting simulated time pass while it runs. */
  const settle = (result: CommandResult, step: number): { output: CommandOutput; interrupted: boolean } => {
    if (!isDeferred(result)) return { output: result, interrupted: false };
    let output: CommandOutput | undefined;
    result.onDone((o) => {
      output = o;
      sim.scheduler.stop();
    });
    const deadline = Math.min(sim.now + COMMAND_LIMIT, limit);
    while (output === undefined) {
      if (!advance(deadline, step)) break; // the deadline came, or nothing is left to run
    }
    if (output !== undefined) return { output, interrupted: false };
    const why = deadline === limit ? "the run reached --until before the command finished" : `the command did not finish within ${formatDuration(COMMAND_LIMIT)} of simulated time`;
    return { output: fail(`swarmsim: ${why}`, 130), interrupted: deadline === limit };
  };

  const steps: StepReport[] = [];
  const variables = new Map<string, string>();
  const faults = new FaultInjector(cluster);
  let cutShort = false;
  if (scenario.cluster.bootstrap === "auto") {
    for (const step of bootstrapSteps(cluster, scenario)) {
      const report = runDockerStep(sim, cluster, step.command(), -1, variables, (r) => settle(r, 0));
      steps.push(report.step);
      if (report.step.checks.some((c) => !c.ok) || report.interrupted) {
        cutShort = true;
        break;
      }
    }
  }
  scenario.steps.forEach((step, index) => {
    if (cutShort) return;
    if (step.kind === "wait") {
      const startedAt = sim.now;
      const to = Math.min(sim.now + step.duration, limit);
      cutShort = to < sim.now + step.duration;
      advance(to, index);
      const text = `wait ${formatDuration(step.duration)}`;
      sim.trace.record("step", { index, step: text });
      steps.push({ index, kind: "wait", text, at: startedAt, checks: [], line: step.where.line });
      return;
    }
    if (step.kind === "show") {
      const text = `show ${step.what}`;
      sim.trace.record("step", { index, step: text });
      const output = { stdout: showTable(cluster, step), stderr: "", exitCode: 0 };
      const checks = step.expect === undefined ? [] : checkOutput(step.expect, output);
      steps.push({ index, kind: "show", text, at: sim.now, output, checks, line: step.where.line });
      return;
    }
    if (step.kind === "fault") {
      // Traced before it acts, so the trace reads cause, then effects (net.partition, net.host.down, ...).
      const text = describeFault(step.fault);
      sim.trace.record("step", { index, step: text });
      faults.apply(step.fault);
      steps.push({ index, kind: "fault", text, at: sim.now, checks: [], line: step.where.line });
      options.onProgress?.({ now: sim.now, events: sim.scheduler.executed, step: index });
      return;
    }
    const report = runDockerStep(sim, cluster, step, index, variables, (r) => settle(r, index));
    steps.push(report.step);
    cutShort = report.interrupted;
    options.onProgress?.({ now: sim.now, events: sim.scheduler.executed, step: index });
  });
  const skipped = scenario.steps.length - steps.filter((s) => s.index >= 0).length;
  if (options.until !== undefined) advance(options.until, scenario.steps.length);

  const failures = steps.reduce((n, s) => n + s.checks.filter((c) => !c.ok).length, 0);
  sim.trace.record("sim.end", {
    events: sim.scheduler.executed,
    packets: cluster.wire.packets,
    wireBytes: cluster.wire.bytes,
    wireDigest: cluster.wire.digest(),
  });
  return {
    scenario: scenario.name,
    file: scenario.file,
    seed,
    steps,
    skipped,
    failures,
    ok: failures === 0,
    simulatedTime: sim.now,
    events: sim.scheduler.executed,
    traceRecords: sim.trace.count,
    fingerprint: sim.trace.fingerprint(),
  };
}

/** What a show step prints. */
function showTable(cluster: Cluster, step: ShowStep): string {
  if (step.what === "keyrings") return keyringTable(cluster);
  if (step.what === "gossip") return gossipTable(cluster);
  return cluster.census.table(step.search ?? []);
}

function runDockerStep(
  sim: Simulation,
  cluster: Cluster,
  step: DockerStep,
  index: number,
  variables: Map<string, string>,
  settle: (result: CommandResult) => { output: CommandOutput; interrupted: boolean },
): { step: StepReport; interrupted: boolean } {
  const at = sim.now;
  const words = commandWords(step, variables);
  const text = words.text;
  const { output, interrupted } = "argv" in words ? settle(cluster.docker(step.on, words.argv)) : { output: words.refused, interrupted: false };
  if (step.capture !== undefined) variables.set(step.capture, output.stdout.trim());
  sim.trace.record("step", { index, step: text, exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr }, step.on);
  const checks = checkOutput(step.expect, output);
  for (const c of checks) sim.trace.record("expect", { index, what: c.what, ok: c.ok }, step.on);
  return { step: { index, kind: "docker", text, node: step.on, at, output, checks, line: step.where.line }, interrupted };
}

/**
 * What automatic bootstrap runs before the first step: \`docker swarm init\` on the
 * first manager, then a join of every other node with its role's token. Each
 * command is built when its turn comes (the tokens exist only after init).
 */
function bootstrapSteps(cluster: Cluster, scenario: Scenario): Array<{ command: () => DockerStep }> {
  const nodes = scenario.cluster.nodes;
  const first = nodes.find((n) => n.role === "manager")!;
  const where = { file: scenario.file, line: 0, column: 0 };
  const expect = { stdoutContains: [], stdoutMatches: [], stdoutExcludes: [], stderrContains: [], exitCode: 0, where };
  const step = (on: string, argv: string[]): DockerStep => ({ kind: "docker", command: argv.join(" "), argv, on, expect, where, usesVariables: false });
  const managerNode = cluster.node(first.name);
  return [
    { command: () => step(first.name, ["docker", "swarm", "init"]) },
    ...nodes
      .filter((n) => n !== first)
      .map((n) => ({
        command: () => {
          const state = managerNode.manager?.state;
          const token = state === undefined ? "" : state.tokens[n.role];
          return step(n.name, ["docker", "swarm", "join", "--token", token, `${managerNode.host.ip}:2377`]);
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
