/**
 * The gossip plane's timers, fan-outs and multipliers as one value a run can
 * set, so that a scenario can sweep them: memberlist's Config fields that
 * networkdb leaves at DefaultLANConfig (config.go), and networkdb's own
 * timers (cluster.go, networkdb.go, broadcast.go). The defaults are the spec
 * in constants.ts; `gossipTimings` fills what is left out and refuses a value
 * memberlist or networkdb could not sensibly run with, naming the field.
 */

import { type Duration, days, formatDuration, hours, minutes, ms, seconds } from "../sim/index.js";
import * as spec from "./constants.js";

/** The gossip plane's tunable timings; each field's default is the constants.ts value of the same name. */
export interface GossipTimings {
  // --- memberlist (config.go DefaultLANConfig) ---
  /** How often a node probes one other node (config.go ProbeInterval). */
  readonly probeIntervalUs: Duration;
  /** How long a direct ping waits for its ack before indirect probes; below the probe interval (config.go ProbeTimeout). */
  readonly probeTimeoutUs: Duration;
  /** How many other nodes are asked to ping a node that did not answer; 0 for none (config.go IndirectChecks). */
  readonly indirectChecks: number;
  /** Scales the suspicion timeout: mult·max(1, log10 N) probe intervals (config.go SuspicionMult). */
  readonly suspicionMult: number;
  /** How often queued broadcasts are gossiped (config.go GossipInterval). */
  readonly gossipIntervalUs: Duration;
  /** How many random nodes each gossip round sends to (config.go GossipNodes). */
  readonly gossipNodes: number;
  /** Scales how often a node or network broadcast is retransmitted: mult·ceil(log10(N+1)) (config.go RetransmitMult). */
  readonly retransmitMult: number;
  /** How long a dead node is still gossiped to, and kept in the member list (config.go GossipToTheDeadTime). */
  readonly gossipToTheDeadTimeUs: Duration;
  /** How often a node does a full state exchange with one random node, before scaling above 32 nodes (config.go PushPullInterval). */
  readonly pushPullIntervalUs: Duration;
  /** How long a stream exchange (push/pull, fallback ping, user message) may take (config.go TCPTimeout). */
  readonly tcpTimeoutUs: Duration;
  // --- networkdb (cluster.go, networkdb.go, broadcast.go) ---
  /** How often each joined network's table events are gossiped; follows `gossipIntervalUs` unless set (cluster.go clusterInit). */
  readonly tableGossipIntervalUs: Duration;
  /** How many peers of a network each table gossip round sends to (cluster.go gossip: mRandomNodes(3, ...)). */
  readonly tableGossipNodes: number;
  /** Scales how often a table event is retransmitted; not `retransmitMult` (networkdb.go JoinNetwork: RetransmitMult 4). */
  readonly tableRetransmitMult: number;
  /** How often each joined network is bulk synced with a random peer; follows `pushPullIntervalUs` unless set (cluster.go clusterInit). */
  readonly bulkSyncIntervalUs: Duration;
  /** How long an unsolicited bulk sync waits for the peer's answer (cluster.go bulkSyncNode). */
  readonly bulkSyncTimeoutUs: Duration;
  /** How long a deleted table entry lingers before it is reaped (networkdb.go DefaultConfig reapEntryInterval). */
  readonly reapEntryIntervalUs: Duration;
  /** How often the reaper counts down deleted entries and left networks (cluster.go reapPeriod). */
  readonly reapPeriodUs: Duration;
  /** How often a failed node is retried, and a failed cluster join (cluster.go retryInterval). */
  readonly retryIntervalUs: Duration;
  /** How long a failed or left node is remembered (cluster.go nodeReapInterval). */
  readonly nodeReapIntervalUs: Duration;
  /** How often remembered nodes count down to being forgotten (cluster.go nodeReapPeriod). */
  readonly nodeReapPeriodUs: Duration;
  /** How long a node leaving the cluster waits for its leave event to be gossiped (broadcast.go broadcastTimeout). */
  readonly nodeEventBroadcastTimeoutUs: Duration;
}

/**
 * The spec's timings, every one read from constants.ts.
 *
 * @example
 * ```ts
 * defaultGossipTimings.probeIntervalUs === probeIntervalUs; // true
 * ```
 */
export const defaultGossipTimings: GossipTimings = Object.freeze({
  probeIntervalUs: spec.probeIntervalUs,
  probeTimeoutUs: spec.probeTimeoutUs,
  indirectChecks: spec.indirectChecks,
  suspicionMult: spec.suspicionMult,
  gossipIntervalUs: spec.gossipIntervalUs,
  gossipNodes: spec.gossipNodes,
  retransmitMult: spec.retransmitMult,
  gossipToTheDeadTimeUs: spec.gossipToTheDeadTimeUs,
  pushPullIntervalUs: spec.pushPullIntervalUs,
  tcpTimeoutUs: spec.tcpTimeoutUs,
  tableGossipIntervalUs: spec.tableGossipIntervalUs,
  tableGossipNodes: spec.tableGossipNodes,
  tableRetransmitMult: spec.tableRetransmitMult,
  bulkSyncIntervalUs: spec.bulkSyncIntervalUs,
  bulkSyncTimeoutUs: spec.bulkSyncTimeoutUs,
  reapEntryIntervalUs: spec.reapEntryIntervalUs,
  reapPeriodUs: spec.reapPeriodUs,
  retryIntervalUs: spec.retryIntervalUs,
  nodeReapIntervalUs: spec.nodeReapIntervalUs,
  nodeReapPeriodUs: spec.nodeReapPeriodUs,
  nodeEventBroadcastTimeoutUs: spec.nodeEventBroadcastTimeoutUs,
});

