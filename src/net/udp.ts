/**
 * The UDP header (RFC 768), as pure functions.
 *
 * The checksum is always computed, over the IPv4 pseudo-header, the header and
 * the payload, so tshark with checksum validation on finds nothing to flag. A
 * computed 0 goes on the wire as 0xffff, since 0 means "no checksum" (which the
 * decoder accepts, as IPv4 allows).
 */

import { allocBytes } from "../encoding/index.js";
import { type Ipv4Address, ipv4ToNumber, parseIpv4 } from "./address.js";
import { internetChecksum, pseudoHeaderSum } from "./checksum.js";
import { IpProtocol, ipv4MaxPacketBytes, ipv4HeaderBytes, udpHeaderBytes } from "./constants.js";
import { type Decoded, checkField, decoded, hex16, rejected } from "./decoded.js";

/** A UDP datagram: ports and payload. Addresses live in the IPv4 header around it. */
export interface UdpDatagram {
  /** Source port (0-65535). */
  readonly srcPort: number;
  /** Destination port (0-65535). */
  readonly dstPort: number;
  /** The application bytes. */
  readonly payload: Uint8Array;
}

/** The largest UDP payload that still fits an IPv4 packet. */
export const udpMaxPayloadBytes = ipv4MaxPacketBytes - ipv4HeaderBytes - udpHeaderBytes;

/**
 * Encodes a datagram between `src` and `dst` (the pseudo-header's addresses).
 *
 * @example
 * encodeUdp({ srcPort: 7946, dstPort: 7946, payload }, "10.0.0.1", "10.0.0.2")
 */
export function encodeUdp(datagram: UdpDatagram, src: Ipv4Address, dst: Ipv4Address): Uint8Array {
  checkField("srcPort", datagram.srcPort, 0xffff);
  checkField("dstPort", datagram.dstPort, 0xffff);
  if (datagram.payload.length > udpMaxPayloadBytes) {
    throw new RangeError(`"payload" expected at most ${udpMaxPayloadBytes} bytes, got ${datagram.payload.length}`);
  }
  const length = udpHeaderBytes + datagram.payload.length;
  const out = allocBytes(length);
  out[0] = datagram.srcPort >>> 8;
  out[1] = datagram.srcPort & 0xff;
  out[2] = datagram.dstPort >>> 8;
  out[3] = datagram.dstPort & 0xff;
  out[4] = length >>> 8;
  out[5] = length & 0xff;
  out.set(datagram.payload, udpHeaderBytes);
  const pseudo = pseudoHeaderSum(ipv4ToNumber(src, "src"), ipv4ToNumber(dst, "dst"), IpProtocol.udp, length);
  const checksum = internetChecksum(out, pseudo) || 0xffff;
  out[6] = checksum >>> 8;
  out[7] = checksum & 0xff;
  return out;
}

/**
 * Decodes a datagram that arrived from `src` to `dst`, checking the length field
 * and, unless it is 0, the checksum. Bytes past the UDP length are ignored; the
 * payload is a view into `bytes`.
 */
export function decodeUdp(bytes: Uint8Array, src: Ipv4Address, dst: Ipv4Address): Decoded<UdpDatagram> {
  if (bytes.length < udpHeaderBytes) {
    return rejected(`truncated UDP header: ${bytes.length} bytes, need ${udpHeaderBytes}`);
  }
  const length = (bytes[4]! << 8) | bytes[5]!;
  if (length < udpHeaderBytes) return rejected(`bad UDP length ${length}, shorter than the header`);
  if (length > bytes.length) return rejected(`truncated UDP datagram: length ${length}, got ${bytes.length} bytes`);
  const checksum = (bytes[6]! << 8) | bytes[7]!;
  if (checksum !== 0) {
    const srcNumber = parseIpv4(src);
    const dstNumber = parseIpv4(dst);
    if (!srcNumber.ok) return rejected(srcNumber.reason);
    if (!dstNumber.ok) return rejected(dstNumber.reason);
    const pseudo = pseudoHeaderSum(srcNumber.value, dstNumber.value, IpProtocol.udp, length);
    if (internetChecksum(bytes.subarray(0, length), pseudo) !== 0) return rejected(`bad UDP checksum ${hex16(checksum)}`);
  }
  return decoded({
    srcPort: (bytes[0]! << 8) | bytes[1]!,
    dstPort: (bytes[2]! << 8) | bytes[3]!,
    payload: bytes.subarray(udpHeaderBytes, length),
  });
}
