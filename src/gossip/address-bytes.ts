/**
 * Addresses as memberlist carries them: a Go `net.IP` of 4 bytes for IPv4
 * (net_transport.go FinalAdvertiseAddr converts with `To4`).
 */

import { type Ipv4Address, formatIpv4, parseIpv4 } from "../net/index.js";

/**
 * The 4 bytes of a dotted IPv4 address.
 *
 * @example
 * ```ts
 * parseIpv4Bytes("10.0.0.2"); // Uint8Array [10, 0, 0, 2]
 * ```
 */
export function parseIpv4Bytes(address: Ipv4Address): Uint8Array {
  const parsed = parseIpv4(address);
  if (!parsed.ok) throw new RangeError(`"address" expected a dotted IPv4 address, got ${JSON.stringify(address)}`);
  const v = parsed.value;
  return new Uint8Array([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
}

/**
 * The dotted form of a 4-byte address from the wire, or undefined for any
 * other length (an IPv6 or malformed `net.IP`).
 *
 * @example
 * ```ts
 * formatIpv4Bytes(new Uint8Array([10, 0, 0, 2])); // "10.0.0.2"
 * ```
 */
export function formatIpv4Bytes(bytes: Uint8Array): Ipv4Address | undefined {
  if (bytes.length !== 4) return undefined;
  return formatIpv4(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0);
}
