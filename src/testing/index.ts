/**
 * `swarmsim/testing`: building blocks for property-based suites. It grows with
 * the simulator (cluster, timeline, fault and attack arbitraries; invariants
 * over finished runs); today it holds the determinism invariant and the
 * arbitraries of the kernel's own values.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
export { type FinishedRun, runForTesting } from "./run.js";
 * import { arb, invariants } from "swarmsim/testing";
 * fc.assert(fc.property(arb.seed(), (seed) => invariants.deterministic(scenario, seed).ok), { seed: 42 });
 * ```
 */

import fc from "fast-check";
export { type FinishedRun, runForTesting } from "./run.js";
import { type RunReport, type Scenario, runScenario } from "../scenario/index.js";
import { type Duration, duration } from "../sim/index.js";

/** The outcome of an invariant: it held, or why not, with the evidence. */
export type Verdict = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly evidence: Readonly<Record<string, unknown>> };

/** Arbitraries for the simulator's values. */
export const arb = {
  /** A master seed (shrinks towards 0). */
  seed: (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  /** A duration between `min` and `max` microseconds (shrinks towards `min`). */
  duration: (min = 0, max = 86_400_000_000): fc.Arbitrary<Duration> => fc.integer({ min, max }).map((n) => duration(n)),
};

/** Invariants over runs. */
export const invariants = {
  /** Running the same scenario with the same seed twice gives the same fingerprint. */
  deterministic(scenario: Scenario, seed: number = scenario.seed): Verdict {
    const first: RunReport = runScenario(scenario, { seed });
    const second: RunReport = runScenario(scenario, { seed });
    if (first.fingerprint === second.fingerprint) return { ok: true };
    return {
      ok: false,
      reason: `the same scenario and seed gave two fingerprints`,
      evidence: { seed, first: first.fingerprint, second: second.fingerprint, events: [first.events, second.events] },
    };
  },
};
