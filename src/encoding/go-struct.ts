/**
 * Go structs through go-msgpack, as memberlist encodes and decodes them
 * (util.go encode/decode with `&codec.MsgpackHandle{}`).
 *
 * Writing (go-msgpack/v2 v2.1.5 encode.go kStruct, helper.go
 * rgetResolveSFI): a map whose keys are the field names SORTED bytewise,
 * not in declaration order; fields tagged `omitempty` are left out when
 * zero (0, false, "", a nil or empty slice). go-msgpack v0.5.5 sorts the same.
 *
 * Reading (go-msgpack decode.go kStruct, msgpack.go Decode*): a map in any
 * key order, unknown keys skipped, a missing field left at its zero value,
 * the last of duplicate keys winning; or an array, fields in declaration
 * order, extra items ignored; nil leaves the struct zero. Integers are
 * range-checked against the field's Go type, a negative one refused for an
 * unsigned field; `[]byte` and strings come from raw, bin, or an array of
 * small integers; a bool also from the integers 0 and 1. Every failure is a
 * reason naming the struct and field.
 */

import { type MsgpackValue, MsgpackWriter, decodeMsgpack } from "./msgpack.js";
import type { Decoded } from "./protobuf.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The Go types memberlist's structs use. `[]byte` covers `[]uint8` and `net.IP`. */
export type GoType = "uint8" | "uint16" | "uint32" | "int" | "bool" | "string" | "[]byte";

/** One exported field of a Go struct, as the codec sees it. */
export interface GoField {
  /** The Go field name, which is also the map key on the wire. */
  readonly name: string;
  readonly type: GoType;
  /** Tagged `codec:",omitempty"`: left out of the map when zero. */
  readonly omitEmpty?: boolean;
}

/** A Go struct: its exported fields in declaration order. */
export type GoStruct = readonly GoField[];

/** The TypeScript value of a Go type: `[]byte` may be Go's nil slice (null), which the wire tells apart from an empty one. */
export type GoValue<T extends GoType> = T extends "[]byte" ? Uint8Array | null : T extends "string" ? string : T extends "bool" ? boolean : number;

/** A struct value: one property per field. */
export type GoStructValue<S extends GoStruct> = { [F in S[number] as F["name"]]: GoValue<F["type"]> };

const unsignedMax: Readonly<Record<string, number>> = { uint8: 0xff, uint16: 0xffff, uint32: 0xffffffff };

/** A field with its map key as written (raw header and name), computed once per schema. */
interface KeyedField extends GoField {
  readonly key: Uint8Array;
}

const sortedFields = new WeakMap<GoStruct, readonly KeyedField[]>();
function byName(schema: GoStruct): readonly KeyedField[] {
  let sorted = sortedFields.get(schema);
  if (sorted === undefined) {
    // Go compares names bytewise; field names are ASCII, where UTF-16 order is the same.
    sorted = [...schema]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((f) => ({ ...f, key: new MsgpackWriter().string(f.name).finish() }));
    sortedFields.set(schema, sorted);
  }
  return sorted;
}

function isZero(type: GoType, value: unknown): boolean {
  if (type === "[]byte") return value === null || value === undefined || (value as Uint8Array).length === 0;
  return value === undefined || value === 0 || value === false || value === "";
}

function zeroOf(type: GoType): GoValue<GoType> {
  return type === "[]byte" ? null : type === "string" ? "" : type === "bool" ? false : 0;
}

/**
 * Writes a Go struct as go-msgpack does: a map of its fields sorted by name,
 * `omitempty` fields left out when zero. A field missing from `value` is its
 * Go zero value.
 *
 * @example
 * ```ts
 * const nack = [{ name: "SeqNo", type: "uint32" }] as const;
 * writeGoStruct(new MsgpackWriter(), nack, { SeqNo: 9 }).finish(); // 81 a5 "SeqNo" 09
 * ```
 */
