/**
 * The protocol buffers wire format, as much of it as swarmkit's control-plane
 * messages use: varints (wire type 0) and length-delimited fields (wire type 2:
 * strings, bytes, nested messages). Encoding is canonical (fields in the order
 * written, proto3 defaults left out by the message encoders); decoding never
 * throws on hostile bytes, it returns a reason.
 */

import { copyBytes } from "./bytes.js";

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** A finished writer's buffer: empty, shared. */
const noBytes = new Uint8Array(0);
/** Bytes a writer starts with; it doubles when it runs out. */
const initialCapacity = 256;
/** Buffers of finished writers, kept for the next ones (a typed array of this size costs more to make than to fill). */
const spareBuffers: Uint8Array[] = [];
/** At most this many spare buffers, each at most `spareMaxBytes`. */
const spareMax = 16;
const spareMaxBytes = 64 * 1024;

/**
 * Builds one message, field by field, into one buffer that grows as needed:
 * each field's bytes are written once, where they belong.
 */
export class ProtoWriter {
  private buffer: Uint8Array;
  private length: number;

  /** `prefix` bytes are kept free at the front, for a framing the caller writes there (`finishAfter`). */
  constructor(private readonly prefix = 0) {
    this.buffer = spareBuffers.pop() ?? new Uint8Array(initialCapacity);
    this.length = prefix;
    this.room(0);
  }

