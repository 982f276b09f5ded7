/** The driver's pure helpers: VXLAN source ports, inner addresses, subnets, and the peer database. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ephemeralPortFirst, ephemeralPortLast } from "../../src/net/index.js";
import { vxlanSourcePort } from "../../src/overlay/index.js";
import { NetworkPeers } from "../../src/overlay/driver-peers.js";
import { innerDestination, parseOverlaySubnet, subnetContains } from "../../src/overlay/driver-wire.js";
import { udpPacket } from "./driver-world.js";

describe("vxlanSourcePort", () => {
  it("stays in Linux's local port range for any bytes, and keeps one port per flow", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const port = vxlanSourcePort(bytes);
        return port >= ephemeralPortFirst && port < ephemeralPortLast && port === vxlanSourcePort(bytes.slice());
      }),
      { seed: 42 },
    );
    const payloadA = new Uint8Array([1]);
    const payloadB = new Uint8Array([2, 3]);
    expect(vxlanSourcePort(udpPacket("10.0.1.2", "10.0.1.3", payloadA))).toBe(vxlanSourcePort(udpPacket("10.0.1.2", "10.0.1.3", payloadB)));
    expect(vxlanSourcePort(udpPacket("10.0.1.2", "10.0.1.3", payloadA, 40000))).not.toBe(vxlanSourcePort(udpPacket("10.0.1.2", "10.0.1.3", payloadA, 40001)));
  });
});

describe("innerDestination and subnets", () => {
  it("reads the destination of an IPv4 packet and refuses what is not one", () => {
    expect(innerDestination(udpPacket("10.0.1.2", "10.0.1.3", new Uint8Array(4)))).toEqual({ ok: true, dst: "10.0.1.3" });
    expect(innerDestination(new Uint8Array(10)).ok).toBe(false);
    expect(innerDestination(new Uint8Array(20).fill(0x60)).ok).toBe(false);
  });

  it("parses a subnet and tells what lies in it", () => {
    const subnet = parseOverlaySubnet("subnet", "10.0.1.7/24");
    expect(subnet.prefixLength).toBe(24);
    expect(subnetContains(subnet, "10.0.1.254")).toBe(true);
    expect(subnetContains(subnet, "10.0.2.1")).toBe(false);
    expect(() => parseOverlaySubnet("network.subnet", "10.0.1.0")).toThrow('"network.subnet" expected a subnet a.b.c.d/n, got "10.0.1.0"');
    expect(() => parseOverlaySubnet("network.subnet", "10.0.1.0/33")).toThrow(RangeError);
  });
});

describe("NetworkPeers", () => {
  it("counts remote endpoints per host and resolves a shared address to the first holder until it goes", () => {
    const peers = new NetworkPeers();
    const entry = (endpointId: string, vtep: string | undefined) => ({ endpointId, address: "10.0.1.9", prefixLength: 24, mac: "02:42:0a:00:01:09", vtep });
    expect(peers.add(entry("old", "10.0.0.2")).vtepChanged).toBe(true);
    expect(peers.add(entry("new", "10.0.0.2")).vtepChanged).toBe(false);
    expect(peers.lookup("10.0.1.9")?.endpointId).toBe("old");
    expect(peers.remove("old").vtepChanged).toBe(false);
    expect(peers.lookup("10.0.1.9")?.endpointId).toBe("new");
    expect(peers.remove("new").vtepChanged).toBe(true);
    expect(peers.remoteVteps()).toEqual([]);
    expect(peers.remove("new")).toEqual({ entry: undefined, vtepChanged: false });
    expect(peers.add(entry("local", undefined)).vtepChanged).toBe(false);
  });
});
