/**
 * The name a service gets when `docker service create` has no `--name`: moby
 * daemon/cluster/convert/service.go ServiceSpecToGRPC calls
 * pkg/namesgenerator GetRandomName(0), an adjective and a notable scientist or
 * hacker (`focused_turing`). The word lists here are a subset of moby's, drawn
 * from the simulation's seeded stream instead of math/rand.
 */

import type { Rng } from "../../sim/index.js";

/** Adjectives from moby pkg/namesgenerator `left` (a subset). */
const left = [
  "admiring", "adoring", "amazing", "awesome", "brave", "clever", "compassionate", "determined",
  "eager", "ecstatic", "elegant", "focused", "gracious", "happy", "hopeful", "jolly",
  "keen", "loving", "modest", "nostalgic", "pensive", "quirky", "serene", "sharp",
  "stoic", "tender", "trusting", "vibrant", "wizardly", "zealous",
] as const;

/** Surnames from moby pkg/namesgenerator `right` (a subset). */
const right = [
  "albattani", "allen", "babbage", "bartik", "bohr", "booth", "curie", "darwin",
  "dijkstra", "einstein", "euclid", "feynman", "goldberg", "hamilton", "hopper", "hypatia",
  "jennings", "kare", "knuth", "lamarr", "liskov", "lovelace", "mccarthy", "meitner",
  "noether", "ritchie", "shannon", "thompson", "turing", "wozniak",
] as const;

/**
 * A random `adjective_surname`, never `boring_wozniak` ("Steve Wozniak is not
 * boring", as moby's generator says; kept for fidelity though "boring" is not
 * in this subset).
 *
 * @example
 * ```ts
 * randomServiceName(sim.rng.fork("service-names")); // e.g. "focused_turing"
 * ```
 */
export function randomServiceName(rng: Rng): string {
  for (;;) {
    const name = `${left[rng.int(0, left.length - 1)]!}_${right[rng.int(0, right.length - 1)]!}`;
    if (name !== "boring_wozniak") return name;
  }
}
