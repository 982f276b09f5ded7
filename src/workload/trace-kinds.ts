/**
 * The workload layer's trace records, added to the kernel's `TraceKinds` by
 * declaration merging. Only lifecycle is traced; what containers print is in
 * their logs, and their packets are the overlay's.
 */

/** The workload layer's trace kinds and their fields. */
export interface WorkloadTraceKinds {
  /** A container's main process started: its ID, image, and command line (words joined by spaces). */
  "workload.container.start": { id: string; image: string; command: string };
  /** A container's main process exited. */
  "workload.container.exit": { id: string; exitCode: number };
}

declare module "../sim/trace.js" {
  interface TraceKinds extends WorkloadTraceKinds {}
}
