/**
 * IPv4 addresses.
 *
 * The public API speaks dotted quads (`"10.0.0.7"`), the form every tool and
 * log prints; the wire speaks 32-bit big-endian numbers. Only the canonical
 * dotted form is accepted (no leading zeros, no shorthand), so one address has
 * exactly one spelling and can key a map.
 */

import { type Decoded, decoded, rejected } from "./decoded.js";

/** An IPv4 address as a canonical dotted quad, e.g. `"10.0.0.1"`. */
export type Ipv4Address = string;

const OCTET = /^(?:0|[1-9]\d{0,2})$/;

/**
 * Parses a canonical dotted quad to its 32-bit value (unsigned).
 *
 * @example
 * parseIpv4("10.0.0.1") // { ok: true, value: 167772161 }
 */
export function parseIpv4(text: string): Decoded<number> {
  const known = parsedIpv4.get(text);
  if (known !== undefined) return decoded(known);
  const parts = text.split(".");
  if (parts.length !== 4) return rejected(`"${text}" is not an IPv4 address: expected four dot-separated numbers`);
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part) || Number(part) > 255) {
      return rejected(`"${text}" is not an IPv4 address: "${part}" is not a number from 0 to 255`);
    }
    value = value * 256 + Number(part);
  }
  if (parsedIpv4.size >= PARSED_IPV4_LIMIT) parsedIpv4.clear();
  parsedIpv4.set(text, value);
  return decoded(value);
}

/**
 * Addresses already parsed, and their values: every segment sent and received
 * parses its two addresses, and a swarm has few of them. Only valid spellings
 * are kept; the map is emptied when it reaches its limit.
 */
const parsedIpv4 = new Map<string, number>();
const PARSED_IPV4_LIMIT = 65_536;

/** Like `parseIpv4`, but throws a RangeError naming the argument: for addresses a caller wrote. */
export function ipv4ToNumber(text: string, name = "address"): number {
  const parsed = parseIpv4(text);
  if (!parsed.ok) throw new RangeError(`"${name}" ${parsed.reason}`);
  return parsed.value;
}

/**
 * Formats a 32-bit value as a dotted quad.
 *
 * @example
 * formatIpv4(0x0a000001) // "10.0.0.1"
 */
export function formatIpv4(value: number): Ipv4Address {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`"value" expected a whole number from 0 to 2^32 - 1, got ${value}`);
  }
  return `${value >>> 24}.${(value >>> 16) & 0xff}.${(value >>> 8) & 0xff}.${value & 0xff}`;
}

/** Writes an address big-endian into `out` at `offset`. */
export function writeIpv4(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

/** Reads a big-endian address from `bytes` at `offset` (the caller checked the length). */
export function readIpv4(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}
