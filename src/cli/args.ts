/**
 * Command-line parsing for `swarmsim`: flags are declared once, with whether
 * they take a value, and anything else is a usage error (exit 2).
 */

/** Parsed arguments: positional words and flag values (`true` for switches). */
export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/** A flag the command accepts. */
export interface FlagSpec {
  readonly name: string;
  readonly takesValue: boolean;
}

/** A mistake on the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Parses `argv` (after the command word) against `specs`. `--flag=value` and `--flag value` both work. */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith("-") || word === "-") {
      positional.push(word);
      continue;
    }
    const eq = word.indexOf("=");
    const name = eq < 0 ? word : word.slice(0, eq);
    const spec = byName.get(name);
    if (spec === undefined) throw new UsageError(`unknown flag: ${name}`);
    if (!spec.takesValue) {
      if (eq >= 0) throw new UsageError(`flag ${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq >= 0 ? word.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "") throw new UsageError(`flag ${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}
