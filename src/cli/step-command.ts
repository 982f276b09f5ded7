/**
 * `swarmsim step SCENARIO [--break KIND] [--seed N] [--until DURATION] [--set KEY=VALUE]...`:
 * runs a scenario and pauses at every key rotation (or each trace record of
 * KIND), showing every node's keyring and SA table side by side. On a
 * terminal each pause waits for a line: Enter goes on, `c` runs to the end
 * without waiting again, `q` quits; otherwise each pause is printed and the
 * run goes on.
 */

import { readSync } from "node:fs";
import { isatty } from "node:tty";
import { fileKeyCache } from "../pki/index.js";
import { type Duration, parseDuration } from "../sim/index.js";
import { type PauseAnswer, runStepper } from "../shell/index.js";
import { type FlagSpec, UsageError, parseArgs } from "./args.js";
import { readScenarioInput } from "./scenario-input.js";
import { takeOverrides } from "./set-flags.js";
import { ClockLine, seedFlag } from "./shell-command.js";

const STEP_FLAGS: FlagSpec[] = [
  { name: "--break", takesValue: true },
  { name: "--seed", takesValue: true },
  { name: "--until", takesValue: true },
  { name: "--key-cache", takesValue: true },
];

/** Panels go side by side within this width when stdout is not a terminal. */
const PIPE_WIDTH = 180;

/** Runs the stepper; resolves to the exit status (that of `swarmsim run`: 1 if an expectation failed). */
export async function stepCommand(argv: readonly string[]): Promise<number> {
  const { overrides, rest } = takeOverrides(argv, STEP_FLAGS);
  const args = parseArgs(rest, STEP_FLAGS);
  if (args.positional.length !== 1) throw new UsageError(`"swarmsim step" needs exactly one scenario file, got ${args.positional.length}`);
  const { scenario } = readScenarioInput(args.positional[0]!, overrides);
  const flag = (name: string) => {
    const v = args.flags.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const seed = seedFlag(args.flags.get("--seed"));
  const until = untilFlag(flag("--until"));
  const breakKind = flag("--break");
  const keyCache = flag("--key-cache");
  const interactive = isatty(0);
  const progress = new ClockLine(isatty(2));
  const result = runStepper(scenario, {
    ...(seed === undefined ? {} : { seed }),
    ...(until === undefined ? {} : { until }),
    ...(breakKind === undefined ? {} : { breakKind }),
    ...(keyCache === undefined ? {} : { keyCache: fileKeyCache(keyCache) }),
    width: isatty(1) ? (process.stdout.columns ?? PIPE_WIDTH) : PIPE_WIDTH,
    write: (text) => {
      progress.clear();
      process.stdout.write(text);
    },
    pause: () => (interactive ? askAtPause() : "next"),
    onProgress: (now) => progress.draw(now),
  });
  progress.clear();
  return result.quit || result.report?.ok !== false ? 0 : 1;
}

function untilFlag(text: string | undefined): Duration | undefined {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`--until: ${(err as Error).message}`);
  }
}

/**
 * Waits for a line on the terminal. The simulation is paused in the middle
 * of an event, so the wait blocks: a synchronous read of fd 0, which the
 * terminal hands over a line at a time.
 */
function askAtPause(): PauseAnswer {
  process.stdout.write("Enter: next pause · c Enter: run to the end · q Enter: quit > ");
  const answer = readLineSync().trim().toLowerCase();
  return answer === "q" ? "quit" : answer === "c" ? "continue" : "next";
}

function readLineSync(): string {
  const byte = Buffer.alloc(1);
  const bytes: number[] = [];
  for (;;) {
    let n: number;
    try {
      n = readSync(0, byte, 0, 1, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // the terminal has nothing yet
      continue;
    }
    if (n === 0) return "c"; // end of input: nobody is left to answer
    if (byte[0] === 0x0a) return Buffer.from(bytes).toString("utf8");
    bytes.push(byte[0]!);
  }
}
