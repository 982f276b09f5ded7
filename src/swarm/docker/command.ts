/**
 * Docker CLI commands as docker/cli declares them with cobra and pflag: a use
 * line, a one-line description, typed flags and an argument count. Parsing
 * fails with the real CLI's words:
 * - flag errors (pflag's message, then `See 'docker swarm join --help'.`), exit 125,
 *   as docker/cli `cli/cobra.go` FlagErrorFunc;
 * - a wrong number of arguments (`"docker swarm join" requires exactly 1
 *   argument.` with the usage), exit 1, as docker/cli `cli/required.go`.
 */

import { tryParseDuration } from "../../sim/index.js";
import { type CommandOutput, fail } from "./registry.js";

/** A flag's type: what value it takes. */
export type FlagType = "bool" | "string" | "duration" | "int" | "uint" | "stringArray";

/** One flag of a command. */
export interface FlagSpec {
  /** The long name without dashes: `token`. */
  readonly name: string;
  /** The one-letter shorthand: `q`. */
  readonly short?: string;
  readonly type: FlagType;
  /** What `--help` says of it, as docker/cli words it. */
  readonly usage?: string;
  /** The value's name in `--help` when it is not the type's (`node-addr`). */
  readonly valueName?: string;
}

/** A command's declaration. */
export interface CommandSpec {
  /** `docker swarm join` */
  readonly path: string;
  /** The use line after the path: `[OPTIONS] HOST:PORT`. */
  readonly use: string;
  /** The one-line description. */
  readonly short: string;
  readonly flags: readonly FlagSpec[];
  /** How many positional arguments: exactly, or at least/at most. */
  readonly args: { readonly exactly: number } | { readonly min: number; readonly max: number };
  /**
   * `false` when flags end at the first argument, as pflag's
   * `SetInterspersed(false)` makes them (`docker service create IMAGE ARG...`:
   * the words after the image are the container's, flags or not). Default true.
   */
  readonly interspersed?: boolean;
}

/** A flag's parsed value. Durations are in microseconds. */
export type FlagValue = boolean | string | number | string[];

/** Parsed command words. */
export interface ParsedCommand {
  readonly flags: ReadonlyMap<string, FlagValue>;
  readonly args: readonly string[];
}

/** Parsed words, or the output the CLI prints for them. */
export type ParseOutcome = { readonly ok: true; readonly command: ParsedCommand } | { readonly ok: false; readonly output: CommandOutput };

const flagError = (spec: CommandSpec, message: string): ParseOutcome => ({
  ok: false,
  output: fail(`${message}\nSee '${spec.path} --help'.`, 125),
});

const plural = (word: string, n: number) => (n === 1 ? word : `${word}s`);

/** `"docker swarm join" requires exactly 1 argument.` and the usage, as docker/cli prints it. */
function argumentError(spec: CommandSpec, count: string): ParseOutcome {
  const text = `"${spec.path}" requires ${count}.\nSee '${spec.path} --help'.\n\nUsage:  ${spec.path} ${spec.use}\n\n${spec.short}`;
  return { ok: false, output: fail(text) };
}

function convert(spec: CommandSpec, flag: FlagSpec, shown: string, raw: string, previous: FlagValue | undefined): FlagValue | ParseOutcome {
  const invalid = (why: string) => flagError(spec, `invalid argument "${raw}" for "${shown}" flag: ${why}`);
  switch (flag.type) {
    case "bool":
      if (/^(1|t|T|TRUE|true|True)$/.test(raw)) return true;
      if (/^(0|f|F|FALSE|false|False)$/.test(raw)) return false;
      return invalid(`strconv.ParseBool: parsing "${raw}": invalid syntax`);
    case "string":
      return raw;
    case "stringArray":
      return [...((previous as string[] | undefined) ?? []), raw];
    case "int":
      return /^[-+]?\d+$/.test(raw) ? Number(raw) : invalid(`strconv.ParseInt: parsing "${raw}": invalid syntax`);
    case "uint": {
      const parsed = parseUint(raw);
      return typeof parsed === "number" ? parsed : invalid(`strconv.ParseUint: parsing "${raw}": ${parsed.error}`);
    }
    case "duration": {
      const d = tryParseDuration(raw);
      return d.ok ? d.value : invalid(`time: invalid duration "${raw}"`);
    }
  }
}

/** Go's largest uint64. */
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Go `strconv.ParseUint(s, 0, 64)`, as docker/cli opts.Uint64Opt parses
 * `--replicas`: decimal, or `0x`, `0o`, `0b` or a leading `0` (octal); no sign.
 * Values past 2^53 lose precision (no count here gets near).
 */
