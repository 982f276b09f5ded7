/**
 * MessagePack as memberlist writes it: hashicorp/go-msgpack's codec with
 * `&codec.MsgpackHandle{}` (memberlist util.go encode/decode, net.go).
 * go-struct.ts builds Go structs on top of these values.
 *
 * What that handle writes, read from go-msgpack/v2 v2.1.5 codec/msgpack.go
 * (the version moby vendors beside memberlist v0.7.0):
 * - `WriteExt` is false, so strings AND `[]byte` are written in the old
 *   spec's "raw" format (`msgpackContainerRawLegacy`): fixstr up to 31 bytes,
 *   then str16 (0xda), then str32 (0xdb). Never str8 (0xd9), never bin
 *   (0xc4-0xc6). A nil `[]byte` is nil (0xc0, `EncodeStringBytesRaw`); an
 *   empty one is 0xa0.
 * - Unsigned Go integers take the smallest format (`EncodeUint`): fixint,
 *   uint8 0xcc, uint16 0xcd, uint32 0xce, uint64 0xcf.
 * - Signed Go integers take `EncodeInt` with `PositiveIntUnsigned` false:
 *   -32..127 as one byte, else the smallest of int8/16/32/64 (0xd0-0xd3), so
 *   200 is `d1 00 c8`. go-msgpack v0.5.5 (Docker 27 and older) wrote
 *   non-negative signed integers as unsigned (`cc c8`): `legacyGoMsgpack`.
 * - Maps and arrays: fix formats below 16 entries, then 16- and 32-bit counts.
 * Reading takes every format (str8 and bin too, as go-msgpack reads them) and
 * never throws on hostile bytes: it returns a reason.
 */

import { copyBytes } from "./bytes.js";
import type { Decoded } from "./protobuf.js";

/** The go-msgpack behaviour a writer copies. */
export interface GoMsgpackFlavor {
  /** Write non-negative signed integers as unsigned (go-msgpack v0.5.5, or v2 with `PositiveIntUnsigned`). */
  readonly positiveIntUnsigned: boolean;
}

/** go-msgpack/v2 with memberlist's `MsgpackHandle{}`: what current Docker (memberlist v0.7.0) writes. */
export const goMsgpackV2: GoMsgpackFlavor = { positiveIntUnsigned: false };
/** go-msgpack v0.5.5: what Docker 27 and older (memberlist v0.4.0) write. */
export const legacyGoMsgpack: GoMsgpackFlavor = { positiveIntUnsigned: true };

const encoder = new TextEncoder();

/** A finished writer's buffer, for the next writer; buffers larger than the limit are let go. */
let spare: { readonly buffer: Uint8Array; readonly view: DataView } | undefined;
const spareLimitBytes = 64 * 1024;

/** Nesting deeper than this is refused (a simulator limit; memberlist's messages are two levels deep). */
export const msgpackMaxDepth = 512;

/** A finished writer's buffer: empty, shared. */
const noBytes = new Uint8Array(0);
const noBytesView = new DataView(noBytes.buffer);

/**
 * Writes MessagePack values into one growing buffer, in go-msgpack's formats.
 *
 * @example
 * ```ts
 * new MsgpackWriter().mapHeader(1).string("SeqNo").uint(7).finish(); // 81 a5 53 65 71 4e 6f 07
 * ```
 */
