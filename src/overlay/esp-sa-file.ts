/**
 * Wireshark's `esp_sa` table (a UAT file of that name in a profile folder,
 * or `-o "uat:esp_sa:<line>"` on tshark's command line), so that a capture
 * of the overlay decrypts in Wireshark with `esp.enable_encryption_decode`.
 *
 * One SA per line, eight quoted, comma-separated fields, in the order of
 * packet-ipsec.c's UAT: protocol, source IP, destination IP, SPI (`0x%08x`),
 * encryption algorithm, encryption key (`0x` hex of key ‖ salt for GCM),
 * authentication algorithm (`NULL`: GCM authenticates), authentication key
 * (empty). Wireshark 4.0 reads exactly these eight; later releases that add
 * sequence-number columns warn about or ignore what is missing.
 */

import type { Ipv4Address } from "../net/index.js";
import { spiHex } from "./esp.js";

/** The GCM ICV lengths Wireshark names (RFC 4106 allows 8, 12 and 16). */
export type EspSaIcvBytes = 8 | 12 | 16;

/** One line's worth: an SA's addresses, SPI, key material and ICV length. */
export interface EspSaRecord {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly spi: number;
  /** The AES key followed by the 4-byte salt. */
  readonly keyMaterial: Uint8Array;
  readonly icvBytes: EspSaIcvBytes;
}

/**
 * Wireshark's name for AES-GCM with `icvBytes` of ICV (packet-ipsec.c
 * esp_encryption_type_vals).
 *
 * @example
 * ```ts
 * espSaAlgorithm(8); // "AES-GCM with 8 octet ICV [RFC4106]"
 * ```
 */
export function espSaAlgorithm(icvBytes: EspSaIcvBytes): string {
  if (icvBytes !== 8 && icvBytes !== 12 && icvBytes !== 16) {
    throw new RangeError(`"icvBytes" expected 8, 12 or 16, got ${String(icvBytes)}`);
  }
  return `AES-GCM with ${icvBytes} octet ICV [RFC4106]`;
}

/**
 * One `esp_sa` line for an SA.
 *
 * @example
 * ```ts
 * espSaLine({ src: "10.0.0.1", dst: "10.0.0.2", spi: 0x491dfb14, keyMaterial, icvBytes: 8 });
 * // "IPv4","10.0.0.1","10.0.0.2","0x491dfb14","AES-GCM with 8 octet ICV [RFC4106]","0x…491dfb14","NULL",""
 * ```
 */
export function espSaLine(record: EspSaRecord): string {
  if (!(record.keyMaterial instanceof Uint8Array) || ![20, 28, 36].includes(record.keyMaterial.length)) {
    throw new RangeError(`"keyMaterial" expected a 16-, 24- or 32-byte AES key and a 4-byte salt, got ${String(record.keyMaterial?.length)} bytes`);
  }
  const key = `0x${Array.from(record.keyMaterial, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  const fields = ["IPv4", record.src, record.dst, spiHex(record.spi), espSaAlgorithm(record.icvBytes), key, "NULL", ""];
  return fields.map((f) => `"${f}"`).join(",");
}

/**
 * The `esp_sa` file for a set of SAs: one line each, in the order given,
 * each (source, destination, SPI) once (the two ends of a tunnel hold the
 * same SA, one as outbound, the other as inbound), ending with a newline.
 *
 * @example
 * ```ts
 * writeFile("keys/esp_sa", espSaFile([...nodeA.associations(), ...nodeB.associations()].map(toRecord)));
 * ```
 */
export function espSaFile(records: readonly EspSaRecord[]): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const record of records) {
    const id = `${record.src}/${record.dst}/${record.spi}`;
    if (seen.has(id)) continue;
    seen.add(id);
    lines.push(espSaLine(record));
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
