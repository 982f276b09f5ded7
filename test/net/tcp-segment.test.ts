import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TcpFlag, decodeTcp, describeTcpFlags, encodeTcp, internetChecksum, pseudoHeaderSum } from "../../src/net/index.js";
import { propertyRuns } from "../support/properties.js";
import { arbIpv4, arbPayload, arbPort } from "./wire-helpers.js";

const arbSegment = fc.record({
  srcPort: arbPort,
  dstPort: arbPort,
  seq: fc.nat({ max: 0xffffffff }),
  ack: fc.nat({ max: 0xffffffff }),
  flags: fc.nat({ max: 0xff }),
  window: fc.nat({ max: 0xffff }),
  payload: arbPayload(),
});

describe("TCP header", () => {
  it("lays out ports, sequence numbers, data offset 5, flags and window big-endian", () => {
    const bytes = encodeTcp(
      { srcPort: 32768, dstPort: 2377, seq: 0x01020304, ack: 0xa0b0c0d0, flags: TcpFlag.SYN | TcpFlag.ACK, window: 65535, payload: new Uint8Array() },
      "10.0.0.1",
      "10.0.0.2",
    );
    expect(bytes.length).toBe(20);
    expect([...bytes.subarray(0, 16)]).toEqual([0x80, 0, 0x09, 0x49, 1, 2, 3, 4, 0xa0, 0xb0, 0xc0, 0xd0, 0x50, 0x12, 0xff, 0xff]);
    expect([...bytes.subarray(18, 20)]).toEqual([0, 0]);
    expect(describeTcpFlags(bytes[13]!)).toBe("SYN,ACK");
  });

  it("round-trips every field and the payload between any two addresses", () => {
    fc.assert(
      fc.property(arbSegment, arbIpv4, arbIpv4, (segment, src, dst) => {
        const r = decodeTcp(encodeTcp(segment, src, dst), src, dst);
        expect(r.ok).toBe(true);
        if (r.ok) expect({ ...r.value, payload: [...r.value.payload] }).toEqual({ ...segment, payload: [...segment.payload] });
      }),
      { seed: 793, numRuns: propertyRuns(200) },
    );
  });

  it("skips options it is given", () => {
    const plain = encodeTcp({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TcpFlag.ACK, window: 5, payload: new Uint8Array([7]) }, "1.1.1.1", "2.2.2.2");
    // The same segment with an MSS option (kind 2, length 4, 1460): data offset 6, checksum recomputed.
    const withOption = new Uint8Array(plain.length + 4);
    withOption.set(plain.subarray(0, 20));
    withOption.set([2, 4, 0x05, 0xb4], 20);
    withOption.set(plain.subarray(20), 24);
    withOption[12] = 6 << 4;
    withOption[16] = 0;
    withOption[17] = 0;
    const sum = internetChecksum(withOption, pseudoHeaderSum(0x01010101, 0x02020202, 6, withOption.length));
    withOption[16] = sum >> 8;
    withOption[17] = sum & 0xff;
    const r = decodeTcp(withOption, "1.1.1.1", "2.2.2.2");
    expect(r.ok).toBe(true);
    if (r.ok) expect([...r.value.payload]).toEqual([7]);
  });

  it("rejects truncated segments, bad data offsets and bad checksums with a reason", () => {
    const good = encodeTcp({ srcPort: 1, dstPort: 2, seq: 3, ack: 4, flags: TcpFlag.ACK, window: 5, payload: new Uint8Array(3) }, "10.0.0.1", "10.0.0.2");
    const cases: Array<[Uint8Array, RegExp]> = [
      [good.subarray(0, 19), /truncated TCP header/],
      [Uint8Array.from(good, (b, i) => (i === 12 ? 0x40 : b)), /bad TCP data offset/],
      [Uint8Array.from(good, (b, i) => (i === 12 ? 0xf0 : b)), /truncated TCP header: data offset/],
      [Uint8Array.from(good, (b, i) => (i === 21 ? 1 : b)), /bad TCP checksum/],
    ];
    for (const [bytes, reason] of cases) {
      const r = decodeTcp(bytes, "10.0.0.1", "10.0.0.2");
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (bytes) => {
        const r = decodeTcp(bytes, "10.0.0.1", "10.0.0.2");
        return r.ok || r.reason.length > 0;
      }),
      { seed: 9, numRuns: propertyRuns(500) },
    );
  });
});
