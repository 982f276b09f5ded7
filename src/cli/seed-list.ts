/**
 * `--seeds 1..50`, `--seeds 3,5,9`, `--seeds 1..4,10`: the seeds of a sweep,
 * read into a sorted list without repeats (a seed run twice would only give
 * the same row twice: runs are deterministic per seed).
 */

import { UsageError } from "./args.js";

/** The most seeds one sweep runs: a typo like `1..1000000000` is refused, not started. */
export const MAX_SWEEP_SEEDS = 10_000;

const EXAMPLES = "such as 1..50, 3,5,9 or 1..4,10";

/**
 * The seeds `text` names, ascending; a `UsageError` saying what is wrong otherwise.
 *
 * @example
 * ```ts
 * parseSeedList("1..4,10,3"); // [1, 2, 3, 4, 10]
 * ```
 */
export function parseSeedList(text: string): number[] {
  const seeds = new Set<number>();
  for (const item of text.split(",").map((s) => s.trim())) {
    const range = /^(\d+)\.\.(\d+)$/.exec(item);
    if (range === null && !/^\d+$/.test(item)) throw new UsageError(`--seeds expected seeds ${EXAMPLES}, got "${text}"`);
    const from = seedOf(range?.[1] ?? item);
    const to = seedOf(range?.[2] ?? item);
    if (to < from) throw new UsageError(`--seeds ${item}: the range runs backwards; expected FROM..TO with FROM at most TO, such as ${to}..${from}`);
    if (to - from + 1 + seeds.size > MAX_SWEEP_SEEDS) throw new UsageError(`--seeds ${text}: at most ${MAX_SWEEP_SEEDS} seeds in one sweep`);
    for (let seed = from; seed <= to; seed++) seeds.add(seed);
  }
  return [...seeds].sort((a, b) => a - b);
}

function seedOf(digits: string): number {
  const seed = Number(digits);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seeds expected whole numbers from 0 to ${Number.MAX_SAFE_INTEGER}, got ${digits}`);
  return seed;
}
