/**
 * How fast a table entry spreads: after a node writes its `overlay_peer_table`
 * entry in a network, every peer of that network holds it within a bound,
 * measured here and compared with the estimate of Serf's convergence
 * simulator (serf website, simulator.js convergenceAtRound): the fraction of
 * n nodes reached after t rounds is about 1/(1+(n+1)·e^(−c·n·t)), with
 * c = fanout/n · 0.5 per round (no loss, no failed nodes).
 *
 * The measurement, for each size and seed: n nodes that started at random
 * moments within one gossip interval (as daemons do: each node's table gossip
 * beats on multiples of 200 ms from its own start), all joined to one network
 * and settled; one of them, drawn from the seed, writes a PeerRecord at a
 * random moment; the time each other node's watchers hear it is recorded in
 * simulated microseconds. The figures are in docs/performance.md, "Gossip
 * convergence".
 */
import { describe, expect, it } from "vitest";
import {
  encodePeerRecord,
  gossipIntervalUs,
  macFromIpv4,
  overlayPeerTable,
  peerRecordFor,
  tableGossipNodes,
} from "../../src/gossip/index.js";
import { type Duration, duration, seconds } from "../../src/sim/index.js";
import { networkDbWorld } from "./networkdb-world.js";

const nid = "3p6dqwyjmsn0cmf5svvxl0jlz";
const endpointId = "b3f3cd8e1c7f2a90d54e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c";
const seeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Long enough for the spread to end by gossip or, failing that, by the first periodic bulk sync. */
const watchFor: Duration = seconds(40);

/**
 * Rounds of gossip until `fraction` of `n` nodes are reached, by Serf's estimate:
 * 1/(1+(n+1)·e^(−c·n·t)) = fraction with c = fanout/n · 0.5, solved for t.
 *
 * @example
 * serfRounds(40, 0.999, 3) // 7.08
 */
function serfRounds(n: number, fraction: number, fanout: number): number {
  return Math.log(((n + 1) * fraction) / (1 - fraction)) / (fanout * 0.5);
}

/**
 * The bound asserted for n nodes: Serf's rounds to 99.9 %, rounded up, plus
 * one round for the writer's own beat (its first send waits for its next
 * tick, up to 200 ms, where the estimate counts from the first send), in µs.
 */
function boundUs(n: number): number {
  return (Math.ceil(serfRounds(n, 0.999, tableGossipNodes)) + 1) * gossipIntervalUs;
}

/** For `n` nodes and a seed: how long after the write each other node heard of the entry, in µs, sorted; undefined for a node that never did. */
function spread(n: number, seed: number): Array<number | undefined> {
  const w = networkDbWorld(n, { seed });
  const draws = w.sim.rng.fork("test-convergence");
  const first = w.peers[0]!;
  w.peers.forEach((p, i) => {
    const offset = i === 0 ? 0 : draws.int(0, gossipIntervalUs - 1);
    w.sim.scheduler.after(duration(offset), "test.start", () => {
      p.db.start();
      p.db.join(i === 0 ? [] : [first.host.ip]);
    });
  });
  w.run(seconds(10));
  for (const p of w.peers) p.db.joinNetwork(nid);
  // Until every node knows every other in the network (network events ride memberlist's gossip; push/pull mends what it missed).
  const settled = () => w.peers.every((p) => p.db.peers(nid).length === n && p.db.networks()[0]?.inSync === true);
  for (let waited = 0; waited < 120 && !settled(); waited += 5) w.run(seconds(5));
  expect(settled(), "every node sees the whole network, in sync, before the write").toBe(true);

  const writer = w.peers[draws.int(0, n - 1)]!;
  w.run(duration(draws.int(0, gossipIntervalUs - 1)));
  const address = "10.0.1.3";
  const record = encodePeerRecord(peerRecordFor({ address, prefixLength: 24, mac: macFromIpv4(address), vtep: writer.host.ip }));
  const heardAfter = new Map<string, number>();
  const writtenAt = w.sim.now;
  for (const p of w.peers) {
    p.db.on("table", (change) => {
      if (change.key === endpointId && change.event === "create" && !heardAfter.has(p.db.name)) heardAfter.set(p.db.name, w.sim.now - writtenAt);
    });
  }
  expect(writer.db.createEntry(overlayPeerTable, nid, endpointId, record)).toEqual({ ok: true });
  w.run(watchFor);
  return w.peers
    .filter((p) => p !== writer)
    .map((p) => heardAfter.get(p.db.name))
    .sort((a, b) => (a ?? Infinity) - (b ?? Infinity));
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe("Serf's convergence estimate", () => {
  it("gives the rounds to reach a fraction of the nodes", () => {
    expect(serfRounds(5, 0.999, 3)).toBeCloseTo(5.8, 1);
    expect(serfRounds(10, 0.999, 3)).toBeCloseTo(6.2, 1);
    expect(serfRounds(20, 0.999, 3)).toBeCloseTo(6.63, 1);
    expect(serfRounds(40, 0.999, 3)).toBeCloseTo(7.08, 1);
    // Half the nodes: ln(n+1) rounds over 1.5.
    expect(serfRounds(40, 0.5, 3)).toBeCloseTo(Math.log(41) / 1.5, 9);
    expect(boundUs(40)).toBe(9 * gossipIntervalUs);
  });
});

describe("table gossip convergence", () => {
  it.each([5, 10, 20, 40])("an overlay_peer_table entry reaches all %i nodes of its network within one round more than Serf's estimate for 99.9 percent", (n) => {
    const times = seeds.map((seed) => spread(n, seed));
    for (const [i, heard] of times.entries()) {
      expect(heard.filter((t) => t === undefined), `seed ${seeds[i]}: nodes that never heard of the entry`).toEqual([]);
    }
    const whole = times.map((heard) => Math.max(...(heard as number[])));
    expect(Math.max(...whole), `times to reach every node, µs, by seed: ${whole.join(", ")}`).toBeLessThanOrEqual(boundUs(n));
    // Gossip, not the 30 s bulk sync, did it: the median is a few rounds.
    expect(median(whole)).toBeLessThanOrEqual(Math.ceil(serfRounds(n, 0.999, tableGossipNodes)) * gossipIntervalUs);
  });
});
