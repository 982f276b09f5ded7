/**
 * The gossip plane's timing and sizes, as memberlist and libnetwork's
 * networkdb set them for Docker. Each value names its unit and its source:
 * memberlist's `DefaultLANConfig` (config.go), which networkdb takes and
 * changes only where noted (libnetwork networkdb/cluster.go clusterInit),
 * and networkdb's own timers and limits (cluster.go, networkdb.go, broadcast.go).
 */

import { type Duration, hours, minutes, ms, seconds } from "../sim/index.js";
import type { GossipTimings } from "./timings.js";

/** The gossip port, UDP and TCP (memberlist DefaultLANConfig BindPort; Docker's `--data-path-port` does not change it). */
export const gossipPort = 7946;

/** How often a node probes one other node (config.go ProbeInterval). */
export const probeIntervalUs: Duration = seconds(1);
/** How long a direct ping waits for its ack before indirect probes (config.go ProbeTimeout). */
export const probeTimeoutUs: Duration = ms(500);
/** How many other nodes are asked to ping a node that did not answer (config.go IndirectChecks). */
export const indirectChecks = 3;
/** Scales the suspicion timeout (config.go SuspicionMult): 4·max(1, log10 N) probe intervals. */
export const suspicionMult = 4;
/** How often queued broadcasts are gossiped (config.go GossipInterval). */
export const gossipIntervalUs: Duration = ms(200);
/** How many random nodes each gossip round sends to (config.go GossipNodes). */
export const gossipNodes = 3;
/** Scales how often a broadcast is retransmitted: 4·ceil(log10(N+1)) (config.go RetransmitMult). */
export const retransmitMult = 4;
/** How long a dead node is still gossiped to, and kept in the member list (config.go GossipToTheDeadTime). */
export const gossipToTheDeadTimeUs: Duration = seconds(30);
/** How often a node does a full state exchange with one random node (config.go PushPullInterval). */
export const pushPullIntervalUs: Duration = seconds(30);
/** Above this many nodes the push/pull interval grows (util.go pushPullScaleThreshold). */
export const pushPullScaleThreshold = 32;
/**
 * The largest UDP payload memberlist builds (config.go UDPBufferSize, 1400;
 * networkdb sets the same through its PacketBufferSize, cluster.go).
 */
export const udpBufferBytes = 1400;
/** How long a stream exchange may take (config.go TCPTimeout). */
export const tcpTimeoutUs: Duration = seconds(10);

/** memberlist's protocol version range and the version Docker speaks (ProtocolVersion2Compatible; networkdb/cluster.go). */
export const protocolVersionMin = 1;
export const protocolVersionMax = 5;
export const protocolVersion = 2;
/** The delegate's protocol versions: networkdb leaves config.go's DelegateProtocolMin/Max/Version at 0. */
export const delegateVersionMin = 0;
export const delegateVersionMax = 0;
export const delegateVersion = 0;

/** compoundHeaderOverhead (net.go): the compound message's type and count bytes. */
export const compoundHeaderOverhead = 2;
/** compoundOverhead (net.go): each part's 2-byte length. */
export const compoundOverhead = 2;
/** The version-1 envelope's overhead: version byte, 12-byte nonce, 16-byte tag (security.go encryptOverhead). */
export const encryptOverheadV1 = 29;

/**
 * The suspicion timeout (util.go suspicionTimeout): SuspicionMult ·
 * max(1, log10(max(1, n))) probe intervals, with the scale kept to three
 * decimals as Go's integer durations keep it. `timings` gives the multiplier
 * and the probe interval; the spec's values unless told.
 *
 * @example
 * ```ts
 * suspicionTimeoutUs(10); // 4 s
 * suspicionTimeoutUs(100); // 8 s
 * suspicionTimeoutUs(10, { suspicionMult: 6, probeIntervalUs: seconds(2) }); // 12 s
 * ```
 */
export function suspicionTimeoutUs(
  nodes: number,
  timings: Pick<GossipTimings, "suspicionMult" | "probeIntervalUs"> = { suspicionMult, probeIntervalUs },
): Duration {
  const scale = Math.max(1, Math.log10(Math.max(1, nodes)));
  return Math.floor((timings.suspicionMult * Math.floor(scale * 1000) * timings.probeIntervalUs) / 1000) as Duration;
}

/**
 * How many times a broadcast is sent before it is dropped (util.go
 * retransmitLimit): RetransmitMult · ceil(log10(n + 1)), with the spec's
 * multiplier unless `timings` gives one.
 *
 * @example
 * ```ts
 * retransmitLimit(3); // 4
 * retransmitLimit(100); // 12
 * retransmitLimit(3, { retransmitMult: 2 }); // 2
 * ```
 */
export function retransmitLimit(nodes: number, timings: Pick<GossipTimings, "retransmitMult"> = { retransmitMult }): number {
  return timings.retransmitMult * Math.ceil(Math.log10(nodes + 1));
}

