import { describe, expect, it } from "vitest";
import { Fabric, IpProtocol, encodeIpv4 } from "../../src/net/index.js";
import { Simulation } from "../../src/sim/index.js";
import { WireCensus, indexOfBytes, wirePathOf } from "../../src/swarm/index.js";

const encoder = new TextEncoder();
const udp = (src: number, dst: number, text: string) => new Uint8Array([src >> 8, src & 0xff, dst >> 8, dst & 0xff, 0, 0, 0, 0, ...encoder.encode(text)]);
const packet = (protocol: number, payload: Uint8Array) => encodeIpv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol, identification: 0, payload });

describe("the wire census", () => {
  it("classes packets by what their headers say they carry", () => {
    expect(wirePathOf(packet(IpProtocol.esp, new Uint8Array(16)))).toBe("esp");
    expect(wirePathOf(packet(IpProtocol.udp, udp(40000, 4789, "")))).toBe("vxlan");
    expect(wirePathOf(packet(IpProtocol.udp, udp(7946, 7946, "")))).toBe("gossip");
    expect(wirePathOf(packet(IpProtocol.tcp, udp(51000, 7946, "")))).toBe("gossip");
    expect(wirePathOf(packet(IpProtocol.tcp, udp(51000, 2377, "")))).toBe("control");
    expect(wirePathOf(packet(IpProtocol.udp, udp(53, 53, "")))).toBe("other");
    expect(wirePathOf(new Uint8Array(3))).toBe("other");
  });

  it("finds a byte string anywhere, including at the very end, and reports -1 when it is absent", () => {
    const hay = encoder.encode("xxWelcome to nginx!");
    expect(indexOfBytes(hay, encoder.encode("Welcome"))).toBe(2);
    expect(indexOfBytes(hay, encoder.encode("nginx!"))).toBe(13);
    expect(indexOfBytes(hay, encoder.encode("nginx?"))).toBe(-1);
    expect(indexOfBytes(hay, new Uint8Array(0))).toBe(0);
  });

  it("counts what crossed the wire and where a searched string was seen in clear", () => {
    const sim = new Simulation({ seed: 1 });
    const fabric = new Fabric(sim);
    const a = fabric.addHost("a");
    fabric.addHost("b");
    const census = new WireCensus(fabric, ["secret page"]);
    a.udp.send(40000, "10.0.0.2", 4789, encoder.encode("the secret page"));
    a.sendIp(IpProtocol.esp, "10.0.0.2", new Uint8Array(40));
    sim.scheduler.run({});
    expect(census.packets("vxlan")).toBe(1);
    expect(census.packets("esp")).toBe(1);
    expect(census.packetsHolding("secret page", "vxlan")).toBe(1);
    expect(census.packetsHolding("secret page", "esp")).toBe(0);
    expect(census.table()).toMatch(/^PATH +PACKETS +BYTES\nesp +1 +60\nvxlan +1 +43\n/);
    expect(census.table()).toMatch(/IN CLEAR +ESP +VXLAN +GOSSIP +CONTROL +OTHER\n"secret page" +0 +1 +0 +0 +0\n$/);
  });
});
