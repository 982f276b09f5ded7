/**
 * `arb.attacks(cluster)`: attack schedules.
 */

import fc from "fast-check";
import type { ClusterDescription, StepDescription } from "../../api/index.js";
import { type Intent, buildTimeline } from "./_internals/build.js";
import { attackIntent, waitIntent } from "./_internals/intents.js";
import { shapeOf } from "./_internals/shape.js";

/** What schedules `arb.attacks` draws. */
export interface AttacksArbitraryOptions {
  /** The most attacks and waits drawn (default 4). */
  readonly maxIntents?: number;
}

/**
 * Attack schedules (steps) for `cluster`, with waits between: replays and
 * bit flips of up to 20 captured packets of a path (ESP, gossip, control,
 * VXLAN, other) sent to a node, bit flips past the IP or the transport header,
 * and leaks of a live member's primary gossip or IPsec key. Shrinks towards
 * fewer attacks, each towards a replay of one packet.
 *
 * @example
 * ```ts
 * fc.property(arb.attacks({ managers: 1, workers: 2 }), (steps) => ...)
 * ```
 */
export function attackSchedule(cluster: ClusterDescription, options: AttacksArbitraryOptions = {}): fc.Arbitrary<StepDescription[]> {
  const shape = shapeOf(cluster);
  const intent: fc.Arbitrary<Intent> = fc.oneof({ withCrossShrink: true }, waitIntent().map((docker) => ({ docker })), { arbitrary: attackIntent().map((attack) => ({ attack })), weight: 2 });
  return fc.array(intent, { maxLength: options.maxIntents ?? 4 }).map((intents) => buildTimeline(shape, intents, { keepQuorum: true, heal: false }));
}
