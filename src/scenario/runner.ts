/**
 * Runs a scenario: builds the cluster from its seed, plays the timeline,
 * checks expectations, and reports what happened with the run's fingerprint.
 */

import type { Instant } from "../sim/index.js";
import { type ScenarioRunOptions, ScenarioSession, type StepReport } from "./session.js";
import type { Scenario } from "./types.js";

export type { ScenarioRunOptions, StepReport } from "./session.js";

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

/** Runs `scenario` to the end of its timeline (or `until`). */
export function runScenario(scenario: Scenario, options: ScenarioRunOptions = {}): RunReport {
  const session = new ScenarioSession(scenario, options);
  session.bootstrap();
  session.runTimeline();
  return finishRun(session);
}

/** Closes a session's trace (`sim.end` with the wire's digest) and reports the run. */
export function finishRun(session: ScenarioSession): RunReport {
  const { sim, cluster, scenario, reports } = session;
  const skipped = scenario.steps.length - reports.filter((s) => s.index >= 0).length;
  const failures = reports.reduce((n, s) => n + s.checks.filter((c) => !c.ok).length, 0);
  sim.trace.record("sim.end", {
    events: sim.scheduler.executed,
    packets: cluster.wire.packets,
    wireBytes: cluster.wire.bytes,
    wireDigest: cluster.wire.digest(),
  });
  return {
    scenario: scenario.name,
    file: scenario.file,
    seed: session.seed,
    steps: reports,
    skipped,
    failures,
    ok: failures === 0,
    simulatedTime: sim.now,
    events: sim.scheduler.executed,
    traceRecords: sim.trace.count,
    fingerprint: sim.trace.fingerprint(),
  };
}
