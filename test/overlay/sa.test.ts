import { describe, expect, it } from "vitest";
import { SecurityAssociation, espSeqMax, seqivIv } from "../../src/overlay/index.js";
import { ivSalts, toHex } from "./helpers.js";

function outbound(onSequenceExhausted?: "drop" | "wrap"): SecurityAssociation {
  return new SecurityAssociation({
    direction: "out",
    src: "10.0.0.1",
    dst: "10.0.0.2",
    spi: 0x491dfb14,
    keyTag: 0x8183,
    key: new Uint8Array(16).fill(1),
    icvBytes: 8,
    ivSalts: ivSalts(1),
    ...(onSequenceExhausted === undefined ? {} : { onSequenceExhausted }),
  });
}

describe("a security association", () => {
  it("holds key ‖ SPI as its key material, as Docker programs it", () => {
    const sa = outbound();
    expect(toHex(sa.keyMaterial)).toBe("01".repeat(16) + "491dfb14");
    expect(toHex(sa.salt)).toBe("491dfb14");
    expect(sa.remote).toBe("10.0.0.2");
  });

  it("draws its seqiv salt once, from the stream it is given", () => {
    const a = outbound();
    const b = outbound();
    expect(a.ivSalt).toEqual(b.ivSalt); // same seed, same stream: same salt
    expect(a.ivSalt).toEqual(ivSalts(1).bytes(8));
    expect(toHex(seqivIv(a.ivSalt!, 1))).not.toBe(toHex(seqivIv(a.ivSalt!, 2)));
  });

  it("numbers its packets 1, 2, 3 and reports the headroom left", () => {
    const sa = outbound();
    expect(sa.sequenceReport()).toEqual({ spi: 0x491dfb14, remote: "10.0.0.2", sent: 0, headroom: espSeqMax, exhausted: false, wrapped: false });
    expect(sa.nextSequence()).toEqual({ ok: true, seq: 1, headroom: espSeqMax - 1, wrapped: false });
    expect(sa.nextSequence()).toEqual({ ok: true, seq: 2, headroom: espSeqMax - 2, wrapped: false });
    expect(sa.consumeSequence(1000)).toBe(1000);
    expect(sa.nextSequence()).toMatchObject({ seq: 1003 });
  });

  it("refuses to send after 2^32 - 1 packets, as Linux does for Docker's SAs", () => {
    const sa = outbound();
    expect(sa.consumeSequence(espSeqMax - 1)).toBe(espSeqMax - 1);
    expect(sa.nextSequence()).toEqual({ ok: true, seq: espSeqMax, headroom: 0, wrapped: false });
    expect(sa.nextSequence()).toEqual({ ok: false, reason: "seq-exhausted", message: "sequence numbers of SPI 0x491dfb14 used up (XfrmOutStateSeqError)" });
    expect(sa.nextSequence().ok).toBe(false);
    expect(sa.sequenceReport()).toMatchObject({ sent: espSeqMax, headroom: 0, exhausted: true, wrapped: false });
  });

  it("uses what is left when a burst runs past the end", () => {
    const sa = outbound();
    sa.consumeSequence(espSeqMax - 10);
    expect(sa.consumeSequence(25)).toBe(10);
    expect(sa.sequenceReport()).toMatchObject({ exhausted: true });
  });

  it("wraps to 0 under the what-if, and says so on every packet after", () => {
    const sa = outbound("wrap");
    sa.consumeSequence(espSeqMax);
    expect(sa.nextSequence()).toEqual({ ok: true, seq: 0, headroom: espSeqMax, wrapped: true });
    expect(sa.nextSequence()).toEqual({ ok: true, seq: 1, headroom: espSeqMax - 1, wrapped: true });
    expect(sa.sequenceReport()).toMatchObject({ sent: 1, wrapped: true, exhausted: false });
    const burst = outbound("wrap");
    expect(burst.consumeSequence(espSeqMax + 5)).toBe(espSeqMax + 5);
    expect(burst.sequenceReport()).toMatchObject({ sent: 4, wrapped: true });
  });

  it("keeps an anti-replay window only on inbound SAs that ask for one", () => {
    const make = (replayWindow: number) =>
      new SecurityAssociation({ direction: "in", src: "10.0.0.2", dst: "10.0.0.1", spi: 1, keyTag: 1, key: new Uint8Array(16), icvBytes: 8, replayWindow });
    expect(make(0).replay).toBeUndefined();
    expect(make(64).replay?.size).toBe(64);
    expect(make(64).ivSalt).toBeUndefined();
    expect(() => make(0).nextSequence()).toThrow(/sequence numbers are an outbound SA's/);
  });
});
