/**
 * Runs parsed scripts. Commands take simulated time (sleep, curl), so the
 * interpreter is written in continuation-passing style: each step calls `done`
 * with its status when it finishes, possibly from a later event. Every loop
 * iteration costs a little simulated time, so a loop without a sleep still
 * lets the clock move (and cannot overflow the stack).
 */

import { type Duration, us } from "../sim/index.js";
import { type ExpansionScope, expandWord, expandWords } from "./sh-expand.js";
import type { ShellFlavor } from "./sh-flavor.js";
import type { Word } from "./sh-lexer.js";
import { type Redirect, type ShellNode, parseShell } from "./sh-parser.js";
import { type ProgramSystem, type ProgramTable, type ShellIo, findProgram } from "./sh-program.js";
import { runBuiltin } from "./sh-builtins.js";

/** What one loop iteration costs: about a fork and exec of an applet on a busy host. */
export const shellLoopIterationUs: Duration = us(1_000);

type Done = (status: number) => void;

/** How to build a shell. */
export interface ShellOptions {
  readonly flavor: ShellFlavor;
  readonly programs: ProgramTable;
  readonly system: ProgramSystem;
  /** `$0`, `$1`, ...: `["sh"]` for `sh -c script`. */
  readonly positional: readonly string[];
  /** Variables set at start (HOSTNAME, HOME, PATH). */
  readonly variables: ReadonlyMap<string, string>;
  /** Called once, when the script ends or runs `exit`. */
  readonly onExit: (status: number) => void;
}

/** A `break` or `continue` on its way to its loop. */
interface Jump {
  readonly kind: "break" | "continue";
  levels: number;
}

/** One shell process (a subshell is another instance). */
export class Shell {
  /** `$?`. */
  lastStatus = 0;
  /** A `break`/`continue` unwinding to its loop. */
  jump: Jump | undefined;
  /** Loops being run, innermost last (how far `break N` may go). */
  loopDepth = 0;
  private ended = false;
  /** The status of the last command substitution of the command being expanded (`X=$(false)` has its status). */
  private substitutionStatus: number | undefined;
  readonly variables: Map<string, string>;

  constructor(readonly options: ShellOptions) {
    this.variables = new Map(options.variables);
  }

  /**
   * Parses and runs `source`; a syntax error ends the shell with status 2
   * before anything runs. `done` (default: `exit`) gets the script's status.
   */
  runScript(source: string, io: ShellIo, done: Done = (status) => this.exit(status)): void {
    const parsed = parseShell(source);
    if (!parsed.ok) {
      const error = parsed.error;
      const text = error.kind === "unterminated-quote" ? this.options.flavor.unterminatedQuote() : this.options.flavor.unexpected(error.token, error.expecting);
      io.stderr(`${text}\n`);
      this.exit(2);
      return;
    }
    this.run(parsed.node, io, done);
  }

  /** Ends the shell (the `exit` builtin, or the end of the script). */
  exit(status: number): void {
    if (this.ended) return;
    this.ended = true;
    this.options.onExit(status & 0xff);
  }

  /** True once the shell exited (nothing of it runs any more). */
  get hasEnded(): boolean {
    return this.ended;
  }

  /** A parameter's value: `$?`, `$$` (1: PID 1), `$#`, `$*`, `$0`-`$9`, or a variable; undefined if unset. */
  parameter(name: string): string | undefined {
    const positional = this.options.positional;
    if (name === "?") return String(this.lastStatus);
    if (name === "$") return "1";
    if (name === "#") return String(Math.max(0, positional.length - 1));
    if (name === "*" || name === "@") return positional.slice(1).join(" ");
    if (/^\d+$/.test(name)) return positional[Number(name)];
    return this.variables.get(name);
  }

  /** Expansion as a command sees it: substitutions' errors go to its stderr. */
  private scope(io: ShellIo): ExpansionScope {
    return {
      parameter: (name) => this.parameter(name),
      substitute: (source, done) => {
        let output = "";
        const finished = (status: number): void => {
          this.substitutionStatus = status;
          done(output);
        };
        this.subshell(finished).runScript(source, { stdin: "", stdout: (text) => (output += text), stderr: io.stderr }, finished);
      },
    };
  }

