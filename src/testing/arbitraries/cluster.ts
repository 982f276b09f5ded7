/**
 * `arb.cluster()`: cluster shapes, cheap to run.
 */

import fc from "fast-check";
import { type ClusterDescription, clusterNodes } from "../../api/index.js";
import type { NodeSpec } from "../../scenario/index.js";
import { formatDuration } from "../../sim/index.js";

/** Bounds of a count, inclusive. */
export interface CountRange {
  readonly min?: number;
  readonly max?: number;
}

/** What clusters `arb.cluster` draws. */
export interface ClusterArbitraryOptions {
  /** Managers (default 1 to 5). */
  readonly managers?: CountRange;
  /** Workers that bootstrap joins (default 0 to 6). */
  readonly workers?: CountRange;
  /** Up to this many spare machines, `join: false`, for a timeline to join (default 2). */
  readonly maxSpares?: number;
  /** Whether some workers run Windows (default true). */
  readonly windows?: boolean;
  /** Whether some workers join drained or paused (default true). */
  readonly availability?: boolean;
  /** RSA key sizes to draw from, the first the one shrinking goes to (default 512 and 1024: cheap keys). */
  readonly rsaBits?: readonly number[];
  /** The key rotation interval in minutes (default 2 to 15: many rotations in little simulated time). */
  readonly keyRotationMinutes?: CountRange;
  /** Whether nodes run the gossip plane: true, false, or either (default; shrinks to false, the cheaper). */
  readonly gossip?: boolean | "either";
}

/** `true` about one time in `oneIn`; shrinks to false. */
const sometimes = (oneIn: number) => fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(false), weight: oneIn - 1 }, { arbitrary: fc.constant(true), weight: 1 });

const workerTraits = (options: ClusterArbitraryOptions) =>
  fc.record({
    windows: options.windows === false ? fc.constant(false) : sometimes(5),
    availability: options.availability === false ? fc.constant(undefined) : fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(undefined), weight: 6 }, fc.constant("drain" as const), fc.constant("pause" as const)),
  });

/**
 * Cluster descriptions (the `cluster` key of a scenario): 1-5 managers, 0-6
 * workers with a few Windows and drained or paused ones, a spare or two that
 * bootstrap leaves outside (`join: false`), 512- or 1024-bit keys and a key
 * rotation every 2 to 15 minutes. Shrinks towards one Linux manager, no
 * workers, no spares, 512 bits, a 2-minute rotation and no gossip plane.
 *
 * @example
 * ```ts
 * fc.assert(fc.property(arb.cluster({ managers: { max: 3 } }), (cluster) => runForTesting(loadDescription({ name: "c", cluster, steps: [] })).report.ok));
 * ```
 */
export function clusterShape(options: ClusterArbitraryOptions = {}): fc.Arbitrary<ClusterDescription> {
  const rsaBits = options.rsaBits ?? [512, 1024];
  if (rsaBits.length === 0) throw new RangeError(`"rsaBits" expected at least one key size, got []`);
  return fc
    .record({
      managers: fc.integer({ min: options.managers?.min ?? 1, max: options.managers?.max ?? 5 }),
      workers: fc.array(workerTraits(options), { minLength: options.workers?.min ?? 0, maxLength: options.workers?.max ?? 6 }),
      spares: fc.array(sometimes(3), { maxLength: options.maxSpares ?? 2 }),
      rsaBits: fc.constantFrom(...rsaBits),
      rotationMinutes: fc.integer({ min: options.keyRotationMinutes?.min ?? 2, max: options.keyRotationMinutes?.max ?? 15 }),
      gossip: options.gossip === undefined || options.gossip === "either" ? fc.boolean() : fc.constant(options.gossip),
    })
    .map(({ managers, workers, spares, rsaBits: bits, rotationMinutes, gossip }) => {
      const nodes: NodeSpec[] = [
        ...Array.from({ length: managers }, (_, i): NodeSpec => ({ name: `manager-${i + 1}`, role: "manager", os: "linux" })),
        ...workers.map((w, i): NodeSpec => ({ name: `worker-${i + 1}`, role: "worker", os: w.windows ? "windows" : "linux", ...(w.availability === undefined ? {} : { availability: w.availability }) })),
        ...spares.map((manager, i): NodeSpec => ({ name: `spare-${i + 1}`, role: manager ? "manager" : "worker", os: "linux", join: false })),
      ];
      return { ...clusterNodes(nodes), rsaBits: bits, keyRotation: formatDuration(rotationMinutes * 60_000_000), gossip };
    });
}
