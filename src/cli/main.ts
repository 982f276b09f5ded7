#!/usr/bin/env node
/**
 * The `swarmsim` command. The only place that touches the real clock, files
 * and the terminal. Exit status: 0 every expectation held, 1 one failed,
 * 2 invalid input (scenario or command line).
 */

import { readFileSync } from "node:fs";
import { fileKeyCache } from "../pki/index.js";
import { ScenarioError, type Scenario, formatProblem, formatReport, reproduceCommand, runScenario } from "../scenario/index.js";
import type { Override } from "../scenario/overrides.js";
import { type Duration, JsonlSink, parseDuration, type TraceSink } from "../sim/index.js";
import { type FlagSpec, UsageError, parseArgs } from "./args.js";
import { BufferedFile, writeFilesInto } from "./files.js";
import { ProgressBar } from "./progress.js";
import { readScenarioInput } from "./scenario-input.js";
import { takeOverrides } from "./set-flags.js";
import { reproduceSeed } from "./sweep-table.js";
import { sweepCommand, sweepFlags } from "./sweep-command.js";
import { shellCommand } from "./shell-command.js";
import { stepCommand } from "./step-command.js";

const HELP = `swarmsim: a deterministic simulator of Docker Swarm's security protocols

Usage:
  swarmsim run SCENARIO [options]    run a scenario file and check its expectations
  swarmsim run SCENARIO --seeds LIST [options]
                                     run it once per seed, in parallel, and print a table
  swarmsim validate SCENARIO [--set KEY=VALUE]...
                                     check a scenario file without running it
  swarmsim shell [SCENARIO] [--seed N]
                                     a prompt: docker commands on the simulated swarm,
                                     advance, step, show keyring|sa|certs|members|tables,
                                     crash|restart NODE, do STEP (any timeline step)
  swarmsim step SCENARIO [--break KIND]
                                     run a scenario, pausing at every key rotation
  swarmsim --help | --version

Options for run:
  --seed N          use seed N instead of the scenario's
  --seeds LIST      run once per seed: 1..50, 3,5,9 or 1..4,10; a table of outcomes,
                    one row per seed, and the command that reproduces each failed seed
  --jobs N          worker threads for --seeds (default: seeds or CPUs, the fewer)
  --set KEY=VALUE   change a scenario parameter before validation (repeatable):
                    KEY is a dotted path (cluster.workers, underlay.latency, seed),
                    VALUE is YAML (6h, 5, [1ms, 5ms], {uniform: [1ms, 5ms]})
  --until DURATION  stop at this simulated time (e.g. 90s, 12h, 30d); run on to it if the steps end sooner
  --trace FILE      write the trace as JSONL (its SHA-256 is the fingerprint)
  --pcap FILE       write every packet on the underlay as a pcap file (tshark, Wireshark)
  --keys DIR        write key files there for decryption in Wireshark
  --key-cache DIR   keep generated RSA keys in DIR and reuse them on later runs
                    (same run and fingerprint, less time; keys are per seed)
  --quiet           print only failed steps (with --seeds: failed seeds) and the summary
  --json            print the report as JSON (with --seeds: the rows)
  --trace, --pcap and --keys write the files of one run: they do not go with --seeds.

Exit status: 0 all expectations held (on every seed), 1 an expectation failed
(or a seed's run threw), 2 invalid input.
`;

const RUN_FLAGS: FlagSpec[] = [
  { name: "--seed", takesValue: true },
  { name: "--seeds", takesValue: true },
  { name: "--jobs", takesValue: true },
  { name: "--until", takesValue: true },
  { name: "--trace", takesValue: true },
  { name: "--pcap", takesValue: true },
  { name: "--keys", takesValue: true },
  { name: "--key-cache", takesValue: true },
  { name: "--quiet", takesValue: false },
  { name: "--json", takesValue: false },
];

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function oneScenario(positional: readonly string[], command: string): string {
  if (positional.length !== 1) throw new UsageError(`"swarmsim ${command}" needs exactly one scenario file, got ${positional.length}`);
  return positional[0]!;
}

function validate(argv: readonly string[]): number {
  const { overrides, rest } = takeOverrides(argv, []);
  const args = parseArgs(rest, []);
  const { scenario } = readScenarioInput(oneScenario(args.positional, "validate"), overrides);
  const steps = scenario.steps.length;
  process.stdout.write(`${scenario.file}: valid scenario "${scenario.name}" (${scenario.cluster.nodes.length} nodes, ${steps} steps, seed ${scenario.seed})\n`);
  return 0;
}

