/**
 * The overlay driver on a simulated swarm: three hosts with networkdb, an
 * encrypted and a plain network, and what crosses the wire.
 */
import { describe, expect, it } from "vitest";
import { macFromIpv4 } from "../../src/gossip/index.js";
import { decodeIpv4, formatMac } from "../../src/net/index.js";
import { encodeVxlan, espSaFile, overlayMtu } from "../../src/overlay/index.js";
import { ms, seconds } from "../../src/sim/index.js";
import { type JoinedEndpoint, contains, k1, k3, k4, marker, overlayKind, overlayWorld, plainNet, secureNet, udpPacket } from "./driver-world.js";

/** Three nodes with keys; nodes 1 and 2 on both networks, node 3 on the plain one only. */
function threeNodes(options: Parameters<typeof overlayWorld>[1] = {}) {
  const w = overlayWorld(3, options);
  w.giveKeys(1, 2, 3);
  const a = w.join(1, secureNet, "10.0.1.2");
  const b = w.join(2, secureNet, "10.0.1.3");
  const pa = w.join(1, plainNet, "10.0.2.2");
  const pb = w.join(2, plainNet, "10.0.2.3");
  const pc = w.join(3, plainNet, "10.0.2.4");
  w.run(seconds(5));
  return { w, a, b, pa, pb, pc };
}

/** Records every packet sent onto the wire. */
function wireOf(w: ReturnType<typeof overlayWorld>) {
  const sent: Uint8Array[] = [];
  w.fabric.addTap((p) => sent.push(p.bytes), { outcomes: ["sent"] });
  return sent;
}

const drops = (w: ReturnType<typeof overlayWorld>, reason: string) => w.trace.records.filter((r) => r.kind === "overlay.drop" && r.reason === reason);

describe("overlay driver: the data path", () => {
  it("carries packets both ways: ESP without plaintext on the encrypted network, VXLAN on UDP 4789 in clear on the plain one", () => {
    const { w, a, b, pa, pc } = threeNodes();
    const wire = wireOf(w);
    const secret = marker("secure");
    const open = marker("plain");
    const ab = udpPacket("10.0.1.2", "10.0.1.3", secret);
    const ba = udpPacket("10.0.1.3", "10.0.1.2", secret);
    const ac = udpPacket("10.0.2.2", "10.0.2.4", open);
    a.link.send(ab);
    b.link.send(ba);
    pa.link.send(ac);
    w.run(seconds(1));
    expect(b.received).toEqual([ab]);
    expect(a.received).toEqual([ba]);
    expect(pc.received).toEqual([ac]);

    const esp = wire.filter((p) => overlayKind(p) === "esp");
    const vxlan = wire.filter((p) => overlayKind(p) === "vxlan");
    expect(esp).toHaveLength(2);
    expect(wire.some((p) => contains(p, secret))).toBe(false);
    expect(vxlan).toHaveLength(1);
    expect(contains(vxlan[0]!, open)).toBe(true);
    // Docker's ESP: the outer packet fills the 1500-byte underlay exactly at the encrypted MTU.
    expect(decodeIpv4(esp[0]!).ok).toBe(true);

    expect(w.driver(1).counters.framesSentEncrypted).toBe(1);
    expect(w.driver(1).counters.framesSentCleartext).toBe(1);
    expect(w.driver(2).counters.framesReceivedEncrypted).toBe(1);
    expect(w.driver(3).counters.framesReceivedCleartext).toBe(1);
  });

  it("gives the links Docker's MTUs and drops a packet over them as too-big", () => {
    const { w, a, b, pa } = threeNodes();
    expect(a.link.mtu).toBe(1424);
    expect(pa.link.mtu).toBe(1450);
    expect(a.link.prefixLength).toBe(24);
    const wire = wireOf(w);
    a.link.send(udpPacket("10.0.1.2", "10.0.1.3", new Uint8Array(1424 - 28)));
    a.link.send(udpPacket("10.0.1.2", "10.0.1.3", new Uint8Array(1425 - 28)));
    w.run(seconds(1));
    expect(b.received).toHaveLength(1);
    expect(w.driver(1).counters.drops["too-big"]).toBe(1);
    // The largest encrypted frame fills a 1500-byte underlay packet exactly.
    expect(wire.filter((p) => overlayKind(p) === "esp").map((p) => p.length)).toEqual([1500]);
    expect(overlayMtu(true)).toBe(1424);
  });

  it("delivers between two endpoints of one node without touching the wire", () => {
    const w = overlayWorld(1);
    w.giveKeys(1);
    const x = w.join(1, secureNet, "10.0.1.2");
    const y = w.join(1, secureNet, "10.0.1.3");
    const wire = wireOf(w);
    const packet = udpPacket("10.0.1.2", "10.0.1.3", marker("local"));
    x.link.send(packet);
    expect(y.received).toEqual([]); // handed over as its own event
    w.run(ms(1));
    expect(y.received).toEqual([packet]);
    expect(wire.filter((p) => overlayKind(p) !== "other")).toEqual([]);
    expect(w.driver(1).counters.framesDeliveredLocally).toBe(1);
  });

  it("keeps networks apart: an endpoint cannot reach an address of another network", () => {
    const { w, a, pb } = threeNodes();
    a.link.send(udpPacket("10.0.1.2", "10.0.2.3", marker("cross")));
    w.run(seconds(1));
    expect(pb.received).toEqual([]);
    expect(w.driver(1).counters.drops["no-peer"]).toBe(1);
    expect(drops(w, "no-peer")[0]).toMatchObject({ node: "node-1", network: secureNet.id, dst: "10.0.2.3" });
  });
});

