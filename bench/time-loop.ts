/** Timing a short operation: how many times a second it runs. */

import { performance } from "node:perf_hooks";

/** Runs `body` in batches of 200 until `seconds` pass; returns operations per second. */
export function timeLoop(seconds: number, body: () => void): number {
  let ops = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 200; i++) body();
    ops += 200;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}
