/**
 * The docker command registry: maps a command path (`network create`) to the
 * handler that runs it on a node and returns what the real CLI would print.
 *
 * A path that no handler serves fails exactly as the real CLI fails for a
 * command it does not know, so a scenario written for real Docker reads the
 * same here, and what is not modelled yet says so in Docker's own words.
 */

/** What a docker command printed and how it exited. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/**
 * A command that takes simulated time (`docker swarm join` waits for the CA):
 * it starts when returned, and calls `done` once, from a scheduled event.
 */
export interface DeferredCommand {
  readonly deferred: true;
  /** Called once by whoever runs the command, to hear the outcome. */
  onDone(listener: (output: CommandOutput) => void): void;
}

/** What a handler returns: the output now, or a command still running in simulated time. */
export type CommandResult = CommandOutput | DeferredCommand;

/** Builds a deferred command; `start` receives the function to call with the outcome. */
export function deferred(start: (done: (output: CommandOutput) => void) => void): DeferredCommand {
  let outcome: CommandOutput | undefined;
  let listener: ((output: CommandOutput) => void) | undefined;
  const done = (output: CommandOutput) => {
    if (outcome !== undefined) return;
    outcome = output;
    listener?.(output);
  };
  start(done);
  return {
    deferred: true,
    onDone(l) {
      listener = l;
      if (outcome !== undefined) l(outcome);
    },
  };
}

/** Whether a result is still running. */
export function isDeferred(result: CommandResult): result is DeferredCommand {
  return "deferred" in result;
}

/** Runs one command; `args` are the words after the command path. */
export type CommandHandler<Context> = (context: Context, args: readonly string[]) => CommandResult;

/** A successful output. */
export function ok(stdout: string): CommandOutput {
  return { stdout, stderr: "", exitCode: 0 };
}

/** A failed output, as the CLI prints errors: on stderr, exit status 1 unless said. */
export function fail(stderr: string, exitCode = 1): CommandOutput {
  return { stdout: "", stderr: stderr.endsWith("\n") ? stderr : `${stderr}\n`, exitCode };
}

/** docker/cli cmd/docker/docker.go: the error for a command it does not have. */
export function unknownCommand(word: string): CommandOutput {
  return fail(`docker: '${word}' is not a docker command.\nSee 'docker --help'`);
}

/** Docker's top-level usage line, printed for a bare `docker`. */
const USAGE = "Usage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nRun 'docker COMMAND --help' for more information on a command.\n";

/** The docker verbs a simulation serves. */
export class CommandRegistry<Context> {
  private readonly handlers = new Map<string, CommandHandler<Context>>();

  /** Serves `path` (words separated by single spaces, e.g. `"network create"`). */
  register(path: string, handler: CommandHandler<Context>): this {
    if (!/^[a-z-]+( [a-z-]+)*$/.test(path)) throw new RangeError(`"path" expected docker command words, got "${path}"`);
    if (this.handlers.has(path)) throw new RangeError(`"path" is already registered: "${path}"`);
    this.handlers.set(path, handler);
    return this;
  }

  /** The registered paths, sorted. */
  paths(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** Runs `argv` (`docker` first) with the longest registered path that prefixes it. */
  run(context: Context, argv: readonly string[]): CommandResult {
    if (argv[0] !== "docker") return fail(`${argv[0] ?? ""}: command not found`, 127);
    const words = argv.slice(1);
    if (words.length === 0) return ok(USAGE);
    for (let n = Math.min(3, words.length); n >= 1; n--) {
      const handler = this.handlers.get(words.slice(0, n).join(" "));
      if (handler !== undefined) return handler(context, words.slice(n));
    }
    return unknownCommand(words[0]!);
  }
}
