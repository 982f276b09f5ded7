/**
 * The builtins the modelled shells run themselves: `:`, true, false, exit,
 * echo, test and `[`, break, continue, export, unset, wait. (sleep, hostname and the rest
 * are applets on PATH: see the image's program table.)
 */

import type { Shell } from "./sh-interpreter.js";
import type { ShellIo } from "./sh-program.js";
import { evaluateTest } from "./sh-test.js";

type Done = (status: number) => void;

const ESCAPES: Readonly<Record<string, string>> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/** Backslash escapes as echo interprets them; `\c` ends the output (no newline either). */
function interpretEscapes(text: string): { text: string; stop: boolean } {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "\\" || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const next = text[i + 1]!;
    if (next === "c") return { text: out, stop: true };
    if (next === "0") {
      const digits = /^[0-7]{0,3}/.exec(text.slice(i + 2))![0];
      out += String.fromCharCode(parseInt(digits || "0", 8) & 0xff);
      i += 1 + digits.length;
    } else if (ESCAPES[next] !== undefined) {
      out += ESCAPES[next];
      i++;
    } else out += c;
  }
  return { text: out, stop: false };
}

/**
 * echo: BusyBox's takes -n, -e and -E (escapes only with -e); dash's takes
 * only -n and always interprets escapes (XSI).
 */
function echo(shell: Shell, args: readonly string[], io: ShellIo): number {
  const ash = shell.options.flavor.name === "ash";
  let newline = true;
  let escapes = !ash;
  let first = 0;
  for (; first < args.length; first++) {
    const flags = /^-([neE]+)$/.exec(args[first]!)?.[1];
    if (flags === undefined || (!ash && flags !== "n")) break;
    for (const f of flags) {
      if (f === "n") newline = false;
      else escapes = f === "e";
    }
  }
  let text = args.slice(first).join(" ");
  if (escapes) {
    const interpreted = interpretEscapes(text);
    text = interpreted.text;
    if (interpreted.stop) newline = false;
  }
  io.stdout(newline ? `${text}\n` : text);
  return 0;
}

/** `exit [n]`: ends the shell with n (default: the last status). */
function exit(shell: Shell, args: readonly string[], io: ShellIo): void {
  const arg = args[0];
  if (arg === undefined) return shell.exit(shell.lastStatus);
  if (!/^\d+$/.test(arg)) {
    io.stderr(`${shell.options.flavor.illegalNumber("exit", arg)}\n`);
    return shell.exit(2);
  }
  shell.exit(Number(arg) & 0xff);
}

/** `break [n]` / `continue [n]`: unwinds to the n-th enclosing loop (outside a loop: nothing). */
function jump(shell: Shell, kind: "break" | "continue", args: readonly string[], io: ShellIo): number {
  const levels = args[0] === undefined ? 1 : Number(args[0]);
  if (!Number.isInteger(levels) || levels < 1) {
    io.stderr(`${shell.options.flavor.illegalNumber(kind, args[0]!)}\n`);
    return 2;
  }
  if (shell.loopDepth > 0) shell.jump = { kind, levels: Math.min(levels, shell.loopDepth) };
  return 0;
}

/** Runs `name` if it is a builtin; false if it is not (the caller looks on PATH). */
export function runBuiltin(shell: Shell, name: string, args: readonly string[], io: ShellIo, done: Done): boolean {
  switch (name) {
    case ":":
    case "true":
    case "wait":
      done(0);
      return true;
    case "false":
      done(1);
      return true;
    case "echo":
      done(echo(shell, args, io));
      return true;
    case "exit":
      exit(shell, args, io);
      return true;
    case "test":
    case "[": {
      const result = evaluateTest(name, args);
      if (result.error !== undefined) io.stderr(`${result.error}\n`);
      done(result.status);
      return true;
    }
    case "break":
    case "continue":
      done(jump(shell, name, args, io));
      return true;
    case "export":
      for (const arg of args) {
        const eq = arg.indexOf("=");
        if (eq > 0) shell.variables.set(arg.slice(0, eq), arg.slice(eq + 1));
      }
      done(0);
      return true;
    case "unset":
      for (const arg of args) shell.variables.delete(arg);
      done(0);
      return true;
    default:
      return false;
  }
}
