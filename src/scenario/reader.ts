/**
 * Reads a YAML document node by node, so that every problem can say where it is.
 *
 * Each reader method returns the value, or `undefined` after recording a problem
 * at the node's position; loading goes on to find every problem in one pass.
 */

import { type LineCounter, type Node, isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from "yaml";
import { type Duration, tryParseDuration } from "../sim/index.js";
import type { ScenarioProblem, SourcePos } from "./errors.js";

/** A YAML value node, or undefined where the document had none. */
export type YamlNode = Node | null | undefined;

/** The entries of a mapping, each with the node of its key and of its value. */
export type Entries = Map<string, { readonly key: Node; readonly value: YamlNode }>;

/** A short description of what a node is, for "got ..." in messages. */
export function describe(node: YamlNode): string {
  if (node === null || node === undefined) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return "null";
    return typeof v === "string" ? JSON.stringify(v) : `${typeof v} ${String(v)}`;
  }
  return "an unexpected node";
}

/** Collects problems while reading one file. */
export class Reader {
  readonly problems: ScenarioProblem[] = [];

  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
    /** Nodes that came from a `--set` override, with the flag to report them at: they have no place in the file. */
    private readonly origins: ReadonlyMap<Node, SourcePos> = new Map(),
  ) {}

  /** Where a node starts (or `fallback`, or the file's start). */
  pos(node: YamlNode, fallback?: SourcePos): SourcePos {
    const origin = node === null || node === undefined ? undefined : this.origins.get(node);
    if (origin !== undefined) return origin;
    const offset = node?.range?.[0];
    if (offset === undefined) return fallback ?? { file: this.file, line: 1, column: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** Records a problem at a byte offset. */
  problemAt(offset: number, message: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.problems.push({ file: this.file, line, column: col, message });
  }

  /** Records a problem at a node. */
  problem(node: YamlNode, message: string, fallback?: SourcePos): undefined {
    this.problems.push({ ...this.pos(node, fallback), message });
    return undefined;
  }

  /** A mapping whose keys are all among `required` and `optional`; the required ones must be there. */
  entries(node: YamlNode, what: string, required: readonly string[], optional: readonly string[]): Entries | undefined {
    if (!isMap(node)) return this.problem(node, `expected a mapping for ${what}, got ${describe(node)}`);
    const out: Entries = new Map();
    const allowed = [...required, ...optional];
    for (const pair of (node as YAMLMap<Node, Node>).items) {
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : undefined;
      if (name === undefined || !allowed.includes(name)) {
        this.problem(key, `unknown key ${name === undefined ? describe(key) : `"${name}"`} in ${what}: expected one of ${allowed.join(", ")}`);
        continue;
      }
      out.set(name, { key, value: pair.value });
    }
    for (const name of required) {
      if (!out.has(name)) this.problem(node, `${what} is missing the required key "${name}"`);
    }
    return out;
  }

  /** The items of a list. */
  list(node: YamlNode, what: string): readonly YamlNode[] | undefined {
    if (!isSeq(node)) return this.problem(node, `expected a list for ${what}, got ${describe(node)}`);
    return (node as YAMLSeq<Node>).items;
  }

  /** A non-empty string. */
  string(node: YamlNode, what: string): string | undefined {
    if (!isScalar(node) || typeof node.value !== "string" || node.value.trim() === "") {
      return this.problem(node, `expected a non-empty string for ${what}, got ${describe(node)}`);
    }
    return node.value;
  }

  /** One of a fixed set of words. */
  oneOf<T extends string>(node: YamlNode, what: string, values: readonly T[]): T | undefined {
    if (!isScalar(node) || typeof node.value !== "string" || !values.includes(node.value as T)) {
      return this.problem(node, `expected one of ${values.join(", ")} for ${what}, got ${describe(node)}`);
    }
    return node.value as T;
  }

  /** `true` or `false`. */
  bool(node: YamlNode, what: string): boolean | undefined {
    if (!isScalar(node) || typeof node.value !== "boolean") return this.problem(node, `expected true or false for ${what}, got ${describe(node)}`);
    return node.value;
  }

  /** A whole number in [min, max]. */
  int(node: YamlNode, what: string, min: number, max: number): number | undefined {
    if (!isScalar(node) || typeof node.value !== "number" || !Number.isSafeInteger(node.value) || node.value < min || node.value > max) {
      return this.problem(node, `expected a whole number from ${min} to ${max} for ${what}, got ${describe(node)}`);
    }
    return node.value;
  }

  /** A duration such as `250ms`, `12h`, `90d`. */
  duration(node: YamlNode, what: string): Duration | undefined {
    if (!isScalar(node) || (typeof node.value !== "string" && node.value !== 0)) {
      return this.problem(node, `expected a duration such as "250ms", "12h" or "90d" for ${what}, got ${describe(node)}`);
    }
    const r = tryParseDuration(String(node.value === 0 ? "0s" : node.value));
    if (!r.ok) return this.problem(node, `${r.reason} (in ${what})`);
    return r.value;
  }

  /** A duration with an optional sign (`2h`, `+2h`, `-90m`), in µs: a clock's skew. */
  signedDuration(node: YamlNode, what: string): number | undefined {
    if (!isScalar(node) || (typeof node.value !== "string" && node.value !== 0)) {
      return this.problem(node, `expected a duration with an optional sign such as "2h" or "-90m" for ${what}, got ${describe(node)}`);
    }
    const text = String(node.value === 0 ? "0s" : node.value).trim();
    const negative = text.startsWith("-");
    const r = tryParseDuration(text.replace(/^[-+]/, ""));
    if (!r.ok) return this.problem(node, `${r.reason} (in ${what})`);
    return negative ? -r.value : r.value;
  }

  /** A percentage `0.5%` or a fraction `0.005`, as parts per million. */
  ppm(node: YamlNode, what: string): number | undefined {
    const bad = () => this.problem(node, `expected a percentage such as "0%" or "0.5%" (or a fraction from 0 to 1) for ${what}, got ${describe(node)}`);
    if (!isScalar(node)) return bad();
    let fraction: number;
    if (typeof node.value === "number") fraction = node.value;
    else if (typeof node.value === "string" && /^\d+(\.\d+)?%$/.test(node.value.trim())) fraction = Number(node.value.trim().slice(0, -1)) / 100;
    else return bad();
    if (!(fraction >= 0 && fraction <= 1)) return bad();
    return Math.round(fraction * 1_000_000);
  }

  /** One string or a list of strings. */
  strings(node: YamlNode, what: string): string[] | undefined {
    if (isSeq(node)) {
      const out: string[] = [];
      for (const item of (node as YAMLSeq<Node>).items) {
        const s = this.string(item, what);
        if (s !== undefined) out.push(s);
      }
      return out;
    }
    const s = this.string(node, what);
    return s === undefined ? undefined : [s];
  }
}
