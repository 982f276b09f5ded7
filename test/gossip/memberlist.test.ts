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