describe("overlay driver: failing closed", () => {
  it("drops cleartext VXLAN of an encrypted VNI, and delivers the same on a plain VNI", () => {
    const { w, b, pb } = threeNodes();
    const mallory = w.peer(3).host;
    const forged = (vni: number, dst: string, src: string) =>
      encodeVxlan({ vni, dstMac: formatMac(macFromIpv4(dst)), srcMac: formatMac(macFromIpv4(src)), packet: udpPacket(src, dst, marker("forged")) });
    mallory.udp.send(40000, w.peer(2).host.ip, 4789, forged(secureNet.vni, "10.0.1.3", "10.0.1.9"));
    mallory.udp.send(40000, w.peer(2).host.ip, 4789, forged(plainNet.vni, "10.0.2.3", "10.0.2.9"));
    w.run(seconds(1));
    expect(b.received).toEqual([]);
    expect(pb.received).toHaveLength(1);
    expect(w.driver(2).counters.drops["cleartext-on-encrypted"]).toBe(1);
    expect(drops(w, "cleartext-on-encrypted")[0]).toMatchObject({ node: "node-2", vni: secureNet.vni, src: w.peer(3).host.ip });
  });

  it("drops a tampered ESP packet (bad ICV) and one with an unknown SPI, counted and traced", () => {
    const { w, a, b } = threeNodes();
    const wire = wireOf(w);
    a.link.send(udpPacket("10.0.1.2", "10.0.1.3", marker("one")));
    w.run(seconds(1));
    const original = wire.find((p) => overlayKind(p) === "esp")!;
    const tampered = original.slice();
    tampered[tampered.length - 20]! ^= 0x01;
    const unknownSpi = original.slice();
    unknownSpi[20]! ^= 0xff;
    w.peer(3).host.sendPacket(tampered);
    w.peer(3).host.sendPacket(unknownSpi);
    w.run(seconds(1));
    expect(b.received).toHaveLength(1);
    expect(w.driver(2).counters.drops["bad-icv"]).toBe(1);
    expect(w.driver(2).counters.drops["unknown-spi"]).toBe(1);
    expect(drops(w, "bad-icv")[0]).toMatchObject({ node: "node-2", src: w.peer(1).host.ip, seq: 1 });
  });

  it("accepts a replayed ESP packet with Docker's window 0 and drops it with a 64-packet window", () => {
    for (const [replayWindow, copies] of [[0, 2], [64, 1]] as const) {
      const { w, a, b } = threeNodes({ replayWindow });
      const wire = wireOf(w);
      a.link.send(udpPacket("10.0.1.2", "10.0.1.3", marker("replay")));
      w.run(seconds(1));
      w.peer(3).host.sendPacket(wire.find((p) => overlayKind(p) === "esp")!);
      w.run(seconds(1));
      expect(b.received, `window ${replayWindow}`).toHaveLength(copies);
      expect(w.driver(2).counters.drops.replay, `window ${replayWindow}`).toBe(2 - copies);
    }
  });

  it("refuses an encrypted network on a node without keys, with Docker's error; a plain one joins", () => {
    const w = overlayWorld(1);
    const refused = w.driver(1).joinEndpoint(secureNet, { id: "e".repeat(64), address: "10.0.1.2" }, () => {});
    expect(refused).toEqual({ ok: false, error: "cannot join secure network: encryption keys not present" });
    expect(w.trace.records.find((r) => r.kind === "overlay.endpoint")).toMatchObject({ event: "refused", error: "cannot join secure network: encryption keys not present" });
    expect(w.driver(1).joinEndpoint(plainNet, { id: "f".repeat(64), address: "10.0.2.2" }, () => {}).ok).toBe(true);
    expect(w.driver(1).joinedNetworks()).toEqual([plainNet.id]);
  });

  it("a Windows node ignores encrypted: its cleartext is dropped by Linux, Linux's ESP finds no taker, and a warning is traced", () => {
    const w = overlayWorld(2, { os: ["linux", "windows"] });
    w.giveKeys(1);
    const linux = w.join(1, secureNet, "10.0.1.2");
    const windows = w.join(2, secureNet, "10.0.1.3");
    w.run(seconds(5));
    expect(windows.link.mtu).toBe(1450);
    const netDrops: string[] = [];
    w.fabric.addTap((p) => netDrops.push(`${p.src}>${p.dst}:${p.reason}`), { outcomes: ["dropped"] });
    windows.link.send(udpPacket("10.0.1.3", "10.0.1.2", marker("win")));
    linux.link.send(udpPacket("10.0.1.2", "10.0.1.3", marker("lin")));
    w.run(seconds(1));
    expect(linux.received).toEqual([]);
    expect(windows.received).toEqual([]);
    expect(w.driver(1).counters.drops["cleartext-on-encrypted"]).toBe(1);
    expect(w.driver(2).counters.framesSentCleartext).toBe(1);
    expect(netDrops).toEqual(["node-1>node-2:no-listener"]);
    const warnings = w.trace.records.filter((r) => r.kind === "overlay.warning");
    expect(warnings).toEqual([
      expect.objectContaining({
        node: "node-2",
        network: secureNet.id,
        message: "the Windows overlay driver ignores encrypted: traffic to Linux peers is sent in cleartext and dropped",
      }),
    ]);
    expect(w.driver(2).associations()).toEqual([]);
  });
});

