import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCrc,
  checkCrc,
  compressPayload,
  decodeCompoundMessage,
  decompressPayload,
  makeCompoundMessage,
  makeCompoundMessages,
  unwrapPacket,
  wrapPacket,
  wrapStream,
} from "../../src/gossip/compound.js";
import { MessageType, encodeMessage } from "../../src/gossip/messages.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";

const ascii = (s: string) => new TextEncoder().encode(s);
const parts = fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 20 });

describe("compound messages (util.go makeCompoundMessage, decodeCompoundMessage)", () => {
  it("writes the type, the count, the big-endian lengths, then the messages", () => {
    expect(hex(makeCompoundMessage([Uint8Array.of(1), Uint8Array.of(2, 3)]))).toBe("07020001000201" + "0203");
    expect(hex(makeCompoundMessage([]))).toBe("0700");
  });

  it("reads back the parts", () => {
    fc.assert(
      fc.property(parts, (msgs) => {
        expect(decodeCompoundMessage(makeCompoundMessage(msgs))).toEqual({ ok: true, value: { parts: msgs, truncated: 0 } });
      }),
      { seed: 81, numRuns: propertyRuns(300) },
    );
  });

  it("counts the parts cut short, as memberlist reports them, and keeps the ones before", () => {
    const whole = makeCompoundMessage([Uint8Array.of(1), Uint8Array.of(2, 3), Uint8Array.of(4)]);
    expect(decodeCompoundMessage(whole.subarray(0, whole.length - 2))).toEqual({ ok: true, value: { parts: [Uint8Array.of(1)], truncated: 2 } });
    expect(decodeCompoundMessage(Uint8Array.of(7))).toEqual({ ok: false, reason: "missing compound length byte" });
    expect(decodeCompoundMessage(Uint8Array.of(7, 2, 0, 1, 0))).toEqual({ ok: false, reason: "truncated len slice" });
    expect(decodeCompoundMessage(Uint8Array.of(8, 0))).toEqual({ ok: false, reason: "expected a compound message, got type 8" });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (body) => {
        const r = decodeCompoundMessage(Uint8Array.of(7, ...body));
        return r.ok ? r.value.truncated >= 0 : r.reason.length > 0;
      }),
      { seed: 82, numRuns: propertyRuns(1000) },
    );
  });

  it("splits more than 255 messages into several compounds (makeCompoundMessages)", () => {
    const msgs = (n: number) => Array.from({ length: n }, (_, i) => Uint8Array.of(i & 0xff));
    expect(makeCompoundMessages(msgs(255)).map((c) => c[1])).toEqual([255]);
    expect(makeCompoundMessages(msgs(256)).map((c) => c[1])).toEqual([255, 1]);
    expect(makeCompoundMessages(msgs(511)).map((c) => c[1])).toEqual([255, 255, 1]);
    expect(makeCompoundMessages([])).toEqual([]);
    const all = makeCompoundMessages(msgs(600)).flatMap((c) => {
      const r = decodeCompoundMessage(c);
      return r.ok ? r.value.parts : [];
    });
    expect(all).toEqual(msgs(600));
    expect(() => makeCompoundMessage(msgs(256))).toThrow(RangeError);
    expect(() => makeCompoundMessage([new Uint8Array(65536)])).toThrow(RangeError);
  });
});

describe("the CRC header (net.go rawSendMsgPacket, ingestPacket)", () => {
  it("puts 12 and the big-endian CRC-32 of the message in front", () => {
    expect(hex(addCrc(ascii("123456789")))).toBe("0ccbf43926" + hex(ascii("123456789")));
  });

  it("strips a good CRC, refuses a bad one, and passes packets without one", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), (msg, flip) => {
        const packet = addCrc(msg);
        expect(checkCrc(packet)).toEqual({ ok: true, value: msg });
        const damaged = packet.slice();
        const at = 1 + (flip % (damaged.length - 1));
        damaged[at]! ^= 1 << (flip % 8);
        const r = checkCrc(damaged);
        expect(r.ok ? "accepted" : r.reason).toMatch(/^Got invalid checksum for UDP packet: [0-9a-f]+, [0-9a-f]+$/);
      }),
      { seed: 83, numRuns: propertyRuns(300) },
    );
    const ping = encodeMessage(MessageType.ping, { SeqNo: 1, Node: "a" });
    expect(checkCrc(ping)).toEqual({ ok: true, value: ping });
    expect(checkCrc(Uint8Array.of(12, 0, 0))).toEqual({ ok: true, value: Uint8Array.of(12, 0, 0) });
  });
});

