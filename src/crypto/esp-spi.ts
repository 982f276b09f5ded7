/**
 * Docker's ESP SPI: nothing is negotiated, so both ends derive the same SPI
 * from the addresses and the key's tag.
 *
 * moby drivers/overlay/encryption.go (buildSPI): FNV-1a-32 over the source IP
 * in Go's 16-byte form (IPv4-mapped IPv6, ::ffff:a.b.c.d), the key tag as a
 * big-endian uint32, then the destination IP in the same form. Outbound SPI =
 * espSpi(local, tag, remote); inbound = espSpi(remote, tag, local).
 */

import { fnv1a32 } from "./fnv.js";

const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const IPV6_BYTES = 16;
const TAG_BYTES = 4;

/**
 * Writes `ip` (dotted quad) as ::ffff:a.b.c.d into `out` at `offset`. Leading
 * zeros are refused, as Go's net.ParseIP refuses them.
 */
function writeIpv4Mapped(name: string, ip: string, out: Uint8Array, offset: number): void {
  const m = typeof ip === "string" ? DOTTED_QUAD.exec(ip) : null;
  const octets = m === null ? [] : m.slice(1).map(Number);
  if (octets.length !== 4 || octets.some((o) => o > 255)) {
    throw new RangeError(`"${name}" expected an IPv4 address such as "10.0.0.1", got ${JSON.stringify(ip)}`);
  }
  out[offset + 10] = 0xff;
  out[offset + 11] = 0xff;
  out.set(octets, offset + 12);
}

/**
 * The SPI Docker gives the SA from `srcIp` to `dstIp` for the key with tag `keyTag`.
 *
 * @example
 * ```ts
 * espSpi("1.2.3.4", 1234, "5.6.7.8"); // 0x5de62c5b
 * espSpi("10.0.0.1", 0x8183, "10.0.0.2"); // 0x491dfb14, the outbound SPI of 10.0.0.1
 * ```
 */
export function espSpi(srcIp: string, keyTag: number, dstIp: string): number {
  if (!Number.isInteger(keyTag) || keyTag < 0 || keyTag > 0xffffffff) {
    throw new RangeError(`"keyTag" expected a whole number from 0 to 4294967295, got ${keyTag}`);
  }
  const input = new Uint8Array(IPV6_BYTES + TAG_BYTES + IPV6_BYTES);
  writeIpv4Mapped("srcIp", srcIp, input, 0);
  new DataView(input.buffer).setUint32(IPV6_BYTES, keyTag, false);
  writeIpv4Mapped("dstIp", dstIp, input, IPV6_BYTES + TAG_BYTES);
  return fnv1a32(input);
}
