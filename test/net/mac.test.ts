import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMac, parseMac } from "../../src/net/index.js";

const bytes = (hex: string) => Uint8Array.from(hex.match(/../g)!, (h) => Number.parseInt(h, 16));

describe("MAC addresses", () => {
  it("print as net.HardwareAddr does: six lowercase hex pairs joined by colons", () => {
    expect(formatMac(bytes("02420a000103"))).toBe("02:42:0a:00:01:03");
    expect(() => formatMac(new Uint8Array(5))).toThrow('"bytes" expected Uint8Array of length 6, got length=5');
  });

  it("parse as net.ParseMAC does for 6-byte addresses: either case, colons or hyphens, not mixed", () => {
    expect(parseMac("02:42:0a:00:01:03")).toEqual({ ok: true, value: bytes("02420a000103") });
    expect(parseMac("02-42-0A-00-01-03")).toEqual({ ok: true, value: bytes("02420a000103") });
    for (const bad of ["02:42-0a:00:01:03", "02:42:0a:00:01", "2:42:0a:00:01:03", "0242.0a00.0103", ""]) expect(parseMac(bad).ok, bad).toBe(false);
  });

  it("round-trip through their printed form", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (mac) => {
        expect(parseMac(formatMac(mac))).toEqual({ ok: true, value: mac });
      }),
      { seed: 6, numRuns: 200 },
    );
  });
});
