/**
 * A timeline step as the shell and `swarmsim step` print it: the way
 * `swarmsim run` does, a prompt line (or the step as written) at its
 * instant, what the command printed, and any check that failed.
 */

import type { StepReport } from "../scenario/index.js";
import { formatInstant } from "../sim/index.js";

/**
 * One step's text, ending in a blank line.
 *
 * @example
 * ```ts
 * stepText(report); // "[+00:00:00.146125] manager-1$ docker node ls\nID ...\n\n"
 * ```
 */
export function stepText(step: StepReport): string {
  const lines = [step.kind === "docker" ? `[${formatInstant(step.at)}] ${step.node}$ ${step.text}` : `[${formatInstant(step.at)}] ${step.text}`];
  const out = step.output;
  if (out !== undefined && out.stdout !== "") lines.push(out.stdout.trimEnd());
  if (out !== undefined && out.stderr !== "") lines.push(out.stderr.trimEnd());
  for (const c of step.checks.filter((c) => !c.ok)) lines.push(`  FAILED ${c.what}: expected ${c.expected}, seen ${c.seen.split("\n")[0]}`);
  return `${lines.join("\n")}\n\n`;
}
