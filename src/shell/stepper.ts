/**
 * `swarmsim step`'s core: a scenario run that pauses at every key rotation
 * (or at each trace record of a kind) and shows every node's keyring and SA
 * table side by side. Pauses happen inside the run, as the trace is
 * written; the caller's `pause` decides synchronously how to go on, so a
 * terminal can wait for a key and a pipe can go straight on.
 */

import type { KeyCache } from "../pki/index.js";
import { type RunReport, type Scenario, ScenarioSession, finishRun, formatSummary } from "../scenario/index.js";
import { type Duration, type Instant, type TraceRecord, formatDuration, formatInstant } from "../sim/index.js";
import { describeRecord } from "./record-words.js";
import { type PauseCause, RotationWatch } from "./rotation-watch.js";
import { stepText } from "./step-text.js";
import { sideBySide } from "./text-table.js";
import { keyPanel } from "./views-keys.js";

/** How to go on from a pause: to the next pause, to the end without waiting again, or stop. */
export type PauseAnswer = "next" | "continue" | "quit";

/** How to run the stepper. */
export interface StepperOptions {
  readonly seed?: number;
  readonly until?: Duration;
  readonly keyCache?: KeyCache;
  /** Pause at each trace record of this kind instead of at each key rotation. */
  readonly breakKind?: string;
  /** Characters per line: the panels go side by side when they fit. */
  readonly width: number;
  /** Where the text goes, as it is made. */
  readonly write: (text: string) => void;
  /** Asked at each pause, after its view is written. */
  readonly pause: (pauseNumber: number) => PauseAnswer;
  /** Called every few thousand events. */
  readonly onProgress?: (now: Instant) => void;
}

/** What the run came to. */
export interface StepperResult {
  readonly pauses: number;
  /** The person quit at a pause: the run did not finish. */
  readonly quit: boolean;
  /** The run's report, when it finished. */
  readonly report?: RunReport;
}

/** Thrown from inside the run to leave it at once when the person quits. */
class QuitSignal extends Error {}

/**
 * Runs `scenario`, pausing as `options` says.
 *
 * @example
 * ```ts
 * runStepper(scenario, { width: 120, write: (t) => process.stdout.write(t), pause: () => "next" });
 * ```
 */
export function runStepper(scenario: Scenario, options: StepperOptions): StepperResult {
  const world = new ScenarioSession(scenario, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(options.keyCache === undefined ? {} : { keyCache: options.keyCache }),
    ...(options.onProgress === undefined ? {} : { onProgress: (p: { now: Instant }) => options.onProgress!(p.now) }),
  });
  const watch = new RotationWatch(world.cluster, options.breakKind);
  let pauses = 0;
  let waiting = true;
  let printed = 0;
  const flushSteps = (announced?: number) => {
    for (const report of world.reports.slice(printed)) if (report.index !== announced) options.write(stepText(report));
    printed = world.reports.length;
  };
  const show = (cause: PauseCause) => {
    flushSteps();
    options.write(pauseView(world, cause, ++pauses, options.width));
    if (!waiting) return;
    const answer = options.pause(pauses);
    if (answer === "quit") throw new QuitSignal();
    if (answer === "continue") waiting = false;
  };
  world.sim.bus.on("trace", (record: TraceRecord) => {
    const cause = watch.see(record);
    if (cause !== undefined) show(cause);
  });
  const what = options.breakKind === undefined ? "every key rotation" : `every ${options.breakKind} record`;
  options.write(`swarmsim step: scenario "${scenario.name}" (seed ${world.seed}), pausing at ${what}\n\n`);
  try {
    world.bootstrap();
    flushSteps();
    scenario.steps.forEach((step, index) => {
      if (world.cutShort) return;
      // A wait is said before it runs (and not again after): the pauses come inside it.
      const announced = step.kind === "wait" || step.kind === "at";
      if (announced) options.write(`[${formatInstant(world.sim.now)}] ${step.kind} ${stepWords(step)}\n\n`);
      world.runStep(step, index);
      flushSteps(announced ? index : undefined);
    });
    if (options.until !== undefined) world.advanceTo(options.until);
    const last = watch.flush(world.sim.now);
    if (last !== undefined) show(last);
  } catch (err) {
    if (!(err instanceof QuitSignal)) throw err;
    options.write(`quit at ${formatInstant(world.sim.now)}\n`);
    return { pauses, quit: true };
  }
  const report = finishRun(world);
  options.write(formatSummary(report));
  return { pauses, quit: false, report };
}

function stepWords(step: Scenario["steps"][number]): string {
  if (step.kind === "wait") return formatDuration(step.duration);
  if (step.kind === "at") return formatInstant(step.instant);
  return step.kind;
}

/** The pause's view: what caused it, then every node's keys and SAs side by side. */
function pauseView(world: ScenarioSession, cause: PauseCause, number: number, width: number): string {
  const { record } = cause;
  const where = record.node === undefined ? "" : ` on ${record.node}`;
  const rule = `── pause ${number} at ${formatInstant(cause.at)}: ${record.kind === "keymanager.rotate" ? "key rotation" : record.kind}${where} at ${formatInstant(record.t)} ──`;
  const lines = [rule, describeRecord(record)];
  if (cause.late.length > 0) lines.push(`not yet applied by ${cause.late.join(", ")} (each node applies new keys when its session message arrives)`);
  const panels = [...world.cluster.nodes.values()].map((node) => keyPanel(node, cause.before?.get(node.name) ?? (cause.before === undefined ? undefined : { gossip: "", ipsec: "" })));
  return `${lines.join("\n")}\n\n${sideBySide(panels, width)}\n`;
}
