import { describe, expect, it } from "vitest";
import { suspicionTimeoutUs, probeIntervalUs } from "../../src/gossip/index.js";
import { seconds } from "../../src/sim/index.js";
import { gossipWorld } from "./gossip-world.js";

describe("memberlist", () => {
  it("every node sees every other alive after joining through one", () => {
    const w = gossipWorld(6);
    w.startAll();
    w.run(seconds(10));
    for (const p of w.peers) {
      const states = Object.values(w.view(p));
      expect(states).toHaveLength(6);
      expect(states.every((s) => s === "alive")).toBe(true);
    }
    expect(w.peers.every((p) => p.wire.counters.framesReceived > 0)).toBe(true);
    expect(Object.values(w.peers[0]!.wire.counters.dropped).every((n) => n === 0)).toBe(true);
  });

  it("a crashed node is declared dead by every other within probe round + suspicion timeout", () => {
    const w = gossipWorld(6);
    w.startAll();
    w.run(seconds(10));
    const victim = w.peers[3]!;
    victim.list.stop();
    victim.host.down();
    const crashedAt = w.sim.now;
    // Each node probes every member once per round of N probes; then suspicion runs out.
    const bound = 6 * probeIntervalUs + suspicionTimeoutUs(6) + seconds(2);
    w.run(bound as never);
    for (const p of w.peers) {
      if (p === victim) continue;
      expect(w.view(p)[victim.list.name]).toBe("dead");
    }
    const deaths = w.trace.records.filter((r) => r.kind === "gossip.member" && r.member === victim.list.name && r.state === "dead");
    expect(deaths.length).toBe(5);
    expect(Math.max(...deaths.map((r) => r.t)) - crashedAt).toBeLessThanOrEqual(bound);
  });
});

describe("memberlist under faults", () => {
  it("a suspected node that hears of it refutes with a higher incarnation and stays alive", () => {
    const w = gossipWorld(5);
    w.startAll();
    w.run(seconds(10));
    const victim = w.peers[2]!;
    // Cut it off for less than the suspicion timeout: suspected, then heard again before it is declared dead.
    w.fabric.isolate(victim.host.name);
    w.run(seconds(3));
    w.fabric.heal();
    w.run(seconds(20));
    const records = w.trace.records.filter((r) => r.kind === "gossip.member" && r.member === victim.list.name);
    expect(records.some((r) => r.state === "suspect")).toBe(true);
    for (const p of w.peers) expect(w.view(p)[victim.list.name]).toBe("alive");
    expect(victim.list.localMember!.incarnation).toBeGreaterThan(1);
  });

  it("the same seed gives the same trace", () => {
    const once = () => {
      const w = gossipWorld(5, { seed: 9 });
      w.startAll();
      w.run(seconds(30));
      w.peers[4]!.list.stop();
      w.peers[4]!.host.down();
      w.run(seconds(30));
      return JSON.stringify(w.trace.records);
    };
    expect(once()).toBe(once());
  });
});
