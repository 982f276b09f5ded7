/**
 * Text for people: each step as a terminal would show it, failed expectations
 * with what was expected, what was seen and how to reproduce, and a summary.
 */

import { formatInstant } from "../sim/index.js";
import type { RunReport, StepReport } from "./runner.js";

/** How to run the same thing again. */
export function reproduceCommand(report: RunReport): string {
  return `swarmsim run ${report.file} --seed ${report.seed}`;
}

/** One step: a prompt line, what the command printed, and any failed checks. */
export function formatStep(step: StepReport, report: RunReport): string {
  const lines: string[] = [];
  const when = `[${formatInstant(step.at)}]`;
  // A command has a prompt; other steps (wait, fault, show, check) are said as they are written.
  lines.push(step.kind === "docker" ? `${when} ${step.node}$ ${step.text}` : `${when} ${step.text}`);
  const out = step.output;
  if (out !== undefined) {
    if (out.stdout !== "") lines.push(out.stdout.trimEnd());
    if (out.stderr !== "") lines.push(out.stderr.trimEnd());
  }
  for (const c of step.checks.filter((c) => !c.ok)) {
    lines.push(`  FAILED ${c.what} (${step.index < 0 ? "bootstrap" : `${report.file}:${step.line}`})`);
    lines.push(`    expected: ${c.expected}`);
    lines.push(`    seen:     ${c.seen.replaceAll("\n", "\n              ")}`);
    lines.push(`    seed ${report.seed}; reproduce with: ${reproduceCommand(report)}`);
  }
  return `${lines.join("\n")}\n\n`;
}

/** The closing summary. */
export function formatSummary(report: RunReport): string {
  const checks = report.steps.reduce((n, s) => n + s.checks.length, 0);
  const verdict = report.ok ? "OK" : "FAILED";
  const bootstrap = report.steps.filter((s) => s.index < 0).length;
  const lines = [
    `${verdict}: scenario "${report.scenario}" (seed ${report.seed})`,
    `  steps:        ${report.steps.filter((s) => s.index >= 0).length} run${report.skipped > 0 ? `, ${report.skipped} not reached before --until` : ""}${bootstrap > 0 ? ` (after ${bootstrap} bootstrap commands)` : ""}`,
    `  expectations: ${checks - report.failures} passed, ${report.failures} failed`,
    `  simulated:    ${formatInstant(report.simulatedTime)}`,
    `  events:       ${report.events}`,
    `  trace:        ${report.traceRecords} records`,
    `  fingerprint:  ${report.fingerprint}`,
  ];
  if (!report.ok) lines.push(`  reproduce:    ${reproduceCommand(report)}`);
  return `${lines.join("\n")}\n`;
}

/** The whole report as printed by `swarmsim run`. */
export function formatReport(report: RunReport, quiet = false): string {
  const steps = quiet
    ? report.steps.filter((s) => s.checks.some((c) => !c.ok)).map((s) => formatStep(s, report))
    : report.steps.map((s) => formatStep(s, report));
  return `${steps.join("")}${formatSummary(report)}`;
}