export function writeGoStruct<S extends GoStruct>(writer: MsgpackWriter, schema: S, value: Partial<GoStructValue<S>>): MsgpackWriter {
  const record = value as Readonly<Record<string, unknown>>;
  const all = byName(schema);
  let count = 0;
  for (const f of all) if (!(f.omitEmpty === true && isZero(f.type, record[f.name]))) count++;
  writer.mapHeader(count);
  for (const field of all) {
    if (field.omitEmpty === true && isZero(field.type, record[field.name])) continue;
    writer.verbatim(field.key);
    writeField(writer, field, record[field.name]);
  }
  return writer;
}

function writeField(writer: MsgpackWriter, field: GoField, value: unknown): void {
  const v = value ?? zeroOf(field.type);
  const wrong = () => new TypeError(`"${field.name}" expected a Go ${field.type}, got ${String(v)}`);
  switch (field.type) {
    case "bool":
      if (typeof v !== "boolean") throw wrong();
      writer.bool(v);
      return;
    case "string":
      if (typeof v !== "string") throw wrong();
      writer.string(v);
      return;
    case "[]byte":
      if (v !== null && !(v instanceof Uint8Array)) throw wrong();
      writer.raw(v);
      return;
    case "int":
      if (typeof v !== "number") throw wrong();
      writer.int(v);
      return;
    default: {
      const max = unsignedMax[field.type]!;
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`"${field.name}" expected a Go ${field.type} (0..${max}), got ${String(v)}`);
      writer.uint(v);
    }
  }
}

/** A struct read from the wire and the offset just past it. */
export interface GoStructRead<S extends GoStruct> {
  readonly value: GoStructValue<S>;
  readonly end: number;
}

/**
 * Reads one Go struct at `offset` as memberlist's `decode` does: from a map
 * (any order, unknown keys skipped) or an array (declaration order); nil
 * leaves every field zero. `structName` prefixes the reasons.
 *
 * @example
 * ```ts
 * const nack = [{ name: "SeqNo", type: "uint32" }] as const;
 * readGoStruct(Uint8Array.of(0x81, 0xa5, 0x53, 0x65, 0x71, 0x4e, 0x6f, 0x09), 0, nack, "nackResp");
 * // { ok: true, value: { value: { SeqNo: 9 }, end: 8 } }
 * ```
 */
export function readGoStruct<S extends GoStruct>(bytes: Uint8Array, offset: number, schema: S, structName: string): Decoded<GoStructRead<S>> {
  const read = decodeMsgpack(bytes, offset);
  if (!read.ok) return { ok: false, reason: `${structName}: ${read.reason}` };
  const value = goStructFrom(read.value.value, schema, structName);
  return value.ok ? { ok: true, value: { value: value.value, end: read.value.end } } : value;
}

/**
 * Converts a decoded value to a Go struct, with go-msgpack's rules (see the
 * module comment).
 *
 * @example
 * ```ts
 * goStructFrom(null, [{ name: "SeqNo", type: "uint32" }] as const, "ackResp"); // { ok: true, value: { SeqNo: 0 } }
 * ```
 */
export function goStructFrom<S extends GoStruct>(decoded: MsgpackValue, schema: S, structName: string): Decoded<GoStructValue<S>> {
  const out: Record<string, unknown> = {};
  for (const field of schema) out[field.name] = zeroOf(field.type);
  const assign = (field: GoField, raw: MsgpackValue): string | undefined => {
    const v = goValueFrom(field.type, raw);
    if (typeof v === "object" && v !== null && "reason" in v) return `${structName}.${field.name}: ${v.reason}`;
    out[field.name] = v;
    return undefined;
  };
  if (decoded === null) return { ok: true, value: out as GoStructValue<S> };
  if (isTagged(decoded, "map")) {
    for (const [key, raw] of decoded.entries) {
      if (!(key instanceof Uint8Array)) return { ok: false, reason: `${structName}: a map key is ${describe(key)}, not a string` };
      // Keys are matched on their bytes: one that names no field (UTF-8 or not) is skipped, as any unknown key.
      const field = fieldNamed(schema, key);
      if (field === undefined) continue;
      const problem = assign(field, raw);
      if (problem !== undefined) return { ok: false, reason: problem };
    }
    return { ok: true, value: out as GoStructValue<S> };
  }
  if (isTagged(decoded, "array")) {
    for (let i = 0; i < Math.min(schema.length, decoded.items.length); i++) {
      const problem = assign(schema[i]!, decoded.items[i]!);
      if (problem !== undefined) return { ok: false, reason: problem };
    }
    return { ok: true, value: out as GoStructValue<S> };
  }
  return { ok: false, reason: `${structName}: expected a map, got ${describe(decoded)}` };
}

