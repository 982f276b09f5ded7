/**
 * `arb.scenario()`: whole scenarios, as descriptions that save as YAML.
 */

import fc from "fast-check";
import { type ScenarioDescription, toYaml } from "../../api/index.js";
import { type Intent, buildTimeline } from "./_internals/build.js";
import { attackIntent, dockerIntent, faultIntent } from "./_internals/intents.js";
import { shapeOf } from "./_internals/shape.js";
import { underlayDraw } from "./_internals/underlay-draw.js";
import { type ClusterArbitraryOptions, clusterShape } from "./cluster.js";

/** What scenarios `arb.scenario` draws. */
export interface ScenarioArbitraryOptions {
  /** The scenario's name (default `generated`). */
  readonly name?: string;
  /** Its clusters (see `arb.cluster`). */
  readonly cluster?: ClusterArbitraryOptions;
  /** Whether the underlay varies (default true; otherwise 1 ms, no loss). */
  readonly underlay?: boolean;
  /** The most intents drawn (default 10); an intent becomes one step or a few. */
  readonly maxIntents?: number;
  /** Whether faults come between the commands (default true). */
  readonly faults?: boolean;
  /** Whether attacks come between the commands (default true). */
  readonly attacks?: boolean;
  /** Never crash a majority of the managers (default true). */
  readonly keepQuorum?: boolean;
  /** End with every fault lifted and a minute to converge (default true). */
  readonly heal?: boolean;
}

/**
 * Whole scenarios: a seed, a cluster (`arb.cluster`), an underlay
 * (`arb.underlay`), and a timeline that interleaves sensible docker commands
 * (`arb.timeline`) with faults (`arb.faults`) and attacks (`arb.attacks`),
 * ending with every fault lifted. Each is plain data that `toYaml` saves as a
 * scenario file and `loadDescription` (or `swarmsim run`) runs; a failing
 * case prints as that YAML in fast-check's report. Shrinks towards a small
 * cluster, the default underlay, few steps and no faults.
 *
 * With faults, a command may fail where a healthy swarm would not (no leader
 * to reach, a node cut off): check invariants of the run rather than every
 * expectation, or draw with `faults: false`.
 *
 * @example
 * ```ts
 * fc.assert(
 *   fc.property(arb.scenario({ attacks: false }), (description) => {
 *     const run = runForTesting(loadDescription(description));
 *     return invariants.deterministic(run.scenario).ok;
 *   }),
 *   { seed: 42, numRuns: 20 },
 * );
 * ```
 */
export function scenarioDescription(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<ScenarioDescription> {
  const kinds: Array<fc.WeightedArbitrary<Intent>> = [{ arbitrary: dockerIntent().map((docker) => ({ docker })), weight: 4 }];
  if (options.faults !== false) kinds.push({ arbitrary: faultIntent().map((fault) => ({ fault })), weight: 2 });
  if (options.attacks !== false) kinds.push({ arbitrary: attackIntent().map((attack) => ({ attack })), weight: 1 });
  const build = { keepQuorum: options.keepQuorum ?? true, heal: options.heal ?? true };
  return fc
    .record({
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      cluster: clusterShape(options.cluster),
      underlay: options.underlay === false ? fc.constant(undefined) : underlayDraw(),
      intents: fc.array(fc.oneof({ withCrossShrink: true }, ...kinds), { maxLength: options.maxIntents ?? 10 }),
    })
    .map(({ seed, cluster, underlay, intents }) => {
      const shape = shapeOf(cluster);
      const underlayDescription = underlay?.(shape.nodes.map((n) => n.name));
      const description: ScenarioDescription = {
        name: options.name ?? "generated",
        seed,
        cluster,
        ...(underlayDescription === undefined || Object.keys(underlayDescription).length === 0 ? {} : { underlay: underlayDescription }),
        steps: buildTimeline(shape, intents, build),
      };
      return printedAsYaml(description);
    });
}

/** Makes fast-check print `description` as the scenario file it is (a counterexample can be pasted into one). */
function printedAsYaml(description: ScenarioDescription): ScenarioDescription {
  Object.defineProperty(description, fc.toStringMethod, { value: () => `\n${toYaml(description)}`, enumerable: false });
  return description;
}
