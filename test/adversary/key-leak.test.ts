/**
 * A network key leaked from a live node, and what it opens in the
 * eavesdropper's capture: exactly the frames sealed under it, over the
 * stretch of time it was the primary, and nothing once it left every ring.
 */
import { describe, expect, it } from "vitest";
import { type Eavesdropper, type LeakedKey, keyExposure, leakKey } from "../../src/adversary/index.js";
import { IpProtocol, indexOfBytes } from "../../src/net/index.js";
import { type Instant, MemorySink, minutes } from "../../src/sim/index.js";
import type { Cluster } from "../../src/swarm/index.js";
import { attackWorld, servePage } from "./world.js";

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const leaked = (result: ReturnType<typeof leakKey>): LeakedKey => {
  if (!result.ok) throw new Error(result.reason);
  return result.key;
};

describe("leakKey", () => {
  it("takes the key a node holds, its primary or one by tag, traced; and says why when there is none", () => {
    const sink = new MemorySink();
    const w = attackWorld({ onCluster: (cluster) => cluster.sim.trace.addSink(sink) });
    const keys = w.cluster.node("w1").keys!;
    const gossip = leaked(leakKey(w.cluster, "w1", "gossip"));
    expect(gossip).toMatchObject({ subsystem: "gossip", node: "w1", at: w.sim.now, tag: keys.held("networking:gossip").primary });
    expect(sameBytes(gossip.key, keys.gossipRing[0]!)).toBe(true);
    const oldest = keys.held("networking:ipsec").tags[0]!;
    const ipsec = leaked(leakKey(w.cluster, "w1", "ipsec", oldest));
    expect(sameBytes(ipsec.key, keys.ipsecKeys.keys.find((k) => k.lamportTime === oldest)!.key)).toBe(true);
    expect(sink.records.filter((r) => r.kind === "adversary.leak")).toMatchObject([
      { node: "w1", subsystem: "gossip", tag: gossip.tag },
      { node: "w1", subsystem: "ipsec", tag: oldest },
    ]);
    expect(leakKey(w.cluster, "w9", "gossip")).toEqual({ ok: false, reason: 'no node "w9" in the cluster' });
    const tags = keys.held("networking:gossip").tags.join(", ");
    expect(leakKey(w.cluster, "w1", "gossip", 7)).toEqual({ ok: false, reason: `w1 holds no gossip key tagged 7 (it holds ${tags})` });
    w.cluster.crashNode("w1");
    expect(leakKey(w.cluster, "w1", "gossip")).toEqual({ ok: false, reason: "w1 is down: the keys it held in memory are gone" });
    w.docker("w2", "docker swarm leave");
    expect(leakKey(w.cluster, "w2", "ipsec")).toEqual({ ok: false, reason: "w2 holds no network keys: it is not a member of a swarm" });
    expect(() => leakKey(w.cluster, "w1", "tls" as never)).toThrow(/"subsystem" expected "gossip" or "ipsec", got "tls"/);
  });
});

/** When the key tagged `tag` left the last gossip ring that held it, from the nodes' `agent.keys` records. */
function leftAllRingsAt(sink: MemorySink, tag: number): Instant | undefined {
  const rings = new Map<string, number[]>();
  let left: Instant | undefined;
  for (const record of sink.records) {
    if (record.kind !== "agent.keys") continue;
    const heldBefore = [...rings.values()].some((ring) => ring.includes(tag));
    rings.set(record.node!, record.gossipRing as number[]);
    if (heldBefore && ![...rings.values()].some((ring) => ring.includes(tag))) left = record.t;
  }
  return left;
}

