/**
 * The observer bus: eventemitter3, typed by `BusEvents`.
 *
 * Observers (the CLI's progress line, the shell, tests) subscribe here. Listening
 * never changes a run: the bus is told what happened after it happened, and no
 * simulation code reads anything back from it.
 */

import { EventEmitter } from "eventemitter3";
import type { TraceRecord } from "./trace.js";

/**
 * Events on the bus. Later layers add their own by declaration merging:
 * `declare module "../sim/bus.js" { interface BusEvents { ... } }`.
 */
export interface BusEvents {
  /** A trace record was written. */
  trace: [record: TraceRecord];
}

/** The typed observer bus of one simulation. */
export class Bus extends EventEmitter<BusEvents> {}
