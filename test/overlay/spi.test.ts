import { describe, expect, it } from "vitest";
import { espSpi, fnv1a32 } from "../../src/crypto/index.js";
import { espKeyMaterial, espSaltOf, spiPair } from "../../src/overlay/index.js";
import { toHex } from "./helpers.js";

describe("Docker's SPIs (encryption.go buildSPI, swarm-protocols.md §5)", () => {
  it("are the documented FNV-1a vectors", () => {
    expect(espSpi("1.2.3.4", 1234, "5.6.7.8")).toBe(0x5de62c5b);
    expect(spiPair("10.0.0.1", "10.0.0.2", 0x8183)).toEqual({ forward: 0x491dfb14, reverse: 0x77f6e32c });
  });

  it("hash the addresses in their IPv4-mapped 16-byte form, as Go's As16 gives them", () => {
    const input = new Uint8Array(36);
    input.set([0xff, 0xff, 1, 2, 3, 4], 10);
    input.set([0, 0, 0x04, 0xd2], 16);
    input.set([0xff, 0xff, 5, 6, 7, 8], 30);
    expect(fnv1a32(input)).toBe(0x5de62c5b);
    // The 4-byte form would give another SPI: the mapped form is what Docker uses.
    expect(fnv1a32(new Uint8Array([1, 2, 3, 4, 0, 0, 0x04, 0xd2, 5, 6, 7, 8]))).not.toBe(0x5de62c5b);
  });

  it("pair up across a tunnel: one end's forward SPI is the other's reverse", () => {
    const a = spiPair("10.0.0.1", "10.0.0.2", 0x8183);
    const b = spiPair("10.0.0.2", "10.0.0.1", 0x8183);
    expect(a.forward).toBe(b.reverse);
    expect(a.reverse).toBe(b.forward);
  });

  it("salt each SA with its own SPI, big-endian, after the key", () => {
    expect(toHex(espSaltOf(0x491dfb14))).toBe("491dfb14");
    expect(toHex(espSaltOf(0xa5f8))).toBe("0000a5f8");
    // As `ip xfrm state` shows Docker's SAs (moby#45635): 20 bytes, ending with the SPI.
    const material = espKeyMaterial(new Uint8Array(16).fill(0xa6), 0xf4faae1b);
    expect(material.length).toBe(20);
    expect(toHex(material.subarray(16))).toBe("f4faae1b");
    expect(() => espSaltOf(2 ** 32)).toThrow(/"spi" expected a whole number/);
  });
});
