/** The kernel: simulated time, the scheduler, seeded random streams, the trace and the bus. */
export {
  type Instant,
  type Duration,
  type ParseResult,
  EPOCH,
  instant,
  duration,
  us,
  ms,
  seconds,
  minutes,
  hours,
  days,
  addDuration,
  between,
  tryParseDuration,
  parseDuration,
  formatDuration,
  formatInstant,
} from "./time.js";
export {
  type EventHandler,
  type EventHandle,
  type EventInfo,
  type RunOptions,
  type RunResult,
  type RunStop,
  Scheduler,
} from "./scheduler.js";
export { type RngState, Rng, checkSeed } from "./rng.js";
export { type TraceValue, canonicalJson, toHex } from "./canonical.js";
export { type TraceKinds, type TraceRecord, type TraceSink, MemorySink, JsonlSink, Trace } from "./trace.js";
export { type BusEvents, Bus } from "./bus.js";
export { type SimulationOptions, Simulation } from "./simulation.js";
export { CALENDAR_EPOCH_UNIX_MS, unixMillisAt, unixSecondsAt, dateAt, instantOfDate } from "./calendar.js";
