import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteQueue } from "../../src/net/byte-queue.js";
import { Reassembly } from "../../src/net/reassembly.js";
import { backOff, initialRtt, measureRtt } from "../../src/net/rtt.js";
import { sequenceDistance, wireSequence } from "../../src/net/sequence.js";
import { defaultTcpSettings } from "../../src/net/index.js";
import { ms, seconds } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";
import { concat } from "./wire-helpers.js";

describe("sequence arithmetic", () => {
  it("wraps at 2^32 and measures the short way round", () => {
    expect(wireSequence(0xffffffff, 1)).toBe(0);
    expect(wireSequence(0xfffffff0, 2 ** 32 + 0x20)).toBe(0x10);
    expect(sequenceDistance(5, 0xfffffffe)).toBe(7);
    expect(sequenceDistance(0xfffffffe, 5)).toBe(-7);
  });
});

describe("byte queue", () => {
  it("reads any range and drops from the front like one flat array", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 50 }).map((b) => ({ append: b })), fc.nat({ max: 60 }).map((n) => ({ drop: n })))),
        fc.nat(),
        fc.nat(),
        (ops, from, count) => {
          const queue = new ByteQueue();
          let flat: Uint8Array = new Uint8Array(0);
          for (const op of ops) {
            if ("append" in op) {
              queue.append(op.append);
              flat = concat([flat, op.append]);
            } else {
              const n = Math.min(op.drop, flat.length);
              queue.drop(n);
              flat = flat.slice(n);
            }
          }
          expect(queue.length).toBe(flat.length);
          const start = flat.length === 0 ? 0 : from % (flat.length + 1);
          const n = Math.min(count, flat.length - start);
          expect(queue.read(start, n)).toEqual(flat.slice(start, start + n));
        },
      ),
      { seed: 12, numRuns: propertyRuns(300) },
    );
  });
});

describe("reassembly", () => {
  it("releases the stream in order from segments shuffled, duplicated and overlapping", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 3000 }),
        fc.array(fc.nat({ max: 400 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 60 }),
        (stream, sizes, picks) => {
          // Cut the stream into segments (offset 1 is the first byte; the FIN follows the last).
          const segments: Array<{ offset: number; payload: Uint8Array; fin: boolean }> = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const size = Math.max(1, sizes[i % sizes.length]!);
            segments.push({ offset: 1 + at, payload: stream.subarray(at, at + size), fin: at + size >= stream.length });
            at += size;
          }
          // Deliver them in a scrambled order with repeats, then each once more so all arrive.
          const order = [...picks.map((p) => p % segments.length), ...segments.map((_, i) => segments.length - 1 - i)];
          const r = new Reassembly(1, 65_535);
          const out: Uint8Array[] = [];
          let fins = 0;
          for (const i of order) {
            const s = segments[i]!;
            const released = r.accept(s.offset, s.payload, s.fin);
            out.push(...released.data);
            if (released.fin) fins++;
          }
          expect(concat(out)).toEqual(stream);
          expect(fins).toBe(1);
          expect(r.next).toBe(stream.length + 2);
        },
      ),
      { seed: 13, numRuns: propertyRuns(300) },
    );
  });

  it("ignores segments beyond the window", () => {
    const r = new Reassembly(1, 100);
    expect(r.accept(500, new Uint8Array(10), false).data).toEqual([]);
    expect(r.accept(1, new Uint8Array(10), false).data.length).toBe(1);
    expect(r.next).toBe(11);
  });
});

describe("retransmission timeout", () => {
  it("starts at 200 ms, follows RFC 6298 on samples, doubles on expiry up to the ceiling", () => {
    const limits = defaultTcpSettings;
    let rtt = initialRtt(limits);
    expect(rtt.rtoUs).toBe(ms(200));
    rtt = measureRtt(rtt, ms(100), limits); // srtt 100, rttvar 50: 100 + 200 = 300 ms
    expect(rtt.rtoUs).toBe(ms(300));
    rtt = measureRtt(rtt, ms(100), limits); // rttvar 37.5: 100 + 150 = 250 ms
    expect(rtt.rtoUs).toBe(ms(250));
    rtt = measureRtt(initialRtt(limits), ms(2), limits);
    expect(rtt.rtoUs).toBe(ms(200)); // the floor
    let backedOff = initialRtt(limits);
    for (let i = 0; i < 12; i++) backedOff = backOff(backedOff, limits);
    expect(backedOff.rtoUs).toBe(seconds(60));
  });
});
