/**
 * ESP in transport mode (RFC 4303) with AES-GCM (RFC 4106), as the Linux
 * kernel builds it for the `rfc4106(gcm(aes))` SAs Docker programs, as pure
 * functions over bytes.
 *
 * The packet after the outer IPv4 header (protocol 50) is
 * `SPI (4) ‖ sequence number (4) ‖ IV (8) ‖ ciphertext ‖ ICV (8 or 16)`.
 * The SA's key material is the AES key followed by a 4-byte salt; the GCM
 * nonce is salt ‖ IV (RFC 4106 §4) and the AAD is SPI ‖ sequence number
 * (§5, 32-bit sequence numbers: Docker's SAs use no ESN). The plaintext is
 * payload ‖ padding ‖ pad length ‖ next header, padded with 1, 2, 3, … to a
 * 4-byte boundary (RFC 4303 §2.4; Linux esp_output pads to ALIGN(1, 4), so
 * 0 to 3 bytes). Docker's ICV is 8 bytes; 16 is accepted for test vectors.
 *
 * Receiving follows Linux's order (xfrm_input, esp_input): the SA is found
 * by SPI, the anti-replay window (if the SA has one) is consulted before the
 * ICV, the ICV is checked, then the trailer, and only then does the window
 * move. Like esp_remove_trailer, a pad length that leaves no payload is
 * refused ("ipsec esp packet is garbage") and the padding bytes are not
 * checked ("check padding bits here. Silly."): GCM has authenticated them.
 * Hostile bytes never throw; they come back as `{ ok: false, reason }`.
 */

import { type Aead, type TagLength, espIcvBytes } from "../crypto/index.js";
import { espAlignBytes, espHeaderBytes, espIvBytes, espSaltBytes, espSeqMax, espTrailerBytes } from "./constants.js";
import type { ReplayWindow } from "./replay.js";

/** What sealing and opening need from an SA: its AES key, salt and ICV length. */
export interface EspKeys {
  /** The AES key: 16 bytes for Docker (24 and 32 are accepted, as RFC 4106 allows). */
  readonly key: Uint8Array;
  /** The salt: the last 4 bytes of the SA's key material (Docker's is the SPI, big-endian). */
  readonly salt: Uint8Array;
  /** The ICV length: 8 (Docker's `ICVLen: 64`) or 16. */
  readonly icvBytes: TagLength;
}

/** An inbound SA as `decodeEsp` sees it: its keys, and its anti-replay window if it has one. */
export interface EspInboundKeys extends EspKeys {
  /** The anti-replay window; absent for Docker's SAs (replay window 0). */
  readonly replay?: ReplayWindow;
}

/** The fields of one ESP packet besides the keys. */
export interface EspFields {
  /** Security Parameters Index (uint32). */
  readonly spi: number;
  /** Sequence number (uint32; the SA's first packet carries 1). */
  readonly seq: number;
  /** The 8-byte explicit IV (see `seqivIv` for how Linux makes it). */
  readonly iv: Uint8Array;
  /** The protected bytes: in transport mode, the UDP datagram. */
  readonly payload: Uint8Array;
  /** What the payload is, as an IP protocol number: 17 (UDP) for VXLAN. */
  readonly nextHeader: number;
}

/** A packet that opened: its header fields, payload and trailer. */
export interface EspPacket {
  readonly spi: number;
  readonly seq: number;
  readonly iv: Uint8Array;
  /** The decrypted payload, without padding and trailer. */
  readonly payload: Uint8Array;
  readonly nextHeader: number;
  /** How many padding bytes the sender added. */
  readonly padLength: number;
}

/**
 * Why a packet was dropped, with the Linux counter (/proc/net/xfrm_stat) it
 * would raise: `"too-short"` (cannot hold the header and ICV; XfrmInHdrError),
 * `"unknown-spi"` (no SA; XfrmInNoStates), `"replay"` (the window refused the
 * sequence number; XfrmInStateSeqError), `"bad-icv"` (wrong key, or altered
 * bytes; XfrmInStateProtoError), `"bad-padding"` (the trailer leaves no
 * payload; XfrmInStateProtoError).
 *
 * @example
 * ```ts
 * const r = decodeEsp(packet, (spi) => db.inboundSa(spi), aead);
 * if (!r.ok) drops.count(r.reason);
 * ```
 */
export type EspDropReason = "too-short" | "unknown-spi" | "replay" | "bad-icv" | "bad-padding";

/**
 * The outcome of opening an ESP packet: the packet, or why it was dropped
 * (with a message for the trace, and the SPI and sequence number once read).
 *
 * @example
 * ```ts
 * const r: EspResult = openEsp(sa, bytes, aead);
 * const udp = r.ok ? r.value.payload : undefined;
 * ```
 */
export type EspResult =
  | { readonly ok: true; readonly value: EspPacket }
  | { readonly ok: false; readonly reason: EspDropReason; readonly message: string; readonly spi?: number; readonly seq?: number };