async function run(argv: readonly string[]): Promise<number> {
  const { overrides, rest } = takeOverrides(argv, RUN_FLAGS);
  const args = parseArgs(rest, RUN_FLAGS);
  const file = oneScenario(args.positional, "run");
  const flag = (name: string) => {
    const v = args.flags.get(name);
    return typeof v === "string" ? v : undefined;
  };
  const seedText = flag("--seed");
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && (!/^\d+$/.test(seedText!) || !Number.isSafeInteger(seed))) {
    throw new UsageError(`--seed expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got "${seedText}"`);
  }
  const untilText = flag("--until");
  let until: Duration | undefined;
  try {
    until = untilText === undefined ? undefined : parseDuration(untilText);
  } catch (err) {
    throw new UsageError(`--until: ${(err as Error).message}`);
  }
  const json = args.flags.has("--json");
  const quiet = args.flags.has("--quiet");
  const keyCacheDir = flag("--key-cache");
  const sweep = sweepFlags(args);
  const input = readScenarioInput(file, overrides);
  if (sweep !== undefined) {
    return await sweepCommand({
      file,
      input,
      overrides,
      ...sweep,
      ...(until === undefined ? {} : { until, untilText }),
      ...(keyCacheDir === undefined ? {} : { keyCacheDir }),
      json,
      quiet,
    });
  }
  return singleRun(input.scenario, {
    overrides,
    seed,
    until,
    untilText,
    keyCacheDir,
    tracePath: flag("--trace"),
    pcapPath: flag("--pcap"),
    keysDir: flag("--keys"),
    json,
    quiet,
  });
}

/** The flags of `swarmsim run` without --seeds, read. */
interface SingleRunFlags {
  readonly overrides: readonly Override[];
  readonly seed: number | undefined;
  readonly until: Duration | undefined;
  readonly untilText: string | undefined;
  readonly keyCacheDir: string | undefined;
  readonly tracePath: string | undefined;
  readonly pcapPath: string | undefined;
  readonly keysDir: string | undefined;
  readonly json: boolean;
  readonly quiet: boolean;
}

function singleRun(scenario: Scenario, options: SingleRunFlags): number {
  const { seed, until, keyCacheDir, tracePath, pcapPath, keysDir } = options;
  const closers: Array<() => void> = [];
  const sinks: TraceSink[] = [];
  if (tracePath !== undefined) {
    const out = new BufferedFile(tracePath);
    sinks.push(new JsonlSink((line) => out.write(line)));
    closers.push(() => out.close());
  }
  const progress = new ProgressBar(process.stderr, scenario.steps.length, until);
  let keyFiles: () => ReadonlyMap<string, string> = () => new Map();

  const report = runScenario(scenario, {
    ...(seed === undefined ? {} : { seed }),
    ...(until === undefined ? {} : { until }),
    ...(keyCacheDir === undefined ? {} : { keyCache: fileKeyCache(keyCacheDir) }),
    sinks,
    onCluster: (cluster) => {
      if (pcapPath !== undefined) {
        const out = new BufferedFile(pcapPath);
        cluster.capturePcap((chunk) => out.write(chunk));
        closers.push(() => out.close());
      }
      keyFiles = () => cluster.keyFiles();
    },
    onProgress: (p) => progress.update(p),
  });
  progress.done();
  for (const close of closers) close();
  if (keysDir !== undefined) writeFilesInto(keysDir, keyFiles());

  if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    // The report's reproduce line names the file and seed only; a run changed by --set
    // or cut by --until is reproduced only with those flags too.
    const text = formatReport(report, options.quiet);
    const full = reproduceSeed(report.seed, { file: report.file, overrides: options.overrides, ...(options.untilText === undefined ? {} : { until: options.untilText }) });
    process.stdout.write(options.overrides.length === 0 && options.untilText === undefined ? text : text.replaceAll(reproduceCommand(report), full));
  }
  return report.ok ? 0 : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "--help":
      case "-h":
      case "help":
        process.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      case "--version":
      case "-v":
        process.stdout.write(`swarmsim ${packageVersion()}\n`);
        return 0;
      case "run":
        return await run(rest);
      case "validate":
        return validate(rest);
      case "shell":
        return await shellCommand(rest);
      case "step":
        return await stepCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof ScenarioError) {
      for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`swarmsim: ${err.message}\nRun 'swarmsim --help' for usage.\n`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
