import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeUdp, encodeUdp, internetChecksum, pseudoHeaderSum, parseIpv4 } from "../../src/net/index.js";
import { propertyRuns } from "../support/properties.js";
import { arbIpv4, arbPayload, arbPort } from "./wire-helpers.js";

const arbDatagram = fc.record({ srcPort: arbPort, dstPort: arbPort, payload: arbPayload() });

function addressNumber(ip: string): number {
  const r = parseIpv4(ip);
  if (!r.ok) throw new Error(r.reason);
  return r.value;
}

describe("UDP header", () => {
  it("writes ports, the length and a checksum that verifies over the pseudo-header", () => {
    const bytes = encodeUdp({ srcPort: 7946, dstPort: 7946, payload: new Uint8Array([1, 2, 3]) }, "10.0.0.1", "10.0.0.2");
    expect([...bytes.subarray(0, 6)]).toEqual([0x1f, 0x0a, 0x1f, 0x0a, 0, 11]);
    const pseudo = pseudoHeaderSum(addressNumber("10.0.0.1"), addressNumber("10.0.0.2"), 17, 11);
    expect(internetChecksum(bytes, pseudo)).toBe(0);
    expect((bytes[6]! << 8) | bytes[7]!).not.toBe(0); // always computed, never "none"
  });

  it("round-trips ports and payload between any two addresses", () => {
    fc.assert(
      fc.property(arbDatagram, arbIpv4, arbIpv4, (datagram, src, dst) => {
        const r = decodeUdp(encodeUdp(datagram, src, dst), src, dst);
        expect(r.ok).toBe(true);
        if (r.ok) expect({ ...r.value, payload: [...r.value.payload] }).toEqual({ ...datagram, payload: [...datagram.payload] });
      }),
      { seed: 768, numRuns: propertyRuns(200) },
    );
  });

  it("accepts a zero checksum (none, as IPv4 allows)", () => {
    const bytes = encodeUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array([9]) }, "10.0.0.1", "10.0.0.2");
    bytes[6] = 0;
    bytes[7] = 0;
    expect(decodeUdp(bytes, "10.0.0.9", "10.0.0.8").ok).toBe(true);
  });

  it("rejects truncated datagrams, bad lengths and bad checksums with a reason", () => {
    const good = encodeUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(4) }, "10.0.0.1", "10.0.0.2");
    const cases: Array<[Uint8Array, string, RegExp]> = [
      [good.subarray(0, 7), "10.0.0.2", /truncated UDP header/],
      [good.subarray(0, 10), "10.0.0.2", /truncated UDP datagram/],
      [Uint8Array.from(good, (b, i) => (i === 5 ? 4 : b)), "10.0.0.2", /bad UDP length/],
      [good, "10.0.0.3", /bad UDP checksum/], // delivered to the wrong address: the pseudo-header differs
    ];
    for (const [bytes, dst, reason] of cases) {
      const r = decodeUdp(bytes, "10.0.0.1", dst);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        const r = decodeUdp(bytes, "10.0.0.1", "10.0.0.2");
        return r.ok || r.reason.length > 0;
      }),
      { seed: 8, numRuns: propertyRuns(500) },
    );
  });
});
