/**
 * `swarmsim shell [SCENARIO] [--seed N] [--before-steps] [--set KEY=VALUE]...`:
 * the students' prompt. The world and every command's text come from the
 * deterministic core (shell/); this file adds the terminal: a readline
 * prompt with history and tab completion when stdin is a terminal, and, when
 * it is not, one command per input line with each echoed after the prompt,
 * so a piped session prints a transcript.
 */

import { once } from "node:events";
import { createInterface } from "node:readline";
import { isatty } from "node:tty";
import { fileKeyCache } from "../pki/index.js";
import { type Scenario, ScenarioError, parseScenario } from "../scenario/index.js";
import { type Instant, formatInstant } from "../sim/index.js";
import { type ShellOptions, ShellSession, defaultScenarioFile, defaultScenarioText } from "../shell/index.js";
import { type FlagSpec, UsageError, parseArgs } from "./args.js";
import { readScenarioInput } from "./scenario-input.js";
import { takeOverrides } from "./set-flags.js";

const SHELL_FLAGS: FlagSpec[] = [
  { name: "--seed", takesValue: true },
  { name: "--key-cache", takesValue: true },
  { name: "--before-steps", takesValue: false },
];

/** What `swarmsim shell` opens: the scenario (a file's, or the default cluster) and how. */
export interface ShellSetup {
  readonly scenario: Scenario;
  readonly options: ShellOptions;
}

/** Reads the shell's command line; throws a `UsageError` or a `ScenarioError` for bad input. */
export function shellSetup(argv: readonly string[]): ShellSetup {
  const { overrides, rest } = takeOverrides(argv, SHELL_FLAGS);
  const args = parseArgs(rest, SHELL_FLAGS);
  if (args.positional.length > 1) throw new UsageError(`"swarmsim shell" takes at most one scenario file, got ${args.positional.length}`);
  const file = args.positional[0];
  let scenario: Scenario;
  if (file === undefined) {
    const parsed = parseScenario(defaultScenarioText, defaultScenarioFile, { overrides });
    if (!parsed.ok) throw new ScenarioError(parsed.problems);
    scenario = parsed.scenario;
  } else {
    scenario = readScenarioInput(file, overrides).scenario;
  }
  const seed = seedFlag(args.flags.get("--seed"));
  const keyCache = args.flags.get("--key-cache");
  return {
    scenario,
    options: {
      ...(seed === undefined ? {} : { seed }),
      ...(typeof keyCache === "string" ? { keyCache: fileKeyCache(keyCache) } : {}),
      beforeSteps: args.flags.has("--before-steps"),
    },
  };
}

/** `--seed`'s value, checked as `swarmsim run` checks it. */
export function seedFlag(text: string | true | undefined): number | undefined {
  if (typeof text !== "string") return undefined;
  const seed = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(seed)) throw new UsageError(`--seed expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "${text}"`);
  return seed;
}

/** Runs the shell; resolves to the exit status. */
export async function shellCommand(argv: readonly string[]): Promise<number> {
  const interactive = isatty(0);
  const progress = new ClockLine(interactive && isatty(2));
  const { scenario, options } = shellSetup(argv);
  const session = new ShellSession(scenario, { ...options, onProgress: (now) => progress.draw(now) });
  process.stdout.write(session.start());
  progress.clear();
  return interactive ? await prompt(session, progress) : await transcript(session);
}

/** stdin is not a terminal: each line is echoed after the prompt, then what it printed. */
async function transcript(session: ShellSession): Promise<number> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    process.stdout.write(`${session.prompt}${line}\n`);
    const reply = session.run(line);
    process.stdout.write(reply.text);
    if (reply.exit) break;
  }
  lines.close();
  return 0;
}

/** stdin is a terminal: a readline prompt with history and completion; Ctrl-C clears the line, Ctrl-D leaves. */
async function prompt(session: ShellSession, progress: ClockLine): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 1000,
    removeHistoryDuplicates: true,
    completer: (line: string) => session.completions(line),
  });
  const ask = () => {
    rl.setPrompt(session.prompt);
    rl.prompt();
  };
  rl.on("line", (line) => {
    const reply = session.run(line);
    progress.clear();
    process.stdout.write(reply.text);
    if (reply.exit) rl.close();
    else ask();
  });
  rl.on("SIGINT", () => {
    rl.write("", { ctrl: true, name: "u" });
    process.stdout.write("^C\n");
    ask();
  });
  ask();
  await once(rl, "close");
  process.stdout.write("\n");
  return 0;
}

/** A line on stderr saying where simulated time is, while a long command runs (the wall clock is read here only). */
export class ClockLine {
  private startedAt: number | undefined;
  private drawn = false;

  constructor(private readonly enabled: boolean) {}

  /** Draws at most ten times a second, and only once a command has run for a second. */
  draw(now: Instant): void {
    if (!this.enabled) return;
    const wall = Date.now();
    this.startedAt ??= wall;
    if (wall - this.startedAt < 1_000) return;
    process.stderr.write(`\r\x1b[2Ksimulating… ${formatInstant(now)}`);
    this.drawn = true;
  }

  /** Clears the line after a command. */
  clear(): void {
    this.startedAt = undefined;
    if (this.drawn) process.stderr.write("\r\x1b[2K");
    this.drawn = false;
  }
}
