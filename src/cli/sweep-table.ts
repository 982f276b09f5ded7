/**
 * A sweep's report for people: one row per seed, a summary line, and for every
 * seed that did not pass the command that runs it alone; or the rows as JSON.
 */

import { type Override, overrideText } from "../scenario/overrides.js";
import { formatInstant } from "../sim/index.js";
import type { SweepRow } from "./sweep-row.js";

/** What a reproduce command needs besides the seed: the file and every flag that changes the run. */
export interface ReproduceContext {
  readonly file: string;
  readonly overrides: readonly Override[];
  /** `--until` as typed, if given. */
  readonly until?: string;
}

const HEADERS = ["SEED", "RESULT", "FAILURES", "SIMULATED", "EVENTS", "FINGERPRINT", "FIRST FAILURE"];
// Twelve hex digits tell runs apart at a glance; the whole fingerprint is in --json and in `swarmsim run --seed N`.
const SHORT_FINGERPRINT = 12;
const FIRST_FAILURE_WIDTH = 60;
const RESULT_WORD = { ok: "ok", failed: "FAILED", error: "ERROR" } as const;

/** Words a POSIX shell reads as one word, unchanged, without quotes. */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** `word` quoted for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return PLAIN_WORD.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The command that runs one seed alone, with the same overrides and `--until`. */
export function reproduceSeed(seed: number, context: ReproduceContext): string {
  const words = ["swarmsim", "run", shellQuote(context.file), "--seed", String(seed)];
  if (context.until !== undefined) words.push("--until", shellQuote(context.until));
  for (const o of context.overrides) words.push("--set", shellQuote(overrideText(o)));
  return words.join(" ");
}

/** The table, the summary and the reproduce commands; with `quiet`, only the rows that did not pass. */
export function formatSweep(rows: readonly SweepRow[], context: ReproduceContext, quiet = false): string {
  const shown = quiet ? rows.filter((r) => r.result !== "ok") : rows;
  const table = shown.length === 0 ? "" : alignColumns([HEADERS, ...shown.map(cellsOf)]);
  const bad = rows.filter((r) => r.result !== "ok");
  const reproduce = bad.length === 0 ? "" : `reproduce:\n${bad.map((r) => `  ${reproduceSeed(r.seed, context)}\n`).join("")}`;
  return `${table}${table === "" ? "" : "\n"}${summaryLine(rows)}\n${reproduce}`;
}

/** `42 of 50 seeds ok; failed: 3, 17; error: 21`. */
export function summaryLine(rows: readonly SweepRow[]): string {
  const seedsWith = (result: SweepRow["result"]) => rows.filter((r) => r.result === result).map((r) => r.seed);
  const failed = seedsWith("failed");
  const errors = seedsWith("error");
  const ok = rows.length - failed.length - errors.length;
  return [
    `${ok} of ${rows.length} seed${rows.length === 1 ? "" : "s"} ok`,
    ...(failed.length === 0 ? [] : [`failed: ${failed.join(", ")}`]),
    ...(errors.length === 0 ? [] : [`error: ${errors.join(", ")}`]),
  ].join("; ");
}

/** The rows as JSON, each not-ok row with its reproduce command. */
export function sweepJson(rows: readonly SweepRow[], context: ReproduceContext): string {
  const withCommands = rows.map((r) => (r.result === "ok" ? r : { ...r, reproduce: reproduceSeed(r.seed, context) }));
  return `${JSON.stringify(withCommands, null, 2)}\n`;
}

function cellsOf(row: SweepRow): string[] {
  const ran = row.result !== "error";
  return [
    String(row.seed),
    RESULT_WORD[row.result],
    ran ? String(row.failures) : "-",
    ran ? formatInstant(row.simulatedTime) : "-",
    ran ? String(row.events) : "-",
    ran ? row.fingerprint.slice(0, SHORT_FINGERPRINT) : "-",
    shorten(firstFailureText(row), FIRST_FAILURE_WIDTH),
  ];
}

function firstFailureText(row: SweepRow): string {
  if (row.error !== undefined) return row.error;
  const f = row.firstFailure;
  if (f === undefined) return "";
  return `${f.line === 0 ? "bootstrap" : `line ${f.line}`}: ${f.step}`;
}

function shorten(text: string, width: number): string {
  const oneLine = text.replaceAll(/\s+/g, " ");
  return oneLine.length <= width ? oneLine : `${oneLine.slice(0, width - 1)}…`;
}

/** Columns padded to their widest cell plus two spaces; the last is not padded. */
function alignColumns(lines: readonly (readonly string[])[]): string {
  const widths = lines[0]!.map((_, col) => Math.max(...lines.map((cells) => cells[col]!.length)));
  return lines.map((cells) => `${cells.map((c, col) => (col === cells.length - 1 ? c : c.padEnd(widths[col]! + 2))).join("").trimEnd()}\n`).join("");
}