function isTagged<K extends "map" | "array" | "float" | "ext">(v: MsgpackValue, kind: K): v is Extract<MsgpackValue, { kind: K }> {
  return typeof v === "object" && v !== null && !(v instanceof Uint8Array) && v.kind === kind;
}

function describe(v: MsgpackValue): string {
  if (v === null) return "nil";
  if (v instanceof Uint8Array) return "bytes";
  if (typeof v === "object") return v.kind;
  return typeof v === "bigint" ? "number" : typeof v;
}

/** The field of `schema` whose name is the bytes `key`. */
function fieldNamed(schema: GoStruct, key: Uint8Array): GoField | undefined {
  const fields = byName(schema);
  for (const field of fields) {
    // field.key is the name's raw header (one byte for names under 32) and then its bytes.
    const name = field.key;
    const skip = name.length - key.length;
    if (skip !== 1 && skip !== 3) continue;
    let same = true;
    for (let i = 0; i < key.length; i++) {
      if (name[skip + i] !== key[i]) {
        same = false;
        break;
      }
    }
    if (same) return field;
  }
  return undefined;
}

function textOf(bytes: Uint8Array): string | { reason: string } {
  // Most strings on the wire (node names) are short ASCII: no decoder needed.
  if (bytes.length <= 64) {
    let text = "";
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      if (b >= 0x80) return textOfUtf8(bytes);
      text += String.fromCharCode(b);
    }
    return text;
  }
  return textOfUtf8(bytes);
}

function textOfUtf8(bytes: Uint8Array): string | { reason: string } {
  try {
    return utf8.decode(bytes);
  } catch {
    return { reason: "not UTF-8" };
  }
}

/** go-msgpack's DecodeBytes: raw, bin, or an array of integers 0..255. */
function bytesFrom(v: MsgpackValue): Uint8Array | { reason: string } {
  if (v instanceof Uint8Array) return v;
  if (isTagged(v, "array")) {
    const out = new Uint8Array(v.items.length);
    for (let i = 0; i < out.length; i++) {
      const b = v.items[i];
      if (typeof b !== "number" || b < 0 || b > 0xff) return { reason: "expected bytes, got an array with a non-byte item" };
      out[i] = b;
    }
    return out;
  }
  return { reason: `expected bytes, got ${describe(v)}` };
}

function goValueFrom(type: GoType, v: MsgpackValue): GoValue<GoType> | { reason: string } {
  if (v === null) return zeroOf(type);
  switch (type) {
    case "[]byte":
      return bytesFrom(v);
    case "string": {
      const b = bytesFrom(v);
      // Go keeps a string's bytes as they are; a TypeScript string needs UTF-8 (a simulator limit).
      return b instanceof Uint8Array ? textOf(b) : b;
    }
    case "bool":
      // msgpack.go DecodeBool also takes the integers 0 and 1.
      if (typeof v === "boolean") return v;
      if (v === 0 || v === 1) return v === 1;
      return { reason: `expected a bool, got ${describe(v)}` };
    case "int":
      if (typeof v === "number") return v;
      if (typeof v === "bigint") return { reason: `integer ${v} is beyond ±(2^53-1)` };
      return { reason: `expected an integer, got ${describe(v)}` };
    default: {
      const max = unsignedMax[type]!;
      if (typeof v === "bigint" || (typeof v === "number" && v > max)) return { reason: `${v} overflows ${type}` };
      if (typeof v !== "number") return { reason: `expected an unsigned integer, got ${describe(v)}` };
      if (v < 0) return { reason: `negative value ${v} for ${type}` };
      return v;
    }
  }
}