describe("keyExposure", () => {
  it("a leaked gossip primary opens exactly the UDP frames sealed under it, and none after the key left all rings", () => {
    const sink = new MemorySink();
    /** Per captured gossip UDP packet: the key its sender sealed it with (the ring's primary as it went out). */
    const sealedWith = new Map<number, Uint8Array>();
    const watch = (cluster: Cluster, eve: Eavesdropper) => {
      cluster.sim.trace.addSink(sink);
      // After the eavesdropper's tap, so the packet it just kept is its last.
      cluster.fabric.addTap(
        (p) => {
          if (p.bytes[9] !== IpProtocol.udp) return;
          const ring = cluster.nodes.get(p.src)?.keys?.gossipRing;
          if (ring !== undefined && ring.length > 0) sealedWith.set(eve.count() - 1, ring[0]!);
        },
        { outcomes: ["sent"] },
      );
    };
    const w = attackWorld({ keyRotationUs: minutes(5), onCluster: watch });
    w.advance(minutes(7) - w.sim.now);
    const leak = leaked(leakKey(w.cluster, "w1", "gossip"));
    w.advance(minutes(25) - w.sim.now);

    const exposure = keyExposure(w.eve, leak);
    const truth = [...sealedWith].filter(([index, key]) => sameBytes(key, leak.key) && w.eve.packets[index]!.path === "gossip").map(([index]) => index);
    expect(truth.length).toBeGreaterThan(100);
    const packetFrames = exposure.opened.filter((f) => f.kind === "gossip-packet");
    expect(packetFrames.map((f) => f.packets[0])).toEqual(truth);
    expect(exposure.streamMessages).toBeGreaterThan(0);
    expect(exposure.readable.gossip).toBe(truth.length + new Set(exposure.opened.filter((f) => f.kind === "gossip-stream").flatMap((f) => f.packets)).size);
    expect(exposure.readable.esp).toBe(0);

    // It was the primary when it leaked, 5 min into its 5 min as primary: nodes kept sending under it.
    expect(exposure.inUseAfterLeak).toBe(true);
    expect(exposure.readableAfterLeak).toBeGreaterThan(0);
    const left = leftAllRingsAt(sink, leak.tag)!;
    expect(left).toBeGreaterThan(leak.at);
    expect(left).toBeLessThan(minutes(25));
    expect(exposure.window!.first).toBeLessThan(leak.at);
    expect(exposure.window!.last).toBeLessThan(left);
    expect(w.eve.packets.filter((p) => p.path === "gossip" && p.at > left).length, "gossip went on").toBeGreaterThan(0);
    // One rotation interval of traffic, give or take the key's spread to the nodes.
    expect(exposure.window!.last - exposure.window!.first).toBeGreaterThan(minutes(4));
    expect(exposure.window!.last - exposure.window!.first).toBeLessThan(minutes(6));
  });

  it("a leaked IPsec primary opens every ESP packet of the run and the page inside; an unused key opens none", () => {
    const w = attackWorld();
    servePage(w, true);
    const primary = leaked(leakKey(w.cluster, "w1", "ipsec"));
    const exposure = keyExposure(w.eve, primary);
    expect(exposure.tried).toBe(w.eve.count("esp"));
    expect(exposure.readable).toEqual({ esp: w.eve.count("esp"), gossip: 0 });
    expect(exposure.opened.every((f) => f.kind === "esp")).toBe(true);
    const page = new TextEncoder().encode("Welcome to nginx!");
    expect(exposure.opened.filter((f) => indexOfBytes(f.plaintext, page) >= 0).length).toBeGreaterThan(0);
    expect(exposure.inUseAfterLeak).toBe(false); // nothing was captured after the leak

    const tags = w.cluster.node("w1").keys!.held("networking:ipsec").tags;
    const newest = leaked(leakKey(w.cluster, "w1", "ipsec", tags[tags.length - 1]!));
    expect(keyExposure(w.eve, newest)).toMatchObject({ readable: { esp: 0, gossip: 0 }, opened: [], window: undefined, readableAfterLeak: 0, inUseAfterLeak: false });
  });

  it("refuses a key that is not 16 bytes, naming it", () => {
    expect(() => keyExposure({ packets: [] }, { subsystem: "gossip", tag: 1, key: new Uint8Array(8), node: "m1", at: 0 as Instant })).toThrow(
      /"leaked.key" expected Uint8Array of length 16, got length=8/,
    );
  });
});
