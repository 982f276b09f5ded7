/**
 * Determinism: one scenario and one seed give one run, byte for byte. The
 * fingerprint is the SHA-256 of the whole trace, so two runs that differ in
 * any record, or in any byte that crossed the wire (`sim.end` digests it),
 * give two fingerprints.
 */

import { type RunReport, type Scenario, runScenario } from "../../scenario/index.js";
import type { Verdict } from "./verdict.js";

/**
 * Runs `scenario` twice with `seed` and compares the fingerprints.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arb.seed(), (seed) => invariants.deterministic(scenario, seed).ok), { seed: 42 });
 * ```
 */
export function deterministic(scenario: Scenario, seed: number = scenario.seed): Verdict {
  const first: RunReport = runScenario(scenario, { seed });
  const second: RunReport = runScenario(scenario, { seed });
  if (first.fingerprint === second.fingerprint) return { ok: true, info: { seed, fingerprint: first.fingerprint } };
  return {
    ok: false,
    reason: `the same scenario and seed gave two fingerprints`,
    evidence: { seed, first: first.fingerprint, second: second.fingerprint, events: [first.events, second.events] },
  };
}
