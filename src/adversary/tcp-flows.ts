/**
 * TCP streams read back from a capture, as an eavesdropper's tool
 * (Wireshark's "follow TCP stream") does: one direction of one connection
 * from its SYN, the segments' bytes put in sequence order, duplicates and
 * retransmissions kept once, up to the first gap. A segment that does not
 * decode (a bad checksum) is not part of any stream, as the receiver would
 * not take it either. Without its SYN in the capture a stream's start is
 * unknown, and it is left out.
 */

import { type Ipv4Address, IpProtocol, TcpFlag, decodeIpv4, decodeTcp } from "../net/index.js";
import type { CapturedPacket } from "./capture.js";

/** One run of a stream's bytes and the packet that carried it. */
export interface StreamPiece {
  /** Its first byte's offset in the stream (0: the first byte after the SYN). */
  readonly offset: number;
  /** One past its last byte. */
  readonly end: number;
  readonly packet: CapturedPacket;
}

/** One direction of one TCP connection. */
export interface CapturedStream {
  readonly src: Ipv4Address;
  readonly srcPort: number;
  readonly dst: Ipv4Address;
  readonly dstPort: number;
  /** The stream's bytes from its first, as far as they run without a gap. */
  readonly bytes: Uint8Array;
  /** Which packets carried them, in stream order. */
  readonly pieces: readonly StreamPiece[];
}

interface Building {
  readonly src: Ipv4Address;
  readonly srcPort: number;
  readonly dst: Ipv4Address;
  readonly dstPort: number;
  readonly isn: number;
  /** First copy of the bytes seen at each offset. */
  readonly byOffset: Map<number, { readonly payload: Uint8Array; readonly packet: CapturedPacket }>;
}

/**
 * Every stream in `packets` to or from TCP `port`, in the order their SYNs
 * were captured.
 *
 * @example
 * ```ts
 * for (const stream of capturedStreams(eve.packets, 7946)) console.log(stream.src, stream.bytes.length);
 * ```
 */
export function capturedStreams(packets: readonly CapturedPacket[], port: number): CapturedStream[] {
  const open = new Map<string, Building>();
  const all: Building[] = [];
  for (const packet of packets) {
    if (packet.bytes.length < 20 || packet.bytes[9] !== IpProtocol.tcp) continue;
    const ip = decodeIpv4(packet.bytes);
    if (!ip.ok) continue;
    const tcp = decodeTcp(ip.value.payload, ip.value.src, ip.value.dst);
    if (!tcp.ok || (tcp.value.srcPort !== port && tcp.value.dstPort !== port)) continue;
    const segment = tcp.value;
    const key = `${ip.value.src}:${segment.srcPort}>${ip.value.dst}:${segment.dstPort}`;
    const current = open.get(key);
    if ((segment.flags & TcpFlag.SYN) !== 0) {
      // A copy of the SYN already seen (a retransmission, a replay) starts nothing new.
      if (current?.isn === segment.seq) continue;
      const building = { src: ip.value.src, srcPort: segment.srcPort, dst: ip.value.dst, dstPort: segment.dstPort, isn: segment.seq, byOffset: new Map() };
      open.set(key, building);
      all.push(building);
      continue;
    }
    if (current === undefined || segment.payload.length === 0) continue;
    const offset = (segment.seq - current.isn - 1) >>> 0;
    if (!current.byOffset.has(offset)) current.byOffset.set(offset, { payload: segment.payload, packet });
  }
  return all.map(assemble);
}

/**
 * The packets that carried any byte of `[start, end)` of `stream`, in stream order.
 *
 * @example
 * ```ts
 * packetsCarrying(stream, 0, 57).map((p) => p.index); // [812, 813]
 * ```
 */
export function packetsCarrying(stream: CapturedStream, start: number, end: number): CapturedPacket[] {
  return stream.pieces.filter((piece) => piece.offset < end && piece.end > start).map((piece) => piece.packet);
}

function assemble(building: Building): CapturedStream {
  const pieces: StreamPiece[] = [];
  const chunks: Uint8Array[] = [];
  let next = 0;
  for (const offset of [...building.byOffset.keys()].sort((a, b) => a - b)) {
    if (offset > next) break; // a gap: what follows cannot be placed
    const { payload, packet } = building.byOffset.get(offset)!;
    if (offset + payload.length <= next) continue;
    chunks.push(payload.subarray(next - offset));
    pieces.push({ offset: next, end: offset + payload.length, packet });
    next = offset + payload.length;
  }
  const bytes = new Uint8Array(next);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  const { src, srcPort, dst, dstPort } = building;
  return { src, srcPort, dst, dstPort, bytes, pieces };
}
