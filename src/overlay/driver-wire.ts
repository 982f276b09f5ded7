/**
 * The overlay driver's pure helpers between a container's IPv4 packet and
 * the wire: the VXLAN source port Linux derives from the inner flow, the
 * inner addresses, and the subnet text of a network.
 */

import { fnv1a32 } from "../crypto/index.js";
import { type Ipv4Address, IpProtocol, ephemeralPortFirst, ephemeralPortLast, formatIpv4, ipv4HeaderBytes, parseIpv4 } from "../net/index.js";

/**
 * The UDP source port of a VXLAN datagram carrying `packet`: Linux's vxlan
 * driver hashes the inner flow and scales the hash into the local port range
 * (udp_flow_src_port: `(hash * (max - min)) >> 32) + min`, 32768..60999), so
 * that one flow keeps one port and ECMP spreads flows. The kernel's flow
 * hash is keyed with a boot-time random seed; here it is FNV-1a over the
 * 5-tuple (addresses, protocol, and TCP/UDP ports when present), so the same
 * flow gets the same port in every run.
 *
 * @example
 * ```ts
 * vxlanSourcePort(tcpSyn); // e.g. 47113, the same for every segment of that connection
 * ```
 */
export function vxlanSourcePort(packet: Uint8Array): number {
  const tuple = new Uint8Array(13);
  if (packet.length >= ipv4HeaderBytes) {
    tuple.set(packet.subarray(12, 20), 0);
    const protocol = packet[9]!;
    tuple[8] = protocol;
    const headerBytes = (packet[0]! & 0x0f) * 4;
    if ((protocol === IpProtocol.tcp || protocol === IpProtocol.udp) && packet.length >= headerBytes + 4) {
      tuple.set(packet.subarray(headerBytes, headerBytes + 4), 9);
    }
  }
  const hash = fnv1a32(tuple);
  const span = ephemeralPortLast - ephemeralPortFirst;
  return Math.floor((hash * span) / 2 ** 32) + ephemeralPortFirst;
}

/**
 * The destination address of an IPv4 packet if its header holds (version 4,
 * a header of at least 20 bytes, a total length the bytes cover), else the
 * reason. The header checksum is the container stack's business and not
 * checked here: a bridge does not check it either.
 */
export function innerDestination(packet: Uint8Array): { readonly ok: true; readonly dst: Ipv4Address } | { readonly ok: false; readonly reason: string } {
  if (packet.length < ipv4HeaderBytes) return { ok: false, reason: `inner packet of ${packet.length} bytes cannot hold an IPv4 header` };
  if (packet[0]! >>> 4 !== 4) return { ok: false, reason: `inner packet is not IPv4: version ${packet[0]! >>> 4}` };
  const totalLength = (packet[2]! << 8) | packet[3]!;
  if ((packet[0]! & 0x0f) < 5 || totalLength > packet.length) {
    return { ok: false, reason: `inner IPv4 header does not hold: IHL ${packet[0]! & 0x0f}, total length ${totalLength} of ${packet.length} bytes` };
  }
  const dst = ((packet[16]! << 24) | (packet[17]! << 16) | (packet[18]! << 8) | packet[19]!) >>> 0;
  return { ok: true, dst: formatIpv4(dst) };
}

/** A network's subnet, `a.b.c.d/n`, as numbers. */
export interface OverlaySubnet {
  /** The network address, host bits cleared. */
  readonly base: number;
  readonly prefixLength: number;
}

/**
 * Reads a subnet such as `"10.0.1.0/24"`; throws a RangeError naming the
 * argument when it is not one (a programming mistake: the control plane
 * allocated it).
 */
export function parseOverlaySubnet(name: string, text: string): OverlaySubnet {
  const slash = text.indexOf("/");
  const address = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  const bits = slash < 0 ? Number.NaN : Number(text.slice(slash + 1));
  if (!address.ok || !Number.isInteger(bits) || bits < 0 || bits > 32 || !/^\d+$/.test(text.slice(slash + 1))) {
    throw new RangeError(`"${name}" expected a subnet a.b.c.d/n, got ${JSON.stringify(text)}`);
  }
  const mask = bits === 0 ? 0 : (0xffff_ffff << (32 - bits)) >>> 0;
  return { base: (address.value & mask) >>> 0, prefixLength: bits };
}

/** Whether `address` lies in `subnet`. */
export function subnetContains(subnet: OverlaySubnet, address: Ipv4Address): boolean {
  const parsed = parseIpv4(address);
  if (!parsed.ok) return false;
  const mask = subnet.prefixLength === 0 ? 0 : (0xffff_ffff << (32 - subnet.prefixLength)) >>> 0;
  return ((parsed.value & mask) >>> 0) === subnet.base;
}
