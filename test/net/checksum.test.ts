import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIpv4, internetChecksum, onesComplementSum, parseIpv4 } from "../../src/net/index.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex } from "./wire-helpers.js";

describe("internet checksum", () => {
  it("matches RFC 1071's worked example", () => {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2 (one's complement), checksum 0x220d.
    const bytes = fromHex("0001 f203 f4f5 f6f7");
    expect(onesComplementSum(bytes)).toBe(0xddf2);
    expect(internetChecksum(bytes)).toBe(0x220d);
  });

  it("gives a known IPv4 header's checksum (192.168.0.1 -> 192.168.0.199)", () => {
    const header = fromHex("4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
    expect(internetChecksum(header)).toBe(0xb861);
    header[10] = 0xb8;
    header[11] = 0x61;
    expect(internetChecksum(header)).toBe(0);
  });

  it("agrees with a word-by-word reference on odd, empty and very long inputs", () => {
    const reference = (bytes: Uint8Array) => {
      let sum = 0;
      for (let i = 0; i < bytes.length; i += 2) {
        sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
        sum = (sum & 0xffff) + (sum >>> 16);
      }
      return ~sum & 0xffff;
    };
    for (const length of [0, 1, 2, 3, 1499, 65_535, 65_536, 65_537, 140_001]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 167 + (i >> 8)) & 0xff);
      expect(internetChecksum(bytes), `length ${length}`).toBe(reference(bytes));
    }
  });

  it("sums a run split anywhere at an even offset the same as the whole", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, cut) => {
        const at = Math.min(bytes.length, cut) & ~1;
        const split = onesComplementSum(bytes.subarray(at), onesComplementSum(bytes.subarray(0, at)));
        return internetChecksum(bytes) === (~split & 0xffff);
      }),
      { seed: 1071, numRuns: propertyRuns(300) },
    );
  });
});

describe("IPv4 addresses", () => {
  it("parse and format round-trip", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (n) => {
        const parsed = parseIpv4(formatIpv4(n));
        return parsed.ok && parsed.value === n;
      }),
      { seed: 4, numRuns: propertyRuns(300) },
    );
  });

  it("reject non-canonical spellings with a reason", () => {
    for (const bad of ["10.0.0", "10.0.0.256", "10.00.0.1", "a.b.c.d", "", "1.2.3.4.5", " 1.2.3.4"]) {
      const r = parseIpv4(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.reason).toContain("not an IPv4 address");
    }
  });
});
