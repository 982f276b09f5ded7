/**
 * `--set key=value` may be given many times, which the one-value-per-flag
 * parser in args.ts does not keep; the overrides are taken out of the command
 * line here, in order, and the rest goes to `parseArgs`.
 */

import { type Override, parseOverride } from "../scenario/overrides.js";
import { type FlagSpec, UsageError } from "./args.js";

/**
 * Every `--set KEY=VALUE` and `--set=KEY=VALUE` in `argv`, in order, and the
 * other words. The value of another flag in `specs` is passed over, so that
 * `--trace --set` names a file called `--set`, as `parseArgs` would read it.
 *
 * @example
 * ```ts
 * takeOverrides(["f.yaml", "--set", "cluster.workers=2", "--quiet"], RUN_FLAGS);
 * // { overrides: [{ path: ["cluster", "workers"], value: "2" }], rest: ["f.yaml", "--quiet"] }
 * ```
 */
export function takeOverrides(argv: readonly string[], specs: readonly FlagSpec[]): { overrides: Override[]; rest: string[] } {
  const takesValue = new Set(specs.filter((s) => s.takesValue).map((s) => s.name));
  const overrides: Override[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") {
      rest.push(...argv.slice(i));
      break;
    }
    if (word === "--set" || word.startsWith("--set=")) {
      const text = word === "--set" ? argv[++i] : word.slice("--set=".length);
      if (text === undefined || text === "") throw new UsageError("flag --set needs a value: KEY=VALUE such as cluster.workers=5");
      const parsed = parseOverride(text);
      if (!parsed.ok) throw new UsageError(parsed.reason);
      overrides.push(parsed.override);
      continue;
    }
    rest.push(word);
    if (takesValue.has(word) && i + 1 < argv.length) rest.push(argv[++i]!);
  }
  return { overrides, rest };
}
