import { describe, expect, it } from "vitest";
import * as gossip from "../../src/gossip/index.js";
import {
  BroadcastQueue,
  type GossipTimings,
  defaultGossipTimings,
  endpointTable,
  gossipTimings,
  reapNetworkIntervalFor,
  retransmitLimit,
  suspicionTimeoutUs,
} from "../../src/gossip/index.js";
import { Fabric } from "../../src/net/index.js";
import { type Duration, Simulation, days, minutes, ms, seconds } from "../../src/sim/index.js";
import { NodeGossip } from "../../src/swarm/node-gossip.js";
import { gossipWorld, testKey } from "./gossip-world.js";
import { bytes, networkDbWorld } from "./networkdb-world.js";

describe("gossip timings", () => {
  it("default to the constants of the same name", () => {
    const spec = gossip as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(defaultGossipTimings)) expect(value, field).toBe(spec[field]);
    expect(Object.keys(defaultGossipTimings)).toHaveLength(21);
    expect(gossipTimings()).toEqual(defaultGossipTimings);
    expect(gossipTimings({})).toEqual(defaultGossipTimings);
  });

  it("fill what is left out, and networkdb's table gossip and bulk sync follow memberlist's intervals unless set apart", () => {
    const timings = gossipTimings({ gossipIntervalUs: ms(500), pushPullIntervalUs: seconds(60), probeIntervalUs: undefined });
    expect(timings).toMatchObject({ gossipIntervalUs: ms(500), tableGossipIntervalUs: ms(500), pushPullIntervalUs: seconds(60), bulkSyncIntervalUs: seconds(60) });
    expect(timings.probeIntervalUs).toBe(gossip.probeIntervalUs);
    const apart = gossipTimings({ gossipIntervalUs: ms(500), tableGossipIntervalUs: ms(100) });
    expect(apart.tableGossipIntervalUs).toBe(ms(100));
    // Resolving complete timings again changes nothing.
    expect(gossipTimings(apart)).toEqual(apart);
    expect(Object.isFrozen(timings)).toBe(true);
  });

  const refused: Array<[string, Record<string, unknown>, string]> = [
    ["a probe timeout as long as the interval", { probeTimeoutUs: seconds(1) }, `"probeTimeoutUs" expected a duration above 0 and below probeIntervalUs (1s), got 1s`],
    ["a probe interval below the default timeout", { probeIntervalUs: ms(400) }, `"probeTimeoutUs" expected a duration above 0 and below probeIntervalUs (400ms), got 500ms`],
    ["a zero probe interval", { probeIntervalUs: 0 }, `"probeIntervalUs" expected a duration from 1ms to 10m, got 0s`],
    ["a negative gossip interval", { gossipIntervalUs: -5 }, `"gossipIntervalUs" expected a duration from 1ms to 10m, got -5us`],
    ["a fractional microsecond", { pushPullIntervalUs: 1.5 }, `"pushPullIntervalUs" expected a duration from 1ms to 1d, got 1.5`],
    ["NaN", { tcpTimeoutUs: Number.NaN }, `"tcpTimeoutUs" expected a duration from 1ms to 10m, got NaN`],
    ["a push/pull interval over a day", { pushPullIntervalUs: days(2) }, `"pushPullIntervalUs" expected a duration from 1ms to 1d, got 2d`],
    ["a string", { bulkSyncIntervalUs: "30s" }, `"bulkSyncIntervalUs" expected a duration from 1ms to 1d, got "30s" (a string)`],
    ["a zero suspicion multiplier", { suspicionMult: 0 }, `"suspicionMult" expected a whole number from 1 to 100, got 0`],
    ["a fractional fan-out", { gossipNodes: 1.5 }, `"gossipNodes" expected a whole number from 1 to 64, got 1.5`],
    ["a retransmit multiplier past its limit", { retransmitMult: 101 }, `"retransmitMult" expected a whole number from 1 to 100, got 101`],
    ["a reap time under a second", { reapEntryIntervalUs: ms(500) }, `"reapEntryIntervalUs" expected a duration from 1s to 7d, got 500ms`],
    ["a negative gossip-to-the-dead time", { gossipToTheDeadTimeUs: -1 }, `"gossipToTheDeadTimeUs" expected a duration from 0s to 1d, got -1us`],
  ];
  it.each(refused)("refuse %s, naming the field and what arrived", (_, partial, message) => {
    expect(() => gossipTimings(partial as Partial<GossipTimings>)).toThrow(new RangeError(message));
  });

  it("refuse a field that is not a timing, naming it", () => {
    expect(() => gossipTimings({ probeInterval: seconds(2) } as never)).toThrow(/^"probeInterval" is not a gossip timing: expected one of probeIntervalUs, probeTimeoutUs, /);
  });

  it("are checked where a node is built", () => {
    expect(() => gossipWorld(1, { timings: { suspicionMult: 0 } })).toThrow(/"suspicionMult"/);
    expect(() => networkDbWorld(1, { timings: { reapPeriodUs: 0 as Duration } })).toThrow(/"reapPeriodUs"/);
  });

  it("scale the suspicion timeout, the retransmit limit and the network reap time", () => {
    expect(suspicionTimeoutUs(10, { suspicionMult: 6, probeIntervalUs: seconds(2) })).toBe(seconds(12));
    expect(suspicionTimeoutUs(100, { suspicionMult: 2, probeIntervalUs: seconds(1) })).toBe(seconds(4));
    expect(retransmitLimit(3, { retransmitMult: 2 })).toBe(2);
    expect(reapNetworkIntervalFor({ reapEntryIntervalUs: minutes(1), reapPeriodUs: seconds(1) })).toBe(seconds(65));
    expect(reapNetworkIntervalFor()).toBe(gossip.reapNetworkIntervalUs);
    const queue = new BroadcastQueue(() => 3, 2);
    queue.queue({ message: bytes("news") });
    expect([1, 2, 3].map(() => queue.take(2, 100).length)).toEqual([1, 1, 0]);
  });
});

