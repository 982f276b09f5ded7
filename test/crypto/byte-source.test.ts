import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { type ByteSource, bytesToBinaryString, createAead, forgeRandomFrom } from "../../src/crypto/index.js";
import { Rng } from "../../src/sim/index.js";
import { toHex } from "./hex.js";

describe("seeded byte sources", () => {
  it("a kernel Rng stream is a ByteSource, and the same seed gives the same bytes", () => {
    const a: ByteSource = Rng.root(7).fork("gossip");
    const b: ByteSource = Rng.root(7).fork("gossip");
    expect(a.bytes(48)).toEqual(b.bytes(48));
    expect(Rng.root(7).fork("gossip").bytes(16)).not.toEqual(Rng.root(8).fork("gossip").bytes(16));
  });

  it("keys and nonces from the same seed seal to the same bytes", () => {
    const sealOnce = (seed: number) => {
      const source = Rng.root(seed).fork("overlay");
      const key = source.bytes(16);
      const nonce = source.bytes(12);
      return createAead("noble").seal(key, nonce, Uint8Array.of(1, 2, 3), undefined, 8);
    };
    expect(sealOnce(99)).toEqual(sealOnce(99));
    expect(sealOnce(99)).not.toEqual(sealOnce(100));
  });

  it("turns bytes into a binary string, one character per byte", () => {
    expect(bytesToBinaryString(Uint8Array.of(0x61, 0x00, 0xff))).toBe("a\u0000\u00ff");
    const big = Uint8Array.from({ length: 20_000 }, (_, i) => i & 0xff);
    const text = bytesToBinaryString(big);
    expect(text.length).toBe(big.length);
    expect(text.charCodeAt(19_999)).toBe(19_999 & 0xff);
  });
});

describe("node-forge random adapter", () => {
  it("gives the stream's bytes as a binary string forge reads back byte for byte", () => {
    const expected = Rng.root(3).fork("tls").bytes(40);
    const random = forgeRandomFrom(Rng.root(3).fork("tls"));
    const drawn = random.getBytesSync(40);
    expect(drawn.length).toBe(40);
    expect(forge.util.bytesToHex(drawn)).toBe(toHex(expected));
  });

  it("is deterministic for a seed, through getBytesSync and getBytes alike", () => {
    const draw = () => {
      const random = forgeRandomFrom(Rng.root(11).fork("tls"));
      let fromCallback = "";
      const direct = random.getBytes(8, (err, bytes) => {
        expect(err).toBeNull();
        fromCallback = bytes;
      });
      expect(fromCallback).toBe(direct);
      return direct + random.getBytesSync(24);
    };
    expect(draw()).toBe(draw());
  });

  it("refuses a count that is not a whole number", () => {
    const random = forgeRandomFrom(Rng.root(1));
    expect(() => random.getBytesSync(-1)).toThrow(new RangeError(`"count" expected a whole number >= 0, got -1`));
  });
});
