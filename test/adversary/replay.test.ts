/**
 * Replay from an attacker's host on the underlay: ESP with Docker's window 0
 * and with a 64-packet window, gossip (memberlist keeps no replay state),
 * and the control plane's TCP (duplicates, discarded).
 */
import { describe, expect, it } from "vitest";
import { Injector, replay, selectPackets } from "../../src/adversary/index.js";
import { IpProtocol } from "../../src/net/index.js";
import { MemorySink, seconds } from "../../src/sim/index.js";
import { type AttackWorld, attackWorld, servePage } from "./world.js";

/** The node that received the most ESP. */
function espTarget(w: AttackWorld): string {
  const counts = new Map<string, number>();
  for (const p of w.eve.packets) if (p.path === "esp") counts.set(p.dst, (counts.get(p.dst) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

describe("replay", () => {
  it("re-sends the very bytes captured, from the attacker's host, traced one record per packet", () => {
    const w = attackWorld();
    servePage(w, true);
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    const attacker = new Injector(w.cluster.fabric);
    expect([attacker.name, attacker.host.ip]).toEqual(["adversary", "10.0.0.4"]);
    const target = espTarget(w);
    const chosen = selectPackets(w.eve.packets, { path: "esp", to: target, last: 3 });
    const report = replay(attacker, w.eve, { path: "esp", to: target, last: 3 });
    expect(report.how).toBe("replay");
    expect(report.byPath).toMatchObject({ esp: 3, gossip: 0, control: 0, vxlan: 0, other: 0 });
    expect(report.injected.map((i) => i.packet)).toEqual(chosen.map((p) => p.index));
    const copies = w.eve.packets.filter((p) => p.src === "adversary");
    expect(copies.map((p) => p.bytes)).toEqual(chosen.map((p) => p.bytes));
    expect(copies.every((p) => p.dst === target && p.path === "esp")).toBe(true);
    const records = sink.records.filter((r) => r.kind === "adversary.inject");
    expect(records).toHaveLength(3);
    expect(records[0]).toMatchObject({ node: "adversary", how: "replay", packet: chosen[0]!.index, path: "esp", from: chosen[0]!.src, to: target });
    expect(sink.records.filter((r) => r.kind === "adversary.host")).toMatchObject([{ node: "adversary", ip: "10.0.0.4" }]);
    // A second replay never re-sends the attacker's own copies.
    expect(replay(attacker, w.eve, { path: "esp", to: target }).injected.every((i) => w.eve.packets[i.packet]!.src !== "adversary")).toBe(true);
  });

  it("ESP replays are accepted with Docker's window 0 and dropped as replay with a 64-packet window", () => {
    for (const replayWindow of [0, 64]) {
      const w = attackWorld(replayWindow === 0 ? {} : { replayWindow });
      servePage(w, true);
      const attacker = new Injector(w.cluster.fabric);
      const target = espTarget(w);
      w.advance(seconds(1)); // what was in flight has arrived
      const counters = w.cluster.node(target).overlay!.counters;
      const [opened, refused, badIcv] = [counters.framesReceivedEncrypted, counters.drops.replay, counters.drops["bad-icv"]];
      const mark = w.eve.count();
      const report = replay(attacker, w.eve, { path: "esp", to: target, last: 3 });
      w.advance(seconds(1));
      expect(report.byPath.esp).toBe(3);
      // The container's answers to the replayed segments bring genuine ESP too: counted apart.
      const genuine = w.eve.packets.slice(mark).filter((p) => p.path === "esp" && p.dst === target && p.src !== "adversary").length;
      const after = w.cluster.node(target).overlay!.counters;
      if (replayWindow === 0) {
        expect(after.framesReceivedEncrypted - opened, "window 0").toBe(3 + genuine);
        expect(after.drops.replay - refused).toBe(0);
      } else {
        expect(after.framesReceivedEncrypted - opened, "window 64").toBe(genuine);
        expect(after.drops.replay - refused).toBe(3);
      }
      expect(after.drops["bad-icv"]).toBe(badIcv);
      expect(after.drops["unknown-spi"]).toBe(0);
    }
  });

  it("replayed gossip packets open and are handled again: memberlist's envelope has no sequence number", () => {
    const w = attackWorld();
    w.advance(seconds(10));
    const attacker = new Injector(w.cluster.fabric);
    const wire = w.cluster.node("w1").gossip!.wire;
    const received = wire.counters.framesReceived;
    let delivered = 0;
    w.cluster.fabric.addTap((p) => void (p.src === "adversary" && p.dst === "w1" && delivered++), { outcomes: ["delivered"] });
    const report = replay(attacker, w.eve, { path: "gossip", to: "w1", from: "m1", transport: "udp", last: 10 });
    w.advance(seconds(1));
    expect(report.byPath.gossip).toBe(10);
    const copies = w.eve.packets.filter((p) => p.src === "adversary");
    expect(copies.every((p) => p.bytes[9] === IpProtocol.udp)).toBe(true);
    // Every copy reached memberlist and none was dropped: each opened under a key still in the ring.
    expect(delivered).toBe(10);
    expect(Object.values(wire.counters.dropped).every((n) => n === 0)).toBe(true);
    expect(wire.counters.framesReceived - received).toBeGreaterThanOrEqual(10);
  });

  it("replayed control-plane segments are duplicates to TCP: no stream resets, and the swarm still answers", () => {
    const w = attackWorld();
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    const attacker = new Injector(w.cluster.fabric);
    const before = w.cluster.fabric.counters.dropped.malformed;
    const report = replay(attacker, w.eve, { path: "control", to: "m1", last: 20 });
    w.advance(seconds(5));
    expect(report.byPath.control).toBe(20);
    expect(sink.records.filter((r) => r.kind === "net.stream.reset")).toEqual([]);
    expect(w.cluster.fabric.counters.dropped.malformed).toBe(before);
    expect(w.docker("m1", "docker node ls").stdout.split("\n").filter((l) => l.includes("Ready"))).toHaveLength(3);
  });

  it("an idle attacker's host changes nothing else: the same wire, byte for byte, and the same addresses", () => {
    const run = (withAttacker: boolean) => {
      const w = attackWorld({ seed: 9 });
      if (withAttacker) new Injector(w.cluster.fabric);
      w.advance(seconds(30));
      return { digest: w.cluster.wire.digest(), ips: [...w.cluster.nodes.values()].map((n) => n.host.ip) };
    };
    expect(run(true)).toEqual(run(false));
  });

  it("refuses a selection it cannot read, naming the field", () => {
    expect(() => selectPackets([], { path: "tls" as never, to: "w1" })).toThrow(/"path" expected one of esp, vxlan, gossip, control, other, got "tls"/);
    expect(() => selectPackets([], { path: "esp", to: "" })).toThrow(/"to" expected a host name, got ""/);
    expect(() => selectPackets([], { path: "esp", to: "w1", last: 0 })).toThrow(/"last" expected a whole number >= 1, got 0/);
    expect(() => selectPackets([], { path: "esp", to: "w1", transport: "sctp" as never })).toThrow(/"transport" expected "udp", "tcp" or "esp", got "sctp"/);
  });
});
