/**
 * One simulation's kernel: the scheduler (and so the clock), the root random
 * stream, the trace and the observer bus, all from one seed.
 */

import { Bus } from "./bus.js";
import { Rng } from "./rng.js";
import { Scheduler } from "./scheduler.js";
import type { Instant } from "./time.js";
import { Trace } from "./trace.js";

/** How to build a simulation. */
export interface SimulationOptions {
  /** The master seed: every random stream forks from it. */
  readonly seed: number;
}

/** The kernel every layer is handed: time, randomness, trace, bus. */
export class Simulation {
  readonly seed: number;
  readonly scheduler = new Scheduler();
  readonly rng: Rng;
  readonly bus = new Bus();
  readonly trace: Trace;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.rng = Rng.root(options.seed);
    this.trace = new Trace(() => this.scheduler.now, this.bus);
  }

  /** The current simulated time. */
  get now(): Instant {
    return this.scheduler.now;
  }
}