/**
 * The push/pull interval for a cluster of `nodes` (util.go pushPullScale):
 * the configured interval (the spec's unless `timings` gives one) up to 32
 * nodes, then one more interval per doubling.
 *
 * @example
 * ```ts
 * pushPullIntervalFor(20); // 30 s
 * pushPullIntervalFor(100); // 90 s
 * pushPullIntervalFor(100, { pushPullIntervalUs: seconds(60) }); // 180 s
 * ```
 */
export function pushPullIntervalFor(nodes: number, timings: Pick<GossipTimings, "pushPullIntervalUs"> = { pushPullIntervalUs }): Duration {
  const interval = timings.pushPullIntervalUs;
  if (nodes <= pushPullScaleThreshold) return interval;
  const multiplier = Math.ceil(Math.log2(nodes) - Math.log2(pushPullScaleThreshold)) + 1;
  return (multiplier * interval) as Duration;
}

// --- libnetwork networkdb (cluster.go, networkdb.go, broadcast.go) ---

/**
 * How long a deleted table entry lingers, marked deleting, before the reaper
 * removes it: long enough for every node of the network to hear of the delete
 * and not take an older create for new (networkdb.go DefaultConfig
 * reapEntryInterval; cluster.go reapInterval).
 */
export const reapEntryIntervalUs: Duration = minutes(30);
/** How often the reaper counts down and removes deleted entries and left networks (cluster.go reapPeriod). */
export const reapPeriodUs: Duration = seconds(5);
/**
 * How long a left network lingers: five reaper rounds longer than its
 * entries, because the entries' reaper walks only networks still listed
 * (networkdb.go New: reapNetworkInterval = reapEntryInterval + 5·reapPeriod).
 * `timings` gives both; the spec's unless told.
 *
 * @example
 * ```ts
 * reapNetworkIntervalFor(); // 30 min 25 s
 * reapNetworkIntervalFor({ reapEntryIntervalUs: minutes(1), reapPeriodUs: seconds(1) }); // 65 s
 * ```
 */
export function reapNetworkIntervalFor(
  timings: Pick<GossipTimings, "reapEntryIntervalUs" | "reapPeriodUs"> = { reapEntryIntervalUs, reapPeriodUs },
): Duration {
  return (timings.reapEntryIntervalUs + 5 * timings.reapPeriodUs) as Duration;
}
/** The spec's network reap time: `reapNetworkIntervalFor` of the spec's entry reap time and reaper period. */
export const reapNetworkIntervalUs: Duration = reapNetworkIntervalFor();
/** How often a failed node is retried, and a failed cluster join (cluster.go retryInterval). */
export const retryIntervalUs: Duration = seconds(1);
/** How long a failed or left node is remembered, and retried while failed (cluster.go nodeReapInterval). */
export const nodeReapIntervalUs: Duration = hours(24);
/** How often remembered nodes count down to being forgotten (cluster.go nodeReapPeriod). */
export const nodeReapPeriodUs: Duration = hours(2);
/** How long an unsolicited bulk sync waits for the peer's answer before giving up on it (cluster.go bulkSyncNode). */
export const bulkSyncTimeoutUs: Duration = seconds(30);
/** How often each joined network is bulk synced with a random peer: memberlist's PushPullInterval, unscaled (cluster.go clusterInit). */
export const bulkSyncIntervalUs: Duration = pushPullIntervalUs;
/** How often each joined network's queued table events are gossiped: memberlist's GossipInterval (cluster.go clusterInit). */
export const tableGossipIntervalUs: Duration = gossipIntervalUs;
/**
 * Scales how often a table event is retransmitted: a literal 4 in networkdb,
 * not memberlist's RetransmitMult, though the two agree by default
 * (networkdb.go JoinNetwork: tableBroadcasts RetransmitMult).
 */
export const tableRetransmitMult = 4;
/** How long a node leaving the cluster waits for its leave event to be gossiped (broadcast.go broadcastTimeout). */
export const nodeEventBroadcastTimeoutUs: Duration = seconds(5);
/**
 * Above this many queued table events, events learned by bulk sync are not
 * queued again: "considering a cluster with > 20 nodes and a drain speed of
 * 100 msg/s the following is roughly 1 minute" (cluster.go maxQueueLenBroadcastOnSync).
 */
export const maxQueueLenBroadcastOnSync = 500;
/** How many peers of a network each table gossip round sends to (cluster.go gossip: mRandomNodes(3, ...)). */
export const tableGossipNodes = 3;
/** How many random peers a periodic bulk sync picks: the second is tried if the first fails (cluster.go bulkSync). */
export const bulkSyncCandidates = 2;
/**
 * The deepest nesting of networkdb compound messages read: a bulk sync holds
 * a compound of table events (depth 2). Go recurses without a limit; a limit
 * keeps hostile nesting from exhausting the stack.
 */
export const maxCompoundDepth = 4;