  private room(bytes: number): Uint8Array {
    if (this.length + bytes > this.buffer.length) {
      const grown = new Uint8Array(Math.max(2 * this.buffer.length, this.length + bytes));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    return this.buffer;
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"value" expected a whole number from 0 to 2^53-1, got ${value}`);
    const out = this.room(10);
    let v = value;
    while (v >= 0x80) {
      out[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    out[this.length++] = v;
  }

  private key(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private raw(value: Uint8Array): void {
    this.room(value.length).set(value, this.length);
    this.length += value.length;
  }

  /** A varint field (uint32, uint64, enum, bool); 0 is left out, as proto3 does. */
  uint(field: number, value: number | boolean): this {
    const n = typeof value === "boolean" ? (value ? 1 : 0) : value;
    if (n === 0) return this;
    this.key(field, VARINT);
    this.varint(n);
    return this;
  }

  /** A varint field written even when 0: a proto2 non-nullable field, as gogoproto's marshalers write it. */
  uintAlways(field: number, value: number | boolean): this {
    this.key(field, VARINT);
    this.varint(typeof value === "boolean" ? (value ? 1 : 0) : value);
    return this;
  }

  /** A bytes field; empty is left out. */
  bytes(field: number, value: Uint8Array): this {
    if (value.length === 0) return this;
    return this.message(field, value);
  }

  /** A string field (UTF-8); empty is left out. */
  string(field: number, value: string): this {
    if (value.length === 0) return this;
    if (!isAscii(value)) return this.bytes(field, encoder.encode(value));
    // Method paths, IDs, addresses: ASCII, one byte per character, no encoder needed.
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    const out = this.room(value.length);
    for (let i = 0; i < value.length; i++) out[this.length++] = value.charCodeAt(i);
    return this;
  }

  /** A nested message field, written even when empty (a set message differs from an unset one). */
  message(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /**
   * A nested message whose one field is bytes field `innerField` holding
   * `value` (empty is left out, so the nested message is then empty), written
   * in place instead of built apart: what `message(field, new
   * ProtoWriter().bytes(innerField, value).finish())` writes.
   */
  bytesMessage(field: number, innerField: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    if (value.length === 0) {
      this.varint(0);
      return this;
    }
    const innerKey = innerField * 8 + LENGTH_DELIMITED;
    this.varint(varintSize(innerKey) + varintSize(value.length) + value.length);
    this.varint(innerKey);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** The message's bytes. The writer is done: it must not be written to again. */
  finish(): Uint8Array {
    return this.release(copyBytes(this.buffer, this.prefix, this.length));
  }

  /**
   * The message's bytes after the `prefix` bytes kept free, which `framing`
   * fills in knowing the message's length. The writer is done, as with `finish`.
   */
  finishAfter(framing: (out: Uint8Array, messageLength: number) => void): Uint8Array {
    const out = copyBytes(this.buffer, 0, this.length);
    framing(out, this.length - this.prefix);
    return this.release(out);
  }

  /** Gives the buffer back for the next writer, and returns `out`. */
  private release(out: Uint8Array): Uint8Array {
    const buffer = this.buffer;
    if (buffer.length > 0 && buffer.length <= spareMaxBytes && spareBuffers.length < spareMax) spareBuffers.push(buffer);
    this.buffer = noBytes;
    this.length = 0;
    return out;
  }
}

/** Bytes of `value` as a varint. */
function varintSize(value: number): number {
  let size = 1;
  for (let v = value; v >= 0x80; v = Math.floor(v / 0x80)) size++;
  return size;
}

/** Whether every character of `value` is 7-bit ASCII (its UTF-8 is then its char codes). */
function isAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** One decoded field: a number for varints, bytes for length-delimited fields. */
export type ProtoValue = number | Uint8Array;

/** Fields by number, each with every value it carried, in order. */
export type ProtoFields = ReadonlyMap<number, readonly ProtoValue[]>;

/** Decoded fields, or why the bytes are not a message. */
export type ProtoResult = { readonly ok: true; readonly fields: ProtoFields } | { readonly ok: false; readonly reason: string };

/** Splits a message into its fields. Unknown fields are kept; fixed32/64 fields are skipped, as no swarmkit message here has them. */
export function readFields(bytes: Uint8Array): ProtoResult {
  const fields = new Map<number, ProtoValue[]>();
  const end = bytes.length;
  let at = 0;
  while (at < end) {
    // One-byte keys and lengths (fields 1-15, values below 128) are nearly all of them; readVarint takes the rest.
    let key = bytes[at]!;
    if (key < 0x80) at++;
    else {
      key = readVarint(bytes, at);
      if (key < 0) return { ok: false, reason: "truncated or oversized field key" };
      at = varintEnd;
    }
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    if (field === 0) return { ok: false, reason: "field number 0" };
    let value: ProtoValue;
    if (wireType === VARINT || wireType === LENGTH_DELIMITED) {
      let v = at < end ? bytes[at]! : 0x80;
      if (v < 0x80) at++;
      else {
        v = readVarint(bytes, at);
        if (v < 0) return { ok: false, reason: wireType === VARINT ? `field ${field}: truncated or oversized varint` : `field ${field}: length runs past the end` };
        at = varintEnd;
      }
      if (wireType === VARINT) value = v;
      else {
        if (at + v > end) return { ok: false, reason: `field ${field}: length runs past the end` };
        value = bytes.subarray(at, at + v);
        at += v;
      }
    } else if (wireType === FIXED64 || wireType === FIXED32) {
      const size = wireType === FIXED64 ? 8 : 4;
      if (at + size > end) return { ok: false, reason: `field ${field}: truncated fixed field` };
      at += size;
      continue;
    } else {
      return { ok: false, reason: `field ${field}: unsupported wire type ${wireType}` };
    }
    const list = fields.get(field);
    if (list === undefined) fields.set(field, [value]);
    else list.push(value);
  }
  return { ok: true, fields };
}

/** Where the last `readVarint` stopped. */
let varintEnd = 0;

/** The varint at `bytes[at..]` (its end in `varintEnd`), or -1 if it is truncated, longer than 10 bytes or beyond 2^53-1. */
function readVarint(bytes: Uint8Array, at: number): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= bytes.length) return -1;
    const b = bytes[at++]!;
    value += (b & 0x7f) * scale;
    if (value > MAX_SAFE) return -1;
    if ((b & 0x80) === 0) {
      varintEnd = at;
      return value;
    }
    scale *= 0x80;
  }
  return -1;
}

/** Typed access to decoded fields; a wrong type is a reason, not a throw. */
export class FieldReader {
  /** The first problem met, if any. */
  problem: string | undefined;

  constructor(private readonly fields: ProtoFields) {}

  private last(field: number): ProtoValue | undefined {
    const list = this.fields.get(field);
    return list === undefined ? undefined : list[list.length - 1];
  }

  /** A varint field, 0 when absent (proto3: the last value wins). */
  uint(field: number): number {
    const v = this.last(field);
    if (v === undefined) return 0;
    if (typeof v !== "number") {
      this.problem ??= `field ${field}: expected a varint`;
      return 0;
    }
    return v;
  }

  /** A bytes field, empty when absent. */
  bytes(field: number): Uint8Array {
    const v = this.last(field);
    if (v === undefined) return new Uint8Array(0);
    if (typeof v === "number") {
      this.problem ??= `field ${field}: expected bytes`;
      return new Uint8Array(0);
    }
    return v;
  }

  /** A string field, empty when absent or not UTF-8 (which is a problem). */
  string(field: number): string {
    const b = this.bytes(field);
    const ascii = asciiText(b);
    if (ascii !== undefined) return ascii;
    try {
      return decoder.decode(b);
    } catch {
      this.problem ??= `field ${field}: not UTF-8`;
      return "";
    }
  }

  /** A nested message field read with `read`; a malformed one is a problem and gives `read` of no fields. */
  nested<T>(field: number, read: (fields: FieldReader) => T): T {
    const inner = readFields(this.bytes(field));
    const reader = new FieldReader(inner.ok ? inner.fields : new Map());
    if (!inner.ok) this.problem ??= `field ${field}: ${inner.reason}`;
    const value = read(reader);
    if (reader.problem !== undefined) this.problem ??= `field ${field}: ${reader.problem}`;
    return value;
  }

  /** Whether the field is present. */
  has(field: number): boolean {
    return this.fields.has(field);
  }
}

/** Up to this many bytes, ASCII text is read one character at a time rather than through the decoder (which costs about as much as 10 characters so read, under Node 20). */
const shortText = 10;

/** The text of short 7-bit ASCII bytes (undefined otherwise): valid UTF-8 whose characters are its bytes. */
function asciiText(bytes: Uint8Array): string | undefined {
  if (bytes.length > shortText) return undefined;
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return undefined;
    out += String.fromCharCode(b);
  }
  return out;
}

/** A decoded message, or why the bytes are not one. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Decodes a message with `read`, which takes its fields by number; any wrong field type is the reason. */
export function decodeMessage<T>(bytes: Uint8Array, read: (fields: FieldReader) => T): Decoded<T> {
  const parsed = readFields(bytes);
  if (!parsed.ok) return parsed;
  const reader = new FieldReader(parsed.fields);
  const value = read(reader);
  return reader.problem === undefined ? { ok: true, value } : { ok: false, reason: reader.problem };
}
