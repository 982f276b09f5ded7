/**
 * Which interface a destination is on: the subnet test a container's routing
 * table makes (one connected route per overlay network).
 */

import { type Ipv4Address, parseIpv4 } from "../net/index.js";

/** The network mask of a prefix length, as an unsigned 32-bit number. */
function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

/**
 * True if `ip` is in the subnet of `address/prefixLength`. An address that
 * does not parse is in no subnet.
 *
 * @example
 * inSubnet("10.0.1.7", "10.0.1.3", 24) // true
 * inSubnet("10.0.2.7", "10.0.1.3", 24) // false
 */
export function inSubnet(ip: Ipv4Address, address: Ipv4Address, prefixLength: number): boolean {
  if (!Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32) {
    throw new RangeError(`"prefixLength" expected a whole number from 0 to 32, got ${prefixLength}`);
  }
  const a = parseIpv4(ip);
  const b = parseIpv4(address);
  if (!a.ok || !b.ok) return false;
  const mask = maskOf(prefixLength);
  return ((a.value & mask) >>> 0) === ((b.value & mask) >>> 0);
}

/** True for 127.0.0.0/8, the loopback network (RFC 1122 §3.2.1.3). */
export function isLoopback(ip: Ipv4Address): boolean {
  return inSubnet(ip, "127.0.0.1", 8);
}
