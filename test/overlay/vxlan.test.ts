import { describe, expect, it } from "vitest";
import { IpProtocol, decodeIpv4, decodeUdp, encodeIpv4, encodeUdp } from "../../src/net/index.js";
import {
  decodeEthernet,
  decodeVxlan,
  decodeVxlanDatagram,
  dockerVniFirst,
  encodeEthernet,
  encodeVxlan,
  encodeVxlanDatagram,
  overlayMtu,
  vxlanUdpPort,
} from "../../src/overlay/index.js";
import { flipBit, fromHex, toHex } from "./helpers.js";

/** A container's UDP packet on the overlay: 10.0.1.3:5000 → 10.0.1.4:53. */
const innerPacket = encodeIpv4({
  src: "10.0.1.3",
  dst: "10.0.1.4",
  protocol: IpProtocol.udp,
  identification: 1,
  payload: encodeUdp({ srcPort: 5000, dstPort: 53, payload: new TextEncoder().encode("who is db?") }, "10.0.1.3", "10.0.1.4"),
});
const frame = { vni: dockerVniFirst, dstMac: "02:42:0a:00:01:04", srcMac: "02:42:0a:00:01:03", packet: innerPacket };

describe("inner Ethernet II frames", () => {
  it("are destination, source, EtherType and the payload, with no FCS", () => {
    const bytes = encodeEthernet({ dst: frame.dstMac, src: frame.srcMac, etherType: 0x0800, payload: fromHex("4500") });
    expect(toHex(bytes)).toBe("02420a000104" + "02420a000103" + "0800" + "4500");
    expect(decodeEthernet(bytes)).toEqual({ ok: true, value: { dst: frame.dstMac, src: frame.srcMac, etherType: 0x0800, payload: fromHex("4500") } });
  });

  it("refuses a truncated header and a bad MAC argument", () => {
    expect(decodeEthernet(new Uint8Array(13))).toEqual({ ok: false, reason: "truncated Ethernet header: 13 bytes, need 14" });
    expect(() => encodeEthernet({ dst: "nope", src: frame.srcMac, etherType: 0x0800, payload: new Uint8Array(0) })).toThrow(/"dst" address nope: invalid MAC address/);
  });
});

describe("VXLAN (RFC 7348 §5)", () => {
  it("writes flags 0x08, 24 reserved bits, the 24-bit VNI and 8 reserved bits", () => {
    const bytes = encodeVxlan(frame);
    expect(toHex(bytes.subarray(0, 8))).toBe("0800000000100000");
    expect(toHex(encodeVxlan({ ...frame, vni: 0xabcdef }).subarray(0, 8))).toBe("08000000abcdef00");
    expect(toHex(bytes.subarray(8, 22))).toBe("02420a000104" + "02420a000103" + "0800");
    expect(toHex(bytes.subarray(22))).toBe(toHex(innerPacket));
  });

  it("decodes what it encodes, and the inner packet is the container's", () => {
    const r = decodeVxlan(encodeVxlan(frame));
    expect(r).toEqual({ ok: true, value: frame });
    const inner = r.ok ? decodeIpv4(r.value.packet) : undefined;
    expect(inner?.ok && inner.value.dst).toBe("10.0.1.4");
  });

  it("drops what Linux's vxlan_rcv drops: no I flag, any reserved bit", () => {
    const bytes = encodeVxlan(frame);
    const noFlag = bytes.slice();
    noFlag[0] = 0;
    expect(decodeVxlan(noFlag)).toEqual({ ok: false, reason: "VXLAN without the I flag: flags 0x00" });
    for (const bit of [...range(0, 4), ...range(5, 8), ...range(8, 32), ...range(56, 64)]) {
      const r = decodeVxlan(flipBit(bytes, bit ^ 7)); // bit ^ 7: count bits from each byte's top, as the RFC draws them
      expect(r.ok, `header bit ${bit}`).toBe(false);
    }
  });

  it("reads every VNI bit", () => {
    const bytes = encodeVxlan(frame);
    for (let bit = 32; bit < 56; bit++) {
      const r = decodeVxlan(flipBit(bytes, bit ^ 7));
      expect(r.ok && r.value.vni).toBe(dockerVniFirst ^ (1 << (55 - bit)));
    }
  });

  it("refuses truncations and frames that are not IPv4", () => {
    expect(decodeVxlan(new Uint8Array(7))).toEqual({ ok: false, reason: "truncated VXLAN header: 7 bytes, need 8" });
    expect(decodeVxlan(encodeVxlan(frame).subarray(0, 21)).ok).toBe(false);
    const arp = encodeVxlan(frame);
    arp[20] = 0x08;
    arp[21] = 0x06;
    expect(decodeVxlan(arp)).toEqual({ ok: false, reason: "inner frame is not IPv4: EtherType 0x0806" });
  });

  it("refuses a VNI outside 24 bits", () => {
    expect(() => encodeVxlan({ ...frame, vni: 2 ** 24 })).toThrow(/"vni" expected a whole number from 0 to 16777215/);
  });
});

describe("VXLAN in UDP between VTEPs", () => {
  it("goes to port 4789 with a correct checksum, and decodes back", () => {
    const udp = encodeVxlanDatagram({ srcPort: 40123, frame }, "10.0.0.1", "10.0.0.2");
    const plain = decodeUdp(udp, "10.0.0.1", "10.0.0.2");
    expect(plain.ok && plain.value.dstPort).toBe(vxlanUdpPort);
    expect(toHex(udp.subarray(6, 8))).not.toBe("0000");
    expect(decodeVxlanDatagram(udp, "10.0.0.1", "10.0.0.2")).toEqual({ ok: true, value: { srcPort: 40123, dstPort: 4789, frame } });
  });

  it("refuses another port, a bad checksum, and wrong VTEP addresses", () => {
    const other = encodeUdp({ srcPort: 1, dstPort: 8472, payload: encodeVxlan(frame) }, "10.0.0.1", "10.0.0.2");
    expect(decodeVxlanDatagram(other, "10.0.0.1", "10.0.0.2")).toEqual({ ok: false, reason: "not VXLAN: UDP destination port 8472, expected 4789" });
    const udp = encodeVxlanDatagram({ srcPort: 40123, frame }, "10.0.0.1", "10.0.0.2");
    expect(decodeVxlanDatagram(flipBit(udp, 200), "10.0.0.1", "10.0.0.2").ok).toBe(false);
    expect(decodeVxlanDatagram(udp, "10.0.0.3", "10.0.0.2").ok).toBe(false);
  });
});

describe("overlay MTU (encryption.go maxMTU)", () => {
  it("is 1450 in clear and 1424 encrypted on a 1500-byte underlay", () => {
    expect(overlayMtu(false)).toBe(1450);
    expect(overlayMtu(true)).toBe(1424);
  });

  it("rounds an encrypted network's MTU down to ESP's 4-byte alignment", () => {
    expect(overlayMtu(true, 1501)).toBe(1424);
    expect(overlayMtu(true, 1503)).toBe(1424);
    expect(overlayMtu(true, 1504)).toBe(1428);
    expect(overlayMtu(false, 9000)).toBe(8950);
  });

  it("refuses an underlay too small to carry anything", () => {
    expect(() => overlayMtu(true, 79)).toThrow(/"underlayMtu" expected a whole number from 80 to 65535, got 79/);
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
