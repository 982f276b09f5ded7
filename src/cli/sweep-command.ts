/**
 * `swarmsim run SCENARIO --seeds LIST`: the flags of a sweep, checked, and the
 * sweep run and printed. Exit status 0 when every seed passed, 1 otherwise.
 */

import type { Override } from "../scenario/overrides.js";
import type { Duration } from "../sim/index.js";
import { type ParsedArgs, UsageError } from "./args.js";
import type { ScenarioInput } from "./scenario-input.js";
import { parseSeedList } from "./seed-list.js";
import { defaultJobs, runSweep } from "./sweep.js";
import { SweepProgress } from "./sweep-progress.js";
import { formatSweep, sweepJson } from "./sweep-table.js";

/** More threads than this would only contend for the same cores and memory. */
export const MAX_JOBS = 256;
const REDRAW_EVERY_MS = 500;
/** Flags that write one run's files: a sweep has many runs, so it refuses them and names the way to get them. */
const SINGLE_RUN_FLAGS = ["--trace", "--pcap", "--keys"] as const;

/** The seeds and pool size of a sweep, or undefined for a single run; a `UsageError` for flags that do not go together. */
export function sweepFlags(args: ParsedArgs): { seeds: number[]; jobs?: number } | undefined {
  const seedsText = args.flags.get("--seeds");
  const jobsText = args.flags.get("--jobs");
  if (typeof seedsText !== "string") {
    if (jobsText !== undefined) throw new UsageError("--jobs sets the worker threads of a sweep: use it with --seeds");
    return undefined;
  }
  if (args.flags.has("--seed")) throw new UsageError("--seed and --seeds do not go together: --seeds runs every seed it names");
  for (const flag of SINGLE_RUN_FLAGS) {
    if (args.flags.has(flag)) {
      throw new UsageError(`${flag} writes the files of one run and does not go with --seeds; run the seed you want alone: swarmsim run SCENARIO --seed N ${flag} ...`);
    }
  }
  const seeds = parseSeedList(seedsText);
  if (typeof jobsText !== "string") return { seeds };
  const jobs = Number(jobsText);
  if (!/^\d+$/.test(jobsText) || jobs < 1 || jobs > MAX_JOBS) throw new UsageError(`--jobs expected a whole number from 1 to ${MAX_JOBS}, got "${jobsText}"`);
  return { seeds, jobs };
}

/** A sweep to run and print. */
export interface SweepRequest {
  readonly file: string;
  readonly input: ScenarioInput;
  readonly overrides: readonly Override[];
  readonly seeds: readonly number[];
  readonly jobs?: number;
  readonly until?: Duration;
  /** `--until` as typed, for the reproduce commands. */
  readonly untilText?: string;
  readonly keyCacheDir?: string;
  readonly json: boolean;
  readonly quiet: boolean;
}

/** Runs the sweep, prints its table (or JSON) on stdout, and resolves to the exit status. */
export async function sweepCommand(request: SweepRequest): Promise<number> {
  const { seeds } = request;
  const jobs = Math.min(seeds.length, request.jobs ?? defaultJobs(seeds.length));
  const progress = new SweepProgress(process.stderr, seeds.length, jobs);
  // The main thread only waits while workers run, so a timer can move the elapsed time.
  const redraw = setInterval(() => progress.draw(), REDRAW_EVERY_MS);
  redraw.unref();
  const rows = await runSweep({
    file: request.file,
    text: request.input.text,
    overrides: request.overrides,
    seeds,
    jobs,
    ...(request.until === undefined ? {} : { until: request.until }),
    ...(request.keyCacheDir === undefined ? {} : { keyCacheDir: request.keyCacheDir }),
    onRow: (row) => progress.seedDone(row.result === "ok"),
  });
  clearInterval(redraw);
  progress.done();
  const context = { file: request.file, overrides: request.overrides, ...(request.untilText === undefined ? {} : { until: request.untilText }) };
  process.stdout.write(request.json ? sweepJson(rows, context) : formatSweep(rows, context, request.quiet));
  return rows.every((r) => r.result === "ok") ? 0 : 1;
}
