import { describe, expect, it } from "vitest";
import {
  type EspInboundKeys,
  ReplayWindow,
  decodeEsp,
  encodeEsp,
  espPadLength,
  espSaltOf,
  openEsp,
  peekEspHeader,
  seqivIv,
  spiHex,
} from "../../src/overlay/index.js";
import { backends, flipBit, fromHex, noble, node, toHex } from "./helpers.js";

const spi = 0x491dfb14;
const keys: EspInboundKeys = { key: fromHex("000102030405060708090a0b0c0d0e0f"), salt: espSaltOf(spi), icvBytes: 8 };
const lookup = (s: number) => (s === spi ? keys : undefined);
const udp = Uint8Array.from({ length: 77 }, (_, i) => (i * 13 + 5) & 0xff);

function seal(seq: number, payload: Uint8Array = udp, aead = noble): Uint8Array {
  return encodeEsp(keys, { spi, seq, iv: seqivIv(fromHex("a1a2a3a4a5a6a7a8"), seq), payload, nextHeader: 17 }, aead);
}

describe("seqiv IVs (Linux crypto/seqiv.c)", () => {
  it("XORs the big-endian 64-bit sequence number into the SA's salt", () => {
    const salt = fromHex("0011223344556677");
    expect(toHex(seqivIv(salt, 0))).toBe("0011223344556677");
    expect(toHex(seqivIv(salt, 1))).toBe("0011223344556676");
    expect(toHex(seqivIv(salt, 0x01020304))).toBe("0011223345576573");
    expect(toHex(seqivIv(salt, 0xffffffff))).toBe("00112233bbaa9988");
  });

  it("gives every sequence number of an SA its own IV", () => {
    const salt = fromHex("9a8b7c6d5e4f3021");
    const ivs = new Set(Array.from({ length: 5000 }, (_, seq) => toHex(seqivIv(salt, seq))));
    expect(ivs.size).toBe(5000);
  });

  it("leaves the salt it was given untouched", () => {
    const salt = fromHex("0011223344556677");
    seqivIv(salt, 99);
    expect(toHex(salt)).toBe("0011223344556677");
  });
});

describe("ESP padding (RFC 4303 §2.4, Linux esp_output)", () => {
  it.each([
    [0, 2],
    [1, 1],
    [2, 0],
    [3, 3],
    [60, 2],
    [62, 0],
    [1450, 0],
  ])("a %i-byte payload gets %i padding bytes", (length, pad) => {
    expect(espPadLength(length)).toBe(pad);
  });

  it("pads with 1, 2, 3 and ends payload, padding, pad length and next header on 4 bytes", () => {
    for (let length = 1; length < 12; length++) {
      const payload = new Uint8Array(length).fill(0xee);
      const packet = seal(1, payload);
      const r = openEsp(keys, packet, noble);
      expect(r.ok).toBe(true);
      const ciphertextLength = packet.length - 16 - 8;
      expect(ciphertextLength % 4).toBe(0);
      if (r.ok) expect(r.value.padLength).toBe(espPadLength(length));
    }
    // Decrypt by hand once to see the padding bytes themselves.
    const packet = seal(1, new Uint8Array(3).fill(0xee));
    const plaintext = noble.open(keys.key, new Uint8Array([...keys.salt, ...packet.subarray(8, 16)]), packet.subarray(16), packet.subarray(0, 8), 8);
    expect(plaintext.ok && toHex(plaintext.plaintext)).toBe("eeeeee01020303" + "11");
  });
});

describe("ESP packets round trip", () => {
  it.each(backends)("seals and opens on $backend: SPI, seq, IV, payload, next header", (aead) => {
    const packet = seal(7, udp, aead);
    expect(peekEspHeader(packet)).toEqual({ spi, seq: 7 });
    expect(toHex(packet.subarray(8, 16))).toBe(toHex(seqivIv(fromHex("a1a2a3a4a5a6a7a8"), 7)));
    const r = decodeEsp(packet, lookup, aead);
    expect(r.ok && toHex(r.value.payload)).toBe(toHex(udp));
    expect(r.ok && r.value.nextHeader).toBe(17);
  });

  it("noble and node:crypto seal the same bytes", () => {
    for (const seq of [1, 2, 1000, 0xffffffff]) expect(toHex(seal(seq, udp, node))).toBe(toHex(seal(seq, udp, noble)));
  });

  it("costs 16 header bytes, 0-3 padding, 2 trailer bytes and the ICV", () => {
    expect(seal(1, new Uint8Array(1422)).length).toBe(1422 + 16 + 0 + 2 + 8);
    expect(seal(1, new Uint8Array(1421)).length).toBe(1421 + 16 + 1 + 2 + 8);
  });
});

