/**
 * What an underlay packet carries, as far as its outer headers say: ESP,
 * cleartext VXLAN, gossip, swarm's control plane, or something else. Pure
 * functions over the packet's bytes, shared by everything that watches the
 * wire (the wire census, the eavesdropper), so they class packets alike.
 */

import { IpProtocol } from "./constants.js";

/** The paths packets are classed into. */
export const wirePaths = ["esp", "vxlan", "gossip", "control", "other"] as const;
/** What a packet carries, as far as its headers say. */
export type WirePath = (typeof wirePaths)[number];

/** UDP 4789: VXLAN (IANA); 7946: memberlist (UDP and TCP); TCP 2377: swarm's control plane. */
const vxlanPort = 4789;
const gossipPort = 7946;
const controlPort = 2377;

/**
 * The path of one IPv4 packet, from its protocol and ports (either end's
 * port counts, so replies are classed with requests). Never throws: bytes
 * too short for the headers they claim are `"other"`.
 *
 * @example
 * ```ts
 * wirePathOf(encodeIpv4({ src, dst, protocol: IpProtocol.esp, identification: 1, payload })); // "esp"
 * ```
 */
export function wirePathOf(packet: Uint8Array): WirePath {
  if (packet.length < 20) return "other";
  const protocol = packet[9]!;
  if (protocol === IpProtocol.esp) return "esp";
  const headerBytes = (packet[0]! & 0x0f) * 4;
  if (packet.length < headerBytes + 4) return "other";
  const src = (packet[headerBytes]! << 8) | packet[headerBytes + 1]!;
  const dst = (packet[headerBytes + 2]! << 8) | packet[headerBytes + 3]!;
  const either = (port: number) => src === port || dst === port;
  if (protocol === IpProtocol.udp && either(vxlanPort)) return "vxlan";
  if (either(gossipPort)) return "gossip";
  if (protocol === IpProtocol.tcp && either(controlPort)) return "control";
  return "other";
}

/**
 * Where `needle` first occurs in `haystack`, or -1 (0 for an empty needle).
 *
 * @example
 * ```ts
 * indexOfBytes(new TextEncoder().encode("a Welcome"), new TextEncoder().encode("Welcome")); // 2
 * ```
 */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  outer: for (let i = haystack.indexOf(first); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
