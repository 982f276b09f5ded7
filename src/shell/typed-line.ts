/**
 * A docker line as a person types it at the prompt: `docker ...`, with
 * `$NAME` from earlier captures expanded as a shell would, and the two shell
 * forms that keep a value: `NAME=$(docker ...)` (the command's output,
 * trimmed, as `TOKEN=$(docker swarm join-token -q worker)`) and `NAME=value`.
 */

import { expandVariables, splitCommandLine } from "../swarm/index.js";

/** What a typed line asks for, or why it cannot run. */
export type TypedLine =
  | { readonly kind: "docker"; readonly text: string; readonly argv: readonly string[] }
  | { readonly kind: "capture"; readonly name: string; readonly text: string; readonly argv: readonly string[] }
  | { readonly kind: "assign"; readonly name: string; readonly value: string }
  | { readonly kind: "error"; readonly message: string };

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
const SUBSTITUTION = /^\$\((.*)\)$/s;

/**
 * Reads a typed line whose first word is `docker` or an assignment.
 *
 * @example
 * ```ts
 * readTypedLine("TOKEN=$(docker swarm join-token -q worker)", new Map());
 * // { kind: "capture", name: "TOKEN", text: "docker swarm join-token -q worker", argv: [...] }
 * ```
 */
export function readTypedLine(line: string, variables: ReadonlyMap<string, string>): TypedLine {
  const assignment = ASSIGNMENT.exec(line);
  if (assignment === null) return commandOf(line, variables, (text, argv) => ({ kind: "docker", text, argv }));
  const [, name, rhs] = assignment as unknown as [string, string, string];
  const substitution = SUBSTITUTION.exec(rhs.trim());
  if (substitution !== null) return commandOf(substitution[1]!.trim(), variables, (text, argv) => ({ kind: "capture", name, text, argv }));
  const expanded = expand(rhs, variables);
  if (typeof expanded !== "string") return expanded;
  const split = splitCommandLine(expanded);
  if (!split.ok) return { kind: "error", message: `sh: syntax error: ${split.reason}` };
  if (split.argv.length > 1) return { kind: "error", message: `sh: ${split.argv[1]}: not found (quote a value with spaces: ${name}="...")` };
  return { kind: "assign", name, value: split.argv[0] ?? "" };
}

function commandOf(line: string, variables: ReadonlyMap<string, string>, make: (text: string, argv: readonly string[]) => TypedLine): TypedLine {
  const expanded = expand(line, variables);
  if (typeof expanded !== "string") return expanded;
  const split = splitCommandLine(expanded);
  if (!split.ok) return { kind: "error", message: `sh: syntax error: ${split.reason}` };
  if (split.argv[0] !== "docker") return { kind: "error", message: `swarmsim: only docker commands run inside $( ), got "${split.argv[0] ?? ""}"` };
  return make(expanded, split.argv);
}

/** The line with `$NAME` replaced; a name never set is an error here (a shell would quietly use ""). */
function expand(line: string, variables: ReadonlyMap<string, string>): string | TypedLine {
  const expanded = expandVariables(line, variables);
  if (expanded.ok) return expanded.line;
  const name = expanded.missing;
  return { kind: "error", message: `swarmsim: $${name} is not set; set it first, e.g. ${name}=$(docker swarm join-token -q worker)` };
}

/**
 * Words as a shell reads them after expansion (for `echo`), or the message
 * saying why not.
 *
 * @example
 * ```ts
 * expandWords("token: $TOKEN", new Map([["TOKEN", "SWMTKN-1-..."]])); // ["token:", "SWMTKN-1-..."]
 * ```
 */
export function expandWords(line: string, variables: ReadonlyMap<string, string>): string[] | string {
  const expanded = expand(line, variables);
  if (typeof expanded !== "string") return expanded.kind === "error" ? expanded.message : "";
  const split = splitCommandLine(expanded);
  return split.ok ? split.argv : `sh: syntax error: ${split.reason}`;
}
