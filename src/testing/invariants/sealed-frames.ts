/**
 * Every sealed frame of a capture, opened with the network keys the nodes
 * held (network-keys.ts), as an auditor holding every key would see it: which
 * key sealed it, under which nonce, and its sealed bytes.
 *
 * - gossip over UDP (memberlist security.go, version 1): the datagram is
 *   `[0x01][12-byte nonce][ciphertext][16-byte tag]`;
 * - gossip streams (memberlist net.go): `[0x0A][uint32 length][envelope]`,
 *   read from the TCP stream put back together;
 * - ESP (RFC 4106 as moby's encryption.go sets it up): the nonce is the SA's
 *   salt (its SPI, big-endian) and the 8-byte IV after SPI and sequence number.
 *
 * Decryption is the adversary's (open-captured.ts): the same pure functions
 * the nodes use. A frame no known key opens keeps `key: undefined`.
 */

import { type CapturedFrame, type CapturedPacket, type CapturedStream, type OpenedKind, capturedStreams, openCapturedEsp, openCapturedGossip, openStreamMessages, packetsCarrying } from "../../adversary/index.js";
import { type Aead, defaultAead } from "../../crypto/index.js";
import { encryptMsgType, gossipPort, nonceBytes, streamHeaderBytes, versionBytes } from "../../gossip/index.js";
import { IpProtocol, decodeIpv4, decodeUdp } from "../../net/index.js";
import { espIvBytes, espSaltOf, peekEspHeader, spiHex } from "../../overlay/index.js";
import { type Instant, toHex } from "../../sim/index.js";
import type { FinishedRun } from "../run.js";
import { type NetworkKey, type NetworkKeys, networkKeysOf } from "./network-keys.js";

/** How a sealed frame travelled. */
export type FrameKind = OpenedKind;

/** One sealed frame. */
export interface SealedFrame extends CapturedFrame {
  /** The key that opened it; undefined when none of the known keys did. */
  readonly key: NetworkKey | undefined;
  /** The AES-GCM nonce, hex. */
  readonly nonce: string;
  /** The sealed bytes: the gossip envelope (with its stream header) or the ESP payload from SPI to ICV. */
  readonly sealed: Uint8Array;
  /** ESP only: the SPI. */
  readonly spi?: number;
}

/** Frames by capture, then by the keys they were opened with: a run whose records were edited by hand reuses its capture's work. */
const cache = new WeakMap<readonly CapturedPacket[], Map<string, readonly SealedFrame[]>>();

/**
 * Every gossip and ESP frame of `run.capture`, opened with every key the nodes held, by first packet.
 *
 * @example
 * ```ts
 * const unopened = sealedFrames(run).filter((f) => f.key === undefined);
 * ```
 */
export function sealedFrames(run: FinishedRun, aead: Aead = defaultAead()): readonly SealedFrame[] {
  const keys = networkKeysOf(run);
  const signature = [...keys.gossip, ...keys.ipsec].map((k) => `${k.tag}:${k.hex}`).join() + [...keys.ipsecBySpi].map(([spi, k]) => `${spi}:${k.hex}`).join();
  const byKeys = cache.get(run.capture) ?? new Map<string, readonly SealedFrame[]>();
  cache.set(run.capture, byKeys);
  const known = byKeys.get(signature);
  if (known !== undefined) return known;
  const frames = [...gossipPackets(run.capture, keys.gossip, aead), ...gossipStreams(run.capture, keys.gossip, aead), ...espPackets(run.capture, keys, aead)];
  frames.sort((a, b) => a.packets[0]! - b.packets[0]!);
  byKeys.set(signature, frames);
  return frames;
}

function gossipPackets(capture: readonly CapturedPacket[], keys: readonly NetworkKey[], aead: Aead): SealedFrame[] {
  const frames: SealedFrame[] = [];
  const orders = new KeyOrders(keys);
  for (const packet of capture) {
    if (packet.path !== "gossip" || packet.bytes[9] !== IpProtocol.udp) continue;
    const ip = decodeIpv4(packet.bytes);
    if (!ip.ok) continue;
    const udp = decodeUdp(ip.value.payload, ip.value.src, ip.value.dst);
    if (!udp.ok || udp.value.payload.length < versionBytes + nonceBytes) continue;
    const envelope = udp.value.payload;
    const key = orders.firstThatOpens(packet.src, (k) => openCapturedGossip(packet, k.key, aead) !== undefined);
    frames.push({ ...origin(packet), kind: "gossip-packet", key, nonce: toHex(envelope.subarray(versionBytes, versionBytes + nonceBytes)), sealed: envelope });
  }
  return frames;
}

