/**
 * Evaluating `check` steps against the running cluster and the run's counts.
 * Each expectation becomes a `CheckResult` saying what was expected and what
 * was seen, as a command's expectations do.
 */

import { subsystemGossip, subsystemIpsec } from "../control/index.js";
import type { Cluster, SwarmNode } from "../swarm/index.js";
import { type AdversaryView, evaluateExposure, evaluateNoPlaintext } from "./check-adversary.js";
import type { CheckResult } from "./expect.js";
import type { TraceTally } from "./tally.js";
import type { ClusterCheck, CountBound, NodeStateCheck } from "./types.js";

const within = (n: number, bound: CountBound) => n >= bound.min && n <= bound.max;

function countResult(what: string, seen: number, bound: CountBound): CheckResult {
  return { ok: within(seen, bound), what: `${what} ${bound.text}`, expected: bound.text, seen: String(seen) };
}

/** Every result of `check`, passed or not, at this instant. */
export function evaluateClusterCheck(check: ClusterCheck, cluster: Cluster, tally: TraceTally, adversary: AdversaryView): CheckResult[] {
  const results: CheckResult[] = [];
  if (check.rotations !== undefined) results.push(countResult("rotations", tally.count("keymanager.rotate"), check.rotations));
  if (check.handshakesRefused !== undefined) results.push(countResult("handshakes refused", tally.count("tls.handshake.failed"), check.handshakesRefused));
  for (const [reason, bound] of check.drops) results.push(countResult(`drops ${reason}`, tally.drops(reason), bound));
  for (const [kind, bound] of check.records) results.push(countResult(`records ${kind}`, tally.count(kind), bound));
  if (check.leader !== undefined) {
    const leaders = [...cluster.nodes.values()].filter((n) => !n.crashed && n.manager?.isLeader === true).map((n) => n.name);
    const expected = check.leader.join(" or ");
    results.push({ ok: leaders.length === 1 && check.leader.includes(leaders[0]!), what: `leader ${expected}`, expected, seen: leaders.length === 0 ? "no leader" : leaders.join(", ") });
  }
  for (const state of check.nodes) results.push(...evaluateNode(state, cluster));
  if (check.noPlaintext !== undefined) results.push(...evaluateNoPlaintext(check.noPlaintext, cluster, adversary));
  if (check.exposure !== undefined) results.push(...evaluateExposure(check.exposure, adversary));
  return results;
}

/** What a node's status reads as: down, outside any swarm, or ready. */
function statusOf(node: SwarmNode): "ready" | "down" | "outside" {
  if (node.crashed) return "down";
  return node.identity === undefined ? "outside" : "ready";
}

/** The node's key tags, oldest first, and its primary's position among them, per subsystem. */
function keyView(node: SwarmNode): { gossip: { tags: readonly number[]; primary: number | undefined }; ipsec: { tags: readonly number[]; primary: number | undefined } } | undefined {
  const keys = node.keys;
  if (keys === undefined) return undefined;
  return { gossip: keys.held(subsystemGossip), ipsec: keys.held(subsystemIpsec) };
}

function describeKeys(view: ReturnType<typeof keyView>): string {
  if (view === undefined) return "no keys";
  const one = (held: { tags: readonly number[]; primary: number | undefined }) => held.tags.map((t) => (t === held.primary ? `[${t}]` : String(t))).join(" ");
  return `gossip ${one(view.gossip)}; ipsec ${one(view.ipsec)}`;
}

/** Where the primary sits among `tags` (oldest first): the position `primary` names. */
function primaryAt(held: { tags: readonly number[]; primary: number | undefined }, which: "middle" | "newest" | "oldest"): boolean {
  if (held.primary === undefined || held.tags.length === 0) return false;
  const index = which === "oldest" ? 0 : which === "newest" ? held.tags.length - 1 : Math.floor((held.tags.length - 1) / 2);
  return held.tags[index] === held.primary;
}

function evaluateNode(state: NodeStateCheck, cluster: Cluster): CheckResult[] {
  const node = cluster.node(state.node);
  const results: CheckResult[] = [];
  const name = state.node;
  if (state.status !== undefined) {
    const seen = statusOf(node);
    results.push({ ok: seen === state.status, what: `${name} status ${state.status}`, expected: state.status, seen });
  }
  if (state.role !== undefined) {
    const seen = node.identity?.role ?? "none (not in a swarm)";
    results.push({ ok: seen === state.role, what: `${name} role ${state.role}`, expected: state.role, seen });
  }
  if (state.leader !== undefined) {
    const seen = !node.crashed && node.manager?.isLeader === true;
    results.push({ ok: seen === state.leader, what: `${name} leader ${state.leader}`, expected: String(state.leader), seen: String(seen) });
  }
  const view = keyView(node);
  if (state.keys !== undefined) {
    const counts = view === undefined ? [0, 0] : [view.gossip.tags.length, view.ipsec.tags.length];
    results.push({ ok: counts.every((n) => within(n, state.keys!)), what: `${name} keys ${state.keys.text}`, expected: `${state.keys.text} per subsystem`, seen: describeKeys(view) });
  }
  if (state.primary !== undefined) {
    const ok = view !== undefined && primaryAt(view.gossip, state.primary) && primaryAt(view.ipsec, state.primary);
    results.push({ ok, what: `${name} primary ${state.primary}`, expected: `the ${state.primary} key primary, in both subsystems`, seen: describeKeys(view) });
  }
  if (state.keysLike !== undefined) {
    const other = keyView(cluster.node(state.keysLike));
    const same = (a: readonly number[] | undefined, b: readonly number[] | undefined) => a !== undefined && b !== undefined && a.join(" ") === b.join(" ");
    const ok = view !== undefined && same(view.gossip.tags, other?.gossip.tags) && same(view.ipsec.tags, other?.ipsec.tags);
    results.push({ ok, what: `${name} keys like ${state.keysLike}`, expected: `${state.keysLike}'s: ${describeKeys(other)}`, seen: describeKeys(view) });
  }
  return results;
}
