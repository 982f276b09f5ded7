/**
 * A seed sweep: the same scenario once per seed, on a pool of worker threads,
 * each run as deterministic as `swarmsim run FILE --seed N`. Rows come back
 * in completion order and are returned in seed order.
 */

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { Override } from "../scenario/overrides.js";
import type { Duration } from "../sim/index.js";
import { type SweepRow, errorRow } from "./sweep-row.js";

/** What every worker of a sweep is given once (plain data: it crosses to the thread). */
export interface SweepJob {
  /** The scenario's path, for messages and reports. */
  readonly file: string;
  /** The file's text as read once by the main thread, so that every seed runs the same scenario. */
  readonly text: string;
  readonly overrides: readonly Override[];
  readonly until?: Duration;
  readonly keyCacheDir?: string;
}

/** A sweep to run. */
export interface SweepOptions extends SweepJob {
  /** Distinct seeds, in the order rows are returned. */
  readonly seeds: readonly number[];
  /** Worker threads; default `min(seeds, os.availableParallelism())`. */
  readonly jobs?: number;
  /** Called as each seed finishes (in completion order), for progress. */
  readonly onRow?: (row: SweepRow, finished: number) => void;
}

/** The pool size for `seeds` seeds when `--jobs` is not given. */
export function defaultJobs(seeds: number): number {
  return Math.max(1, Math.min(seeds, availableParallelism()));
}

// The worker is the compiled sibling of this module (dist/cli/sweep-worker.js).
const WORKER_URL = new URL("./sweep-worker.js", import.meta.url);

/** Runs every seed; resolves to one row per seed, in the order of `options.seeds`. */
export function runSweep(options: SweepOptions): Promise<SweepRow[]> {
  const { seeds, onRow } = options;
  const job: SweepJob = {
    file: options.file,
    text: options.text,
    overrides: options.overrides,
    ...(options.until === undefined ? {} : { until: options.until }),
    ...(options.keyCacheDir === undefined ? {} : { keyCacheDir: options.keyCacheDir }),
  };
  const rows = new Map<number, SweepRow>();
  let next = 0;
  return new Promise((resolve) => {
    if (seeds.length === 0) return resolve([]);
    const finish = (row: SweepRow) => {
      rows.set(row.seed, row);
      onRow?.(row, rows.size);
      if (rows.size === seeds.length) resolve(seeds.map((s) => rows.get(s)!));
    };
    /** A worker that takes seeds until none are left; if it dies, its seed is an error row and another worker carries on. */
    const startWorker = () => {
      const worker = new Worker(WORKER_URL, { workerData: job });
      let current: number | undefined;
      const feed = () => {
        current = next < seeds.length ? seeds[next++] : undefined;
        worker.postMessage(current ?? null);
      };
      worker.on("message", (row: SweepRow) => {
        current = undefined;
        finish(row);
        feed();
      });
      const lost = (why: unknown) => {
        if (current === undefined) return;
        const seed = current;
        current = undefined;
        finish(errorRow(seed, why));
      };
      worker.on("error", lost);
      worker.on("exit", (code) => {
        lost(new Error(`the worker thread exited with code ${code} during the run`));
        if (next < seeds.length) startWorker();
      });
      feed();
    };
    const jobs = Math.min(seeds.length, options.jobs ?? defaultJobs(seeds.length));
    for (let i = 0; i < jobs; i++) startWorker();
  });
}