/** What a field may hold: a duration or a whole count, from `min` to `max`, or below another field. */
interface Limit {
  readonly kind: "duration" | "count";
  readonly min: number;
  readonly max: number | { readonly below: keyof GossipTimings };
}

// Why these limits: a tick shorter than one link hop (1 ms by default) models
// nothing and floods the scheduler with events; the ceilings sit far above any
// setting Docker ships yet catch a value given in the wrong unit; fan-outs and
// multipliers beyond a few dozen only resend to everyone, at a cost per packet.
const tick = (max: Duration): Limit => ({ kind: "duration", min: ms(1), max });
const count = (min: number, max: number): Limit => ({ kind: "count", min, max });

/** Each field's limit, in the order they are checked: a field another is bounded by comes first. */
const limits: { readonly [K in keyof GossipTimings]: Limit } = {
  probeIntervalUs: tick(minutes(10)),
  // memberlist waits for the direct ack, then probes indirectly, all within one interval.
  probeTimeoutUs: { kind: "duration", min: 1, max: { below: "probeIntervalUs" } },
  indirectChecks: count(0, 64),
  suspicionMult: count(1, 100),
  gossipIntervalUs: tick(minutes(10)),
  gossipNodes: count(1, 64),
  retransmitMult: count(1, 100),
  gossipToTheDeadTimeUs: { kind: "duration", min: 0, max: days(1) },
  pushPullIntervalUs: tick(days(1)),
  tcpTimeoutUs: tick(minutes(10)),
  tableGossipIntervalUs: tick(minutes(10)),
  tableGossipNodes: count(1, 64),
  tableRetransmitMult: count(1, 100),
  bulkSyncIntervalUs: tick(days(1)),
  bulkSyncTimeoutUs: tick(minutes(10)),
  // Reap times travel as whole seconds (TableEvent.ResidualReapTime): less would arrive as 0, read as "use your own".
  reapEntryIntervalUs: { kind: "duration", min: seconds(1), max: days(7) },
  reapPeriodUs: tick(hours(1)),
  retryIntervalUs: tick(minutes(10)),
  nodeReapIntervalUs: { kind: "duration", min: seconds(1), max: days(30) },
  nodeReapPeriodUs: tick(days(1)),
  nodeEventBroadcastTimeoutUs: tick(minutes(10)),
};

const fieldNames = Object.keys(limits) as ReadonlyArray<keyof GossipTimings>;

/**
 * The spec's timings with `partial` laid over them, checked. networkdb's
 * table gossip and bulk sync intervals follow memberlist's gossip and
 * push/pull intervals unless given, as Go reads one config for both
 * (cluster.go clusterInit). Throws a RangeError naming the field and what
 * arrived for an unknown field or a value out of its limit.
 *
 * @example
 * ```ts
 * gossipTimings({ probeIntervalUs: seconds(2), gossipIntervalUs: ms(500) }).tableGossipIntervalUs; // 500 ms
 * gossipTimings({ probeTimeoutUs: seconds(1) });
 * // RangeError: "probeTimeoutUs" expected a duration above 0 and below probeIntervalUs (1s), got 1s
 * ```
 */
export function gossipTimings(partial: Partial<GossipTimings> = {}): GossipTimings {
  const given = definedFields(partial);
  const timings: GossipTimings = {
    ...defaultGossipTimings,
    tableGossipIntervalUs: given.gossipIntervalUs ?? defaultGossipTimings.tableGossipIntervalUs,
    bulkSyncIntervalUs: given.pushPullIntervalUs ?? defaultGossipTimings.bulkSyncIntervalUs,
    ...given,
  };
  for (const field of fieldNames) checkField(field, timings);
  return Object.freeze(timings);
}

/** The fields `partial` sets (undefined ones left out); an unknown field is refused. */
function definedFields(partial: Partial<GossipTimings>): Partial<GossipTimings> {
  const given: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(partial)) {
    if (!(field in limits)) {
      throw new RangeError(`"${field}" is not a gossip timing: expected one of ${fieldNames.join(", ")}`);
    }
    if (value !== undefined) given[field] = value;
  }
  return given as Partial<GossipTimings>;
}

function checkField(field: keyof GossipTimings, timings: GossipTimings): void {
  const limit = limits[field];
  const value: unknown = timings[field];
  const max = typeof limit.max === "number" ? limit.max : timings[limit.max.below] - 1;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= limit.min && value <= max) return;
  throw new RangeError(`"${field}" expected ${expectation(limit, timings)}, got ${describe(value, limit.kind)}`);
}

/** What a limit asks for, in words: `a duration from 1ms to 10m`, `a whole number from 1 to 64`. */
function expectation(limit: Limit, timings: GossipTimings): string {
  if (limit.kind === "count") return `a whole number from ${limit.min} to ${limit.max as number}`;
  const from = limit.min === 1 ? "above 0" : `from ${formatDuration(limit.min)}`;
  if (typeof limit.max === "number") return `a duration ${from} to ${formatDuration(limit.max)}`;
  const other = limit.max.below;
  return `a duration ${from} and below ${other} (${formatDuration(timings[other])})`;
}

/** A value as the error shows it: a duration in units, anything else as it came. */
function describe(value: unknown, kind: Limit["kind"]): string {
  if (typeof value === "number") return kind === "duration" && Number.isSafeInteger(value) ? formatDuration(value) : String(value);
  return `${typeof value === "string" ? JSON.stringify(value) : String(value)} (a ${typeof value})`;
}
