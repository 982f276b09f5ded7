/**
 * The classic hold model: N processes, each event reschedules its own process
 * after an exponentially distributed delay. The heap stays at N entries, so
 * the cost per event is one pop and one push at that size.
 *
 * Every implementation (the scheduler, the bare heap, SimPy) reads its delays
 * from the same table, one entry per event in the order the events run, so
 * all three run exactly the same schedule and must end at the same simulated
 * time after the same number of events. The table is drawn once, before any
 * timing, so the figures measure the event queue and not the random stream.
 */

import { performance } from "node:perf_hooks";
import { BareHeap } from "./bare-heap.js";
import { type Duration, type Instant, Rng, Scheduler } from "../src/sim/index.js";

/** Mean hold time in microseconds. */
export const holdMeanUs = 1000;
/** Entries in the delay table; a power of two so an index wraps with a mask. */
export const delayTableSize = 1 << 20;

/** What one timed run measured. */
export interface HoldRun {
  /** Seconds spent in the timed events. */
  readonly seconds: number;
  /** Events in the timed part. */
  readonly events: number;
  /** Simulated time (µs) after the warm-up and timed events: a check that every implementation ran the same schedule. */
  readonly now: number;
}

/** How much to run: processes, untimed warm-up events, timed events. */
export interface HoldPlan {
  readonly processes: number;
  readonly warmEvents: number;
  readonly events: number;
}

/** The delays every implementation replays: integer µs, exponential with mean `holdMeanUs`. */
export function delayTable(seed: number): Int32Array {
  const stream = Rng.root(seed).fork("bench").fork("hold");
  const table = new Int32Array(delayTableSize);
  for (let i = 0; i < table.length; i++) table[i] = stream.exponential(holdMeanUs);
  return table;
}

/** The hold model on the project's Scheduler: `after` from inside each handler. */
export function holdOnScheduler(plan: HoldPlan, delays: Int32Array): HoldRun {
  const scheduler = new Scheduler();
  const mask = delays.length - 1;
  let next = 0;
  const hold = (process: number): void => {
    scheduler.after(delays[next++ & mask]! as Duration, "hold", hold, process);
  };
  for (let p = 0; p < plan.processes; p++) scheduler.at(delays[next++ & mask]! as Instant, "hold", hold, p);
  scheduler.run({ maxEvents: plan.warmEvents });
  const start = performance.now();
  const result = scheduler.run({ maxEvents: plan.events });
  const seconds = (performance.now() - start) / 1000;
  return { seconds, events: result.events, now: scheduler.now };
}

/** The hold model on the bare heap: pop, advance the clock, push; nothing else. */
export function holdOnBareHeap(plan: HoldPlan, delays: Int32Array): HoldRun {
  const heap = new BareHeap(plan.processes);
  const mask = delays.length - 1;
  let next = 0;
  let now = 0;
  for (let p = 0; p < plan.processes; p++) heap.push(delays[next++ & mask]!, p);
  const runEvents = (count: number): void => {
    for (let e = 0; e < count; e++) {
      now = heap.topTime();
      const process = heap.popTop();
      heap.push(now + delays[next++ & mask]!, process);
    }
  };
  runEvents(plan.warmEvents);
  const start = performance.now();
  runEvents(plan.events);
  const seconds = (performance.now() - start) / 1000;
  return { seconds, events: plan.events, now };
}