/**
 * The IV Linux's seqiv generator puts in a packet (crypto/seqiv.c
 * seqiv_aead_encrypt): the 64-bit sequence number, big-endian, XORed with an
 * 8-byte salt drawn once when the SA's transform is set up (crypto/geniv.c
 * aead_init_geniv). esp_output_tail hands seqiv the sequence number as the
 * IV; without ESN its top 32 bits are 0. Unique per packet as long as the
 * sequence number does not repeat under the same key.
 *
 * @example
 * ```ts
 * const ivSalt = rng.fork("seqiv").bytes(8); // once, when the SA is added
 * seqivIv(ivSalt, 1); // ivSalt with its last byte XOR 1
 * ```
 */
export function seqivIv(ivSalt: Uint8Array, seq: number): Uint8Array {
  checkLength("ivSalt", ivSalt, espIvBytes);
  checkUint32("seq", seq);
  const iv = ivSalt.slice();
  iv[4]! ^= seq >>> 24;
  iv[5]! ^= (seq >>> 16) & 0xff;
  iv[6]! ^= (seq >>> 8) & 0xff;
  iv[7]! ^= seq & 0xff;
  return iv;
}

/**
 * How many padding bytes a payload gets: enough that payload, padding, pad
 * length and next header end on a 4-byte boundary (0 to 3).
 *
 * @example
 * ```ts
 * espPadLength(62); // 0: 62 + 2 is already a multiple of 4
 * espPadLength(60); // 2: the bytes 01 02
 * ```
 */
export function espPadLength(payloadLength: number): number {
  return (espAlignBytes - ((payloadLength + espTrailerBytes) % espAlignBytes)) % espAlignBytes;
}

/** Where `encodeEsp` builds each packet's plaintext before sealing it. */
let scratch = new Uint8Array(2048);

/**
 * Seals one ESP packet: SPI ‖ seq ‖ IV ‖ AES-GCM(payload ‖ 1, 2, … ‖ pad
 * length ‖ next header) ‖ ICV.
 *
 * @example
 * ```ts
 * const esp = encodeEsp(sa, { spi: sa.spi, seq: 1, iv: seqivIv(sa.ivSalt, 1), payload: udp, nextHeader: 17 }, aead);
 * encodeIpv4({ src, dst, protocol: IpProtocol.esp, identification, payload: esp });
 * ```
 */
export function encodeEsp(keys: EspKeys, fields: EspFields, aead: Aead): Uint8Array {
  checkKeys(keys);
  checkUint32("spi", fields.spi);
  checkUint32("seq", fields.seq);
  checkLength("iv", fields.iv, espIvBytes);
  if (!(fields.payload instanceof Uint8Array)) throw new TypeError(`"payload" expected Uint8Array, got type=${typeof fields.payload}`);
  if (!Number.isInteger(fields.nextHeader) || fields.nextHeader < 0 || fields.nextHeader > 255) {
    throw new RangeError(`"nextHeader" expected a whole number from 0 to 255, got ${fields.nextHeader}`);
  }
  const padLength = espPadLength(fields.payload.length);
  // The AEAD reads the plaintext and keeps none of it: one scratch buffer serves every packet.
  const length = fields.payload.length + padLength + espTrailerBytes;
  if (scratch.length < length) scratch = new Uint8Array(Math.max(length, 2 * scratch.length));
  const plaintext = scratch.subarray(0, length);
  plaintext.set(fields.payload);
  for (let i = 0; i < padLength; i++) plaintext[fields.payload.length + i] = i + 1;
  plaintext[plaintext.length - 2] = padLength;
  plaintext[plaintext.length - 1] = fields.nextHeader;

  const header = headerScratch;
  writeUint32(header, 0, fields.spi);
  writeUint32(header, 4, fields.seq);
  header.set(fields.iv, 8);
  const sealed = aead.seal(keys.key, nonceOf(keys.salt, fields.iv), plaintext, header.subarray(0, 8), keys.icvBytes);
  const out = new Uint8Array(espHeaderBytes + sealed.length);
  out.set(header);
  out.set(sealed, espHeaderBytes);
  return out;
}

/**
 * The SPI and sequence number of an ESP packet, read without keys: what a
 * receiver needs to find the SA. Undefined if the bytes cannot hold them.
 *
 * @example
 * ```ts
 * peekEspHeader(bytes); // { spi: 0x491dfb14, seq: 1 }
 * ```
 */
export function peekEspHeader(bytes: Uint8Array): { readonly spi: number; readonly seq: number } | undefined {
  if (bytes.length < 8) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return { spi: view.getUint32(0, false), seq: view.getUint32(4, false) };
}

/**
 * Opens an ESP packet under one SA's keys: checks the ICV, then the trailer.
 * No SA lookup and no replay check (see `decodeEsp`).
 *
 * @example
 * ```ts
 * const r = openEsp({ key, salt, icvBytes: 16 }, packet, aead);
 * ```
 */