describe("hostile ESP packets are dropped with a reason", () => {
  it.each(backends)("every single-bit flip is refused on $backend", (aead) => {
    const packet = seal(3, udp.subarray(0, 21), aead);
    const reasons = new Set<string>();
    for (let bit = 0; bit < packet.length * 8; bit++) {
      const r = decodeEsp(flipBit(packet, bit), lookup, aead);
      expect(r.ok, `bit ${bit}`).toBe(false);
      if (!r.ok) reasons.add(r.reason);
    }
    // A flipped SPI finds no SA; everything else fails the ICV.
    expect([...reasons].sort()).toEqual(["bad-icv", "unknown-spi"]);
  });

  it("every single-bit flip is refused with a replay window too", () => {
    const window = new ReplayWindow(64);
    const inbound = { ...keys, replay: window };
    for (let seq = 1; seq <= 10; seq++) expect(decodeEsp(seal(seq), () => inbound, noble).ok).toBe(true);
    const packet = seal(11);
    const reasons = new Set<string>();
    for (let bit = 0; bit < packet.length * 8; bit++) {
      const r = decodeEsp(flipBit(packet, bit), (s) => (s === spi ? inbound : undefined), noble);
      expect(r.ok, `bit ${bit}`).toBe(false);
      if (!r.ok) reasons.add(r.reason);
    }
    // Flipping a low bit of seq 11 can land on 10, 9 or 3, already seen: refused before the ICV.
    expect([...reasons].sort()).toEqual(["bad-icv", "replay", "unknown-spi"]);
    expect(window.highest).toBe(10);
  });

  it("every truncation is refused", () => {
    const packet = seal(3);
    for (let length = 0; length < packet.length; length++) {
      const r = decodeEsp(packet.subarray(0, length), lookup, noble);
      expect(r.ok, `length ${length}`).toBe(false);
      if (!r.ok) expect(r.reason).toBe(length < 16 + 8 ? "too-short" : "bad-icv");
    }
  });

  it("names the reason, the SPI and the sequence number", () => {
    expect(decodeEsp(new Uint8Array(5), lookup, noble)).toEqual({
      ok: false,
      reason: "too-short",
      message: "ESP packet too short: 5 bytes, need at least 8 (XfrmInHdrError)",
    });
    const stranger = seal(9);
    stranger[0]! ^= 0xff;
    expect(decodeEsp(stranger, lookup, noble)).toMatchObject({ ok: false, reason: "unknown-spi", spi: 0xb61dfb14, seq: 9 });
    const wrongKey = { ...keys, key: new Uint8Array(16) };
    expect(decodeEsp(seal(9), () => wrongKey, noble)).toMatchObject({ ok: false, reason: "bad-icv", spi, seq: 9 });
  });

  it("refuses a trailer whose pad length leaves no payload, even under the right key", () => {
    // Only a key holder can make one: seal a plaintext whose pad length claims every byte.
    for (const plaintext of [new Uint8Array([0x07, 0x11]), new Uint8Array([1, 2, 3, 4, 4, 17]), new Uint8Array([0x11])]) {
      const iv = fromHex("0102030405060708");
      const header = fromHex("491dfb1400000001");
      const sealed = noble.seal(keys.key, new Uint8Array([...keys.salt, ...iv]), plaintext, header, 8);
      const packet = new Uint8Array([...header, ...iv, ...sealed]);
      expect(openEsp(keys, packet, noble)).toMatchObject({ ok: false, reason: "bad-padding", spi, seq: 1 });
    }
  });

  it("does not look at the padding bytes themselves, as Linux does not", () => {
    const iv = fromHex("0102030405060708");
    const header = fromHex("491dfb1400000001");
    const plaintext = new Uint8Array([0xaa, 0x09, 0x09, 0x02, 0x11]); // padding 09 09, not 01 02
    const sealed = noble.seal(keys.key, new Uint8Array([...keys.salt, ...iv]), plaintext, header, 8);
    const r = openEsp(keys, new Uint8Array([...header, ...iv, ...sealed]), noble);
    expect(r.ok && toHex(r.value.payload)).toBe("aa");
  });
});

describe("ESP arguments", () => {
  it("refuses what a caller got wrong, naming the argument", () => {
    const fields = { spi, seq: 1, iv: new Uint8Array(8), payload: udp, nextHeader: 17 };
    expect(() => encodeEsp({ ...keys, key: new Uint8Array(15) }, fields, noble)).toThrow(/"key" expected Uint8Array of length 16, 24 or 32, got length=15/);
    expect(() => encodeEsp({ ...keys, salt: new Uint8Array(8) }, fields, noble)).toThrow(/"salt" expected Uint8Array of length 4/);
    expect(() => encodeEsp({ ...keys, icvBytes: 12 as never }, fields, noble)).toThrow(/"icvBytes" expected 8 or 16, got 12/);
    expect(() => encodeEsp(keys, { ...fields, iv: new Uint8Array(12) }, noble)).toThrow(/"iv" expected Uint8Array of length 8, got length=12/);
    expect(() => encodeEsp(keys, { ...fields, seq: 2 ** 32 }, noble)).toThrow(/"seq" expected a whole number/);
    expect(() => encodeEsp(keys, { ...fields, spi: -1 }, noble)).toThrow(/"spi" expected a whole number/);
    expect(() => encodeEsp(keys, { ...fields, nextHeader: 256 }, noble)).toThrow(/"nextHeader" expected a whole number from 0 to 255/);
    expect(() => seqivIv(new Uint8Array(4), 1)).toThrow(/"ivSalt" expected Uint8Array of length 8/);
  });

  it("prints SPIs as ip xfrm and Wireshark do", () => {
    expect(spiHex(0x491dfb14)).toBe("0x491dfb14");
    expect(spiHex(0xa5f8)).toBe("0x0000a5f8");
  });
});
