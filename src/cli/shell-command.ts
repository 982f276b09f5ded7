/**
 * `swarmsim shell [SCENARIO] [--seed N]`: the students' prompt (to be built).
 */

import { UsageError } from "./args.js";

/** Runs the shell; resolves to the exit status. */
export async function shellCommand(argv: readonly string[]): Promise<number> {
  void argv;
  throw new UsageError("swarmsim shell is not built yet");
}
