import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createAead } from "../../src/crypto/index.js";
import { encryptPayload, suspicionTimeoutUs, probeIntervalUs } from "../../src/gossip/index.js";
import { ms, seconds } from "../../src/sim/index.js";
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

describe("memberlist under hostile packets", () => {
  it("random plaintext under the right key, and random bytes, are dropped and counted, and the node keeps probing", () => {
    const w = gossipWorld(3);
    w.startAll();
    w.run(seconds(5));
    const target = w.peers[0]!;
    const attacker = w.fabric.addHost("attacker");
    let sent = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.boolean(), (bytes, encrypt) => {
        // Seal the bytes as they are (no compound, no compression): a well-keyed frame whose inside is garbage.
        const payload = encrypt ? encryptPayload(1, target.keys[0]!, bytes, new Uint8Array(0), { aead: createAead("node"), nonces: w.sim.rng }) : bytes;
        attacker.udp.send(7946, target.host.ip, 7946, payload);
        sent++;
        w.run(ms(5));
      }),
      { seed: 17, numRuns: 300, endOnFailure: true },
    );
    expect(sent).toBe(300);
    const dropped = Object.values(target.wire.counters.dropped).reduce((a, b) => a + b, 0);
    expect(dropped).toBeGreaterThan(0);
    w.run(seconds(10));
    expect(Object.values(w.view(target)).every((s) => s === "alive")).toBe(true);
    expect(target.list.isRunning).toBe(true);
  });
});

describe("memberlist at rest", () => {
  it("a gossip round with nothing queued sends nothing: once news has spread, only probes and their acks go out", () => {
    const w = gossipWorld(4);
    w.startAll();
    w.run(seconds(60));
    const sent = () => w.peers.reduce((n, p) => n + p.wire.counters.framesSent, 0);
    const streams = () => w.peers.reduce((n, p) => n + p.list.counters.streamsOpened, 0);
    const [before, streamsBefore] = [sent(), streams()];
    w.run(seconds(20));
    // 4 nodes × 20 probes, each a ping and an ack; push/pull goes over streams, not packets.
    expect(sent() - before).toBe(4 * 20 * 2);
    expect(streams() - streamsBefore).toBeGreaterThan(0);
  });
});
