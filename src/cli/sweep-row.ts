/**
 * One seed of a sweep: the run, and the row of the sweep's table it becomes.
 * Rows cross from a worker thread to the main one, so they are plain data.
 */

import type { KeyCache } from "../pki/index.js";
import { type RunReport, type Scenario, runScenario } from "../scenario/index.js";
import type { Duration } from "../sim/index.js";

/** How a seed's run ended: every expectation held, one failed, or the simulator threw. */
export type SweepResult = "ok" | "failed" | "error";

/** What one seed's run did. */
export interface SweepRow {
  readonly seed: number;
  readonly result: SweepResult;
  /** Failed expectations (0 for an error). */
  readonly failures: number;
  /** Simulated time at the end of the run, in microseconds. */
  readonly simulatedTime: number;
  /** Events the scheduler ran. */
  readonly events: number;
  /** The SHA-256 of the run's trace, as `swarmsim run --seed N` prints it; empty for an error. */
  readonly fingerprint: string;
  /** The first step with a failed expectation: its line in the file (0 for bootstrap), its text, and the check. */
  readonly firstFailure?: { readonly line: number; readonly step: string; readonly check: string };
  /** For an error: what was thrown. */
  readonly error?: string;
}

/** How every seed of a sweep runs, besides its seed. */
export interface SeedRunOptions {
  readonly until?: Duration;
  readonly keyCache?: KeyCache;
}

/** Runs `scenario` with `seed` and reduces the report to a row; a throw becomes an error row. */
export function runSeed(scenario: Scenario, seed: number, options: SeedRunOptions = {}): SweepRow {
  try {
    return rowOfReport(
      runScenario(scenario, {
        seed,
        ...(options.until === undefined ? {} : { until: options.until }),
        ...(options.keyCache === undefined ? {} : { keyCache: options.keyCache }),
      }),
    );
  } catch (err) {
    return errorRow(seed, err);
  }
}

/** The row of a finished run. */
export function rowOfReport(report: RunReport): SweepRow {
  const failedStep = report.steps.find((s) => s.checks.some((c) => !c.ok));
  const failedCheck = failedStep?.checks.find((c) => !c.ok);
  return {
    seed: report.seed,
    result: report.ok ? "ok" : "failed",
    failures: report.failures,
    simulatedTime: report.simulatedTime,
    events: report.events,
    fingerprint: report.fingerprint,
    ...(failedStep === undefined || failedCheck === undefined ? {} : { firstFailure: { line: failedStep.line, step: failedStep.text, check: failedCheck.what } }),
  };
}

/** The row of a run that threw (a simulator fault, not a failed expectation). */
export function errorRow(seed: number, err: unknown): SweepRow {
  const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { seed, result: "error", failures: 0, simulatedTime: 0, events: 0, fingerprint: "", error };
}
