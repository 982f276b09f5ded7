import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeIpv4, encodeIpv4, internetChecksum } from "../../src/net/index.js";
import { propertyRuns } from "../support/properties.js";
import { arbIpv4, arbPayload, fromHex } from "./wire-helpers.js";

const arbPacket = fc.record({
  src: arbIpv4,
  dst: arbIpv4,
  protocol: fc.nat({ max: 255 }),
  identification: fc.nat({ max: 0xffff }),
  ttl: fc.nat({ max: 255 }),
  dontFragment: fc.boolean(),
  payload: arbPayload(),
});

describe("IPv4 header", () => {
  it("encodes version/IHL 0x45, total length, DF, TTL 64 and a correct checksum", () => {
    const payload = new Uint8Array([1, 2, 3]);
    const bytes = encodeIpv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, identification: 7, payload });
    expect(bytes.length).toBe(23);
    expect(bytes[0]).toBe(0x45);
    expect((bytes[2]! << 8) | bytes[3]!).toBe(23);
    expect((bytes[4]! << 8) | bytes[5]!).toBe(7);
    expect(bytes[6]).toBe(0x40); // DF
    expect(bytes[8]).toBe(64);
    expect(bytes[9]).toBe(17);
    expect([...bytes.subarray(12, 20)]).toEqual([10, 0, 0, 1, 10, 0, 0, 2]);
    expect(internetChecksum(bytes.subarray(0, 20))).toBe(0);
  });

  it("decodes a header with a known checksum, ignoring link padding past the total length", () => {
    // The header of the Internet checksum article's example: 192.168.0.1 -> 192.168.0.199, UDP, length 115.
    const header = fromHex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
    const bytes = new Uint8Array(115 + 5);
    bytes.set(header);
    const r = decodeIpv4(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ src: "192.168.0.1", dst: "192.168.0.199", protocol: 17, ttl: 64, dontFragment: true });
    expect(r.value.payload.length).toBe(95);
  });

  it("round-trips every field and the payload", () => {
    fc.assert(
      fc.property(arbPacket, (packet) => {
        const r = decodeIpv4(encodeIpv4(packet));
        expect(r.ok).toBe(true);
        if (r.ok) expect({ ...r.value, payload: [...r.value.payload] }).toEqual({ ...packet, payload: [...packet.payload] });
      }),
      { seed: 42, numRuns: propertyRuns(200) },
    );
  });

  it("rejects truncated, mangled and fragmented packets with a reason", () => {
    const good = encodeIpv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 6, identification: 1, payload: new Uint8Array(10) });
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(0), /truncated IPv4 header/],
      [good.subarray(0, 19), /truncated IPv4 header/],
      [good.subarray(0, 25), /truncated IPv4 packet/],
      [Uint8Array.from(good, (b, i) => (i === 0 ? 0x65 : b)), /not IPv4: version 6/],
      [Uint8Array.from(good, (b, i) => (i === 0 ? 0x44 : b)), /bad IPv4 IHL/],
      [Uint8Array.from(good, (b, i) => (i === 12 ? b ^ 1 : b)), /bad IPv4 header checksum/],
    ];
    const fragment = good.slice();
    fragment[6] = 0x20; // MF
    fragment[10] = 0;
    fragment[11] = 0;
    const sum = internetChecksum(fragment.subarray(0, 20));
    fragment[10] = sum >> 8;
    fragment[11] = sum & 0xff;
    cases.push([fragment, /fragments are not supported/]);
    for (const [bytes, reason] of cases) {
      const r = decodeIpv4(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const r = decodeIpv4(bytes);
        return r.ok || r.reason.length > 0;
      }),
      { seed: 7, numRuns: propertyRuns(500) },
    );
  });

  it("throws on out-of-range fields, naming them", () => {
    const base = { src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, identification: 0, payload: new Uint8Array() };
    expect(() => encodeIpv4({ ...base, protocol: 256 })).toThrow(/"protocol"/);
    expect(() => encodeIpv4({ ...base, identification: -1 })).toThrow(/"identification"/);
    expect(() => encodeIpv4({ ...base, src: "10.0.0.300" })).toThrow(/"src"/);
    expect(() => encodeIpv4({ ...base, payload: new Uint8Array(65_516) })).toThrow(/"payload"/);
  });
});
