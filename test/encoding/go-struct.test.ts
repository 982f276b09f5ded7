import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type GoStruct, goStructFrom, readGoStruct, writeGoStruct } from "../../src/encoding/go-struct.js";
import { MsgpackWriter, legacyGoMsgpack } from "../../src/encoding/msgpack.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";


/** memberlist net.go's ping, in declaration order. */
const ping = [
  { name: "SeqNo", type: "uint32" },
  { name: "Node", type: "string" },
  { name: "SourceAddr", type: "[]byte", omitEmpty: true },
  { name: "SourcePort", type: "uint16", omitEmpty: true },
  { name: "SourceNode", type: "string", omitEmpty: true },
] as const satisfies GoStruct;

/** A struct with every supported type, for round trips. */
const everything = [
  { name: "U8", type: "uint8" },
  { name: "U16", type: "uint16" },
  { name: "U32", type: "uint32" },
  { name: "Int", type: "int" },
  { name: "Flag", type: "bool" },
  { name: "Text", type: "string" },
  { name: "Raw", type: "[]byte" },
  { name: "Maybe", type: "[]byte", omitEmpty: true },
] as const satisfies GoStruct;

const write = <S extends GoStruct>(schema: S, value: Parameters<typeof writeGoStruct<S>>[2], writer = new MsgpackWriter()) =>
  hex(writeGoStruct(writer, schema, value).finish());

