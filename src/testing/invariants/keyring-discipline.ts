/**
 * Every node keeps Swarm's key discipline (swarmkit manager/keymanager,
 * moby libnetwork agent.go, drivers/overlay/encryption.go):
 *
 * - it holds at most 3 keys per subsystem (`agent.keys` gossip rings,
 *   `overlay.keys` IPsec keys);
 * - its IPsec primary is the middle of its 3 keys (`overlay.keys`, primary
 *   first), and every ESP packet it sends is sealed under that primary;
 * - every gossip frame it sends is sealed under the middle key of its ring
 *   (memberlist sends with the primary, which Swarm sets to the middle key;
 *   the trace lists a ring's tags, not its primary, so the key that really
 *   sealed the frame, found by opening it, is compared with the middle);
 * - nothing it sends is sealed under a key no node held.
 *
 * A node's keys are judged as its own records show them, so a node that gets
 * a key set late (`cluster.keyDelay`) is judged on the set it held. A frame
 * may be sealed a little before it is captured (a stream message waits in
 * the TCP send queue): any key state in force within `windowUs` before the
 * capture counts.
 */

import { type TraceRecord, duration, formatDuration } from "../../sim/index.js";
import type { FinishedRun } from "../run.js";
import { byNode, latestAt, numbersOf, recordsOf } from "./records.js";
import { type SealedFrame, sealedFrames } from "./sealed-frames.js";
import { type Verdict, timeOf, verdictOf } from "./verdict.js";

/** Swarm keeps 3 keys per subsystem (swarmkit manager/keymanager/keymanager.go: keyringSize). */
export const keysPerSubsystem = 3;

/** How to judge. */
export interface KeyringOptions {
  /** How long before its capture a frame may have been sealed (default 1 s). */
  readonly windowUs?: number;
}

/** One key state of a node: the tags it held, and the one it must send under. */
interface KeyState {
  readonly t: number;
  readonly tags: readonly number[];
  readonly expected: number | undefined;
}

/**
 * Checks ring sizes, middle primaries and the key of every frame a node sent.
 *
 * @example
 * ```ts
 * invariants.keyringDiscipline(run); // { ok: true, info: { gossipFrames: 5210, espPackets: 96, ... } }
 * invariants.keyringDiscipline(newestKeyRun).ok; // false: primaries are the newest key
 * ```
 */
export function keyringDiscipline(run: FinishedRun, options: KeyringOptions = {}): Verdict {
  const windowUs = options.windowUs ?? 1_000_000;
  const gossip = statesOf(recordsOf(run.records, "agent.keys"), (r) => sortedTags(numbersOf(r, "gossipRing")), (tags) => middleOf(tags));
  const ipsec = statesOf(recordsOf(run.records, "overlay.keys").filter((r) => r["ok"] !== false), (r) => numbersOf(r, "tags"), (tags) => tags[0]);
  const violations: object[] = [...ringProblems(gossip, "gossip"), ...ringProblems(ipsec, "ipsec")];
  const nodes = new Set(run.cluster.nodes.keys());
  let gossipFrames = 0;
  let espPackets = 0;
  let unjudged = 0;
  for (const frame of sealedFrames(run)) {
    if (!nodes.has(frame.src)) continue; // the attacker's copies are not the node's sending
    const esp = frame.kind === "esp";
    if (esp) espPackets++;
    else gossipFrames++;
    const problem = frameProblem(frame, (esp ? ipsec : gossip).get(frame.src) ?? [], windowUs);
    if (problem === "unjudged") unjudged++;
    else if (problem !== undefined) violations.push(problem);
  }
  return verdictOf("nodes broke the key discipline", violations, { gossipFrames, espPackets, unjudged, window: formatDuration(duration(windowUs)) });
}

function statesOf(records: readonly TraceRecord[], tagsOf: (r: TraceRecord) => number[], expectedOf: (tags: readonly number[]) => number | undefined): Map<string, KeyState[]> {
  const states = new Map<string, KeyState[]>();
  for (const [node, group] of byNode(records)) states.set(node, group.map((r) => ({ t: r.t, tags: tagsOf(r), expected: expectedOf(tagsOf(r)) })));
  return states;
}

/** Too many keys, or (IPsec) a primary that is not the middle one. */
function ringProblems(states: ReadonlyMap<string, readonly KeyState[]>, subsystem: "gossip" | "ipsec"): object[] {
  const problems: object[] = [];
  for (const [node, timeline] of states) {
    for (const state of timeline) {
      const base = { node, subsystem, ...timeOf(state.t), tags: state.tags };
      if (state.tags.length > keysPerSubsystem) problems.push({ problem: `holds ${state.tags.length} ${subsystem} keys, more than ${keysPerSubsystem}`, ...base });
      if (subsystem === "ipsec" && state.tags.length === keysPerSubsystem && state.expected !== middleOf(sortedTags(state.tags))) {
        problems.push({ problem: `its IPsec primary ${state.expected} is not the middle key ${middleOf(sortedTags(state.tags))}`, ...base });
      }
    }
  }
  return problems;
}

/** What is wrong with the key that sealed `frame`, given its sender's key states. */
function frameProblem(frame: SealedFrame, timeline: readonly KeyState[], windowUs: number): object | "unjudged" | undefined {
  const base = { node: frame.src, kind: frame.kind, packet: frame.packets[0], ...timeOf(frame.at), dst: frame.dst };
  if (frame.key === undefined) return { problem: "sealed under a key no node held", ...base };
  const states = statesAround(timeline, frame.at, windowUs);
  if (states.length === 0) return { problem: `sent under ${frame.key.subsystem} key ${frame.key.tag} before holding any key`, ...base };
  if (states.some((s) => s.expected === frame.key!.tag)) return undefined;
  // A ring of other than 3 keys has no middle to judge by (its size is reported on its own).
  if (states.some((s) => s.expected === undefined)) return "unjudged";
  const last = states[states.length - 1]!;
  const what = frame.kind === "esp" ? "its IPsec primary" : "the middle key of its gossip ring";
  return { problem: `sealed under ${frame.key.subsystem} key ${frame.key.tag}, not ${what} (${String(last.expected)})`, ...base, sealedWith: frame.key.tag, expected: last.expected, tags: last.tags };
}

/** The key states in force at some instant of [at - windowUs, at]: the one in force at its start, and every later one. */
function statesAround(timeline: readonly KeyState[], at: number, windowUs: number): KeyState[] {
  const from = at - windowUs;
  const atStart = latestAt(timeline, from);
  return timeline.filter((s) => s === atStart || (s.t > from && s.t <= at));
}

function sortedTags(tags: readonly number[]): number[] {
  return tags.slice().sort((a, b) => a - b);
}

/** The middle of 3 sorted tags: Swarm's primary. With fewer or more keys there is no middle to judge by. */
function middleOf(sorted: readonly number[]): number | undefined {
  return sorted.length === keysPerSubsystem ? sorted[1] : undefined;
}
