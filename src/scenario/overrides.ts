/**
 * `--set key=value`: changes to a scenario document made before it is
 * validated, so that a run or a seed sweep can vary one parameter without a
 * copy of the file. The value is read as YAML (a scalar or a flow collection)
 * and the edited document is checked exactly as the file is; a problem in an
 * overridden value names the flag, since it is in no line of the file.
 */

import { type Document, LineCounter, type Node, Pair, Scalar, YAMLMap, isMap, isNode, isScalar, isSeq, parseDocument, visit } from "yaml";
import type { ScenarioProblem, SourcePos } from "./errors.js";
import { describe } from "./reader.js";

/** One `--set`: a dotted path in the scenario document and the YAML text of its new value. */
export interface Override {
  /** The path from the top of the document: `["cluster", "keyRotation"]`. A whole number indexes a list (`steps.0.run`). */
  readonly path: readonly string[];
  /** The value as typed: `6h`, `5`, `[1ms, 5ms]`, `{uniform: [1ms, 5ms]}`. */
  readonly value: string;
}

/** A scenario document with the overrides applied, and where each node that came from an override is reported. */
export interface OverriddenDocument {
  readonly ok: true;
  readonly doc: Document;
  /** Positions of the nodes that came from the file. */
  readonly lines: LineCounter;
  /** Every node an override made (values, keys, the mappings made for missing parents), mapped to its flag. */
  readonly origins: ReadonlyMap<Node, SourcePos>;
}

// A key segment: what scenario keys are made of (`keyRotation`, `stdout-contains`, `0`).
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const INDEX = /^\d+$/;

/**
 * Reads `key=value` as typed after `--set`, or says what is wrong with it.
 *
 * @example
 * ```ts
 * parseOverride("underlay.latency={uniform: [1ms, 5ms]}");
 * // { ok: true, override: { path: ["underlay", "latency"], value: "{uniform: [1ms, 5ms]}" } }
 * ```
 */
export function parseOverride(text: string): { ok: true; override: Override } | { ok: false; reason: string } {
  const eq = text.indexOf("=");
  if (eq < 0) return { ok: false, reason: `--set expected KEY=VALUE such as cluster.workers=5, got "${text}"` };
  const key = text.slice(0, eq);
  const path = key.split(".");
  if (!path.every((segment) => SEGMENT.test(segment))) {
    return { ok: false, reason: `--set ${text}: expected a dotted key of letters, digits, "-" and "_" such as cluster.keyRotation, got "${key}"` };
  }
  return { ok: true, override: { path, value: text.slice(eq + 1) } };
}

/** The override as typed after `--set`: `cluster.workers=5`. */
export function overrideText(override: Override): string {
  return `${override.path.join(".")}=${override.value}`;
}

/** The flag as a command line would carry it: `--set cluster.workers=5`. */
export function overrideFlag(override: Override): string {
  return `--set ${overrideText(override)}`;
}

/**
 * Where a problem in an override is reported: `file` is the flag as typed and
 * `line` is 0, which no place in a file has (lines count from 1), so that a
 * printer can show `--set key=value: message` instead of a file position.
 */
export function overrideSource(override: Override): SourcePos {
  return { file: overrideFlag(override), line: 0, column: 0 };
}

/**
 * Parses scenario text and applies `overrides` in order (a later one wins).
 * YAML syntax errors are reported at their place in `file`; an override that
 * cannot be applied (bad YAML value, a parent that is a list or a scalar, an
 * index past a list's end) is reported at its flag. A parent that does not
 * exist is made as an empty mapping.
 */
export function parseWithOverrides(text: string, file: string, overrides: readonly Override[]): OverriddenDocument | { ok: false; problems: ScenarioProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: ScenarioProblem[] = doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { file, line, column: col, message: `invalid YAML: ${e.message.split("\n")[0]}` };
  });
  if (problems.length > 0) return { ok: false, problems };
  const origins = new Map<Node, SourcePos>();
  for (const override of overrides) {
    const reason = applyOverride(doc, override, origins);
    if (reason !== undefined) problems.push({ ...overrideSource(override), message: reason });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, doc, lines, origins };
}

/** Sets one value in `doc`; returns why it could not, or undefined. */
function applyOverride(doc: Document, override: Override, origins: Map<Node, SourcePos>): string | undefined {
  const value = parseValue(override.value);
  if (typeof value === "string") return value;
  const source = overrideSource(override);
  const mark = <T extends Node>(node: T): T => {
    visit(node, (_key, n) => {
      if (isNode(n)) origins.set(n, source);
    });
    return node;
  };
  mark(value);
  // An empty file gets a top-level mapping; it is not marked, so that "missing the
  // required key" is reported at the file, where the keys belong.
  if (isAbsent(doc.contents)) doc.contents = new YAMLMap();
  const path = override.path.join(".");
  let container = doc.contents as Node;
  for (const [i, segment] of override.path.entries()) {
    const last = i === override.path.length - 1;
    const parent = i === 0 ? "the scenario" : override.path.slice(0, i).join(".");
    // The last segment takes the value; one before it descends, through a new mapping where there is nothing.
    const descend = (existing: unknown): Node => {
      if (last) return value;
      return isAbsent(existing) ? mark(new YAMLMap()) : (existing as Node);
    };
    if (isMap(container)) {
      const pair = container.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      const child = descend(pair?.value);
      if (pair !== undefined) pair.value = child;
      else container.items.push(new Pair(mark(new Scalar(segment)), child));
      container = child;
    } else if (isSeq(container)) {
      const n = container.items.length;
      const index = INDEX.test(segment) ? Number(segment) : -1;
      if (index < 0 || index >= n) {
        return `cannot set ${path}: ${n === 0 ? `${parent} is an empty list` : `expected an index of ${parent} from 0 to ${n - 1} (a list of ${n})`}, got "${segment}"`;
      }
      container = container.items[index] = descend(container.items[index]);
    } else {
      return `cannot set ${path}: ${parent} is ${describe(container)}, not a mapping or a list`;
    }
  }
  return undefined;
}

/** Nothing there, or an empty value (`underlay:` with nothing after it): a place an override may fill. */
function isAbsent(node: unknown): boolean {
  return !isNode(node) || (isScalar(node) && node.value === null);
}

/** The value's YAML text as a node, or why it is not one. */
function parseValue(text: string): Node | string {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return `invalid YAML value: ${doc.errors[0]!.message.split("\n")[0]}`;
  return isNode(doc.contents) ? doc.contents : new Scalar(null);
}
