import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type MsgpackValue, MsgpackWriter, decodeMsgpack, legacyGoMsgpack, msgpackMaxDepth } from "../../src/encoding/msgpack.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";

const w = () => new MsgpackWriter();

describe("MessagePack writer: the formats go-msgpack's MsgpackHandle{} picks", () => {
  it("writes unsigned integers in their smallest format (msgpack.go EncodeUint)", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [127, "7f"],
      [128, "cc80"],
      [255, "ccff"],
      [256, "cd0100"],
      [7946, "cd1f0a"],
      [65535, "cdffff"],
      [65536, "ce00010000"],
      [0xffffffff, "ceffffffff"],
      [2 ** 32, "cf0000000100000000"],
    ];
    for (const [n, expected] of cases) expect(hex(w().uint(n).finish()), String(n)).toBe(expected);
  });

  it("writes signed integers as go-msgpack/v2 does: signed formats above 127 (msgpack.go EncodeInt)", () => {
    const cases: [number, string][] = [
      [0, "00"],
      [127, "7f"],
      [128, "d10080"],
      [200, "d100c8"],
      [32767, "d17fff"],
      [32768, "d200008000"],
      [70000, "d200011170"],
      [2 ** 31, "d30000000080000000"],
      [-1, "ff"],
      [-32, "e0"],
      [-33, "d0df"],
      [-128, "d080"],
      [-200, "d1ff38"],
      [-40000, "d2ffff63c0"],
      [-(2 ** 31) - 1, "d3ffffffff7fffffff"],
    ];
    for (const [n, expected] of cases) expect(hex(w().int(n).finish()), String(n)).toBe(expected);
  });

  it("writes non-negative signed integers as unsigned in the go-msgpack v0.5.5 flavor", () => {
    // Recorded from go-msgpack v0.5.5 encoding Go ints 200 and 70000; negatives are the same in both.
    expect(hex(new MsgpackWriter(legacyGoMsgpack).int(200).finish())).toBe("ccc8");
    expect(hex(new MsgpackWriter(legacyGoMsgpack).int(70000).finish())).toBe("ce00011170");
    expect(hex(new MsgpackWriter(legacyGoMsgpack).int(-200).finish())).toBe("d1ff38");
  });

  it("writes strings and []byte as old-spec raw: fixstr, then str16, never str8 or bin", () => {
    expect(hex(w().raw(null).finish())).toBe("c0");
    expect(hex(w().raw(new Uint8Array(0)).finish())).toBe("a0");
    expect(hex(w().raw(Uint8Array.of(10, 0, 0, 1)).finish())).toBe("a40a000001");
    expect(hex(w().raw(new Uint8Array(31)).finish()).slice(0, 2)).toBe("bf");
    expect(hex(w().raw(new Uint8Array(32)).finish()).slice(0, 6)).toBe("da0020");
    expect(hex(w().raw(new Uint8Array(255)).finish()).slice(0, 6)).toBe("da00ff");
    expect(hex(w().raw(new Uint8Array(65536)).finish()).slice(0, 10)).toBe("db00010000");
    expect(hex(w().string("node-b").finish())).toBe("a66e6f64652d62");
    expect(hex(w().string("é").finish())).toBe("a2c3a9");
  });

  it("writes map and array headers, bools and nil", () => {
    expect(hex(w().mapHeader(2).arrayHeader(3).bool(true).bool(false).nil().finish())).toBe("8293c3c2c0");
    expect(hex(w().mapHeader(16).finish())).toBe("de0010");
    expect(hex(w().arrayHeader(70000).finish())).toBe("dd00011170");
  });

  it("refuses integers it cannot write as a programming mistake", () => {
    expect(() => w().uint(-1)).toThrow(RangeError);
    expect(() => w().uint(1.5)).toThrow(RangeError);
    expect(() => w().int(2 ** 53)).toThrow(RangeError);
  });
});

/** A value tree the writer can write, and what the reader gives back for it. */
type Tree = null | boolean | number | Uint8Array | Tree[] | { entries: [Tree, Tree][] };

const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    fc.maxSafeInteger(),
    fc.uint8Array({ maxLength: 40 }),
    fc.array(tie("t"), { maxLength: 5 }),
    fc.array(fc.tuple(tie("t"), tie("t")), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
})).t;

