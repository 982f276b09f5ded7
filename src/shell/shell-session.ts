/**
 * The shell's deterministic core: a scenario's world kept open, and a line
 * typed by a person turned into the text to print. It drives a
 * `ScenarioSession` (docker commands, the timeline, simulated time) and owns
 * no terminal and no clock: the CLI (cli/shell-command.ts) reads lines and
 * prints what comes back, and tests call `run` directly.
 */

import { parse as parseYaml } from "yaml";
import type { StepDescription } from "../api/description.js";
import { readStep } from "../api/load-description.js";
import { type ScenarioRunOptions, type Scenario, ScenarioError, ScenarioSession } from "../scenario/index.js";
import type { KeyCache } from "../pki/index.js";
import { type Instant, formatInstant, tryParseDuration } from "../sim/index.js";
import { advance, step, stepLimit, until, untilDefaultWithin, untilTargets } from "./clock-commands.js";
import { complete, helpText } from "./commands.js";
import { EventRecorder } from "./event-line.js";
import { PacketLog } from "./packet-log.js";
import { ScheduleWatch } from "./schedule-watch.js";
import { captureCommand, findMachine, showCommand, wholeNumber } from "./show-command.js";
import { expandWords, readTypedLine } from "./typed-line.js";
import { machinesView } from "./views-nodes.js";
import { stepText } from "./step-text.js";

/** How the shell opens its world. */
export interface ShellOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Where RSA keys are looked up before being drawn: same world, less time. */
  readonly keyCache?: KeyCache;
  /** Bootstrap only: the scenario's timeline waits for `next`. */
  readonly beforeSteps?: boolean;
  /** Called every few thousand events while time runs (the CLI draws a progress line). */
  readonly onProgress?: (now: Instant) => void;
}

/** What a line did: the text to print, and whether the shell is done. */
export interface ShellReply {
  readonly text: string;
  readonly exit: boolean;
}

const reply = (text: string, exit = false): ShellReply => ({ text, exit });

/** A scenario's world, driven one typed line at a time. */
export class ShellSession {
  readonly world: ScenarioSession;
  /** The machine docker commands run on (the prompt shows it). */
  current: string;
  private readonly schedule: ScheduleWatch;
  private readonly packets: PacketLog;
  private readonly recorder: EventRecorder;
  /** The timeline's next step to run. */
  private nextStep = 0;

