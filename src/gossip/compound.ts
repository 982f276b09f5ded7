/**
 * The wrappers memberlist puts around whole messages before encryption, and
 * takes off after it (hashicorp/memberlist util.go, net.go):
 * - compound: `[7][count u8][count × length u16 BE][messages…]`, up to 255
 *   messages (makeCompoundMessage, decodeCompoundMessage);
 * - compression: `[9]` + msgpack `compress{Algo: 0, Buf: LZW(msg)}`
 *   (compressPayload). Docker keeps memberlist's default `EnableCompression:
 *   true` (networkdb/cluster.go starts from DefaultLANConfig and does not
 *   change it); a packet is sent compressed only if that is shorter, a stream
 *   always (net.go rawSendMsgPacket, rawSendMsgStream);
 * - checksum: `[12][CRC-32 IEEE of the rest, u32 BE][rest]`, added for a
 *   peer whose protocol max is 5 or more, checked on receipt (ingestPacket).
 */

import { type Decoded, type GoMsgpackFlavor, allocBytes, crc32Ieee, goMsgpackV2, lzwCompress, lzwDecompress } from "../encoding/index.js";
import { MessageType, decodeMessage, encodeMessage } from "./messages.js";

/** A compound's count is one byte (util.go makeCompoundMessages: maxMsgs = 255). */
export const maxCompoundParts = 255;
/** A part's length is a uint16. */
export const maxCompoundPartBytes = 0xffff;
/**
 * The most a compressed message may decompress to. *unconfirmed*: memberlist
 * util.go decompressBuffer refuses more than `maxDecompressedBytes`, whose
 * value was not seen in source; this takes net.go's push/pull limit
 * (maxPushStateBytes, 20 MiB).
 */
export const decompressLimitBytes = 20 * 1024 * 1024;
/** Compressed messages nested deeper than this, or compounds in compounds, are dropped (a simulator limit). */
export const maxWrapDepth = 8;

/**
 * One compound message holding `msgs` (util.go makeCompoundMessage). Go
 * would silently wrap a count above 255 or a length above 65535; here that is
 * a programming mistake.
 *
 * @example
 * ```ts
 * makeCompoundMessage([Uint8Array.of(1), Uint8Array.of(2, 3)]); // 07 02 00 01 00 02 01 02 03
 * ```
 */
export function makeCompoundMessage(msgs: readonly Uint8Array[]): Uint8Array {
  if (msgs.length > maxCompoundParts) throw new RangeError(`"msgs" expected at most ${maxCompoundParts} messages, got ${msgs.length}`);
  const size = msgs.reduce((n, m) => n + 2 + m.length, 2);
  const out = allocBytes(size);
  out[0] = MessageType.compound;
  out[1] = msgs.length;
  let header = 2;
  let body = 2 + 2 * msgs.length;
  for (const m of msgs) {
    if (m.length > maxCompoundPartBytes) throw new RangeError(`"msgs" expected parts of at most ${maxCompoundPartBytes} bytes, got ${m.length}`);
    out[header++] = m.length >>> 8;
    out[header++] = m.length & 0xff;
    out.set(m, body);
    body += m.length;
  }
  return out;
}

/**
 * Packs `msgs` into compounds of at most 255 (util.go makeCompoundMessages).
 *
 * @example
 * ```ts
 * makeCompoundMessages(new Array(256).fill(Uint8Array.of(0))).length; // 2
 * ```
 */
export function makeCompoundMessages(msgs: readonly Uint8Array[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < msgs.length; i += maxCompoundParts) out.push(makeCompoundMessage(msgs.slice(i, i + maxCompoundParts)));
  return out;
}

/** A compound's parts, and how many at the end were cut short (memberlist logs those and handles the rest). */
export interface CompoundParts {
  readonly parts: Uint8Array[];
  readonly truncated: number;
}