export class MsgpackWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(private readonly flavor: GoMsgpackFlavor = goMsgpackV2) {
    // Writers run one after another: the last one's buffer is reused instead of allocating anew.
    const taken = spare;
    spare = undefined;
    this.buffer = taken?.buffer ?? new Uint8Array(256);
    this.view = taken?.view ?? new DataView(this.buffer.buffer);
  }

  private room(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(2 * this.buffer.length, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
  }

  private byte(b: number): void {
    this.room(1);
    this.buffer[this.length++] = b;
  }

  private sized(tag: number, value: number, size: 1 | 2 | 4): void {
    this.room(1 + size);
    this.buffer[this.length++] = tag;
    if (size === 1) this.view.setUint8(this.length, value & 0xff);
    else if (size === 2) this.view.setUint16(this.length, value & 0xffff);
    else this.view.setUint32(this.length, value >>> 0);
    this.length += size;
  }

  private wide(tag: number, value: bigint): void {
    this.room(9);
    this.buffer[this.length++] = tag;
    this.view.setBigUint64(this.length, BigInt.asUintN(64, value));
    this.length += 8;
  }

  /** nil (0xc0). */
  nil(): this {
    this.byte(0xc0);
    return this;
  }

  /** A Go bool: 0xc3 or 0xc2. */
  bool(value: boolean): this {
    this.byte(value ? 0xc3 : 0xc2);
    return this;
  }

  /** A Go unsigned integer in its smallest format (msgpack.go EncodeUint). */
  uint(value: number): this {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`"value" expected a whole number from 0 to 2^53-1, got ${value}`);
    if (value <= 0x7f) this.byte(value);
    else if (value <= 0xff) this.sized(0xcc, value, 1);
    else if (value <= 0xffff) this.sized(0xcd, value, 2);
    else if (value <= 0xffffffff) this.sized(0xce, value, 4);
    else this.wide(0xcf, BigInt(value));
    return this;
  }

  /** A Go signed integer (msgpack.go EncodeInt). */
  int(value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`"value" expected a whole number within ±(2^53-1), got ${value}`);
    if (value >= 0 && this.flavor.positiveIntUnsigned) return this.uint(value);
    if (value > 0x7f) {
      if (value <= 0x7fff) this.sized(0xd1, value, 2);
      else if (value <= 0x7fffffff) this.sized(0xd2, value, 4);
      else this.wide(0xd3, BigInt(value));
    } else if (value >= -32) this.byte(value & 0xff);
    else if (value >= -0x80) this.sized(0xd0, value, 1);
    else if (value >= -0x8000) this.sized(0xd1, value, 2);
    else if (value >= -0x80000000) this.sized(0xd2, value, 4);
    else this.wide(0xd3, BigInt(value));
    return this;
  }

  private rawHeader(length: number): void {
    if (length < 32) this.byte(0xa0 | length);
    else if (length <= 0xffff) this.sized(0xda, length, 2);
    else this.sized(0xdb, length, 4);
  }

  /** A Go `[]byte` as old-spec raw (fixstr/str16/str32); null is Go's nil slice, written as nil. */
  raw(value: Uint8Array | null): this {
    if (value === null) return this.nil();
    this.rawHeader(value.length);
    this.room(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** A Go string: its UTF-8 bytes as raw. */
  string(value: string): this {
    const n = value.length;
    if (n < 32) {
      // Short ASCII (field and node names): written straight in, no encoder.
      let ascii = true;
      for (let i = 0; i < n; i++) if (value.charCodeAt(i) >= 0x80) ascii = false;
      if (ascii) {
        this.room(1 + n);
        const buffer = this.buffer;
        let at = this.length;
        buffer[at++] = 0xa0 | n;
        for (let i = 0; i < n; i++) buffer[at++] = value.charCodeAt(i);
        this.length = at;
        return this;
      }
    }
    return this.raw(encoder.encode(value));
  }

  /** A map of `count` key/value pairs follows (fixmap, map16 0xde, map32 0xdf). */
  mapHeader(count: number): this {
    if (count < 16) this.byte(0x80 | count);
    else if (count <= 0xffff) this.sized(0xde, count, 2);
    else this.sized(0xdf, count, 4);
    return this;
  }

  /** An array of `count` items follows (fixarray, array16 0xdc, array32 0xdd). */
  arrayHeader(count: number): this {
    if (count < 16) this.byte(0x90 | count);
    else if (count <= 0xffff) this.sized(0xdc, count, 2);
    else this.sized(0xdd, count, 4);
    return this;
  }

  /** Bytes written as they are, for framings that put raw bytes after a value (push/pull user state). */
  verbatim(value: Uint8Array): this {
    this.room(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** The bytes written so far (a copy); the writer's buffer goes back for the next writer, so write nothing after. */
  finish(): Uint8Array {
    const out = copyBytes(this.buffer, 0, this.length);
    if (this.buffer.length <= spareLimitBytes) spare = { buffer: this.buffer, view: this.view };
    this.buffer = noBytes;
    this.view = noBytesView;
    this.length = 0;
    return out;
  }
}

/** A decoded value. Integers beyond ±(2^53-1) stay bigint; str and bin both read as bytes, as go-msgpack reads raw. */
export type MsgpackValue =
  | null
  | boolean
  | number
  | bigint
  | Uint8Array
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "ext"; readonly type: number; readonly data: Uint8Array }
  | { readonly kind: "array"; readonly items: readonly MsgpackValue[] }
  | { readonly kind: "map"; readonly entries: readonly (readonly [MsgpackValue, MsgpackValue])[] };

/** A value and the offset just past it. */
export interface MsgpackRead {
  readonly value: MsgpackValue;
  readonly end: number;
}

type Step = { ok: true; value: MsgpackValue } | { ok: false; reason: string };

class Reader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    public at: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  remaining(): number {
    return this.bytes.length - this.at;
  }

  take(n: number): Uint8Array | undefined {
    if (this.remaining() < n) return undefined;
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  uint(size: 1 | 2 | 4 | 8): number | bigint | undefined {
    if (this.remaining() < size) return undefined;
    const at = this.at;
    this.at += size;
    if (size === 1) return this.view.getUint8(at);
    if (size === 2) return this.view.getUint16(at);
    if (size === 4) return this.view.getUint32(at);
    return narrow(this.view.getBigUint64(at));
  }

  int(size: 1 | 2 | 4 | 8): number | bigint | undefined {
    if (this.remaining() < size) return undefined;
    const at = this.at;
    this.at += size;
    if (size === 1) return this.view.getInt8(at);
    if (size === 2) return this.view.getInt16(at);
    if (size === 4) return this.view.getInt32(at);
    return narrow(this.view.getBigInt64(at));
  }

  float(size: 4 | 8): number | undefined {
    if (this.remaining() < size) return undefined;
    const at = this.at;
    this.at += size;
    return size === 4 ? this.view.getFloat32(at) : this.view.getFloat64(at);
  }
}

function narrow(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(-Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

const lengthSizes: Readonly<Record<number, 1 | 2 | 4>> = { 0xc4: 1, 0xc5: 2, 0xc6: 4, 0xd9: 1, 0xda: 2, 0xdb: 4 };
const extSizes: Readonly<Record<number, number>> = { 0xd4: 1, 0xd5: 2, 0xd6: 4, 0xd7: 8, 0xd8: 16 };

function readValue(r: Reader, depth: number): Step {
  if (depth > msgpackMaxDepth) return { ok: false, reason: `nested deeper than ${msgpackMaxDepth}` };
  const start = r.at;
  if (start >= r.bytes.length) return { ok: false, reason: "truncated: a value was expected" };
  const tag = r.bytes[start]!;
  r.at = start + 1;
  const truncated = (what: string): Step => ({ ok: false, reason: `truncated ${what} at offset ${start}` });
  if (tag <= 0x7f) return { ok: true, value: tag };
  if (tag >= 0xe0) return { ok: true, value: tag - 0x100 };
  if (tag >= 0xa0 && tag <= 0xbf) return bytesOf(r, tag & 0x1f, start);
  if (tag >= 0x80 && tag <= 0x8f) return readMap(r, tag & 0x0f, depth, start);
  if (tag >= 0x90 && tag <= 0x9f) return readArray(r, tag & 0x0f, depth, start);
  switch (tag) {
    case 0xc0:
      return { ok: true, value: null };
    case 0xc2:
      return { ok: true, value: false };
    case 0xc3:
      return { ok: true, value: true };
    case 0xcc:
    case 0xcd:
    case 0xce:
    case 0xcf: {
      const v = r.uint(([1, 2, 4, 8] as const)[tag - 0xcc]!);
      return v === undefined ? truncated("unsigned integer") : { ok: true, value: v };
    }
    case 0xd0:
    case 0xd1:
    case 0xd2:
    case 0xd3: {
      const v = r.int(([1, 2, 4, 8] as const)[tag - 0xd0]!);
      return v === undefined ? truncated("signed integer") : { ok: true, value: v };
    }
    case 0xca:
    case 0xcb: {
      const v = r.float(tag === 0xca ? 4 : 8);
      return v === undefined ? truncated("float") : { ok: true, value: { kind: "float", value: v } };
    }
    case 0xc4:
    case 0xc5:
    case 0xc6:
    case 0xd9:
    case 0xda:
    case 0xdb: {
      const n = r.uint(lengthSizes[tag]!);
      return n === undefined ? truncated("length") : bytesOf(r, Number(n), start);
    }
    case 0xdc:
    case 0xdd:
    case 0xde:
    case 0xdf: {
      const n = r.uint(tag === 0xdc || tag === 0xde ? 2 : 4);
      if (n === undefined) return truncated("length");
      return tag <= 0xdd ? readArray(r, Number(n), depth, start) : readMap(r, Number(n), depth, start);
    }
    case 0xc7:
    case 0xc8:
    case 0xc9: {
      const n = r.uint(([1, 2, 4] as const)[tag - 0xc7]!);
      return n === undefined ? truncated("length") : extOf(r, Number(n), start);
    }
    default:
      if (tag in extSizes) return extOf(r, extSizes[tag]!, start);
      return { ok: false, reason: `byte 0x${tag.toString(16)} at offset ${start} is not a MessagePack type` };
  }
}

function bytesOf(r: Reader, n: number, start: number): Step {
  const data = r.take(n);
  return data === undefined ? { ok: false, reason: `bytes at offset ${start} claim ${n} but ${r.remaining()} remain` } : { ok: true, value: data };
}

function extOf(r: Reader, n: number, start: number): Step {
  const type = r.take(1)?.[0];
  const data = r.take(n);
  if (type === undefined || data === undefined) return { ok: false, reason: `truncated extension at offset ${start}` };
  return { ok: true, value: { kind: "ext", type: type >= 0x80 ? type - 0x100 : type, data } };
}

function readArray(r: Reader, n: number, depth: number, start: number): Step {
  // Each item takes at least one byte: a count beyond what remains is refused before any work.
  if (n > r.remaining()) return { ok: false, reason: `array at offset ${start} claims ${n} items but ${r.remaining()} bytes remain` };
  const items: MsgpackValue[] = [];
  for (let i = 0; i < n; i++) {
    const item = readValue(r, depth + 1);
    if (!item.ok) return item;
    items.push(item.value);
  }
  return { ok: true, value: { kind: "array", items } };
}

function readMap(r: Reader, n: number, depth: number, start: number): Step {
  if (2 * n > r.remaining()) return { ok: false, reason: `map at offset ${start} claims ${n} entries but ${r.remaining()} bytes remain` };
  const entries: (readonly [MsgpackValue, MsgpackValue])[] = [];
  for (let i = 0; i < n; i++) {
    const key = readValue(r, depth + 1);
    if (!key.ok) return key;
    const value = readValue(r, depth + 1);
    if (!value.ok) return value;
    entries.push([key.value, value.value]);
  }
  return { ok: true, value: { kind: "map", entries } };
}

/**
 * Reads one MessagePack value at `offset`; bytes after it are left for the caller.
 *
 * @example
 * ```ts
 * decodeMsgpack(new Uint8Array([0xcd, 0x1f, 0x0a])); // { ok: true, value: { value: 7946, end: 3 } }
 * ```
 */
export function decodeMsgpack(bytes: Uint8Array, offset = 0): Decoded<MsgpackRead> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset > bytes.length) throw new RangeError(`"offset" expected 0..${bytes.length}, got ${offset}`);
  const r = new Reader(bytes, offset);
  const step = readValue(r, 0);
  return step.ok ? { ok: true, value: { value: step.value, end: r.at } } : step;
}