  /** Runs a node; `done` is not called if the shell ends first. */
  run(node: ShellNode, io: ShellIo, done: Done): void {
    if (this.ended) return;
    const finish: Done = (status) => {
      if (this.ended) return;
      this.lastStatus = status;
      done(status);
    };
    switch (node.type) {
      case "list":
        return this.runList(node.items, 0, io, 0, finish);
      case "and-or":
        return this.runAndOr(node, io, finish);
      case "not":
        return this.run(node.node, io, (status) => finish(status === 0 ? 1 : 0));
      case "pipeline":
        return this.runPipeline(node.commands, 0, io.stdin, io, finish);
      case "simple":
        return this.runSimple(node, io, finish);
      case "loop":
        this.loopDepth++;
        return this.runLoop(node, io, 0, (status) => {
          this.loopDepth--;
          finish(status);
        });
      case "if":
        return this.runIf(node.clauses, 0, node.otherwise, io, finish);
      case "for":
        return this.runFor(node, io, finish);
      case "group":
        if (!node.subshell) return this.run(node.body, io, finish);
        return this.subshell(finish).run(node.body, io, finish);
      case "redirected":
        return this.redirect(node.redirects, io, (redirected) => this.run(node.node, redirected, finish));
    }
  }

  private subshell(onExit: Done): Shell {
    const child = new Shell({ ...this.options, variables: this.variables, onExit });
    child.lastStatus = this.lastStatus;
    return child;
  }

  private runList(items: ReadonlyArray<{ node: ShellNode; background: boolean }>, index: number, io: ShellIo, status: number, done: Done): void {
    if (index === items.length || this.jump !== undefined) return done(status);
    const item = items[index]!;
    if (item.background) {
      // `&`: the command runs on its own; the list goes on at once with status 0.
      this.subshell(() => {}).run(item.node, io, () => {});
      return this.runList(items, index + 1, io, 0, done);
    }
    this.run(item.node, io, (next) => this.runList(items, index + 1, io, next, done));
  }

  private runAndOr(node: Extract<ShellNode, { type: "and-or" }>, io: ShellIo, done: Done): void {
    const step = (index: number, status: number): void => {
      if (index === node.rest.length || this.jump !== undefined) return done(status);
      const { op, node: next } = node.rest[index]!;
      if ((op === "&&") === (status === 0)) this.run(next, io, (s) => step(index + 1, s));
      else step(index + 1, status);
    };
    this.run(node.first, io, (status) => step(0, status));
  }

  /** Runs a pipeline's commands one after another, each reading what the previous wrote (the model does not interleave them). */
  private runPipeline(commands: readonly ShellNode[], index: number, stdin: string, io: ShellIo, done: Done): void {
    const last = index === commands.length - 1;
    let captured = "";
    const stageIo: ShellIo = last ? { ...io, stdin } : { stdin, stdout: (text) => (captured += text), stderr: io.stderr };
    const after: Done = (status) => (last ? done(status) : this.runPipeline(commands, index + 1, captured, io, done));
    this.subshell(after).run(commands[index]!, stageIo, after);
  }

  private runSimple(node: Extract<ShellNode, { type: "simple" }>, io: ShellIo, done: Done): void {
    this.substitutionStatus = undefined;
    expandWords(node.words, this.scope(io), (fields) => {
      this.assign(node.assignments, 0, fields.length === 0, io, () => {
        this.redirect(node.redirects, io, (redirected) => {
          if (fields.length === 0) return done(this.substitutionStatus ?? 0);
          this.execute(fields[0]!, fields.slice(1), redirected, done);
        });
      });
    });
  }

  private execute(name: string, args: string[], io: ShellIo, done: Done): void {
    if (runBuiltin(this, name, args, io, done)) return;
    const program = findProgram(this.options.programs, name);
    if (program === undefined) {
      io.stderr(`${this.options.flavor.notFound(name)}\n`);
      return done(127);
    }
    let called = false;
    program(args, io, this.options.system, (status) => {
      if (called) return;
      called = true;
      done(status & 0xff);
    });
  }

