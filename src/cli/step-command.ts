/**
 * `swarmsim step SCENARIO [--break KIND]`: runs a scenario and pauses at every rotation (to be built).
 */

import { UsageError } from "./args.js";

/** Runs the stepper; resolves to the exit status. */
export async function stepCommand(argv: readonly string[]): Promise<number> {
  void argv;
  throw new UsageError("swarmsim step is not built yet");
}