describe("compression (util.go compressPayload, decompressPayload)", () => {
  it("wraps LZW output in a compress message", () => {
    // compress{Algo: 0, Buf: lzw("a")}: 09 | 82 | a4 "Algo" 00 | a3 "Buf" a4 00c30404 (Go's LZW of "a").
    expect(hex(compressPayload(ascii("a")))).toBe("0982a4416c676f00a3427566a400c30404");
  });

  it("gives back what was compressed", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), (msg) => {
        expect(decompressPayload(compressPayload(msg))).toEqual({ ok: true, value: msg });
      }),
      { seed: 84, numRuns: propertyRuns(200) },
    );
  });

  it("refuses an unknown algorithm, an oversized result and a non-compress message", () => {
    expect(decompressPayload(encodeMessage(MessageType.compress, { Algo: 1, Buf: null }))).toEqual({ ok: false, reason: "cannot decompress unknown algorithm 1" });
    expect(decompressPayload(compressPayload(new Uint8Array(100)), 99)).toEqual({ ok: false, reason: "decompressed message is larger than limit (99)" });
    expect(decompressPayload(bytes("0b81a55365714e6f09"))).toEqual({ ok: false, reason: "expected a compress message, got type 11" });
  });
});

describe("packets and streams before encryption", () => {
  const ping = encodeMessage(MessageType.ping, { SeqNo: 1, Node: "0123456789ab" });
  const compound = makeCompoundMessage([ping, ping, ping, ping]);

  it("compresses a packet only when that makes it shorter, then adds the CRC (rawSendMsgPacket)", () => {
    expect(wrapPacket(ping, { compression: true, crc: false })).toEqual(ping);
    const wrapped = wrapPacket(compound, { compression: true, crc: false });
    expect(wrapped[0]).toBe(MessageType.compress);
    expect(wrapped.length).toBeLessThan(compound.length);
    expect(wrapPacket(compound, { compression: false, crc: true })).toEqual(addCrc(compound));
    expect(wrapPacket(compound, { compression: true, crc: true })).toEqual(addCrc(wrapped));
  });

  it("always compresses a stream message when compression is on (rawSendMsgStream)", () => {
    expect(wrapStream(ping, { compression: true })).toEqual(compressPayload(ping));
    expect(wrapStream(ping, { compression: false })).toEqual(ping);
  });

  it("opens a packet down to its messages, as ingestPacket and handleCommand do", () => {
    const nested = makeCompoundMessage([ping, compressPayload(makeCompoundMessage([ping, ping]))]);
    expect(unwrapPacket(addCrc(wrapPacket(nested, { compression: true, crc: false })))).toEqual({ messages: [ping, ping, ping], problems: [], badCrc: false });
    const cut = makeCompoundMessage([ping, ping]).subarray(0, -1);
    expect(unwrapPacket(cut)).toEqual({ messages: [ping], problems: ["Compound request had 1 truncated messages"], badCrc: false });
    const badCrc = addCrc(ping);
    badCrc[5]! ^= 1;
    expect(unwrapPacket(badCrc).problems[0]).toMatch(/^Got invalid checksum/);
    expect(unwrapPacket(badCrc).badCrc).toBe(true);
    expect(unwrapPacket(makeCompoundMessage([new Uint8Array(0), bytes("0901")])).problems).toEqual([
      "missing message type byte",
      "Failed to decompress payload: compress: expected a map, got number",
    ]);
    let deep = ping;
    for (let i = 0; i < 10; i++) deep = makeCompoundMessage([deep]);
    expect(unwrapPacket(deep).problems).toEqual(["wrapped deeper than 8"]);
  });

  it("never throws on a hostile packet", () => {
    fc.assert(
      fc.property(fc.constantFrom(7, 9, 12), fc.uint8Array({ maxLength: 80 }), (type, rest) => {
        const r = unwrapPacket(Uint8Array.of(type, ...rest));
        return r.messages.every((m) => m.length > 0) && r.problems.every((p) => p.length > 0);
      }),
      { seed: 85, numRuns: propertyRuns(2000) },
    );
  });
});
