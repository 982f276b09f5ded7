/**
 * A worker thread of a sweep: parses the scenario once, then runs each seed
 * the main thread posts and posts back its row; `null` means no more seeds.
 * Runs are synchronous and share nothing, so a thread is a whole simulator.
 */

import { parentPort, workerData } from "node:worker_threads";
import { fileKeyCache } from "../pki/index.js";
import { parseScenario } from "../scenario/index.js";
import { errorRow, runSeed } from "./sweep-row.js";
import type { SweepJob } from "./sweep.js";

const port = parentPort;
if (port === null) throw new Error("sweep-worker.js runs as a worker thread of a sweep");
const job = workerData as SweepJob;
// The main thread validated the same text with the same overrides, so this parse succeeds.
const parsed = parseScenario(job.text, job.file, { overrides: job.overrides });
const keyCache = job.keyCacheDir === undefined ? undefined : fileKeyCache(job.keyCacheDir);

port.on("message", (seed: number | null) => {
  if (seed === null) {
    port.close();
    return;
  }
  if (!parsed.ok) {
    port.postMessage(errorRow(seed, new Error(`the scenario did not load in the worker: ${parsed.problems[0]?.message ?? "?"}`)));
    return;
  }
  port.postMessage(
    runSeed(parsed.scenario, seed, {
      ...(job.until === undefined ? {} : { until: job.until }),
      ...(keyCache === undefined ? {} : { keyCache }),
    }),
  );
});
