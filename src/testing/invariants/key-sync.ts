/**
 * When each node kept up with the key manager, per subsystem: Swarm's
 * middle-key promise covers nodes at most one rotation behind (a key is in
 * every ring a full interval before anyone sends with it). A node is outside
 * that promise while its keys are not the leader's current set nor the one
 * before: it missed two rotations (cut off from the control plane, removed
 * from the swarm, a key delay longer than the interval), or it holds a set
 * the leader never made (libnetwork's handleKeyChange gap after such a miss).
 *
 * The leader's sets come from `keymanager.start`/`keymanager.rotate`, a
 * node's from `agent.keys` (gossip ring) or `overlay.keys` (IPsec keys).
 */

import type { TraceRecord } from "../../sim/index.js";
import type { KeyKind } from "./network-keys.js";
import { latestAt, numbersOf } from "./records.js";

/** A stretch of simulated time, both ends included. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** Per node, when it was outside the promise. */
export type OutsideSpans = ReadonlyMap<string, readonly Span[]>;

/**
 * When each node's `subsystem` keys were more than one rotation behind, or
 * not a set the leader made.
 *
 * @example
 * ```ts
 * const outside = outsideSpans(run.records, "gossip");
 * outside.get("worker-3"); // [{ from: 2400000000, to: 3600001000 }]
 * ```
 */
export function outsideSpans(records: readonly TraceRecord[], subsystem: KeyKind): Map<string, Span[]> {
  const sets = leaderSets(records, subsystem === "gossip" ? "gossipTags" : "ipsecTags");
  const held =
    subsystem === "gossip"
      ? records.filter((r) => r.kind === "agent.keys").map((r) => ({ r, tags: numbersOf(r, "gossipRing") }))
      : records.filter((r) => r.kind === "overlay.keys" && r["ok"] !== false).map((r) => ({ r, tags: numbersOf(r, "tags") }));
  const heldByNode = new Map<string, Array<{ t: number; tags: string }>>();
  for (const { r, tags } of held) {
    const states = heldByNode.get(r.node ?? "") ?? [];
    states.push({ t: r.t, tags: key(tags) });
    heldByNode.set(r.node ?? "", states);
  }
  const spans = new Map<string, Span[]>();
  for (const [node, states] of heldByNode) {
    const times = [...new Set([...states.map((s) => s.t), ...sets.map((s) => s.t)])].filter((t) => t >= states[0]!.t).sort((a, b) => a - b);
    const nodeSpans: Span[] = [];
    let start: number | undefined;
    for (const t of times) {
      const inside = withinOne(latestAt(states, t)!.tags, sets, t);
      if (!inside && start === undefined) start = t;
      if (inside && start !== undefined) {
        nodeSpans.push({ from: start, to: t });
        start = undefined;
      }
    }
    if (start !== undefined) nodeSpans.push({ from: start, to: Number.MAX_SAFE_INTEGER });
    if (nodeSpans.length > 0) spans.set(node, nodeSpans);
  }
  return spans;
}

/**
 * Whether `node` was outside the promise at some instant of [from, to].
 *
 * @example
 * ```ts
 * outsideDuring(outside, "worker-3", drop.t - 1_000_000, drop.t); // true: its frames may be dropped
 * ```
 */
export function outsideDuring(spans: OutsideSpans, node: string | undefined, from: number, to: number): boolean {
  if (node === undefined) return false;
  return (spans.get(node) ?? []).some((span) => span.from <= to && from <= span.to);
}

/** The leader's key sets in order, each from when it was made (a repeated set, as a new leader takes over, counts once). */
function leaderSets(records: readonly TraceRecord[], field: string): Array<{ t: number; tags: string }> {
  const sets: Array<{ t: number; tags: string }> = [];
  for (const record of records) {
    if (record.kind !== "keymanager.start" && record.kind !== "keymanager.rotate") continue;
    const tags = key(numbersOf(record, field));
    if (!sets.some((s) => s.tags === tags)) sets.push({ t: record.t, tags });
  }
  return sets;
}

/** Whether a node holding `tags` at `at` holds the leader's current set or the one before. */
function withinOne(tags: string, sets: ReadonlyArray<{ t: number; tags: string }>, at: number): boolean {
  let current = -1;
  sets.forEach((s, i) => {
    if (s.t <= at) current = i;
  });
  const held = sets.findIndex((s) => s.tags === tags);
  return held >= 0 && held >= current - 1;
}

function key(tags: readonly number[]): string {
  return tags
    .slice()
    .sort((a, b) => a - b)
    .join(",");
}
