/**
 * Ethernet MAC addresses as Go's net package writes and reads them: the
 * overlay driver stores them in `overlay_peer_table` with
 * net.HardwareAddr.String() and reads them back with net.ParseMAC, and the
 * inner Ethernet frames of VXLAN carry them as six bytes.
 */

import type { Decoded } from "./decoded.js";

/** The bytes of a MAC address. */
export const macBytes = 6;

/** A MAC address as net.HardwareAddr prints it: six lowercase hex pairs joined by colons, `"02:42:0a:00:01:03"`. */
export type MacAddress = string;

/**
 * Six bytes as net.HardwareAddr.String() prints them, the one spelling an
 * address has here (so it can key a map).
 *
 * @example
 * ```ts
 * formatMac(new Uint8Array([2, 0x42, 10, 0, 1, 3])); // "02:42:0a:00:01:03"
 * ```
 */
export function formatMac(bytes: Uint8Array): MacAddress {
  if (!(bytes instanceof Uint8Array) || bytes.length !== macBytes) {
    const got = bytes instanceof Uint8Array ? `length=${bytes.length}` : `type=${bytes === null ? "null" : typeof bytes}`;
    throw new RangeError(`"bytes" expected Uint8Array of length ${macBytes}, got ${got}`);
  }
  let text = "";
  for (let i = 0; i < macBytes; i++) text += (i === 0 ? "" : ":") + bytes[i]!.toString(16).padStart(2, "0");
  return text;
}

const macText = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(?:\1[0-9a-fA-F]{2}){4}$/;

/**
 * A 6-byte MAC in the colon or hyphen form net.ParseMAC accepts (either
 * case), refused with Go's error text. net.ParseMAC also takes the dotted form and 8- and 20-byte
 * addresses; no Docker host writes those, and they are refused here.
 *
 * @example
 * ```ts
 * parseMac("02:42:0A:00:01:03"); // { ok: true, value: Uint8Array [2, 66, 10, 0, 1, 3] }
 * parseMac("02:42-0a:00:01:03"); // { ok: false, reason: ... } (mixed separators)
 * ```
 */
export function parseMac(text: string): Decoded<Uint8Array> {
  if (typeof text !== "string" || !macText.test(text)) {
    // net.AddrError's text, as Go prints ParseMAC's error.
    return { ok: false, reason: `address ${String(text)}: invalid MAC address` };
  }
  return { ok: true, value: Uint8Array.from(text.split(/[:-]/), (pair) => Number.parseInt(pair, 16)) };
}
