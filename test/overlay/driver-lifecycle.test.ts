/**
 * The overlay driver over time: networkdb that starts after the first
 * endpoint, peers that update and go, sequence counters that run out, what a
 * rotation with the wrong primary costs, and a run that repeats exactly.
 */
import { describe, expect, it } from "vitest";
import { defaultAead } from "../../src/crypto/index.js";
import { type NetworkDb, encodePeerRecord, overlayPeerTable } from "../../src/gossip/index.js";
import { OverlayDriver } from "../../src/overlay/index.js";
import { ms, seconds } from "../../src/sim/index.js";
import { networkDbWorld } from "../gossip/networkdb-world.js";
import { type JoinedEndpoint, endpointId, k1, k3, k4, marker, overlayWorld, plainNet, secureNet, udpPacket } from "./driver-world.js";

describe("overlay driver: networkdb", () => {
  it("writes the entries of endpoints that joined before gossip ran once networkdb appears", () => {
    const w = networkDbWorld(2);
    const running: (NetworkDb | undefined)[] = [undefined, w.peer(2).db];
    const drivers = [1, 2].map(
      (n) =>
        new OverlayDriver({ sim: w.sim, host: w.peer(n).host, node: `node-${n}`, aead: defaultAead(), rng: w.sim.rng.fork(`o${n}`), networkDb: () => running[n - 1] }),
    );
    const got: Uint8Array[] = [];
    const early = drivers[0]!.joinEndpoint(plainNet, { id: endpointId(1), address: "10.0.2.2" }, (p) => got.push(p));
    drivers[1]!.joinEndpoint(plainNet, { id: endpointId(2), address: "10.0.2.3" }, () => {});
    w.startAll();
    w.run(seconds(5));
    expect(w.peer(2).db.entries(overlayPeerTable, plainNet.id).map((e) => e.key)).toEqual([endpointId(2)]);
    running[0] = w.peer(1).db;
    drivers[0]!.syncGossip();
    w.run(seconds(5));
    expect(w.peer(2).db.entries(overlayPeerTable, plainNet.id).map((e) => e.key).sort()).toEqual([endpointId(1), endpointId(2)]);
    expect(drivers[0]!.peers(plainNet.id).map((p) => `${p.address}@${p.vtep}`)).toEqual(["10.0.2.2@10.0.0.1", "10.0.2.3@10.0.0.2"]);
    if (!early.ok) throw new Error(early.error);
    expect(early.link.networkName).toBe("plain");
  });

  it("follows a peer's update to a new host and ignores records it cannot read", () => {
    const w = overlayWorld(3);
    w.giveKeys(1, 2, 3);
    w.join(1, secureNet, "10.0.1.2");
    w.join(2, secureNet, "10.0.1.3");
    w.join(3, secureNet, "10.0.1.4");
    w.run(seconds(5));
    const [ip2, ip3] = [2, 3].map((n) => w.peer(n).host.ip) as [string, string];
    // Node 3 rewrites its entry as if the endpoint had moved to node 2 (an update event on node 1).
    const key = endpointId(3);
    const moved = encodePeerRecord({ endpointIp: "10.0.1.4/24", endpointMac: "02:42:0a:00:01:04", tunnelEndpointIp: ip2 });
    expect(w.peer(3).db.updateEntry(overlayPeerTable, secureNet.id, key, moved)).toEqual({ ok: true });
    w.run(seconds(3));
    expect(w.driver(1).peers(secureNet.id).find((p) => p.endpointId === key)?.vtep).toBe(ip2);
    expect(w.driver(1).tunnelRefs(ip3)).toBe(0);
    expect(w.driver(1).tunnelRefs(ip2)).toBe(1);
    w.peer(2).db.createEntry(overlayPeerTable, secureNet.id, "junk", new Uint8Array([0x0a, 0x01, 0x78]));
    w.run(seconds(3));
    const warning = w.trace.records.find((r) => r.kind === "overlay.warning" && r.node === "node-1");
    expect(warning?.message).toMatch(/^ignored overlay_peer_table entry junk: Invalid peer IP x/);
  });
});

