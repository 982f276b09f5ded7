/**
 * Bit-flip injection: the attacker re-sends captured packets with one bit
 * changed, at a position drawn from a seeded stream of its own. The IPv4
 * header is left alone (its checksum still holds), so each copy is routed
 * and delivered; what the receiving stack then sees depends on where the bit
 * fell and on the `region` chosen:
 *
 * - `"ip-payload"` (default): any bit past the IPv4 header, nothing else
 *   changed, as line noise or a careless attacker would. UDP (gossip,
 *   VXLAN) and TCP (control plane, gossip streams) carry a checksum over
 *   their header and payload, so the host drops the copy as `malformed`
 *   ("bad UDP checksum", "bad TCP checksum") before any protocol sees it
 *   (one exception: a flip that leaves the UDP checksum field 0, "no
 *   checksum", lets the unchanged payload through).
 *   ESP has no checksum of its own: a flipped SPI finds no SA
 *   (`unknown-spi`); any other bit fails the ICV (`bad-icv`: the sequence
 *   number is part of the AAD), unless the SA's anti-replay window refuses
 *   the sequence number first (`replay`).
 * - `"transport-payload"`: a bit past the UDP or TCP header (for ESP, any
 *   bit past the IPv4 header), and the UDP or TCP checksum recomputed, as an
 *   attacker on the path can: a checksum is not authentication. Gossip over
 *   UDP then reaches memberlist, which finds that no key opens the frame
 *   (`no-key`), or, for a flip in the version byte, an unsupported version
 *   (`unknown-version`); the copy of a version 1 envelope whose version bit
 *   flips to 0 is read as version 0 and still no key opens it. A TCP copy
 *   carries sequence numbers its stream has passed and is discarded as a
 *   duplicate before TLS sees it (a TLS MAC failure would take a change to
 *   a segment in flight, which this module does not model). Cleartext VXLAN
 *   reaches the container's stack, whose own checksums catch the change.
 *   Packets with no transport payload (a bare TCP ack) are skipped.
 *
 * No node crashes on any of these: every layer answers hostile bytes with a
 * drop reason, counted and traced.
 */

import { IpProtocol, internetChecksum, pseudoHeaderSum, udpHeaderBytes } from "../net/index.js";
import type { Rng } from "../sim/index.js";
import type { Capture } from "./capture.js";
import { type InjectionReport, type Injected, type Injector, reportOf } from "./injector.js";
import { type PacketSelection, selectPackets } from "./selection.js";

/** Where the flipped bit may fall (see the module's notes). */
export type FlipRegion = "ip-payload" | "transport-payload";

/**
 * Which captured packets to re-send flipped, and where the bit may fall.
 *
 * @example
 * ```ts
 * const selection: BitFlipSelection = { path: "gossip", to: "w1", transport: "udp", region: "transport-payload" };
 * ```
 */
export interface BitFlipSelection extends PacketSelection {
  /** Default `"ip-payload"`. */
  readonly region?: FlipRegion;
}

/** One flipped copy. */
export interface BitFlip {
  /** The packet with the bit flipped (and, in `"transport-payload"`, its UDP or TCP checksum made good again). */
  readonly bytes: Uint8Array;
  /** The byte changed, from the start of the IPv4 header. */
  readonly byte: number;
  /** The bit flipped in it: 0x80 is the byte's first bit on the wire, 0x01 its last. */
  readonly mask: number;
}

/**
 * A copy of `packet` with one bit of `region` flipped, the bit drawn
 * uniformly from `rng`; undefined when the region holds no bit (the packet
 * is too short, or, in `"transport-payload"`, carries no payload). Never
 * throws on the packet's bytes; `packet` itself is not changed.
 *
 * @example
 * ```ts
 * const flipped = flipBit(eve.packets[7]!.bytes, sim.rng.fork("adversary").fork("demo"));
 * // flipped.bytes differs from the original in bit `flipped.mask` of byte `flipped.byte` only
 * ```
 */
