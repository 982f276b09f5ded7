/**
 * The TCP header (RFC 793 §3.1), as pure functions.
 *
 * Segments the model sends have a 20-byte header (no options: no MSS option,
 * no timestamps, no SACK) and a correct checksum over the pseudo-header, so
 * tshark reassembles the stream from sequence numbers alone. The decoder skips
 * options it is given.
 */

import { allocBytes } from "../encoding/index.js";
import { type Ipv4Address, ipv4ToNumber, parseIpv4 } from "./address.js";
import { internetChecksum, pseudoHeaderSum } from "./checksum.js";
import { IpProtocol, ipv4HeaderBytes, ipv4MaxPacketBytes, tcpHeaderBytes } from "./constants.js";
import { type Decoded, checkField, decoded, hex16, rejected } from "./decoded.js";

/** TCP control bits. Append-only: the bit positions are the protocol. */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/** A TCP segment: header fields and payload. Addresses live in the IPv4 header around it. */
export interface TcpSegment {
  /** Source port (0-65535). */
  readonly srcPort: number;
  /** Destination port (0-65535). */
  readonly dstPort: number;
  /** Sequence number of the first payload byte (or of the SYN/FIN), mod 2^32. */
  readonly seq: number;
  /** Next sequence number the sender expects, mod 2^32; meaningful with ACK. */
  readonly ack: number;
  /** Control bits, an OR of `TcpFlag` values (0-255). */
  readonly flags: number;
  /** Receive window in bytes (0-65535). */
  readonly window: number;
  /** The stream bytes this segment carries. */
  readonly payload: Uint8Array;
}

/** The largest TCP payload that still fits an IPv4 packet. */
export const tcpMaxPayloadBytes = ipv4MaxPacketBytes - ipv4HeaderBytes - tcpHeaderBytes;

/** Names the set flags, as tshark prints them: `"SYN,ACK"`; `"none"` if none are. */
export function describeTcpFlags(flags: number): string {
  const names = Object.entries(TcpFlag)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => name);
  return names.length === 0 ? "none" : names.join(",");
}

/**
 * Encodes a segment between `src` and `dst` (the pseudo-header's addresses).
 *
 * @example
 * encodeTcp({ srcPort: 32768, dstPort: 2377, seq: 1, ack: 0, flags: TcpFlag.SYN, window: 65535, payload: new Uint8Array() },
 *   "10.0.0.1", "10.0.0.2")
 */
export function encodeTcp(segment: TcpSegment, src: Ipv4Address, dst: Ipv4Address): Uint8Array {
  checkField("srcPort", segment.srcPort, 0xffff);
  checkField("dstPort", segment.dstPort, 0xffff);
  checkField("seq", segment.seq, 0xffffffff);
  checkField("ack", segment.ack, 0xffffffff);
  checkField("flags", segment.flags, 0xff);
  checkField("window", segment.window, 0xffff);
  if (segment.payload.length > tcpMaxPayloadBytes) {
    throw new RangeError(`"payload" expected at most ${tcpMaxPayloadBytes} bytes, got ${segment.payload.length}`);
  }
  const length = tcpHeaderBytes + segment.payload.length;
  const out = allocBytes(length);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint16(0, segment.srcPort);
  view.setUint16(2, segment.dstPort);
  view.setUint32(4, segment.seq);
  view.setUint32(8, segment.ack);
  out[12] = (tcpHeaderBytes / 4) << 4; // data offset in words; reserved bits zero
  out[13] = segment.flags;
  view.setUint16(14, segment.window);
  // 16-17 checksum, filled below; 18-19 urgent pointer stays 0 (URG is never used).
  out.set(segment.payload, tcpHeaderBytes);
  const pseudo = pseudoHeaderSum(ipv4ToNumber(src, "src"), ipv4ToNumber(dst, "dst"), IpProtocol.tcp, length);
  view.setUint16(16, internetChecksum(out, pseudo));
  return out;
}

/**
 * Decodes a segment that arrived from `src` to `dst`, checking the data offset
 * and the checksum (mandatory in TCP). The payload is a view into `bytes`.
 */
export function decodeTcp(bytes: Uint8Array, src: Ipv4Address, dst: Ipv4Address): Decoded<TcpSegment> {
  if (bytes.length < tcpHeaderBytes) {
    return rejected(`truncated TCP header: ${bytes.length} bytes, need ${tcpHeaderBytes}`);
  }
  const headerBytes = (bytes[12]! >>> 4) * 4;
  if (headerBytes < tcpHeaderBytes) return rejected(`bad TCP data offset: ${headerBytes / 4} words, at least 5`);
  if (headerBytes > bytes.length) {
    return rejected(`truncated TCP header: data offset says ${headerBytes} bytes, got ${bytes.length}`);
  }
  const srcNumber = parseIpv4(src);
  const dstNumber = parseIpv4(dst);
  if (!srcNumber.ok) return rejected(srcNumber.reason);
  if (!dstNumber.ok) return rejected(dstNumber.reason);
  const pseudo = pseudoHeaderSum(srcNumber.value, dstNumber.value, IpProtocol.tcp, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length > 0xffff || internetChecksum(bytes, pseudo) !== 0) {
    return rejected(`bad TCP checksum ${hex16(view.getUint16(16))}`);
  }
  return decoded({
    srcPort: view.getUint16(0),
    dstPort: view.getUint16(2),
    seq: view.getUint32(4),
    ack: view.getUint32(8),
    flags: bytes[13]!,
    window: view.getUint16(14),
    payload: bytes.subarray(headerBytes),
  });
}
