/**
 * `arb.faults(cluster)`: fault schedules.
 */

import fc from "fast-check";
import type { ClusterDescription, StepDescription } from "../../api/index.js";
import { type Intent, buildTimeline } from "./_internals/build.js";
import { faultIntent, waitIntent } from "./_internals/intents.js";
import { shapeOf } from "./_internals/shape.js";

/** What schedules `arb.faults` draws. */
export interface FaultsArbitraryOptions {
  /** The most faults and waits drawn (default 6). */
  readonly maxIntents?: number;
  /** Never crash a majority of the managers (default true). */
  readonly keepQuorum?: boolean;
  /** End with every fault lifted and a minute to converge (default true). */
  readonly heal?: boolean;
}

/**
 * Fault schedules (steps) for `cluster`, with waits between the faults:
 * crash and restart, partition, isolate, one-way blocks and heal, link
 * latency and loss and their reset, control-plane delay, loss and drop and
 * their clearing, clock skew up to 3 h either way. A crash never takes a
 * majority of the managers down unless `keepQuorum: false`; the schedule ends
 * by lifting every fault still in force and waiting a minute, so invariants
 * about convergence can be checked at the end. Shrinks towards fewer faults,
 * each towards a restart (which does nothing when no node is down).
 *
 * @example
 * ```ts
 * fc.property(arb.faults({ managers: 3, workers: 1 }), (steps) => ...)
 * ```
 */
export function faultSchedule(cluster: ClusterDescription, options: FaultsArbitraryOptions = {}): fc.Arbitrary<StepDescription[]> {
  const shape = shapeOf(cluster);
  const intent: fc.Arbitrary<Intent> = fc.oneof({ withCrossShrink: true }, waitIntent().map((docker) => ({ docker })), { arbitrary: faultIntent().map((fault) => ({ fault })), weight: 2 });
  return fc
    .array(intent, { maxLength: options.maxIntents ?? 6 })
    .map((intents) => buildTimeline(shape, intents, { keepQuorum: options.keepQuorum ?? true, heal: options.heal ?? true }));
}
