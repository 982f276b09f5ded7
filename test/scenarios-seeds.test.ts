/**
 * Shipped scenarios whose story depends on where tasks land or which manager
 * wins an election, run with a seed other than their own: a researcher
 * sweeping seeds must see every expectation hold. Each seed here once failed
 * (a replica placed elsewhere, another election winner, a renewal drawn
 * later, a flipped bit in a sequence number), before the scenarios pinned
 * placement with constraints and checked what every seed shares.
 * `swarmsim run FILE --seeds 1..50` sweeps further.
 */
import { describe, it } from "vitest";
import { runShippedScenario } from "./support/scenarios.js";

const otherSeeds: ReadonlyArray<readonly [string, number]> = [
  ["esp-replay.yaml", 4],
  ["esp-replay-window.yaml", 3],
  ["leader-crash-rotation.yaml", 4],
  ["node-removal.yaml", 3],
];

describe("shipped scenarios with another seed", () => {
  it.each(otherSeeds)("%s with seed %i runs with every expectation met", (file, seed) => runShippedScenario(file, seed), 120_000);
});
