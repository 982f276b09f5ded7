import { describe, expect, it } from "vitest";
import { espSpi, fnv1a32 } from "../../src/crypto/index.js";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("FNV-1a 32-bit", () => {
  it.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
  ])("hashes %j to the published value", (text, expected) => {
    expect(fnv1a32(ascii(text))).toBe(expected);
  });

  it("returns an unsigned 32-bit integer", () => {
    for (let n = 0; n < 64; n++) {
      const h = fnv1a32(Uint8Array.from({ length: n }, (_, i) => i * 37));
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
  });

  it("refuses what is not bytes", () => {
    expect(() => fnv1a32("a" as never)).toThrow(new TypeError(`"bytes" expected Uint8Array, got type=string`));
  });
});

describe("Docker's ESP SPI (swarm-protocols.md §5)", () => {
  it.each([
    ["1.2.3.4", 1234, "5.6.7.8", 0x5de62c5b],
    ["10.0.0.1", 0x8183, "10.0.0.2", 0x491dfb14],
    ["10.0.0.2", 0x8183, "10.0.0.1", 0x77f6e32c],
  ])("H(%s, %i, %s) matches the documented vector", (src, tag, dst, expected) => {
    expect(espSpi(src, tag, dst)).toBe(expected);
  });

  it("hashes ::ffff:src ‖ tag (big-endian) ‖ ::ffff:dst", () => {
    const input = new Uint8Array(36);
    input.set([0xff, 0xff, 10, 0, 0, 1], 10);
    input.set([0, 0, 0x81, 0x83], 16);
    input.set([0xff, 0xff, 10, 0, 0, 2], 30);
    expect(espSpi("10.0.0.1", 0x8183, "10.0.0.2")).toBe(fnv1a32(input));
  });

  it("gives the two directions of a tunnel different SPIs", () => {
    expect(espSpi("10.0.0.1", 7, "10.0.0.2")).not.toBe(espSpi("10.0.0.2", 7, "10.0.0.1"));
  });

  it("refuses addresses that are not dotted quads, naming the argument", () => {
    for (const bad of ["10.0.0", "10.0.0.256", "010.0.0.1", "::1", "10.0.0.1 ", ""]) {
      expect(() => espSpi(bad, 1, "10.0.0.2")).toThrow(
        new RangeError(`"srcIp" expected an IPv4 address such as "10.0.0.1", got ${JSON.stringify(bad)}`),
      );
    }
    expect(() => espSpi("10.0.0.1", 1, "x")).toThrow(/"dstIp" expected an IPv4 address/);
  });

  it("refuses a tag outside uint32", () => {
    expect(() => espSpi("10.0.0.1", -1, "10.0.0.2")).toThrow(/"keyTag" expected a whole number/);
    expect(() => espSpi("10.0.0.1", 2 ** 32, "10.0.0.2")).toThrow(/"keyTag" expected a whole number/);
    expect(() => espSpi("10.0.0.1", 1.5, "10.0.0.2")).toThrow(/"keyTag" expected a whole number/);
  });
});