function write(writer: MsgpackWriter, t: Tree): void {
  if (t === null) writer.nil();
  else if (typeof t === "boolean") writer.bool(t);
  else if (typeof t === "number") writer.int(t);
  else if (t instanceof Uint8Array) writer.raw(t);
  else if (Array.isArray(t)) {
    writer.arrayHeader(t.length);
    for (const item of t) write(writer, item);
  } else {
    writer.mapHeader(t.entries.length);
    for (const [k, v] of t.entries) {
      write(writer, k);
      write(writer, v);
    }
  }
}

function expected(t: Tree): MsgpackValue {
  if (t === null || typeof t !== "object" || t instanceof Uint8Array) return t;
  if (Array.isArray(t)) return { kind: "array", items: t.map(expected) };
  return { kind: "map", entries: t.entries.map(([k, v]) => [expected(k), expected(v)] as const) };
}

describe("MessagePack reader", () => {
  it("reads back whatever the writer wrote", () => {
    fc.assert(
      fc.property(tree, (t) => {
        const writer = new MsgpackWriter();
        write(writer, t);
        const encoded = writer.finish();
        expect(decodeMsgpack(encoded)).toEqual({ ok: true, value: { value: expected(t), end: encoded.length } });
      }),
      { seed: 41, numRuns: propertyRuns(300) },
    );
  });

  it("reads the formats go-msgpack reads but does not write: str8, bin, floats, extensions, 64-bit integers", () => {
    expect(decodeMsgpack(bytes("d903616263"))).toEqual({ ok: true, value: { value: Uint8Array.of(0x61, 0x62, 0x63), end: 5 } });
    expect(decodeMsgpack(bytes("c4020102"))).toEqual({ ok: true, value: { value: Uint8Array.of(1, 2), end: 4 } });
    expect(decodeMsgpack(bytes("cb3ff8000000000000"))).toEqual({ ok: true, value: { value: { kind: "float", value: 1.5 }, end: 9 } });
    expect(decodeMsgpack(bytes("d4ff07"))).toEqual({ ok: true, value: { value: { kind: "ext", type: -1, data: Uint8Array.of(7) }, end: 3 } });
    expect(decodeMsgpack(bytes("cfffffffffffffffff"))).toEqual({ ok: true, value: { value: 2n ** 64n - 1n, end: 9 } });
    expect(decodeMsgpack(bytes("d38000000000000000"))).toEqual({ ok: true, value: { value: -(2n ** 63n), end: 9 } });
  });

  it("reads one value at an offset and leaves the rest", () => {
    expect(decodeMsgpack(bytes("ffcd1f0a07"), 1)).toEqual({ ok: true, value: { value: 7946, end: 4 } });
  });

  it("refuses hostile bytes with a reason", () => {
    expect(decodeMsgpack(new Uint8Array(0))).toEqual({ ok: false, reason: "truncated: a value was expected" });
    expect(decodeMsgpack(bytes("c1"))).toEqual({ ok: false, reason: "byte 0xc1 at offset 0 is not a MessagePack type" });
    expect(decodeMsgpack(bytes("a5616263"))).toEqual({ ok: false, reason: "bytes at offset 0 claim 5 but 3 remain" });
    expect(decodeMsgpack(bytes("ddffffffff00"))).toEqual({ ok: false, reason: "array at offset 0 claims 4294967295 items but 1 bytes remain" });
    expect(decodeMsgpack(bytes("dfffffffff0000"))).toEqual({ ok: false, reason: "map at offset 0 claims 4294967295 entries but 2 bytes remain" });
    const deep = new Uint8Array(msgpackMaxDepth + 2).fill(0x91);
    expect(decodeMsgpack(deep)).toEqual({ ok: false, reason: `nested deeper than ${msgpackMaxDepth}` });
  });

  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        const r = decodeMsgpack(input);
        return r.ok ? r.value.end <= input.length : r.reason.length > 0;
      }),
      { seed: 42, numRuns: propertyRuns(2000) },
    );
  });

  it("refuses every truncation of a value", () => {
    fc.assert(
      fc.property(tree, fc.nat(), (t, cut) => {
        const writer = new MsgpackWriter();
        write(writer, t);
        const encoded = writer.finish();
        const r = decodeMsgpack(encoded.subarray(0, cut % encoded.length));
        return !r.ok && r.reason.length > 0;
      }),
      { seed: 43, numRuns: propertyRuns(500) },
    );
  });
});
