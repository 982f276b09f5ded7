/**
 * One underlay packet as an eavesdropper sees it: its path (what its outer
 * headers say it carries), its length, and whether its payload is readable.
 * ESP and gossip are always ciphertext in a swarm; the control plane is TLS,
 * whose handshake (TLS 1.1, as node-forge speaks it) is readable and whose
 * application data is not; cleartext VXLAN shows the container's bytes.
 * Pure functions over the packet's bytes: nothing here throws on odd bytes.
 */

import { IpProtocol, type WirePath, describeTcpFlags, wirePathOf } from "../net/index.js";
import { clip } from "./text-table.js";

/** A packet as the capture keeps it. */
export interface CapturedPacket {
  /** When it was put on the wire. */
  readonly at: number;
  /** Its place in the order packets were put on the wire. */
  readonly order: number;
  /** The sending and receiving machines' names. */
  readonly src: string;
  readonly dst: string;
  /** Its length on the wire. */
  readonly length: number;
  /** Its bytes (the whole IPv4 packet, or the first bytes of a long one). */
  readonly bytes: Uint8Array;
}

/** What the payload of a packet reveals. */
export interface PacketReading {
  readonly path: WirePath;
  /** `ciphertext`, `plaintext`, or `no payload`. */
  readonly verdict: "ciphertext" | "plaintext" | "no payload";
  /** The header fields or excerpt an eavesdropper reads: `SPI 0x... seq 12`, `"GET / HTTP/1.1"`. */
  readonly detail: string;
}

// TLS record content types (RFC 4346 §6.2.1).
const tlsRecordTypes: Readonly<Record<number, string>> = { 20: "ChangeCipherSpec", 21: "alert", 22: "handshake", 23: "application data" };
const vxlanHeaderBytes = 8;
const ethernetHeaderBytes = 14;

/**
 * Reads a packet as an eavesdropper would.
 *
 * @example
 * ```ts
 * readPacket(espPacketBytes); // { path: "esp", verdict: "ciphertext", detail: "SPI 0x1a2b3c4d seq 7" }
 * ```
 */
export function readPacket(bytes: Uint8Array): PacketReading {
  const path = wirePathOf(bytes);
  const ipHeader = bytes.length >= 20 ? (bytes[0]! & 0x0f) * 4 : bytes.length;
  const protocol = bytes[9] ?? 0;
  if (protocol === IpProtocol.esp) return { path, verdict: "ciphertext", detail: espDetail(bytes.subarray(ipHeader)) };
  const transport = transportOf(bytes, ipHeader, protocol);
  const payload = bytes.subarray(transport.payloadAt);
  if (payload.length === 0) return { path, verdict: "no payload", detail: transport.flags === undefined ? "" : `TCP ${transport.flags}` };
  switch (path) {
    case "gossip":
      // Every memberlist frame of a swarm is sealed under the keyring's primary (version-1 envelope).
      return { path, verdict: "ciphertext", detail: `memberlist AES-GCM ${hexExcerpt(payload, 8)}` };
    case "control":
      return tlsReading(payload);
    case "vxlan":
      return { path, verdict: "plaintext", detail: `VNI ${vniOf(payload)} ${asciiExcerpt(innerPayload(payload))}` };
    default:
      return printableShare(payload) >= 0.8 ? { path, verdict: "plaintext", detail: asciiExcerpt(payload) } : { path, verdict: "ciphertext", detail: hexExcerpt(payload, 8) };
  }
}

function espDetail(esp: Uint8Array): string {
  if (esp.length < 8) return "truncated ESP header";
  const spi = ((esp[0]! << 24) | (esp[1]! << 16) | (esp[2]! << 8) | esp[3]!) >>> 0;
  const seq = ((esp[4]! << 24) | (esp[5]! << 16) | (esp[6]! << 8) | esp[7]!) >>> 0;
  return `SPI 0x${spi.toString(16).padStart(8, "0")} seq ${seq}`;
}

function transportOf(bytes: Uint8Array, ipHeader: number, protocol: number): { payloadAt: number; flags?: string } {
  if (protocol === IpProtocol.udp) return { payloadAt: Math.min(bytes.length, ipHeader + 8) };
  if (protocol !== IpProtocol.tcp || bytes.length < ipHeader + 20) return { payloadAt: Math.min(bytes.length, ipHeader) };
  const dataOffset = (bytes[ipHeader + 12]! >>> 4) * 4;
  return { payloadAt: Math.min(bytes.length, ipHeader + dataOffset), flags: describeTcpFlags(bytes[ipHeader + 13]!) };
}

function tlsReading(payload: Uint8Array): PacketReading {
  const type = tlsRecordTypes[payload[0]!];
  const isRecord = type !== undefined && payload[1] === 3 && payload.length >= 5;
  if (!isRecord) return { path: "control", verdict: "ciphertext", detail: `TLS record continued ${hexExcerpt(payload, 8)}` };
  if (payload[0] === 23) return { path: "control", verdict: "ciphertext", detail: `TLS ${type} ${hexExcerpt(payload.subarray(5), 8)}` };
  // The handshake crosses in clear: hellos, and the certificates with the node ID and role.
  return { path: "control", verdict: "plaintext", detail: `TLS ${type} ${readableStrings(payload.subarray(5))}`.trimEnd() };
}

function vniOf(vxlan: Uint8Array): number {
  return vxlan.length < vxlanHeaderBytes ? 0 : (vxlan[4]! << 16) | (vxlan[5]! << 8) | vxlan[6]!;
}

/** The inner packet's payload: past VXLAN, Ethernet, the inner IPv4 header and its TCP or UDP header. */
function innerPayload(vxlan: Uint8Array): Uint8Array {
  const inner = vxlan.subarray(vxlanHeaderBytes + ethernetHeaderBytes);
  if (inner.length < 20) return inner;
  const ipHeader = (inner[0]! & 0x0f) * 4;
  return inner.subarray(transportOf(inner, ipHeader, inner[9]!).payloadAt);
}

function hexExcerpt(bytes: Uint8Array, count: number): string {
  const shown = [...bytes.subarray(0, count)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  return bytes.length > count ? `${shown} …` : shown;
}

const printable = (b: number) => b >= 0x20 && b < 0x7f;

function printableShare(bytes: Uint8Array): number {
  let n = 0;
  for (const b of bytes) if (printable(b)) n++;
  return bytes.length === 0 ? 0 : n / bytes.length;
}

/** The bytes as text, unprintable ones as dots, quoted and clipped. */
function asciiExcerpt(bytes: Uint8Array): string {
  if (bytes.length === 0) return "(headers only)";
  const text = String.fromCharCode(...bytes.subarray(0, 48)).replace(/[^\x20-\x7e]/g, ".");
  return JSON.stringify(clip(text, 40));
}

/** Runs of 6 or more printable characters, as `strings` finds them in a handshake: names in certificates. */
function readableStrings(bytes: Uint8Array): string {
  const runs = String.fromCharCode(...bytes.subarray(0, 1500)).match(/[\x20-\x7e]{6,}/g) ?? [];
  return runs.slice(0, 3).map((r) => JSON.stringify(clip(r, 28))).join(" ");
}
