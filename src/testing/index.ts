/**
 * `swarmsim/testing`: building blocks for property-based suites. It grows with
 * the simulator (cluster, timeline, fault and attack arbitraries; invariants
 * over finished runs: determinism, no plaintext on encrypted paths, mutual
 * TLS on every served call, key discipline, no nonce reuse, lossless rotation).
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { arb, invariants, runForTesting } from "swarmsim/testing";
 * fc.assert(fc.property(arb.seed(), (seed) => invariants.deterministic(scenario, seed).ok), { seed: 42 });
 * const run = runForTesting(scenario, { seed: 7 });
 * invariants.noNonceReuse(run); // { ok: true, info: { frames: 5306, repeats: 0, unopened: 0 } }
 * ```
 */

import fc from "fast-check";
export { type FinishedRun, runForTesting } from "./run.js";
import { deterministic } from "./invariants/deterministic.js";
import { keyringDiscipline } from "./invariants/keyring-discipline.js";
import { mutualAuthOnly } from "./invariants/mutual-auth-only.js";
import { noNonceReuse } from "./invariants/no-nonce-reuse.js";
import { noPlaintextLeak } from "./invariants/no-plaintext-leak.js";
import { rotationLossless } from "./invariants/rotation-lossless.js";
import { type Duration, duration } from "../sim/index.js";
import { attackSchedule } from "./arbitraries/attacks.js";
import { clusterShape } from "./arbitraries/cluster.js";
import { faultSchedule } from "./arbitraries/faults.js";
import { scenarioDescription } from "./arbitraries/scenario.js";
import { dockerTimeline } from "./arbitraries/timeline.js";
import { underlayConditions } from "./arbitraries/underlay.js";
export type { ClusterArbitraryOptions, CountRange } from "./arbitraries/cluster.js";
export type { UnderlayArbitraryOptions } from "./arbitraries/underlay.js";
export type { TimelineArbitraryOptions } from "./arbitraries/timeline.js";
export type { FaultsArbitraryOptions } from "./arbitraries/faults.js";
export type { AttacksArbitraryOptions } from "./arbitraries/attacks.js";
export type { ScenarioArbitraryOptions } from "./arbitraries/scenario.js";
export { type ScenarioDescription, type ClusterDescription, type UnderlayDescription, type StepDescription, toYaml, loadDescription, describeScenario } from "../api/index.js";

export { type Verdict } from "./invariants/verdict.js";
export { type KeyringOptions } from "./invariants/keyring-discipline.js";
export { type RotationOptions } from "./invariants/rotation-lossless.js";

/** Arbitraries for the simulator's values. */
export const arb = {
  /** A master seed (shrinks towards 0). */
  seed: (): fc.Arbitrary<number> => fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  /** A duration between `min` and `max` microseconds (shrinks towards `min`). */
  duration: (min = 0, max = 86_400_000_000): fc.Arbitrary<Duration> => fc.integer({ min, max }).map((n) => duration(n)),
  /** Cluster descriptions: managers, workers (Windows, drained), spares (see `clusterShape`). */
  cluster: clusterShape,
  /** Underlay descriptions for a cluster's nodes: latency models, loss, links (see `underlayConditions`). */
  underlay: underlayConditions,
  /** Timelines of docker commands that make sense on a cluster (see `dockerTimeline`). */
  timeline: dockerTimeline,
  /** Fault schedules for a cluster, ending healed (see `faultSchedule`). */
  faults: faultSchedule,
  /** Attack schedules for a cluster (see `attackSchedule`). */
  attacks: attackSchedule,
  /** Whole scenario descriptions, printed as YAML when they fail (see `scenarioDescription`). */
  scenario: scenarioDescription,
};

/**
 * Invariants over runs: each takes a finished run (`runForTesting`; for
 * `deterministic`, a scenario it runs twice) and answers a `Verdict`, with
 * the packet, node and time of what broke it.
 */
export const invariants = {
  /** Running the same scenario with the same seed twice gives the same fingerprint. */
  deterministic,
  /** No secret, and no network key, crosses an encrypted path in clear (see `noPlaintextLeak`). */
  noPlaintextLeak,
  /** Every control-plane call served came over mutual TLS that authorizes it (see `mutualAuthOnly`). */
  mutualAuthOnly,
  /** At most 3 keys per subsystem, the middle one primary, every frame sealed under it (see `keyringDiscipline`). */
  keyringDiscipline,
  /** No AES-GCM key and nonce sealed two different messages, in gossip or ESP (see `noNonceReuse`). */
  noNonceReuse,
  /** No frame or packet dropped for want of a key, attacks aside (see `rotationLossless`). */
  rotationLossless,
};