describe("overlay driver: tunnels and keys", () => {
  it("sets up SAs only between nodes that both have endpoints on the encrypted network", () => {
    const { w } = threeNodes();
    const [ip1, ip2, ip3] = [1, 2, 3].map((n) => w.peer(n).host.ip);
    const remotes = (n: number) => [...new Set(w.driver(n).associations().map((sa) => (sa.direction === "out" ? sa.dst : sa.src)))];
    expect(remotes(1)).toEqual([ip2]);
    expect(remotes(2)).toEqual([ip1]);
    expect(remotes(3)).toEqual([]);
    // 3 inbound SAs (one per key) and 1 outbound with the primary, per remote host.
    expect(w.driver(1).associations().map((sa) => `${sa.direction} ${sa.keyTag.toString(16)}`).sort()).toEqual(["in 8181", "in 8182", "in 8183", "out 8182"]);
    expect(w.driver(1).tunnelRefs(ip3!)).toBe(0);
  });

  it("counts one reference per encrypted network and releases them as endpoints leave", () => {
    const w = overlayWorld(2);
    w.giveKeys(1, 2);
    const second = { ...secureNet, id: "c".repeat(25), name: "secure-2", vni: 4099, subnet: "10.0.3.0/24" };
    const a1 = w.join(1, secureNet, "10.0.1.2");
    const a2 = w.join(1, second, "10.0.3.2");
    w.join(2, secureNet, "10.0.1.3");
    w.join(2, second, "10.0.3.3");
    w.run(seconds(5));
    const ip2 = w.peer(2).host.ip;
    expect(w.driver(1).tunnelRefs(ip2)).toBe(2);
    expect(w.driver(1).leaveEndpoint(a1.link.endpointId)).toBe(true);
    expect(w.driver(1).tunnelRefs(ip2)).toBe(1);
    expect(w.driver(1).associations()).toHaveLength(4);
    w.driver(1).leaveEndpoint(a2.link.endpointId);
    expect(w.driver(1).tunnelRefs(ip2)).toBe(0);
    expect(w.driver(1).associations()).toEqual([]);
    expect(w.driver(1).joinedNetworks()).toEqual([]);
    // The leave reaches node 2 through networkdb, which tears its side down too.
    w.run(seconds(5));
    expect(w.driver(2).associations()).toEqual([]);
    expect(w.driver(2).peers(secureNet.id).map((p) => p.local)).toEqual([true]);
    // A packet on a link that left goes nowhere.
    a1.link.send(udpPacket("10.0.1.2", "10.0.1.3", marker("gone")));
    expect(w.driver(1).counters.drops["no-endpoint"]).toBe(1);
  });

  it("rotates keys under continuous traffic, node by node in Docker's order, without losing a packet", () => {
    const w = overlayWorld(3);
    w.giveKeys(1, 2, 3);
    const endpoints: JoinedEndpoint[] = [1, 2, 3].map((n) => w.join(n, secureNet, `10.0.1.${n + 1}`));
    w.run(seconds(5));
    let sent = 0;
    const start = w.sim.now;
    for (let tick = 0; tick < 300; tick++) {
      w.sim.scheduler.after(ms(10 * tick), "test.traffic", () => {
        for (const [i, from] of endpoints.entries()) {
          for (const [j] of endpoints.entries()) {
            if (i === j) continue;
            from.link.send(udpPacket(`10.0.1.${i + 2}`, `10.0.1.${j + 2}`, marker(`${tick}`)));
            sent++;
          }
        }
      });
    }
    // Docker's rotation as each node's session message brings it: new key k4, primary k3 (the middle), prune k1.
    for (const [n, at] of [[1, 1000], [2, 1023], [3, 1071]] as const) {
      w.sim.scheduler.after(ms(at), "test.rotate", () => w.driver(n).updateKeys({ newKey: k4, primary: k3, prune: k1 }));
    }
    w.run(seconds(4));
    expect(w.sim.now - start).toBeGreaterThan(3_000_000);
    const received = endpoints.reduce((sum, e) => sum + e.received.length, 0);
    expect(sent).toBe(300 * 6);
    expect(received).toBe(sent);
    for (const n of [1, 2, 3]) {
      const d = w.driver(n);
      expect(d.keyTags()).toEqual([k3.tag, 0x8182, k4.tag]);
      expect(Object.values(d.counters.drops).every((c) => c === 0)).toBe(true);
      expect(d.associations().filter((sa) => sa.direction === "out").map((sa) => sa.keyTag)).toEqual([k3.tag, k3.tag]);
    }
    // Each node traced the per-peer steps in Docker's order: −in(k1), +in(k4), +out(k3), policy → k3, −out(k2).
    const steps = w.trace.records
      .filter((r) => r.kind === "overlay.sa" && r.node === "node-1" && r.cause === "update-keys" && r.remote === w.peer(2).host.ip)
      .map((r) => `${r.op}${r.direction === undefined ? "" : ` ${r.direction}`} ${(r.keyTag as number).toString(16)}`);
    expect(steps).toEqual(["remove-sa in 8181", "add-sa in 8184", "add-sa out 8183", "update-policy 8183", "remove-sa out 8182"]);
    // The esp_sa file covers the SAs of both epochs, the removed ones included.
    const carried = w.driver(1).sasThatCarriedTraffic();
    expect(carried.length).toBeGreaterThan(w.driver(1).associations().filter((sa) => sa.packets > 0).length);
    expect(espSaFile(carried).split("\n").filter(Boolean).length).toBe(carried.length);
  });

  it("applies the IPsec keys of a change as one call and refuses an unknown primary, traced", () => {
    const w = overlayWorld(1);
    w.giveKeys(1);
    const refused = w.driver(1).updateKeys({ primary: k4 });
    expect(refused.ok).toBe(false);
    const record = w.trace.records.filter((r) => r.kind === "overlay.keys").at(-1);
    expect(record).toMatchObject({ op: "update", ok: false, primary: k4.tag });
  });
});
