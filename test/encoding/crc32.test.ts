import { crc32 } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32Ieee } from "../../src/encoding/crc32.js";
import { propertyRuns } from "../support/properties.js";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("CRC-32 (IEEE)", () => {
  it("gives the published check values", () => {
    // The catalogue's check value for CRC-32/ISO-HDLC ("123456789"), and two widely quoted ones.
    expect(crc32Ieee(ascii("123456789"))).toBe(0xcbf43926);
    expect(crc32Ieee(new Uint8Array(0))).toBe(0);
    expect(crc32Ieee(ascii("a"))).toBe(0xe8b7be43);
    expect(crc32Ieee(ascii("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
  });

  it("agrees with zlib's crc32 on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (bytes) => crc32Ieee(bytes) === crc32(bytes)),
      { seed: 51, numRuns: propertyRuns(300) },
    );
  });
});
