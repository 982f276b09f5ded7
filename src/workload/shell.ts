/**
 * The main process of a shell image (busybox, alpine, radial/busyboxplus):
 * `sh -c SCRIPT [NAME ARGS...]` runs the script; a bare `sh` reads its
 * stdin, which is empty in a service's container (no TTY), so it exits 0 at
 * once; any other command line runs that one program as PID 1.
 *
 * The shell and what it runs are PID 1, and PID 1 has no default action for
 * SIGTERM, SIGINT or SIGQUIT: `docker stop` waits out the grace period and
 * kills it (exit 137).
 */

import type { App, AppContext } from "./app.js";
import type { ShellFlavor } from "./sh-flavor.js";
import { Shell } from "./sh-interpreter.js";
import { type Program, type ProgramTable, type ShellIo, findProgram, pathDirectories } from "./sh-program.js";

/** The names a shell is run by. */
export const shellNames: ReadonlySet<string> = new Set(["sh", "/bin/sh", "ash", "/bin/ash"]);

/** The environment of the modelled containers (Docker sets PATH, HOSTNAME and HOME). */
function environment(hostname: string): Map<string, string> {
  return new Map([
    ["PATH", pathDirectories.join(":")],
    ["HOSTNAME", hostname],
    ["HOME", "/root"],
    ["PWD", "/"],
    ["IFS", " \t\n"],
  ]);
}

/**
 * `sh [-c SCRIPT [NAME ARGS...]]` as a program: the image's shell run by a
 * script (`sh -c 'exit 3'`) or as the main process.
 */
export function shellProgram(flavor: ShellFlavor, programs: () => ProgramTable): Program {
  return (args, io, system, done) => {
    const script = args[0] === "-c" ? args[1] : undefined;
    if (args[0] === "-c" && script === undefined) {
      io.stderr("sh: -c requires an argument\n");
      return done(2);
    }
    if (script === undefined && args.length > 0) {
      const refusal = flavor.cannotOpen(args[0]!);
      io.stderr(`${refusal.text}\n`);
      return done(refusal.status);
    }
    if (script === undefined) return done(0); // stdin is empty: end of input at once
    const positional = args.length > 2 ? args.slice(2) : ["sh"];
    const shell = new Shell({ flavor, programs: programs(), system, positional, variables: environment(system.hostname), onExit: done });
    shell.runScript(script, io);
  };
}

/** The image's programs with its shell among them, so scripts can run `sh -c ...` too. */
export function withShell(flavor: ShellFlavor, applets: ProgramTable): ProgramTable {
  const table = new Map(applets);
  const sh = shellProgram(flavor, () => table);
  for (const name of ["sh", "ash"]) table.set(name, sh);
  return table;
}

/** Starts a shell image's command line as PID 1 (which ignores the stop signal). */
export function startShellImage(context: AppContext, flavor: ShellFlavor, applets: ProgramTable): App {
  const io: ShellIo = {
    stdin: "",
    stdout: (text) => context.write("stdout", text),
    stderr: (text) => context.write("stderr", text),
  };
  const { argv, write: _write, exit: _exit, ...system } = context;
  const programs = withShell(flavor, applets);
  const command = argv[0] ?? "sh";
  const program = shellNames.has(command) ? programs.get("sh") : findProgram(programs, command);
  if (program === undefined) {
    // The runtime refuses such a container before it starts (see images.ts); say it plainly if one gets here.
    context.write("stderr", `${flavor.notFound(command)}\n`);
    context.exit(127);
  } else {
    program(argv.slice(1), io, system, (status) => context.exit(status & 0xff));
  }
  return { signal: () => {} };
}