/**
 * Splits a compound message, type byte included (util.go
 * decodeCompoundMessage, which memberlist calls on the bytes after it). The
 * reasons are memberlist's error texts. Parts are views into `msg`.
 *
 * @example
 * ```ts
 * decodeCompoundMessage(Uint8Array.of(7, 2, 0, 1, 0, 2, 1, 2)); // { ok: true, value: { parts: [01], truncated: 1 } }
 * ```
 */
export function decodeCompoundMessage(msg: Uint8Array): Decoded<CompoundParts> {
  if (msg[0] !== MessageType.compound) return { ok: false, reason: `expected a compound message, got type ${msg[0] ?? "none"}` };
  const body = msg.subarray(1);
  if (body.length < 1) return { ok: false, reason: "missing compound length byte" };
  const count = body[0]!;
  if (body.length - 1 < 2 * count) return { ok: false, reason: "truncated len slice" };
  const parts: Uint8Array[] = [];
  let at = 1 + 2 * count;
  for (let i = 0; i < count; i++) {
    const length = (body[1 + 2 * i]! << 8) | body[2 + 2 * i]!;
    if (body.length - at < length) return { ok: true, value: { parts, truncated: count - i } };
    parts.push(body.subarray(at, at + length));
    at += length;
  }
  return { ok: true, value: { parts, truncated: 0 } };
}

/**
 * Puts the CRC header in front of a packet (net.go rawSendMsgPacket, for peers with protocol max ≥ 5).
 *
 * @example
 * ```ts
 * addCrc(new TextEncoder().encode("123456789")); // 0c cb f4 39 26 31 32 …
 * ```
 */
export function addCrc(msg: Uint8Array): Uint8Array {
  const out = allocBytes(5 + msg.length);
  out[0] = MessageType.hasCrc;
  new DataView(out.buffer, out.byteOffset, out.byteLength).setUint32(1, crc32Ieee(msg));
  out.set(msg, 5);
  return out;
}

/**
 * Checks and strips the CRC header as net.go ingestPacket does: a packet of
 * 5 bytes or more starting with 12 must carry the CRC of the rest; any
 * other packet passes through unchanged.
 *
 * @example
 * ```ts
 * checkCrc(addCrc(Uint8Array.of(2, 0x80))); // { ok: true, value: Uint8Array [2, 0x80] }
 * ```
 */
export function checkCrc(packet: Uint8Array): Decoded<Uint8Array> {
  if (packet.length < 5 || packet[0] !== MessageType.hasCrc) return { ok: true, value: packet };
  const rest = packet.subarray(5);
  const expected = new DataView(packet.buffer, packet.byteOffset, packet.byteLength).getUint32(1);
  const crc = crc32Ieee(rest);
  if (crc !== expected) return { ok: false, reason: `Got invalid checksum for UDP packet: ${crc.toString(16)}, ${expected.toString(16)}` };
  return { ok: true, value: rest };
}

/**
 * A compress message holding `msg` (util.go compressPayload).
 *
 * @example
 * ```ts
 * compressPayload(Uint8Array.of(0x61)); // 09 82 a4 "Algo" 00 a3 "Buf" a4 00 c3 04 04
 * ```
 */
export function compressPayload(msg: Uint8Array, flavor: GoMsgpackFlavor = goMsgpackV2): Uint8Array {
  return encodeMessage(MessageType.compress, { Algo: 0, Buf: lzwCompress(msg) }, { flavor });
}

/**
 * The message inside a compress message (util.go decompressPayload). `msg` is the whole message, type byte included.
 *
 * @example
 * ```ts
 * decompressPayload(compressPayload(Uint8Array.of(0x61))); // { ok: true, value: Uint8Array [0x61] }
 * ```
 */
export function decompressPayload(msg: Uint8Array, limitBytes = decompressLimitBytes): Decoded<Uint8Array> {
  const decoded = decodeMessage(msg);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  if (m.type !== MessageType.compress) return { ok: false, reason: `expected a compress message, got type ${m.type}` };
  if (m.Algo !== 0) return { ok: false, reason: `cannot decompress unknown algorithm ${m.Algo}` };
  return lzwDecompress(m.Buf ?? new Uint8Array(0), limitBytes);
}

