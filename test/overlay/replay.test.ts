import { describe, expect, it } from "vitest";
import { ReplayWindow, decodeEsp, encodeEsp, espSaltOf, rfc4303ReplayWindow, seqivIv } from "../../src/overlay/index.js";
import { noble } from "./helpers.js";

describe("the anti-replay window (RFC 4303 §3.4.3, Linux xfrm_replay.c)", () => {
  it("accepts new numbers, in order or not, and refuses each one twice", () => {
    const window = new ReplayWindow(64);
    for (const seq of [1, 2, 5, 3, 4, 70, 10, 69]) {
      expect(window.check(seq), `seq ${seq}`).toEqual({ ok: true });
      window.accept(seq);
      expect(window.check(seq)).toEqual({ ok: false, reason: "duplicate" });
    }
    expect(window.highest).toBe(70);
  });

  it("refuses numbers that fell out of the window, and 0", () => {
    const window = new ReplayWindow(64);
    window.accept(100);
    expect(window.check(37)).toEqual({ ok: true }); // 100 - 37 = 63 < 64: still inside, never seen
    expect(window.check(36)).toEqual({ ok: false, reason: "too-old" });
    expect(window.check(0)).toEqual({ ok: false, reason: "zero" });
    expect(window.check(101)).toEqual({ ok: true });
  });

  it("forgets what slid out: a number seen long ago is too old, not a duplicate", () => {
    const window = new ReplayWindow(4);
    window.accept(1);
    window.accept(5);
    expect(window.check(1)).toEqual({ ok: false, reason: "too-old" });
    expect(window.check(2)).toEqual({ ok: true });
    window.accept(9); // shares a slot with 1 and 5
    expect(window.check(5)).toEqual({ ok: false, reason: "too-old" });
    expect(window.check(6)).toEqual({ ok: true });
    expect(window.check(9)).toEqual({ ok: false, reason: "duplicate" });
  });

  it("agrees with a plain set-based reference on every sequence", () => {
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    for (const size of [1, 2, 32, 64, 100]) {
      const window = new ReplayWindow(size);
      const seen = new Set<number>();
      let top = 0;
      for (let i = 0; i < 4000; i++) {
        const seq = 1 + (next() % 300) + Math.floor(i / 8);
        const expected = seq > top ? "ok" : top - seq >= size ? "too-old" : seen.has(seq) ? "duplicate" : "ok";
        const verdict = window.check(seq);
        expect(verdict.ok ? "ok" : verdict.reason).toBe(expected);
        if (verdict.ok) {
          window.accept(seq);
          seen.add(seq);
          top = Math.max(top, seq);
        }
      }
    }
  });

  it("limits its size to what Linux allows", () => {
    expect(() => new ReplayWindow(0)).toThrow(/"size" expected a whole number from 1 to 4096, got 0/);
    expect(() => new ReplayWindow(4097)).toThrow(/"size" expected a whole number from 1 to 4096/);
    expect(() => new ReplayWindow(64).accept(0)).toThrow(/"seq" expected a whole number from 1/);
  });
});

describe("a replayed ESP packet", () => {
  const spi = 0x1234abcd;
  const keys = { key: new Uint8Array(16).fill(7), salt: espSaltOf(spi), icvBytes: 8 as const };
  const packet = encodeEsp(keys, { spi, seq: 1, iv: seqivIv(new Uint8Array(8), 1), payload: new Uint8Array([1, 2, 3]), nextHeader: 17 }, noble);

  it("is accepted again and again with no window, as Docker's SAs have none", () => {
    for (let i = 0; i < 3; i++) expect(decodeEsp(packet, () => keys, noble).ok).toBe(true);
  });

  it("is refused the second time with a 64-packet window, before its ICV is checked", () => {
    const inbound = { ...keys, replay: new ReplayWindow(rfc4303ReplayWindow) };
    expect(decodeEsp(packet, () => inbound, noble).ok).toBe(true);
    expect(decodeEsp(packet, () => inbound, noble)).toMatchObject({ ok: false, reason: "replay", spi, seq: 1 });
    expect(decodeEsp(packet, () => inbound, noble)).toMatchObject({
      message: "sequence number 1 refused by the 64-packet anti-replay window of SPI 0x1234abcd: duplicate (XfrmInStateSeqError)",
    });
  });

  it("does not move the window when its ICV fails", () => {
    const inbound = { ...keys, replay: new ReplayWindow(64) };
    const forged = encodeEsp({ ...keys, key: new Uint8Array(16) }, { spi, seq: 50, iv: new Uint8Array(8), payload: new Uint8Array(4), nextHeader: 17 }, noble);
    expect(decodeEsp(forged, () => inbound, noble)).toMatchObject({ ok: false, reason: "bad-icv" });
    expect(inbound.replay.highest).toBe(0);
    expect(decodeEsp(packet, () => inbound, noble).ok).toBe(true);
  });
});