export function openEsp(keys: EspKeys, packet: Uint8Array, aead: Aead): EspResult {
  checkKeys(keys);
  const header = peekEspHeader(packet);
  if (header === undefined) return tooShort(packet.length, 8);
  const { spi, seq } = header;
  const smallest = espHeaderBytes + keys.icvBytes;
  if (packet.length < smallest) return tooShort(packet.length, smallest, spi, seq);
  const iv = packet.slice(8, espHeaderBytes);
  const opened = aead.open(keys.key, nonceOf(keys.salt, iv), packet.subarray(espHeaderBytes), packet.subarray(0, 8), keys.icvBytes);
  if (!opened.ok) return { ok: false, reason: "bad-icv", message: `ICV does not match for SPI ${spiHex(spi)} seq ${seq} (XfrmInStateProtoError)`, spi, seq };
  const plaintext = opened.plaintext;
  // esp_remove_trailer: padlen + 2 must leave at least one payload byte.
  const padLength = plaintext.length >= espTrailerBytes ? plaintext[plaintext.length - 2]! : 0;
  if (plaintext.length < espTrailerBytes || padLength + espTrailerBytes >= plaintext.length) {
    return {
      ok: false,
      reason: "bad-padding",
      message: `ipsec esp packet is garbage: pad length ${padLength} leaves no payload in ${plaintext.length} bytes (XfrmInStateProtoError)`,
      spi,
      seq,
    };
  }
  const payload = plaintext.subarray(0, plaintext.length - espTrailerBytes - padLength);
  return { ok: true, value: { spi, seq, iv, payload, nextHeader: plaintext[plaintext.length - 1]!, padLength } };
}

/**
 * Receives an ESP packet as Linux does: the SA by SPI (`lookup`), the
 * anti-replay check if the SA has a window, the ICV, the trailer, and then
 * the window moves.
 *
 * @example
 * ```ts
 * const r = decodeEsp(ipv4.payload, (spi) => db.inboundSa(spi), aead);
 * if (r.ok && r.value.nextHeader === IpProtocol.udp) decodeVxlanDatagram(r.value.payload, ipv4.src, ipv4.dst);
 * ```
 */
export function decodeEsp(packet: Uint8Array, lookup: (spi: number) => EspInboundKeys | undefined, aead: Aead): EspResult {
  const header = peekEspHeader(packet);
  if (header === undefined) return tooShort(packet.length, 8);
  const { spi, seq } = header;
  const sa = lookup(spi);
  if (sa === undefined) return { ok: false, reason: "unknown-spi", message: `no SA for SPI ${spiHex(spi)} (XfrmInNoStates)`, spi, seq };
  const verdict = sa.replay?.check(seq);
  if (verdict !== undefined && !verdict.ok) {
    return {
      ok: false,
      reason: "replay",
      message: `sequence number ${seq} refused by the ${sa.replay!.size}-packet anti-replay window of SPI ${spiHex(spi)}: ${verdict.reason} (XfrmInStateSeqError)`,
      spi,
      seq,
    };
  }
  const opened = openEsp(sa, packet, aead);
  if (opened.ok) sa.replay?.accept(seq);
  return opened;
}

/** `0x%08x`, as `ip xfrm state` and Wireshark print SPIs. */
export function spiHex(spi: number): string {
  return `0x${spi.toString(16).padStart(8, "0")}`;
}

function tooShort(length: number, need: number, spi?: number, seq?: number): EspResult {
  const message = `ESP packet too short: ${length} bytes, need at least ${need} (XfrmInHdrError)`;
  return spi === undefined ? { ok: false, reason: "too-short", message } : { ok: false, reason: "too-short", message, spi, seq };
}

/** RFC 4106 §4: the 12-byte GCM nonce is the SA's salt followed by the packet's IV. */
/** salt ‖ IV, in a scratch buffer: the AEAD reads the nonce during the call and keeps none of it. */
function nonceOf(salt: Uint8Array, iv: Uint8Array): Uint8Array {
  const nonce = nonceScratch;
  nonce.set(salt);
  nonce.set(iv, espSaltBytes);
  return nonce;
}

const nonceScratch = new Uint8Array(espSaltBytes + espIvBytes);
const headerScratch = new Uint8Array(espHeaderBytes);

function writeUint32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

function checkKeys(keys: EspKeys): void {
  if (!(keys.key instanceof Uint8Array) || ![16, 24, 32].includes(keys.key.length)) {
    throw new RangeError(`"key" expected Uint8Array of length 16, 24 or 32, got ${describe(keys.key)}`);
  }
  checkLength("salt", keys.salt, espSaltBytes);
  if (keys.icvBytes !== espIcvBytes && keys.icvBytes !== 16) {
    throw new RangeError(`"icvBytes" expected 8 or 16, got ${String(keys.icvBytes)}`);
  }
}

function checkLength(name: string, value: Uint8Array, length: number): void {
  if (!(value instanceof Uint8Array) || value.length !== length) {
    throw new RangeError(`"${name}" expected Uint8Array of length ${length}, got ${describe(value)}`);
  }
}

function checkUint32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > espSeqMax) {
    throw new RangeError(`"${name}" expected a whole number from 0 to ${espSeqMax}, got ${value}`);
  }
}

function describe(value: unknown): string {
  return value instanceof Uint8Array ? `length=${value.length}` : `type=${value === null ? "null" : typeof value}`;
}
