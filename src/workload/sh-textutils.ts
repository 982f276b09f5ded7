/**
 * The BusyBox text applets scripts pipe curl into: grep, head and `wc -l`/`-c`/`-w`
 * (busybox findutils/grep.c, coreutils/head.c, coreutils/wc.c). They read
 * stdin; there are no files to open.
 */

import type { Program, ShellIo } from "./sh-program.js";

/** Splits text into lines, without a trailing empty one. */
function linesOf(text: string): string[] {
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** busybox's message for a file operand: the model has no files. */
function noFile(applet: string, file: string, io: ShellIo): void {
  io.stderr(`${applet}: ${file}: No such file or directory\n`);
}

/**
 * `grep [-qivcoFE] PATTERN`: lines of stdin matching PATTERN (a POSIX regular
 * expression, read as a JavaScript one: the same for the common patterns).
 * Exit 0 if a line matched, 1 if none, 2 on an error.
 */
export const grepProgram: Program = (args, io, _system, done) => {
  const flags = new Set<string>();
  const operands: string[] = [];
  for (const arg of args) {
    if (/^-[qivcoFEsw]+$/.test(arg)) for (const f of arg.slice(1)) flags.add(f);
    else operands.push(arg);
  }
  const [pattern, ...files] = operands;
  if (pattern === undefined) {
    io.stderr("Usage: grep [-HhnlLoqvsriwFE] [-m N] [-A/B/C N] PATTERN/-e PATTERN.../-f FILE [FILE]...\n");
    return done(2);
  }
  if (files.length > 0) {
    for (const file of files) noFile("grep", file, io);
    return done(2);
  }
  let regex: RegExp;
  try {
    const source = flags.has("F") ? escapeRegExp(pattern) : pattern;
    regex = new RegExp(flags.has("w") ? `\\b(?:${source})\\b` : source, flags.has("i") ? "gi" : "g");
  } catch {
    io.stderr(`grep: bad regex '${pattern}'\n`);
    return done(2);
  }
  const matching = linesOf(io.stdin).filter((line) => {
    regex.lastIndex = 0;
    return regex.test(line) !== flags.has("v");
  });
  if (!flags.has("q")) {
    if (flags.has("c")) io.stdout(`${matching.length}\n`);
    else if (flags.has("o") && !flags.has("v")) for (const line of matching) for (const m of line.matchAll(regex)) io.stdout(`${m[0]}\n`);
    else for (const line of matching) io.stdout(`${line}\n`);
  }
  done(matching.length > 0 ? 0 : 1);
};

/** `head [-n N | -N]`: the first N lines of stdin (10 by default). */
export const headProgram: Program = (args, io, _system, done) => {
  let count = 10;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = arg === "-n" ? args[++i] : /^-n?\d+$/.test(arg) ? arg.replace(/^-n?/, "") : undefined;
    if (value === undefined || !/^\d+$/.test(value)) {
      if (arg.startsWith("-")) {
        io.stderr(`head: invalid number '${value ?? arg}'\n`);
        return done(1);
      }
      noFile("head", arg, io);
      return done(1);
    }
    count = Number(value);
  }
  for (const line of linesOf(io.stdin).slice(0, count)) io.stdout(`${line}\n`);
  done(0);
};

/** `wc -l`, `wc -w` or `wc -c` on stdin: the one count, bare, as busybox prints a single count for stdin. */
export const wcProgram: Program = (args, io, _system, done) => {
  const option = args[0] ?? "-l";
  const counts: Readonly<Record<string, () => number>> = {
    "-l": () => (io.stdin.match(/\n/g) ?? []).length,
    "-w": () => io.stdin.split(/\s+/).filter((w) => w !== "").length,
    "-c": () => new TextEncoder().encode(io.stdin).length,
  };
  const count = counts[option];
  if (count === undefined || args.length > 1) {
    io.stderr("wc: only -l, -w or -c on stdin is modelled\n");
    return done(1);
  }
  io.stdout(`${count()}\n`);
  done(0);
};
