/**
 * What a shell runs for a command name that is not one of its builtins: a
 * program (a BusyBox applet, curl). Programs get their arguments, their
 * standard streams, and the container's system services, and say when they
 * are done with an exit status. A program never outlives its process: the
 * process's timers die with it, and its namespace closes.
 */

import type { AppContext } from "./app.js";

/** A command's standard streams as the shell wired them (pipes and redirections applied). */
export interface ShellIo {
  /** What the command reads (a pipeline's previous output; empty otherwise). */
  readonly stdin: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** The container services a program may use: the app context without argv, write and exit. */
export type ProgramSystem = Omit<AppContext, "argv" | "write" | "exit">;

/** Runs one command; calls `done` once with its exit status (0-255). */
export type Program = (args: readonly string[], io: ShellIo, system: ProgramSystem, done: (status: number) => void) => void;

/** The programs on a container's PATH, by name. */
export type ProgramTable = ReadonlyMap<string, Program>;

/** The directories of PATH in the modelled images: `/bin/sleep` runs `sleep`. */
export const pathDirectories: readonly string[] = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** The program a command name runs: by name, or by full path in a PATH directory. */
export function findProgram(programs: ProgramTable, name: string): Program | undefined {
  if (!name.includes("/")) return programs.get(name);
  const slash = name.lastIndexOf("/");
  return pathDirectories.includes(name.slice(0, slash)) ? programs.get(name.slice(slash + 1)) : undefined;
}