  constructor(
    readonly scenario: Scenario,
    private readonly options: ShellOptions = {},
  ) {
    const runOptions: ScenarioRunOptions = {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.keyCache === undefined ? {} : { keyCache: options.keyCache }),
      ...(options.onProgress === undefined ? {} : { onProgress: (p: { now: Instant }) => options.onProgress!(p.now) }),
    };
    this.world = new ScenarioSession(scenario, runOptions);
    this.schedule = new ScheduleWatch(this.world.sim.scheduler);
    this.packets = new PacketLog(this.world.cluster.fabric);
    this.recorder = new EventRecorder(this.world.sim, this.world.cluster.fabric);
    this.current = scenario.cluster.nodes.find((n) => n.role === "manager")!.name;
  }

  /** Builds the swarm (automatic bootstrap) and runs the timeline unless told not to; returns what that printed and a greeting. */
  start(): string {
    const before = this.world.reports.length;
    this.world.bootstrap();
    if (this.options.beforeSteps !== true) this.runSteps(Infinity);
    const ran = this.world.reports.slice(before).map(stepText).join("");
    return `${ran}${this.greeting()}`;
  }

  /** The prompt: the current machine, as a terminal on it would show. */
  get prompt(): string {
    return `${this.current}$ `;
  }

  /** Tab completion for node:readline: candidates for the word being typed, and that word. */
  completions(line: string): [string[], string] {
    return complete(line, [...this.world.cluster.nodes.keys()]);
  }

  /** Runs one typed line. */
  run(line: string): ShellReply {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) return reply("");
    const [word = "", ...args] = text.split(/\s+/);
    if (word === "docker" || /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) return reply(this.docker(text));
    switch (word) {
      case "exit":
      case "quit":
        return reply("", true);
      case "help":
        return reply(helpText());
      case "node":
      case "nodes":
        return reply(this.nodeCommand(word === "nodes" ? ["ls", ...args] : args));
      case "advance":
        return reply(args.length === 1 ? advance(this.world, args[0]!) : "usage: advance DURATION (e.g. advance 12h)\n");
      case "step":
        return reply(this.stepCommand(args));
      case "until":
        return reply(this.untilCommand(args));
      case "show":
        return reply(this.show(args));
      case "capture":
        return reply(this.capture(args));
      case "next":
        return reply(this.next(args));
      case "echo":
        return reply(this.echo(text.slice(4).trim()));
      case "time":
        return reply(`${formatInstant(this.world.sim.now)}\n`);
      case "do":
        return reply(this.doStep(text.slice(2).trim()));
      case "crash":
      case "restart":
      case "isolate":
        return reply(args.length === 1 ? this.runStepDescription({ [word]: args[0]! } as StepDescription) : `usage: ${word} NODE\n`);
      case "heal":
        return reply(args.length === 0 ? this.runStepDescription({ heal: "all" }) : "usage: heal\n");
      default:
        return reply(unknownCommand(word));
    }
  }

  private greeting(): string {
    const names = [...this.world.cluster.nodes.keys()];
    const who = `${names.slice(0, -1).join(", ")}${names.length > 1 ? " and " : ""}${names[names.length - 1]}`;
    const pending = this.scenario.steps.length - this.nextStep;
    const total = this.scenario.steps.length;
    const where = total === 0 ? "" : pending > 0 ? `, ${steps(pending)} of its timeline to go (next)` : `, its timeline of ${steps(total)} run`;
    const swarm = this.world.cluster.nodes.get(this.current)?.identity === undefined ? ", not yet a swarm: start with docker swarm init" : "";
    return `swarmsim shell: ${who} (seed ${this.world.seed}${where}), now ${formatInstant(this.world.sim.now)}${swarm}. Type help for the commands.\n`;
  }

  private docker(text: string): string {
    const typed = readTypedLine(text, this.world.variables);
    switch (typed.kind) {
      case "error":
        return `${typed.message}\n`;
      case "assign":
        this.world.variables.set(typed.name, typed.value);
        return "";
      case "capture": {
        const out = this.world.runTyped(this.current, typed.text, typed.argv).output!;
        this.world.variables.set(typed.name, out.stdout.trim());
        return out.stderr;
      }
      case "docker": {
        const out = this.world.runTyped(this.current, typed.text, typed.argv).output!;
        return `${out.stdout}${out.stderr}`;
      }
    }
  }

  /** `do STEP`: one timeline step as a scenario file writes it, in YAML flow style. */
  private doStep(text: string): string {
    if (text === "") return "usage: do STEP, a timeline step as a scenario file writes it (do {partition: [[manager-1], [worker-1, worker-2]]})\n";
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch (error) {
      return `do: not a YAML step: ${error instanceof Error ? error.message.split("\n")[0]!.replace(/:$/, "") : String(error)}\n`;
    }
    return this.runStepDescription(value as StepDescription);
  }

  /** Reads `description` as the scenario file's step language does and runs it now; its text, or why it was refused. */
  private runStepDescription(description: StepDescription): string {
    let step;
    try {
      step = readStep(this.scenario, description, this.world.variables.keys());
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      return error.problems.map((p) => `do: ${p.message}\n`).join("");
    }
    return stepText(this.world.runStep(step, -1));
  }

  private nodeCommand(args: readonly string[]): string {
    const [verb, name] = args;
    if (verb === "ls" && name === undefined) return machinesView(this.world.cluster, this.current);
    if (verb !== "use" || name === undefined || args.length !== 2) return "usage: node use NAME | node ls\n";
    const node = findMachine(this.world.cluster, name);
    if (typeof node === "object") return node.error;
    this.current = node;
    return "";
  }

  private stepCommand(args: readonly string[]): string {
    const count = args.length === 0 ? 1 : wholeNumber(args[0]!);
    if (count === undefined || count < 1 || count > stepLimit || args.length > 1) return `usage: step [N], N from 1 to ${stepLimit}\n`;
    return step(this.world, this.recorder, count);
  }

  private untilCommand(args: readonly string[]): string {
    const usage = "usage: until rotation|renewal|event KIND [--within DURATION]\n";
    const withinAt = args.indexOf("--within");
    const what = withinAt < 0 ? args : args.slice(0, withinAt);
    let within = untilDefaultWithin;
    if (withinAt >= 0) {
      const parsed = tryParseDuration(args[withinAt + 1] ?? "");
      if (!parsed.ok || args.length !== withinAt + 2) return parsed.ok ? usage : `until --within: ${parsed.reason}\n`;
      within = parsed.value;
    }
    const target = what[0] === "event" && what.length === 2 ? { kind: what[1]!, name: `${what[1]} record` } : what.length === 1 ? untilTargets[what[0]!] : undefined;
    return target === undefined ? usage : until(this.world, target, within);
  }

  private show(args: readonly string[]): string {
    return showCommand({ cluster: this.world.cluster, now: this.world.sim.now, schedule: this.schedule }, args);
  }

  private capture(args: readonly string[]): string {
    return captureCommand(this.world.cluster, this.packets, args);
  }

  private next(args: readonly string[]): string {
    const pending = this.scenario.steps.length - this.nextStep;
    if (pending === 0) return this.scenario.steps.length === 0 ? "this scenario has no timeline steps\n" : "the timeline has run to its end\n";
    if (this.world.cutShort) return "the timeline stopped: a step before could not finish\n";
    const count = args[0] === "all" ? Infinity : args.length === 0 ? 1 : wholeNumber(args[0]!);
    if (count === undefined || count < 1 || args.length > 1) return "usage: next [N|all]\n";
    const before = this.world.reports.length;
    this.runSteps(count);
    return this.world.reports.slice(before).map(stepText).join("");
  }

  /** Runs up to `count` more steps of the timeline (fewer if it ends or a step could not finish). */
  private runSteps(count: number): void {
    const steps = this.scenario.steps;
    for (let n = 0; n < count && this.nextStep < steps.length && !this.world.cutShort; n++) {
      this.world.runStep(steps[this.nextStep]!, this.nextStep);
      this.nextStep++;
    }
  }

  private echo(words: string): string {
    const read = expandWords(words, this.world.variables);
    return typeof read === "string" ? `${read}\n` : `${read.join(" ")}\n`;
  }
}

const steps = (n: number) => `${n} step${n === 1 ? "" : "s"}`;

/** A word the shell does not know; a docker verb typed without `docker` gets a hint. */
function unknownCommand(word: string): string {
  const dockerVerbs = ["swarm", "service", "network", "run", "logs", "info", "version", "ps", "inspect"];
  const hint = dockerVerbs.includes(word) ? ` (did you mean docker ${word} ...?)` : "";
  return `swarmsim: unknown command "${word}"${hint}: type help for the commands\n`;
}
