/**
 * The BusyBox applets the modelled scripts call besides curl: sleep (in
 * simulated time), hostname and cat. Texts from busybox coreutils/sleep.c,
 * libbb/xatonum.c and coreutils/cat.c.
 */

import { type Duration, duration } from "../sim/index.js";
import type { Program } from "./sh-program.js";

/** Suffixes sleep takes (BusyBox FEATURE_FANCY_SLEEP), in microseconds. */
const SLEEP_UNITS: Readonly<Record<string, number>> = { "": 1_000_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000, d: 86_400_000_000 };

/** Sleeps longer than this never end in a run (a hundred years): `sleep infinity` and its like. */
const FOREVER_US = 100 * 365 * 86_400_000_000;

/** busybox's usage text for sleep (printed without the build banner, which names a build date). */
const SLEEP_USAGE =
  "Usage: sleep [N]...\n\n" +
  "Pause for a time equal to the total of the args given, where each arg can\n" +
  "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n";

/**
 * How long `sleep ARGS...` sleeps (the sum of its arguments), "forever", or the argument that is not a number.
 *
 * @example
 * sleepDuration(["1m", "30"]) // { ok: true, micros: 90_000_000 }
 */
export function sleepDuration(args: readonly string[]): { ok: true; micros: number | "forever" } | { ok: false; bad: string } {
  let micros = 0;
  for (const arg of args) {
    if (/^inf(inity)?$/i.test(arg)) return { ok: true, micros: "forever" };
    const match = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
    if (match === null) return { ok: false, bad: arg };
    micros += Math.round(Number(match[1]) * SLEEP_UNITS[match[2]!]!);
  }
  return { ok: true, micros: micros > FOREVER_US ? "forever" : micros };
}

/** `sleep N[smhd]...`: waits in simulated time, exits 0. */
export const sleepProgram: Program = (args, io, system, done) => {
  if (args.length === 0) {
    io.stderr(SLEEP_USAGE);
    return done(1);
  }
  const parsed = sleepDuration(args);
  if (!parsed.ok) {
    io.stderr(`sleep: invalid number '${parsed.bad}'\n`);
    return done(1);
  }
  if (parsed.micros === "forever") return; // until the container is stopped
  const wait: Duration = duration(parsed.micros);
  system.clock.after(wait, "workload.sleep", () => done(0));
};

/** `hostname`: the container's hostname (its short ID). */
export const hostnameProgram: Program = (_args, io, system, done) => {
  io.stdout(`${system.hostname}\n`);
  done(0);
};

/** `cat [-]`: copies stdin; there are no files to open. */
export const catProgram: Program = (args, io, _system, done) => {
  for (const file of args.length === 0 ? ["-"] : args) {
    if (file === "-") io.stdout(io.stdin);
    else {
      io.stderr(`cat: can't open '${file}': No such file or directory\n`);
      return done(1);
    }
  }
  done(0);
};