function gossipStreams(capture: readonly CapturedPacket[], keys: readonly NetworkKey[], aead: Aead): SealedFrame[] {
  const frames: SealedFrame[] = [];
  const orders = new KeyOrders(keys);
  for (const stream of capturedStreams(capture, gossipPort)) {
    const messages = completeMessages(stream.bytes);
    if (messages === 0) continue;
    const sender = stream.pieces[0]!.packet.src;
    const opened = new Set<number>();
    // Most streams are sealed under one key: stop as soon as every message is open.
    orders.firstThatOpens(sender, (key) => {
      for (const message of openStreamMessages(stream, key.key, aead)) {
        if (opened.has(message.start)) continue;
        opened.add(message.start);
        frames.push(streamFrame(stream, message.start, message.end, key));
      }
      return opened.size === messages;
    });
  }
  return frames;
}

function streamFrame(stream: CapturedStream, start: number, end: number, key: NetworkKey): SealedFrame {
  const carried = packetsCarrying(stream, start, end);
  const sealed = stream.bytes.subarray(start, end);
  const nonceAt = streamHeaderBytes + versionBytes;
  return { ...origin(carried[0]!), kind: "gossip-stream", packets: carried.map((p) => p.index), key, nonce: toHex(sealed.subarray(nonceAt, nonceAt + nonceBytes)), sealed };
}

/** How many whole encrypted messages a stream holds, read as `openStreamMessages` reads them. */
function completeMessages(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let count = 0;
  for (let at = 0; at + streamHeaderBytes <= bytes.length && bytes[at] === encryptMsgType; count++) {
    at += streamHeaderBytes + view.getUint32(at + 1, false);
    if (at > bytes.length) break;
  }
  return count;
}

function espPackets(capture: readonly CapturedPacket[], keys: NetworkKeys, aead: Aead): SealedFrame[] {
  const frames: SealedFrame[] = [];
  const orders = new KeyOrders(keys.ipsec);
  for (const packet of capture) {
    if (packet.path !== "esp") continue;
    const ip = decodeIpv4(packet.bytes);
    if (!ip.ok || ip.value.protocol !== IpProtocol.esp) continue;
    const header = peekEspHeader(ip.value.payload);
    if (header === undefined || ip.value.payload.length < 8 + espIvBytes) continue;
    const named = keys.ipsecBySpi.get(spiHex(header.spi));
    const opens = (k: NetworkKey) => openCapturedEsp(packet, k.key, aead) !== undefined;
    const key = named !== undefined && opens(named) ? named : orders.firstThatOpens(packet.src, opens);
    const nonce = toHex(espSaltOf(header.spi)) + toHex(ip.value.payload.subarray(8, 8 + espIvBytes));
    frames.push({ ...origin(packet), kind: "esp", key, nonce, sealed: ip.value.payload, spi: header.spi });
  }
  return frames;
}

function origin(packet: CapturedPacket): { packets: number[]; at: Instant; src: string; dst: string } {
  return { packets: [packet.index], at: packet.at, src: packet.src, dst: packet.dst };
}

/** The keys to try, per sender, the last that worked for it first: a sender seals run after run under its primary. */
class KeyOrders {
  private readonly bySender = new Map<string, NetworkKey[]>();

  constructor(private readonly keys: readonly NetworkKey[]) {}

  /** The first key that `opens`, for a frame of `sender`; undefined if none does. */
  firstThatOpens(sender: string, opens: (key: NetworkKey) => boolean): NetworkKey | undefined {
    let order = this.bySender.get(sender);
    if (order === undefined) this.bySender.set(sender, (order = this.keys.slice()));
    const index = order.findIndex(opens);
    if (index < 0) return undefined;
    const [key] = order.splice(index, 1);
    order.unshift(key!);
    return key;
  }
}
