/**
 * Runs Debian's tshark on a capture. tshark is required (CI installs it): a
 * missing tshark fails the test with how to install it, never skips it.
 */
import { spawnSync } from "node:child_process";

/** tshark's standard output for `args`; throws with tshark's stderr if it fails. */
export function tshark(args: readonly string[]): string {
  const result = spawnSync("tshark", args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) {
    throw new Error(`tshark could not run (${result.error.message}): install Wireshark's tshark (Debian: apt-get install tshark)`);
  }
  if (result.status !== 0) throw new Error(`tshark ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}
