/**
 * Checks a command step's output against its expectation.
 */

import type { CommandOutput } from "../swarm/index.js";
import type { Expectation } from "./types.js";

/** One checked expectation: what was expected and what was seen. */
export interface CheckResult {
  readonly ok: boolean;
  /** What was checked, e.g. `exit code 0`, `stdout contains "Welcome to nginx!"`. */
  readonly what: string;
  readonly expected: string;
  readonly seen: string;
}

const excerpt = (text: string) => (text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text);

/** Every check of `expect` against `output`, passed or not. */
export function checkOutput(expect: Expectation, output: CommandOutput): CheckResult[] {
  const results: CheckResult[] = [
    {
      ok: output.exitCode === expect.exitCode,
      what: `exit code ${expect.exitCode}`,
      expected: String(expect.exitCode),
      seen: `${output.exitCode}${output.stderr === "" ? "" : ` (stderr: ${excerpt(output.stderr.trimEnd())})`}`,
    },
  ];
  for (const s of expect.stdoutContains) {
    results.push({ ok: output.stdout.includes(s), what: `stdout contains ${JSON.stringify(s)}`, expected: s, seen: excerpt(output.stdout) });
  }
  for (const re of expect.stdoutMatches) {
    results.push({ ok: re.test(output.stdout), what: `stdout matches /${re.source}/`, expected: `/${re.source}/`, seen: excerpt(output.stdout) });
  }
  for (const s of expect.stdoutExcludes) {
    results.push({ ok: !output.stdout.includes(s), what: `stdout excludes ${JSON.stringify(s)}`, expected: `no ${JSON.stringify(s)}`, seen: excerpt(output.stdout) });
  }
  for (const s of expect.stderrContains) {
    results.push({ ok: output.stderr.includes(s), what: `stderr contains ${JSON.stringify(s)}`, expected: s, seen: excerpt(output.stderr) });
  }
  return results;
}