/** Packets 4 nodes send over `window` once their news has spread: at rest, only pings and their acks. */
function probePackets(timings: Partial<GossipTimings>, window: Duration): number {
  const w = gossipWorld(4, { timings });
  w.startAll();
  w.run(seconds(20));
  const sent = () => w.peers.reduce((n, p) => n + p.list.counters.packetsSent, 0);
  const before = sent();
  w.run(window);
  return sent() - before;
}

/** Microseconds from a table write until every other node of a 10-node network heard it. */
function tableSpread(timings: Partial<GossipTimings>): number {
  const w = networkDbWorld(10, { timings });
  w.startAll();
  w.run(seconds(10));
  for (const p of w.peers) p.db.joinNetwork("net-a");
  w.run(seconds(10));
  const writtenAt = w.sim.now;
  let last = -1;
  let heard = 0;
  for (const p of w.peers.slice(1)) {
    p.db.on("table", () => {
      heard++;
      last = w.sim.now - writtenAt;
    });
  }
  w.peer(1).db.createEntry(endpointTable, "net-a", "ep-1", bytes("10.0.1.2"));
  w.run(seconds(20));
  expect(heard, "nodes that heard the write").toBe(9);
  return last;
}

/** Microseconds from a late node's join through node-1 until every member of 10 has it alive (memberlist's own broadcast). */
function aliveSpread(timings: Partial<GossipTimings>): number {
  const w = gossipWorld(10, { timings });
  const [first, late] = [w.peers[0]!, w.peers[9]!];
  for (const p of w.peers.slice(0, 9)) p.list.start();
  for (const p of w.peers.slice(1, 9)) p.list.join([first.host.ip]);
  w.run(seconds(10));
  const joinedAt = w.sim.now;
  late.list.start();
  late.list.join([first.host.ip]);
  const everyone = () => w.peers.every((p) => p.list.member(late.list.name)?.state === "alive");
  while (!everyone() && w.sim.now - joinedAt < seconds(30)) w.run(ms(10));
  expect(everyone(), "every member has the late node alive").toBe(true);
  return w.sim.now - joinedAt;
}

/** When a crashed node of 6 was first suspected and first declared dead, in µs after the crash. */
function crashVerdicts(timings: Partial<GossipTimings>): { suspectedAfter: number; deadAfter: number } {
  const w = gossipWorld(6, { timings });
  w.startAll();
  w.run(seconds(10));
  const victim = w.peers[3]!;
  victim.list.stop();
  victim.host.down();
  const crashedAt = w.sim.now;
  w.run(seconds(40));
  const first = (state: string) =>
    Math.min(...w.trace.records.filter((r) => r.kind === "gossip.member" && r.member === victim.list.name && r.state === state).map((r) => r.t)) - crashedAt;
  return { suspectedAfter: first("suspect"), deadAfter: first("dead") };
}