describe("overlay driver: sequence numbers", () => {
  it("drops and traces once when an outbound SA's counter is used up (Linux), and traces a wrap where one is allowed", () => {
    for (const onSequenceExhausted of ["drop", "wrap"] as const) {
      const w = overlayWorld(2, { onSequenceExhausted });
      w.giveKeys(1, 2);
      const a = w.join(1, secureNet, "10.0.1.2");
      const b = w.join(2, secureNet, "10.0.1.3");
      w.run(seconds(5));
      const ip2 = w.peer(2).host.ip;
      expect(w.driver(1).advanceSequence(ip2, 0xffff_fffe)).toBe(0xffff_fffe);
      for (let i = 0; i < 3; i++) a.link.send(udpPacket("10.0.1.2", "10.0.1.3", marker(`seq${i}`)));
      w.run(seconds(1));
      const seq = w.trace.records.filter((r) => r.kind === "overlay.seq");
      expect(seq.map((r) => r.event), onSequenceExhausted).toEqual([onSequenceExhausted === "drop" ? "exhausted" : "wrapped"]);
      if (onSequenceExhausted === "drop") {
        expect(b.received).toHaveLength(1);
        expect(w.driver(1).counters.drops["seq-exhausted"]).toBe(2);
        expect(w.driver(1).sequenceReports()[0]).toMatchObject({ remote: ip2, headroom: 0, exhausted: true });
      } else {
        expect(b.received).toHaveLength(3);
      }
    }
  });
});

describe("overlay driver: rotation with the newest key as primary", () => {
  it("loses packets while the nodes rotate one after another, which the middle key avoids", () => {
    const lost = (primary: typeof k3) => {
      const w = overlayWorld(2);
      w.giveKeys(1, 2);
      const endpoints: JoinedEndpoint[] = [w.join(1, secureNet, "10.0.1.2"), w.join(2, secureNet, "10.0.1.3")];
      w.run(seconds(5));
      let sent = 0;
      for (let tick = 0; tick < 100; tick++) {
        w.sim.scheduler.after(ms(10 * tick), "test.traffic", () => {
          endpoints[0]!.link.send(udpPacket("10.0.1.2", "10.0.1.3", marker(`${tick}`)));
          endpoints[1]!.link.send(udpPacket("10.0.1.3", "10.0.1.2", marker(`${tick}`)));
          sent += 2;
        });
      }
      w.sim.scheduler.after(ms(300), "test.rotate", () => w.driver(1).updateKeys({ newKey: k4, primary, prune: k1 }));
      w.sim.scheduler.after(ms(500), "test.rotate", () => w.driver(2).updateKeys({ newKey: k4, primary, prune: k1 }));
      w.run(seconds(2));
      return { lost: sent - endpoints[0]!.received.length - endpoints[1]!.received.length, unknownSpi: w.driver(2).counters.drops["unknown-spi"] };
    };
    expect(lost(k3)).toEqual({ lost: 0, unknownSpi: 0 });
    const newest = lost(k4);
    // Node 1 seals with k4 from its rotation on; node 2 cannot open that until its own,
    // 200 ms later: the packets node 1 sends at 310..490 ms are lost.
    expect(newest).toEqual({ lost: 19, unknownSpi: 19 });
  });
});

describe("overlay driver: determinism", () => {
  it("repeats a run exactly: same seed, same trace fingerprint", () => {
    const run = () => {
      const w = overlayWorld(3, { seed: 7 });
      w.giveKeys(1, 2, 3);
      const a = w.join(1, secureNet, "10.0.1.2");
      w.join(2, secureNet, "10.0.1.3");
      w.join(3, plainNet, "10.0.2.4");
      w.run(seconds(5));
      for (let i = 0; i < 10; i++) a.link.send(udpPacket("10.0.1.2", "10.0.1.3", marker(`${i}`)));
      w.driver(1).updateKeys({ newKey: k4, primary: k3, prune: k1 });
      w.run(seconds(2));
      return w.sim.trace.fingerprint();
    };
    expect(run()).toBe(run());
  });
});
