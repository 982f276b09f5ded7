/**
 * Runs the built `swarmsim` command in a child process, as a user would.
 * `npm test` builds first; run `npm run build` before running these tests alone.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

export const repoRoot = join(import.meta.dirname, "..", "..");
const main = join(repoRoot, "dist", "cli", "main.js");

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `swarmsim ...args` from the repository root. */
export function swarmsim(...args: string[]): CliResult {
  if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does)`);
  const r = spawnSync(process.execPath, [main, ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
