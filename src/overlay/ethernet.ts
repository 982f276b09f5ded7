/**
 * The inner Ethernet II frame a VXLAN packet carries, as pure functions:
 * destination MAC, source MAC, EtherType, payload, and no FCS (RFC 7348 §5:
 * "the original Ethernet frame ... without the FCS").
 *
 * MAC addresses are spoken the way Go's net.HardwareAddr prints them and the
 * overlay driver stores them in `overlay_peer_table` (src/net/mac.ts): six
 * lowercase hex pairs joined by colons, `"02:42:0a:00:01:03"`; a frame
 * decoded gives that spelling.
 */

import { type Decoded, type MacAddress, formatMac, macBytes, parseMac } from "../net/index.js";
import { ethernetHeaderBytes } from "./constants.js";


/** An Ethernet II frame without FCS. */
export interface EthernetFrame {
  /** Destination MAC. */
  readonly dst: MacAddress;
  /** Source MAC. */
  readonly src: MacAddress;
  /** The payload's EtherType: 0x0800 for IPv4. */
  readonly etherType: number;
  /** The bytes after the header (a view into the decoded bytes, not a copy). */
  readonly payload: Uint8Array;
}

/**
 * Encodes a frame: 14 header bytes, then the payload, no FCS.
 *
 * @example
 * ```ts
 * encodeEthernet({ dst: "02:42:0a:00:01:04", src: "02:42:0a:00:01:03", etherType: 0x0800, payload: ipv4Packet });
 * ```
 */
export function encodeEthernet(frame: EthernetFrame): Uint8Array {
  const dst = macArgument("dst", frame.dst);
  const src = macArgument("src", frame.src);
  if (!Number.isInteger(frame.etherType) || frame.etherType < 0 || frame.etherType > 0xffff) {
    throw new RangeError(`"etherType" expected a whole number from 0 to 65535, got ${frame.etherType}`);
  }
  if (!(frame.payload instanceof Uint8Array)) throw new TypeError(`"payload" expected Uint8Array, got type=${typeof frame.payload}`);
  const out = new Uint8Array(ethernetHeaderBytes + frame.payload.length);
  out.set(dst, 0);
  out.set(src, macBytes);
  out[12] = frame.etherType >>> 8;
  out[13] = frame.etherType & 0xff;
  out.set(frame.payload, ethernetHeaderBytes);
  return out;
}

/**
 * Decodes a frame. Any EtherType is accepted here; the VXLAN layer decides
 * what it carries. The payload is a view into `bytes`.
 *
 * @example
 * ```ts
 * const r = decodeEthernet(bytes);
 * if (r.ok && r.value.etherType === 0x0800) decodeIpv4(r.value.payload);
 * ```
 */
export function decodeEthernet(bytes: Uint8Array): Decoded<EthernetFrame> {
  if (bytes.length < ethernetHeaderBytes) {
    return { ok: false, reason: `truncated Ethernet header: ${bytes.length} bytes, need ${ethernetHeaderBytes}` };
  }
  const frame: EthernetFrame = {
    dst: formatMac(bytes.subarray(0, macBytes)),
    src: formatMac(bytes.subarray(macBytes, 2 * macBytes)),
    etherType: (bytes[12]! << 8) | bytes[13]!,
    payload: bytes.subarray(ethernetHeaderBytes),
  };
  return { ok: true, value: frame };
}

/** MACs already parsed: a node sends every frame between the same few endpoints. */
const parsedMacs = new Map<string, Uint8Array>();
/** Bounds the memo; past it, it starts again. */
const parsedMacsMax = 4096;

/** The bytes of a MAC argument, or a RangeError naming it. The bytes are shared: callers copy them. */
function macArgument(name: string, text: MacAddress): Uint8Array {
  const known = parsedMacs.get(text);
  if (known !== undefined) return known;
  const parsed = parseMac(text);
  if (!parsed.ok) throw new RangeError(`"${name}" ${parsed.reason}`);
  if (parsedMacs.size >= parsedMacsMax) parsedMacs.clear();
  parsedMacs.set(text, parsed.value);
  return parsed.value;
}
