/**
 * Placement constraints (`docker service create --constraint`), as swarmkit's
 * manager/constraint/constraint.go parses and matches them: `KEY==VALUE` or
 * `KEY!=VALUE`, the key and the value checked against its patterns, values
 * compared without regard to case. The scheduler keeps a task off every node
 * that fails one of its service's constraints.
 */

import type { StoredNode } from "./cluster-store.js";

/** One parsed constraint. */
export interface PlacementConstraint {
  readonly key: string;
  readonly operator: "==" | "!=";
  readonly value: string;
}

/** constraint.go `alphaNumeric`: a key. */
const keyPattern = /^[a-z_][a-z0-9\-_.]+$/i;
/** constraint.go `valuePattern`: a value, without current or future operators such as `>`, `<`, `~`. */
const valuePattern = /^[a-z0-9:\-_\s.*()?+[\]\\^$|/]+$/i;
/** constraint.go `operators`, in the order they are looked for. */
const operators = ["==", "!="] as const;

/**
 * constraint.go Parse: every expression, or the first one's error in swarmkit's
 * words (`invalid constraint`, `key 'X' is invalid`, `value 'X' is invalid`).
 *
 * @example
 * ```ts
 * parseConstraints(["node.hostname==worker-1", "node.role!=manager"]);
 * // { ok: true, value: [{ key: "node.hostname", operator: "==", value: "worker-1" }, ...] }
 * parseConstraints(["node.hostname=worker-1"]); // { ok: false, reason: "invalid constraint" }
 * ```
 */
export function parseConstraints(expressions: readonly string[]): { ok: true; value: PlacementConstraint[] } | { ok: false; reason: string } {
  const parsed: PlacementConstraint[] = [];
  for (const expression of expressions) {
    const operator = operators.find((op) => expression.includes(op));
    if (operator === undefined) return { ok: false, reason: "invalid constraint" };
    const at = expression.indexOf(operator);
    const key = expression.slice(0, at).trim();
    const value = expression.slice(at + operator.length).trim();
    if (!keyPattern.test(key)) return { ok: false, reason: `key '${key}' is invalid` };
    if (!valuePattern.test(value)) return { ok: false, reason: `value '${value}' is invalid` };
    parsed.push({ key, operator, value });
  }
  return { ok: true, value: parsed };
}

/** constraint.go Constraint.Match: `==` holds when the value equals one of `seen`, case aside; `!=` when it equals none. */
function holds(constraint: PlacementConstraint, ...seen: string[]): boolean {
  const value = constraint.value.toLowerCase();
  const equal = seen.some((s) => s.toLowerCase() === value);
  return constraint.operator === "==" ? equal : !equal;
}

const nodeLabelPrefix = "node.labels.";
const engineLabelPrefix = "engine.labels.";

/**
 * constraint.go NodeMatches: whether `node` satisfies every constraint. Keys
 * read here: node.id, node.hostname, node.role (`worker`, `manager`),
 * node.platform.os, node.platform.arch, node.labels.* and engine.labels.*
 * (no labels are modelled: `==` fails, `!=` holds); any other key matches
 * no node, as in swarmkit.
 */
export function nodeMatches(constraints: readonly PlacementConstraint[], node: StoredNode): boolean {
  return constraints.every((c) => {
    const key = c.key.toLowerCase();
    if (key === "node.id") return holds(c, node.id);
    if (key === "node.hostname") return holds(c, node.hostname);
    if (key === "node.role") return holds(c, node.role);
    if (key === "node.platform.os") return holds(c, node.platform?.os ?? "linux");
    if (key === "node.platform.arch") return holds(c, node.platform?.architecture ?? "x86_64");
    // A label the node does not have: swarmkit matches an empty value.
    if ((key.startsWith(nodeLabelPrefix) && key.length > nodeLabelPrefix.length) || (key.startsWith(engineLabelPrefix) && key.length > engineLabelPrefix.length)) {
      return holds(c, "");
    }
    return false;
  });
}