/** What a sender knows when it wraps a packet. */
export interface PacketOptions {
  /** config.go EnableCompression: true in Docker. */
  readonly compression: boolean;
  /** The peer's protocol max is 5 or more (net.go rawSendMsgPacket). */
  readonly crc: boolean;
  readonly flavor?: GoMsgpackFlavor;
}

/**
 * A packet's plaintext as net.go rawSendMsgPacket builds it before
 * encryption: compressed if that is shorter, then the CRC header.
 *
 * @example
 * ```ts
 * wrapPacket(Uint8Array.of(0x0b, 0x80), { compression: true, crc: false }); // 0b 80 (compressing would be longer)
 * ```
 */
export function wrapPacket(msg: Uint8Array, options: PacketOptions): Uint8Array {
  let out = msg;
  if (options.compression) {
    const compressed = compressPayload(msg, options.flavor);
    if (compressed.length < msg.length) out = compressed;
  }
  return options.crc ? addCrc(out) : out;
}

/**
 * A stream message's plaintext before encryption (net.go rawSendMsgStream): compressed whenever compression is on.
 *
 * @example
 * ```ts
 * wrapStream(Uint8Array.of(0x0b, 0x80), { compression: true })[0]; // 9, a compress message
 * ```
 */
export function wrapStream(msg: Uint8Array, options: { readonly compression: boolean; readonly flavor?: GoMsgpackFlavor }): Uint8Array {
  return options.compression ? compressPayload(msg, options.flavor) : msg;
}

/** The messages a packet carries, and what was dropped on the way (each a reason, as memberlist logs it). */
export interface UnwrappedPacket {
  readonly messages: Uint8Array[];
  readonly problems: string[];
  /** The CRC header did not match: the packet was dropped whole, its one problem saying so. */
  badCrc: boolean;
}

/**
 * Opens a decrypted packet down to its messages, as net.go ingestPacket and
 * handleCommand do: check the CRC, then take compress and compound messages
 * apart, recursively. A bad part is a problem and the rest go on, as in Go.
 * Each message keeps its type byte, ready for `decodeMessage`.
 *
 * @example
 * ```ts
 * unwrapPacket(makeCompoundMessage([Uint8Array.of(0x0b, 0x80)])); // { messages: [0b 80], problems: [], badCrc: false }
 * ```
 */
export function unwrapPacket(packet: Uint8Array, limitBytes = decompressLimitBytes): UnwrappedPacket {
  const out: UnwrappedPacket = { messages: [], problems: [], badCrc: false };
  const checked = checkCrc(packet);
  if (!checked.ok) {
    out.problems.push(checked.reason);
    out.badCrc = true;
  } else unwrap(checked.value, 0, limitBytes, out);
  return out;
}

function unwrap(msg: Uint8Array, depth: number, limitBytes: number, out: UnwrappedPacket): void {
  if (msg.length < 1) {
    out.problems.push("missing message type byte");
  } else if (depth > maxWrapDepth) {
    out.problems.push(`wrapped deeper than ${maxWrapDepth}`);
  } else if (msg[0] === MessageType.compound) {
    const split = decodeCompoundMessage(msg);
    if (!split.ok) {
      out.problems.push(`Failed to decode compound request: ${split.reason}`);
      return;
    }
    if (split.value.truncated > 0) out.problems.push(`Compound request had ${split.value.truncated} truncated messages`);
    for (const part of split.value.parts) unwrap(part, depth + 1, limitBytes, out);
  } else if (msg[0] === MessageType.compress) {
    const inner = decompressPayload(msg, limitBytes);
    if (inner.ok) unwrap(inner.value, depth + 1, limitBytes, out);
    else out.problems.push(`Failed to decompress payload: ${inner.reason}`);
  } else {
    out.messages.push(msg);
  }
}