  /** `NAME=value` words: kept by the shell when no command follows, otherwise only for that command (the model's programs read no environment). */
  private assign(assignments: ReadonlyArray<readonly [string, Word]>, index: number, persist: boolean, io: ShellIo, done: () => void): void {
    if (index === assignments.length) return done();
    const [name, word] = assignments[index]!;
    expandWord(word, this.scope(io), (value) => {
      if (persist) this.variables.set(name, value);
      this.assign(assignments, index + 1, persist, io, done);
    });
  }

  /**
   * Applies redirections. There is no filesystem: output sent to a file or
   * /dev/null is discarded, input comes empty; `2>&1` and `1>&2` join streams.
   */
  private redirect(redirects: readonly Redirect[], io: ShellIo, done: (io: ShellIo) => void): void {
    const step = (index: number, current: ShellIo): void => {
      if (index === redirects.length) return done(current);
      const r = redirects[index]!;
      expandWord(r.target, this.scope(io), (target) => {
        let next = current;
        const discard = (): void => {};
        if (r.op === "<" || r.op === "<&") next = { ...current, stdin: "" };
        else if (r.op === ">&" && (target === "1" || target === "2")) {
          const to = target === "1" ? current.stdout : current.stderr;
          next = r.fd === 2 ? { ...current, stderr: to } : r.fd === 1 ? { ...current, stdout: to } : current;
        } else if (r.fd === 1) next = { ...current, stdout: discard };
        else if (r.fd === 2) next = { ...current, stderr: discard };
        step(index + 1, next);
      });
    };
    step(0, io);
  }

  private runLoop(node: Extract<ShellNode, { type: "loop" }>, io: ShellIo, status: number, done: Done): void {
    this.run(node.condition, io, (condition) => {
      if (this.takeJump()) return done(status);
      if ((condition === 0) === node.until) return done(status);
      this.run(node.body, io, (bodyStatus) => {
        if (this.takeJump()) return done(bodyStatus);
        this.options.system.clock.after(shellLoopIterationUs, "workload.sh.loop", () => this.runLoop(node, io, bodyStatus, done));
      });
    });
  }

  private runFor(node: Extract<ShellNode, { type: "for" }>, io: ShellIo, done: Done): void {
    const iterate = (values: string[]): void => {
      this.loopDepth++;
      const step = (index: number, status: number): void => {
        if (index === values.length) {
          this.loopDepth--;
          return done(status);
        }
        this.variables.set(node.name, values[index]!);
        this.run(node.body, io, (bodyStatus) => {
          if (this.takeJump()) {
            this.loopDepth--;
            return done(bodyStatus);
          }
          this.options.system.clock.after(shellLoopIterationUs, "workload.sh.loop", () => step(index + 1, bodyStatus));
        });
      };
      step(0, 0);
    };
    if (node.words === undefined) iterate(this.options.positional.slice(1));
    else expandWords(node.words, this.scope(io), iterate);
  }

  /** After a loop's body or condition: true if the loop must stop here (a `break` for it). */
  private takeJump(): boolean {
    const jump = this.jump;
    if (jump === undefined) return false;
    if (jump.levels > 1) {
      jump.levels--;
      return true;
    }
    this.jump = undefined;
    return jump.kind === "break";
  }

  private runIf(clauses: ReadonlyArray<{ condition: ShellNode; body: ShellNode }>, index: number, otherwise: ShellNode | undefined, io: ShellIo, done: Done): void {
    if (index === clauses.length) return otherwise === undefined ? done(0) : this.run(otherwise, io, done);
    const clause = clauses[index]!;
    this.run(clause.condition, io, (status) => {
      if (this.jump !== undefined) return done(status);
      if (status === 0) this.run(clause.body, io, done);
      else this.runIf(clauses, index + 1, otherwise, io, done);
    });
  }
}
