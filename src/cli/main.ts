#!/usr/bin/env node
/**
 * The `swarmsim` command. The only place that touches the real clock, files
 * and the terminal. Exit status: 0 every expectation held, 1 one failed,
 * 2 invalid input (scenario or command line).
 */

import { readFileSync } from "node:fs";
import { fileKeyCache } from "../pki/index.js";
import { ScenarioError, type Scenario, formatProblem, formatReport, loadScenarioFile, runScenario } from "../scenario/index.js";
import { JsonlSink, parseDuration, type TraceSink } from "../sim/index.js";
import { type FlagSpec, UsageError, parseArgs } from "./args.js";
import { BufferedFile, writeFilesInto } from "./files.js";
import { ProgressBar } from "./progress.js";
import { shellCommand } from "./shell-command.js";
import { stepCommand } from "./step-command.js";

const HELP = `swarmsim: a deterministic simulator of Docker Swarm's security protocols

Usage:
  swarmsim run SCENARIO [options]    run a scenario file and check its expectations
  swarmsim validate SCENARIO         check a scenario file without running it
  swarmsim shell [SCENARIO] [--seed N]
                                     a prompt: docker commands on the simulated swarm,
                                     advance, step, show keyring|sa|certs|members|tables
  swarmsim step SCENARIO [--break KIND]
                                     run a scenario, pausing at every key rotation
  swarmsim --help | --version

Options for run:
  --seed N          use seed N instead of the scenario's
  --until DURATION  stop at this simulated time (e.g. 90s, 12h, 30d); run on to it if the steps end sooner
  --trace FILE      write the trace as JSONL (its SHA-256 is the fingerprint)
  --pcap FILE       write every packet on the underlay as a pcap file (tshark, Wireshark)
  --keys DIR        write key files there for decryption in Wireshark
  --key-cache DIR   keep generated RSA keys in DIR and reuse them on later runs
                    (same run and fingerprint, less time; keys are per seed)
  --quiet           print only failed steps and the summary
  --json            print the report as JSON

Exit status: 0 all expectations held, 1 an expectation failed, 2 invalid input.
`;

const RUN_FLAGS: FlagSpec[] = [
  { name: "--seed", takesValue: true },
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
  const args = parseArgs(argv, []);
  const scenario = loadScenarioFile(oneScenario(args.positional, "validate"));
  const steps = scenario.steps.length;
  process.stdout.write(`${scenario.file}: valid scenario "${scenario.name}" (${scenario.cluster.nodes.length} nodes, ${steps} steps, seed ${scenario.seed})\n`);
  return 0;
}

function run(argv: readonly string[]): number {
  const args = parseArgs(argv, RUN_FLAGS);
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
  let until;
  try {
    until = untilText === undefined ? undefined : parseDuration(untilText);
  } catch (err) {
    throw new UsageError(`--until: ${(err as Error).message}`);
  }
  const json = args.flags.has("--json");
  const quiet = args.flags.has("--quiet");
  const scenario: Scenario = loadScenarioFile(file);

  const closers: Array<() => void> = [];
  const sinks: TraceSink[] = [];
  const tracePath = flag("--trace");
  if (tracePath !== undefined) {
    const out = new BufferedFile(tracePath);
    sinks.push(new JsonlSink((line) => out.write(line)));
    closers.push(() => out.close());
  }
  const pcapPath = flag("--pcap");
  const keysDir = flag("--keys");
  const keyCacheDir = flag("--key-cache");
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

  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, quiet));
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
        return run(rest);
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
