/**
 * `arb.timeline(cluster)`: timelines of docker commands that make sense.
 */

import fc from "fast-check";
import type { ClusterDescription, StepDescription } from "../../api/index.js";
import { buildTimeline } from "./_internals/build.js";
import { dockerIntent } from "./_internals/intents.js";
import { shapeOf } from "./_internals/shape.js";

/** What timelines `arb.timeline` draws. */
export interface TimelineArbitraryOptions {
  /** The most intents drawn (default 8); one may become a few steps (a capture before a join, a wait after a promote). */
  readonly maxIntents?: number;
  /** Whether to wait across a key rotation now and then (default true). */
  readonly rotations?: boolean;
}

/**
 * Timelines (the `steps` key) of commands an operator of `cluster` might
 * type, each making sense where it comes: overlay networks created (some
 * `--opt encrypted`) and removed; nginx and `radial/busyboxplus:curl`
 * services created, scaled and removed (busybox fetching a web service on its
 * network every 5 s); spare machines joined with a token captured from
 * `docker swarm join-token -q` (and refused with one a rotation made stale);
 * `docker node promote | demote | rm --force`, `docker swarm leave` of a
 * removed node, `join-token --rotate`, `ca --rotate`; waits, some across a key
 * rotation. Each step expects what a fault-free swarm answers. Shrinks towards
 * fewer steps, and each remaining step towards a plain wait.
 *
 * @example
 * ```ts
 * const cluster = { managers: 1, workers: 2, rsaBits: 512, keyRotation: "10m" };
 * fc.assert(fc.property(arb.timeline(cluster), (steps) => runForTesting(loadDescription({ name: "t", cluster, steps })).report.ok), { seed: 1 });
 * ```
 */
export function dockerTimeline(cluster: ClusterDescription, options: TimelineArbitraryOptions = {}): fc.Arbitrary<StepDescription[]> {
  const shape = shapeOf(cluster);
  const intent = options.rotations === false ? dockerIntent().filter((i) => i.kind !== "wait-rotation") : dockerIntent();
  return fc
    .array(intent, { maxLength: options.maxIntents ?? 8 })
    .map((intents) => buildTimeline(shape, intents.map((docker) => ({ docker })), { keepQuorum: true, heal: false }));
}
