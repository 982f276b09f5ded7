/** A small world for fabric tests: a simulation with a memory trace and a fabric. */
import { Fabric, type FabricOptions } from "../../src/net/index.js";
import { MemorySink, Simulation, type TraceRecord } from "../../src/sim/index.js";

export function world(seed = 1, options: FabricOptions = {}) {
  const sim = new Simulation({ seed });
  const trace = new MemorySink();
  sim.trace.addSink(trace);
  const fabric = new Fabric(sim, options);
  return { sim, trace, fabric };
}

/** Bytes from numbers. */
export const bytes = (...values: number[]) => new Uint8Array(values);
/** The drop records of a trace. */
export const drops = (records: readonly TraceRecord[]) => records.filter((r) => r.kind === "net.drop");