function parseUint(raw: string): number | { error: "invalid syntax" | "value out of range" } {
  const match = /^(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/.exec(raw);
  if (match === null) return { error: "invalid syntax" };
  const [, hex, octal, binary, leadingZeroOctal, decimal] = match;
  const value =
    hex !== undefined ? BigInt(`0x${hex}`)
    : octal !== undefined ? BigInt(`0o${octal}`)
    : binary !== undefined ? BigInt(`0b${binary}`)
    : decimal !== undefined ? BigInt(decimal)
    : BigInt(`0o${leadingZeroOctal === "" ? "0" : leadingZeroOctal}`);
  return value > UINT64_MAX ? { error: "value out of range" } : Number(value);
}

const isOutcome = (v: FlagValue | ParseOutcome): v is ParseOutcome => typeof v === "object" && v !== null && "ok" in v;

/**
 * `docker … --help`: the usage, the description and the flags, laid out as
 * cobra's template and pflag's FlagUsages do (usage text aligned two columns
 * past the longest flag).
 */
export function commandHelp(spec: CommandSpec): string {
  // pflag lists flags sorted by name.
  const lines = [...spec.flags].sort((a, b) => (a.name < b.name ? -1 : 1)).map((f) => {
    const value = f.type === "bool" ? "" : ` ${f.valueName ?? f.type}`;
    return { head: `${f.short === undefined ? "      --" : `  -${f.short}, --`}${f.name}${value}`, usage: f.usage ?? "" };
  });
  const width = Math.max(0, ...lines.map((l) => l.head.length));
  const options = lines.map((l) => `${l.head.padEnd(width)}   ${l.usage}`.trimEnd()).join("\n");
  return `\nUsage:  ${spec.path} ${spec.use}\n\n${spec.short}\n${options === "" ? "" : `\nOptions:\n${options}\n`}`;
}

/**
 * Parses the words after the command path, pflag style (flags may come
 * between arguments unless the spec says `interspersed: false`; `--` ends flags).
 */
export function parseCommand(spec: CommandSpec, words: readonly string[]): ParseOutcome {
  const flags = new Map<string, FlagValue>();
  const args: string[] = [];
  const byName = new Map(spec.flags.map((f) => [f.name, f]));
  const byShort = new Map(spec.flags.filter((f) => f.short !== undefined).map((f) => [f.short!, f]));
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--help" || word === "-h") return { ok: false, output: { stdout: commandHelp(spec), stderr: "", exitCode: 0 } };
    if (word === "--") {
      args.push(...words.slice(i + 1));
      break;
    }
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = word.slice(2, eq < 0 ? undefined : eq);
      const flag = byName.get(name);
      if (flag === undefined) return flagError(spec, `unknown flag: --${name}`);
      let raw: string | undefined = eq < 0 ? undefined : word.slice(eq + 1);
      if (raw === undefined) raw = flag.type === "bool" ? "true" : words[++i];
      if (raw === undefined) return flagError(spec, `flag needs an argument: --${name}`);
      const value = convert(spec, flag, `--${name}`, raw, flags.get(name));
      if (isOutcome(value)) return value;
      flags.set(name, value);
    } else if (word.startsWith("-") && word.length > 1) {
      for (let k = 1; k < word.length; k++) {
        const c = word[k]!;
        const flag = byShort.get(c);
        if (flag === undefined) return flagError(spec, `unknown shorthand flag: '${c}' in ${word}`);
        let raw: string | undefined;
        if (flag.type === "bool") raw = word[k + 1] === "=" ? word.slice(k + 2) : "true";
        else raw = k + 1 < word.length ? word.slice(word[k + 1] === "=" ? k + 2 : k + 1) : words[++i];
        if (raw === undefined) return flagError(spec, `flag needs an argument: '${c}' in -${c}`);
        const value = convert(spec, flag, `-${c}, --${flag.name}`, raw, flags.get(flag.name));
        if (isOutcome(value)) return value;
        flags.set(flag.name, value);
        if (flag.type !== "bool" || word[k + 1] === "=") break;
      }
    } else if (spec.interspersed === false) {
      // pflag parseArgs with interspersed off: the first argument ends the flags.
      args.push(...words.slice(i));
      break;
    } else {
      args.push(word);
    }
  }
  const a = spec.args;
  if ("exactly" in a) {
    if (args.length !== a.exactly) return argumentError(spec, `exactly ${a.exactly} ${plural("argument", a.exactly)}`);
  } else if (args.length < a.min || args.length > a.max) {
    if (a.min === a.max) return argumentError(spec, `exactly ${a.min} ${plural("argument", a.min)}`);
    if (a.max === Infinity) return argumentError(spec, `at least ${a.min} ${plural("argument", a.min)}`);
    if (a.min === 0) return argumentError(spec, `at most ${a.max} ${plural("argument", a.max)}`);
    return argumentError(spec, `at least ${a.min} and at most ${a.max} ${plural("argument", a.max)}`);
  }
  return { ok: true, command: { flags, args } };
}

/**
 * `--opt`, `--label` values as moby reads them (opts.ConvertKVStringsToMap):
 * `KEY=VALUE`, or `KEY` alone for the empty value.
 */
export function keyValues(words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of words) {
    const eq = word.indexOf("=");
    out[eq < 0 ? word : word.slice(0, eq)] = eq < 0 ? "" : word.slice(eq + 1);
  }
  return out;
}