export function flipBit(packet: Uint8Array, rng: Rng, region: FlipRegion = "ip-payload"): BitFlip | undefined {
  if (region !== "ip-payload" && region !== "transport-payload") {
    throw new RangeError(`"region" expected "ip-payload" or "transport-payload", got ${JSON.stringify(region)}`);
  }
  const span = flipSpan(packet, region);
  if (span === undefined) return undefined;
  const bit = rng.int(span.from * 8, span.to * 8 - 1);
  const bytes = packet.slice();
  const byte = bit >>> 3;
  const mask = 0x80 >>> (bit & 7);
  bytes[byte]! ^= mask;
  if (region === "transport-payload") fixChecksum(bytes);
  return { bytes, byte, mask };
}

/**
 * Re-sends the captured packets `selection` names, now, oldest first, each
 * with one bit flipped (see `flipBit`), from `attacker`'s host. The bits
 * come from a stream of this attack's own (`attacker.attackStream("bit-flip")`).
 * Each copy is traced as `adversary.inject` with `how: "bit-flip"`, its byte and mask.
 *
 * @example
 * ```ts
 * const report = injectBitFlips(attacker, eve, { path: "gossip", to: "w1", last: 20, region: "transport-payload" });
 * report.injected[0]; // { packet: 812, path: "gossip", to: "w1", byte: 57, mask: 0x04 }
 * ```
 */
export function injectBitFlips(attacker: Injector, capture: Capture, selection: BitFlipSelection): InjectionReport {
  const chosen = selectPackets(capture.packets, selection, attacker.name);
  const rng = attacker.attackStream("bit-flip");
  const injected: Injected[] = [];
  let skipped = 0;
  for (const packet of chosen) {
    const flipped = flipBit(packet.bytes, rng, selection.region ?? "ip-payload");
    if (flipped === undefined) skipped++;
    else injected.push(attacker.inject("bit-flip", packet, flipped.bytes, { byte: flipped.byte, mask: flipped.mask }));
  }
  return reportOf("bit-flip", injected, skipped);
}

/** The bytes `[from, to)` a flip may touch, or undefined if there are none. */
function flipSpan(packet: Uint8Array, region: FlipRegion): { from: number; to: number } | undefined {
  if (packet.length < 20 || packet[0]! >>> 4 !== 4) return undefined;
  const ipHeader = (packet[0]! & 0x0f) * 4;
  let from = ipHeader;
  if (region === "transport-payload") {
    const protocol = packet[9]!;
    if (protocol === IpProtocol.udp) from = ipHeader + udpHeaderBytes;
    else if (protocol === IpProtocol.tcp) from = packet.length > ipHeader + 12 ? ipHeader + (packet[ipHeader + 12]! >>> 4) * 4 : packet.length;
  }
  return from < packet.length ? { from, to: packet.length } : undefined;
}

/** Makes the UDP or TCP checksum of `packet` good again (UDP's 0, "no checksum", stays 0). */
function fixChecksum(packet: Uint8Array): void {
  const ipHeader = (packet[0]! & 0x0f) * 4;
  const protocol = packet[9]!;
  const at = protocol === IpProtocol.udp ? ipHeader + 6 : protocol === IpProtocol.tcp ? ipHeader + 16 : -1;
  if (at < 0 || at + 2 > packet.length) return;
  if (protocol === IpProtocol.udp && packet[at] === 0 && packet[at + 1] === 0) return;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const segment = packet.subarray(ipHeader);
  packet[at] = 0;
  packet[at + 1] = 0;
  const pseudo = pseudoHeaderSum(view.getUint32(12), view.getUint32(16), protocol, segment.length);
  // RFC 768: a computed UDP checksum of 0 is sent as all ones (0 means none).
  const sum = internetChecksum(segment, pseudo) || (protocol === IpProtocol.udp ? 0xffff : 0);
  view.setUint16(at, sum);
}
