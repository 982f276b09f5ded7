/**
 * draft-mcgrew-gcm-test-01's ESP packets, whole: the encoder must rebuild
 * each packet from its payload, next header and IV, and the decoder must
 * take it apart again, on both AES-GCM backends, with the draft's 16-byte
 * ICV and with Docker's 8-byte one.
 */
import { describe, expect, it } from "vitest";
import type { TagLength } from "../../src/crypto/index.js";
import { type EspKeys, decodeEsp, encodeEsp, openEsp } from "../../src/overlay/index.js";
import { type EspVectorCase, readVectors } from "../crypto/hex.js";
import { backends, fromHex, toHex } from "./helpers.js";


/** A case as a whole packet and the fields encodeEsp takes: the plaintext's trailer read off its last bytes. */
interface PacketCase extends EspVectorCase {
  payload: string;
  padLength: number;
  nextHeader: number;
  packet: string;
}

// The cases with 32-bit sequence numbers, as Docker's SAs have (the ESN case is for the AEAD tests).
const cases: PacketCase[] = readVectors<{ cases: EspVectorCase[] }>("esp-rfc4106.json")
  .cases.filter((v) => v.seq.length === 8)
  .map((v) => {
    const padLength = parseInt(v.plaintext.slice(-4, -2), 16);
    return {
      ...v,
      payload: v.plaintext.slice(0, v.plaintext.length - 4 - 2 * padLength),
      padLength,
      nextHeader: parseInt(v.plaintext.slice(-2), 16),
      packet: v.spi + v.seq + v.iv + v.ciphertext + v.icv16,
    };
  });
const withIcv = cases.flatMap((v) => ([16, 8] as TagLength[]).map((icvBytes) => ({ ...v, icvBytes })));

function keysOf(v: PacketCase, icvBytes: TagLength): EspKeys {
  return { key: fromHex(v.key), salt: fromHex(v.salt), icvBytes };
}

/** The packet with a `icvBytes` ICV: an 8-byte ICV is the first half of the 16-byte one. */
function packetHex(v: PacketCase, icvBytes: TagLength): string {
  return v.packet.slice(0, v.packet.length - 2 * (16 - icvBytes));
}

describe.each(backends)("ESP test vectors, AES-GCM backend $backend", (aead) => {
  it("covers the draft's five 32-bit-sequence packets, at least two of them AES-128", () => {
    expect(cases).toHaveLength(5);
    expect(cases.filter((v) => v.key.length === 32).length).toBeGreaterThanOrEqual(2);
  });

  it.each(withIcv)("$name, $icvBytes-byte ICV: encodes to the draft's packet", (v) => {
    const packet = encodeEsp(
      keysOf(v, v.icvBytes),
      { spi: parseInt(v.spi, 16), seq: parseInt(v.seq, 16), iv: fromHex(v.iv), payload: fromHex(v.payload), nextHeader: v.nextHeader },
      aead,
    );
    expect(toHex(packet)).toBe(packetHex(v, v.icvBytes));
  });

  it.each(withIcv.filter((v) => v.payload !== ""))("$name, $icvBytes-byte ICV: decodes the draft's packet", (v) => {
    const keys = keysOf(v, v.icvBytes);
    const r = decodeEsp(fromHex(packetHex(v, v.icvBytes)), (spi) => (spi === parseInt(v.spi, 16) ? keys : undefined), aead);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.spi).toBe(parseInt(v.spi, 16));
    expect(r.value.seq).toBe(parseInt(v.seq, 16));
    expect(toHex(r.value.iv)).toBe(v.iv);
    expect(toHex(r.value.payload)).toBe(v.payload);
    expect(r.value.padLength).toBe(v.padLength);
    expect(r.value.nextHeader).toBe(v.nextHeader);
  });

  it("the padding-only packet authenticates, but its empty payload is refused as Linux refuses it", () => {
    const v = cases.find((c) => c.payload === "")!;
    expect(v.spi).toBe("335467ae");
    const keys = keysOf(v, 16);
    expect(aead.open(keys.key, fromHex(v.salt + v.iv), fromHex(v.packet).subarray(16), fromHex(v.spi + v.seq), 16).ok).toBe(true);
    const r = openEsp(keys, fromHex(v.packet), aead);
    expect(r).toMatchObject({ ok: false, reason: "bad-padding", spi: 0x335467ae, seq: 0xffffffff });
  });

  it.each(withIcv)("$name, $icvBytes-byte ICV: the wrong salt fails the ICV", (v) => {
    const salt = fromHex(v.salt);
    salt[0]! ^= 0x80;
    const r = openEsp({ ...keysOf(v, v.icvBytes), salt }, fromHex(packetHex(v, v.icvBytes)), aead);
    expect(r).toMatchObject({ ok: false, reason: "bad-icv" });
  });
});