describe("gossip timings in a running world", () => {
  it("a probe interval of 2 s sends about half the probe packets of 1 s over 60 s", () => {
    const everySecond = probePackets({}, seconds(60));
    const everyTwo = probePackets({ probeIntervalUs: seconds(2) }, seconds(60));
    // 4 nodes, a ping and its ack per probe.
    expect(everySecond).toBeGreaterThanOrEqual(4 * 59 * 2);
    expect(everySecond).toBeLessThanOrEqual(4 * 61 * 2);
    expect(everyTwo / everySecond).toBeGreaterThan(0.45);
    expect(everyTwo / everySecond).toBeLessThan(0.55);
  });

  it("a shorter gossip interval spreads a table entry to every node of its network sooner", () => {
    const slow = tableSpread({ gossipIntervalUs: seconds(1) });
    const spec = tableSpread({});
    const fast = tableSpread({ gossipIntervalUs: ms(50) });
    // The same rounds of table gossip each time, so the time scales with the interval.
    expect(fast, `µs to reach every node at 50 ms, 200 ms and 1 s: ${fast}, ${spec}, ${slow}`).toBeLessThan(spec / 2);
    expect(spec, `µs to reach every node at 50 ms, 200 ms and 1 s: ${fast}, ${spec}, ${slow}`).toBeLessThan(slow / 2);
  });

  it("a shorter gossip interval spreads memberlist's news of a joining node sooner", () => {
    const slow = aliveSpread({ gossipIntervalUs: seconds(1) });
    const fast = aliveSpread({ gossipIntervalUs: ms(50) });
    expect(fast, `µs until every member has it alive at 50 ms and 1 s: ${fast}, ${slow}`).toBeLessThan(slow / 2);
  });

  it("a larger suspicion multiplier declares a crashed node dead later, by the longer suspicion timeout", () => {
    const spec = crashVerdicts({});
    const patient = crashVerdicts({ suspicionMult: 8 });
    // 6 members: max(1, log10 6) = 1, so mult probe intervals.
    expect(spec.deadAfter - spec.suspectedAfter).toBe(seconds(4));
    expect(patient.deadAfter - patient.suspectedAfter).toBe(seconds(8));
    expect(patient.suspectedAfter).toBe(spec.suspectedAfter);
    expect(patient.deadAfter).toBeGreaterThan(spec.deadAfter);
  });

  it("a shorter entry reap time reaps a deleted entry on every node of the network that much sooner", () => {
    const w = networkDbWorld(4, { timings: { reapEntryIntervalUs: minutes(1), reapPeriodUs: seconds(1) } });
    w.startAll();
    w.run(seconds(5));
    for (const p of w.peers) p.db.joinNetwork("net-a");
    w.run(seconds(5));
    w.peer(2).db.createEntry(endpointTable, "net-a", "ep-1", bytes("v1"));
    w.run(seconds(3));
    w.peer(2).db.deleteEntry(endpointTable, "net-a", "ep-1");
    w.run(seconds(50));
    for (const p of w.peers) expect(p.db.tableEntry(endpointTable, "net-a", "ep-1")?.deleting, p.host.name).toBe(true);
    w.run(seconds(15));
    for (const p of w.peers) expect(p.db.tableEntry(endpointTable, "net-a", "ep-1"), p.host.name).toBeUndefined();
  });

  it("a node's gossip plane hands its timings to networkdb and memberlist", () => {
    const sim = new Simulation({ seed: 1 });
    const fabric = new Fabric(sim);
    const plane = (node: string, timings?: Partial<GossipTimings>) =>
      new NodeGossip({ sim, host: fabric.addHost(node), node, rng: sim.rng.fork(node), keys: () => [testKey(1)], timings });
    const tuned = plane("node-1", { probeIntervalUs: seconds(2) });
    expect(tuned.db.timings.probeIntervalUs).toBe(seconds(2));
    expect(tuned.db.memberlist.timings).toEqual(tuned.db.timings);
    expect(plane("node-2").db.timings).toEqual(defaultGossipTimings);
  });
});