describe("Go structs through go-msgpack", () => {
  it("writes the fields sorted by name, leaving out zero omitempty fields", () => {
    // ping{SeqNo: 7, Node: "node-b"}: a 2-entry map (82); keys sorted bytewise put "Node"
    // (a4 4e6f6465) before "SeqNo" (a5 5365714e6f); "node-b" is fixstr a6; 7 is fixint 07.
    // The three Source* fields are zero and tagged omitempty, so absent. go-msgpack v0.5.5
    // printed the same bytes for the same struct.
    expect(write(ping, { SeqNo: 7, Node: "node-b" })).toBe("82a44e6f6465a66e6f64652d62a55365714e6f07");
    // With the Source fields: SeqNo 300 is uint16 cd012c, SourceAddr a 4-byte raw a40a000001,
    // SourcePort 7946 cd1f0a; "SeqNo" < "SourceAddr" < "SourceNode" < "SourcePort".
    expect(write(ping, { SeqNo: 300, Node: "node-b", SourceAddr: Uint8Array.of(10, 0, 0, 1), SourcePort: 7946, SourceNode: "node-a" })).toBe(
      "85a44e6f6465a66e6f64652d62a55365714e6fcd012caa536f7572636541646472a40a000001aa536f757263654e6f6465a66e6f64652d61aa536f75726365506f7274cd1f0a",
    );
    // An empty, non-nil slice is still empty for omitempty.
    expect(write(ping, { SeqNo: 7, Node: "node-b", SourceAddr: new Uint8Array(0) })).toBe("82a44e6f6465a66e6f64652d62a55365714e6f07");
  });

  it("writes Go int fields per flavor, and missing fields as their zero value", () => {
    const header = [
      { name: "Nodes", type: "int" },
      { name: "UserStateLen", type: "int" },
      { name: "Join", type: "bool" },
    ] as const satisfies GoStruct;
    // go-msgpack/v2: UserStateLen 300 is int16 d1012c. v0.5.5 printed cd012c.
    expect(write(header, { Nodes: 2, UserStateLen: 300, Join: true })).toBe("83a44a6f696ec3a54e6f64657302ac5573657253746174654c656ed1012c");
    expect(write(header, { Nodes: 2, UserStateLen: 300, Join: true }, new MsgpackWriter(legacyGoMsgpack))).toBe(
      "83a44a6f696ec3a54e6f64657302ac5573657253746174654c656ecd012c",
    );
    expect(write(header, {})).toBe("83a44a6f696ec2a54e6f64657300ac5573657253746174654c656e00");
  });

  it("refuses values that do not fit the Go type as a programming mistake", () => {
    expect(() => write(everything, { U8: 256 })).toThrow(RangeError);
    expect(() => write(everything, { U32: -1 })).toThrow(RangeError);
    expect(() => write(everything, { Text: 5 as unknown as string })).toThrow(TypeError);
  });

  it("reads a map in any order, skips unknown keys, and leaves missing fields zero", () => {
    // { "Node": "x", "Other": [1], "SeqNo": 9 } written by hand in another order than Go's.
    const input = bytes("83a55365714e6f09a54f746865729101a44e6f6465a178");
    expect(readGoStruct(input, 0, ping, "ping")).toEqual({
      ok: true,
      value: { value: { SeqNo: 9, Node: "x", SourceAddr: null, SourcePort: 0, SourceNode: "" }, end: input.length },
    });
    expect(goStructFrom(null, ping, "ping")).toEqual({ ok: true, value: { SeqNo: 0, Node: "", SourceAddr: null, SourcePort: 0, SourceNode: "" } });
  });

  it("reads what go-msgpack reads: arrays as structs, str8/bin as strings and bytes, 0/1 as bools", () => {
    // [9, "x"] in declaration order.
    expect(goStructFrom({ kind: "array", items: [9, Uint8Array.of(0x78)] }, ping, "ping")).toEqual({
      ok: true,
      value: { SeqNo: 9, Node: "x", SourceAddr: null, SourcePort: 0, SourceNode: "" },
    });
    // { "Flag": 1, "Text": str8 "x", "Raw": [1, 2, 3] }
    const mixed = bytes("83a4466c616701a454657874d90178a3526177930102" + "03");
    const r = readGoStruct(mixed, 0, everything, "everything");
    expect(r.ok && r.value.value).toEqual({ U8: 0, U16: 0, U32: 0, Int: 0, Flag: true, Text: "x", Raw: Uint8Array.of(1, 2, 3), Maybe: null });
  });

  it("gives a reason naming the struct and field for what Go would refuse", () => {
    const one = (name: string, valueHex: string) => {
      const key = Buffer.from(name);
      return readGoStruct(bytes(`81${(0xa0 | key.length).toString(16)}${key.toString("hex")}${valueHex}`), 0, everything, "everything");
    };
    expect(one("U8", "cd0100")).toEqual({ ok: false, reason: "everything.U8: 256 overflows uint8" });
    expect(one("U32", "cf0000000100000000")).toEqual({ ok: false, reason: "everything.U32: 4294967296 overflows uint32" });
    expect(one("U16", "ff")).toEqual({ ok: false, reason: "everything.U16: negative value -1 for uint16" });
    expect(one("U16", "a0")).toEqual({ ok: false, reason: "everything.U16: expected an unsigned integer, got bytes" });
    expect(one("Flag", "02")).toEqual({ ok: false, reason: "everything.Flag: expected a bool, got number" });
    expect(one("Text", "a2c328")).toEqual({ ok: false, reason: "everything.Text: not UTF-8" });
    expect(one("Raw", "c3")).toEqual({ ok: false, reason: "everything.Raw: expected bytes, got boolean" });
    expect(one("Int", "cfffffffffffffffff")).toEqual({ ok: false, reason: "everything.Int: integer 18446744073709551615 is beyond ±(2^53-1)" });
    expect(readGoStruct(bytes("07"), 0, everything, "everything")).toEqual({ ok: false, reason: "everything: expected a map, got number" });
    expect(readGoStruct(bytes("8107c0"), 0, everything, "everything")).toEqual({ ok: false, reason: "everything: a map key is number, not a string" });
    expect(readGoStruct(bytes("82a3"), 0, everything, "everything")).toEqual({ ok: false, reason: "everything: map at offset 0 claims 2 entries but 1 bytes remain" });
    expect(readGoStruct(bytes("81a3526177"), 0, everything, "everything")).toEqual({ ok: false, reason: "everything: truncated: a value was expected" });
  });

  it("round-trips any value of every field type, in both flavors", () => {
    const value = fc.record({
      U8: fc.integer({ min: 0, max: 0xff }),
      U16: fc.integer({ min: 0, max: 0xffff }),
      U32: fc.integer({ min: 0, max: 0xffffffff }),
      Int: fc.maxSafeInteger().chain((n) => fc.constantFrom(n, -n, n % 300)),
      Flag: fc.boolean(),
      Text: fc.string({ unit: "grapheme", maxLength: 40 }),
      Raw: fc.option(fc.uint8Array({ maxLength: 70 }), { nil: null }),
      Maybe: fc.option(fc.uint8Array({ minLength: 1, maxLength: 5 }), { nil: null }),
    });
    fc.assert(
      fc.property(value, fc.boolean(), (v, legacy) => {
        const encoded = writeGoStruct(new MsgpackWriter(legacy ? legacyGoMsgpack : undefined), everything, v).finish();
        expect(readGoStruct(encoded, 0, everything, "everything")).toEqual({ ok: true, value: { value: v, end: encoded.length } });
      }),
      { seed: 44, numRuns: propertyRuns(300) },
    );
  });

  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (input) => {
        const r = readGoStruct(input, 0, everything, "everything");
        return r.ok || r.reason.startsWith("everything");
      }),
      { seed: 45, numRuns: propertyRuns(2000) },
    );
  });
});
