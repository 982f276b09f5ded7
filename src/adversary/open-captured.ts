/**
 * Opening captured packets with one network key, as an attacker holding it
 * would: really decrypting, with the same pure functions the nodes use.
 *
 * - ESP (moby drivers/overlay/encryption.go): an SA's AES key is the network
 *   key itself and its salt is the SA's own SPI, big-endian (buildAeadAlgo);
 *   the SPI is in clear in every packet, so the key alone opens every packet
 *   of every SA made from it, between any two nodes, with Docker's 8-byte ICV.
 * - gossip over UDP (memberlist security.go): a version 1 envelope
 *   `[0x01][12-byte nonce][ciphertext][16-byte tag]` with empty AAD (Docker
 *   sets no label).
 * - gossip streams (memberlist net.go): `[0x0A][uint32 length][envelope]`
 *   with those 5 bytes as AAD, read from the TCP stream put back together.
 */

import { type Aead, espIcvBytes } from "../crypto/index.js";
import { decryptPayload, decryptStreamPayload, encryptMsgType, gossipPort, streamHeaderBytes } from "../gossip/index.js";
import { IpProtocol, decodeIpv4, decodeUdp } from "../net/index.js";
import { espSaltOf, openEsp, peekEspHeader } from "../overlay/index.js";
import type { CapturedPacket } from "./capture.js";
import { type CapturedStream } from "./tcp-flows.js";

const noLabel = new Uint8Array(0);

/**
 * The protected payload of a captured ESP packet (the VXLAN datagram, in
 * Docker's transport mode) if `key` opens it, else undefined.
 *
 * @example
 * ```ts
 * const udp = openCapturedEsp(eve.packets[12]!, leaked.key, defaultAead());
 * ```
 */
export function openCapturedEsp(packet: CapturedPacket, key: Uint8Array, aead: Aead): Uint8Array | undefined {
  const ip = decodeIpv4(packet.bytes);
  if (!ip.ok || ip.value.protocol !== IpProtocol.esp) return undefined;
  const header = peekEspHeader(ip.value.payload);
  if (header === undefined) return undefined;
  const opened = openEsp({ key, salt: espSaltOf(header.spi), icvBytes: espIcvBytes }, ip.value.payload, aead);
  return opened.ok ? opened.value.payload : undefined;
}

/**
 * The message inside a captured gossip UDP packet (memberlist's compound or
 * compressed message) if `key` opens it, else undefined.
 *
 * @example
 * ```ts
 * const message = openCapturedGossip(eve.packets[3]!, leaked.key, defaultAead());
 * ```
 */
export function openCapturedGossip(packet: CapturedPacket, key: Uint8Array, aead: Aead): Uint8Array | undefined {
  const ip = decodeIpv4(packet.bytes);
  if (!ip.ok || ip.value.protocol !== IpProtocol.udp) return undefined;
  const udp = decodeUdp(ip.value.payload, ip.value.src, ip.value.dst);
  if (!udp.ok || (udp.value.srcPort !== gossipPort && udp.value.dstPort !== gossipPort)) return undefined;
  const opened = decryptPayload([key], udp.value.payload, noLabel, aead);
  return opened.ok ? opened.plaintext : undefined;
}

/** One stream message `key` opened: where it lies in the stream, and its plaintext. */
export interface OpenedStreamMessage {
  readonly start: number;
  readonly end: number;
  readonly plaintext: Uint8Array;
}

/**
 * The messages of a captured gossip stream that `key` opens. Messages sealed
 * under another key are stepped over by their length; reading stops at
 * bytes that are not an encrypted message or at a message not all captured.
 *
 * @example
 * ```ts
 * for (const stream of capturedStreams(eve.packets, gossipPort)) openStreamMessages(stream, leaked.key, aead);
 * ```
 */
export function openStreamMessages(stream: CapturedStream, key: Uint8Array, aead: Aead): OpenedStreamMessage[] {
  const opened: OpenedStreamMessage[] = [];
  const { bytes } = stream;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at + streamHeaderBytes <= bytes.length && bytes[at] === encryptMsgType) {
    const end = at + streamHeaderBytes + view.getUint32(at + 1, false);
    if (end > bytes.length) break;
    const message = decryptStreamPayload([key], bytes.subarray(at, end), aead);
    if (message.ok) opened.push({ start: at, end, plaintext: message.plaintext });
    at = end;
  }
  return opened;
}
