/**
 * The IPv4 header (RFC 791), as pure functions.
 *
 * Packets the model sends always have IHL 5 (no options), DF set and TTL 64,
 * like a Linux host with path MTU discovery. The decoder accepts options (it
 * skips them) but not fragments: nothing in the model fragments, so a fragment
 * can only be forged, and a reason is more useful than a half reassembly.
 */

import { allocBytes } from "../encoding/index.js";
import { type Ipv4Address, formatIpv4, ipv4ToNumber, readIpv4, writeIpv4 } from "./address.js";
import { internetChecksum } from "./checksum.js";
import { ipDefaultTtl, ipv4HeaderBytes, ipv4MaxPacketBytes } from "./constants.js";
import { type Decoded, checkField, decoded, hex16, rejected } from "./decoded.js";

/** An IPv4 packet: the header fields the model uses and the payload. */
export interface Ipv4Packet {
  /** Source address. */
  readonly src: Ipv4Address;
  /** Destination address. */
  readonly dst: Ipv4Address;
  /** IANA protocol number of the payload: 6 TCP, 17 UDP, 50 ESP. */
  readonly protocol: number;
  /** Identification: a per-host counter (RFC 6864 lets it be anything with DF set). */
  readonly identification: number;
  /** Time to live. */
  readonly ttl: number;
  /** The Don't Fragment flag. */
  readonly dontFragment: boolean;
  /** The bytes after the header, up to the total length. */
  readonly payload: Uint8Array;
}

/** What `encodeIpv4` needs; TTL and DF default to a Linux host's. */
export type Ipv4PacketInit = Omit<Ipv4Packet, "ttl" | "dontFragment"> &
  Partial<Pick<Ipv4Packet, "ttl" | "dontFragment">>;

const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAGMENT_OFFSET_MASK = 0x1fff;

/**
 * Encodes a packet: a 20-byte header with a correct header checksum, then the payload.
 *
 * @example
 * encodeIpv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, identification: 1, payload })
 */
export function encodeIpv4(packet: Ipv4PacketInit): Uint8Array {
  const totalLength = ipv4HeaderBytes + packet.payload.length;
  if (totalLength > ipv4MaxPacketBytes) {
    throw new RangeError(`"payload" expected at most ${ipv4MaxPacketBytes - ipv4HeaderBytes} bytes, got ${packet.payload.length}`);
  }
  const ttl = packet.ttl ?? ipDefaultTtl;
  checkField("protocol", packet.protocol, 255);
  checkField("identification", packet.identification, 0xffff);
  checkField("ttl", ttl, 255);
  const out = allocBytes(totalLength);
  out[0] = 0x45; // version 4, IHL 5 words
  out[1] = 0; // DSCP/ECN: best effort
  out[2] = totalLength >>> 8;
  out[3] = totalLength & 0xff;
  out[4] = packet.identification >>> 8;
  out[5] = packet.identification & 0xff;
  out[6] = (packet.dontFragment ?? true) ? FLAG_DF >>> 8 : 0;
  out[7] = 0;
  out[8] = ttl;
  out[9] = packet.protocol;
  writeIpv4(out, 12, ipv4ToNumber(packet.src, "src"));
  writeIpv4(out, 16, ipv4ToNumber(packet.dst, "dst"));
  const checksum = internetChecksum(out.subarray(0, ipv4HeaderBytes));
  out[10] = checksum >>> 8;
  out[11] = checksum & 0xff;
  out.set(packet.payload, ipv4HeaderBytes);
  return out;
}

/**
 * Decodes a packet, checking version, lengths and the header checksum. Bytes
 * past the total length (link padding) are ignored; the payload is a view into
 * `bytes`, not a copy.
 */
export function decodeIpv4(bytes: Uint8Array): Decoded<Ipv4Packet> {
  if (bytes.length < ipv4HeaderBytes) {
    return rejected(`truncated IPv4 header: ${bytes.length} bytes, need ${ipv4HeaderBytes}`);
  }
  const version = bytes[0]! >>> 4;
  if (version !== 4) return rejected(`not IPv4: version ${version}`);
  const headerBytes = (bytes[0]! & 0x0f) * 4;
  if (headerBytes < ipv4HeaderBytes) return rejected(`bad IPv4 IHL: ${headerBytes / 4} words, at least 5`);
  if (bytes.length < headerBytes) {
    return rejected(`truncated IPv4 header: ${bytes.length} bytes, IHL says ${headerBytes}`);
  }
  const totalLength = (bytes[2]! << 8) | bytes[3]!;
  if (totalLength < headerBytes) {
    return rejected(`bad IPv4 total length: ${totalLength}, shorter than the ${headerBytes}-byte header`);
  }
  if (totalLength > bytes.length) {
    return rejected(`truncated IPv4 packet: total length ${totalLength}, got ${bytes.length} bytes`);
  }
  const sum = internetChecksum(bytes.subarray(0, headerBytes));
  if (sum !== 0) {
    return rejected(`bad IPv4 header checksum ${hex16((bytes[10]! << 8) | bytes[11]!)}`);
  }
  const flagsAndOffset = (bytes[6]! << 8) | bytes[7]!;
  if ((flagsAndOffset & FLAG_MF) !== 0 || (flagsAndOffset & FRAGMENT_OFFSET_MASK) !== 0) {
    return rejected(`IPv4 fragments are not supported (offset ${(flagsAndOffset & FRAGMENT_OFFSET_MASK) * 8})`);
  }
  return decoded({
    src: formatIpv4(readIpv4(bytes, 12)),
    dst: formatIpv4(readIpv4(bytes, 16)),
    protocol: bytes[9]!,
    identification: (bytes[4]! << 8) | bytes[5]!,
    ttl: bytes[8]!,
    dontFragment: (flagsAndOffset & FLAG_DF) !== 0,
    payload: bytes.subarray(headerBytes, totalLength),
  });
}

/**
 * The destination address of an encoded packet without a full decode (the
 * fabric routes on it), or undefined if the bytes are too short to hold one.
 */
export function peekIpv4Destination(bytes: Uint8Array): Ipv4Address | undefined {
  return bytes.length >= ipv4HeaderBytes ? formatIpv4(readIpv4(bytes, 16)) : undefined;
}
