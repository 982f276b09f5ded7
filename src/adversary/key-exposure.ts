/**
 * What a leaked network key opens in a capture, and over what stretch of
 * time: the key's exposure window.
 *
 * Every captured packet of the key's path is really decrypted with it (ESP
 * for an IPsec key; gossip UDP packets and gossip stream messages for a
 * gossip key; see open-captured.ts), so the answer is what an attacker with
 * the key and the capture reads, no more.
 *
 * Swarm's key manager rotates each subsystem's keys every 12 h and keeps
 * three (swarmkit manager/keymanager): a key arrives as the newest, becomes
 * the primary (the middle of three, the one nodes send with) at the next
 * rotation, is the oldest after the one after, and leaves every ring at the
 * third. So a key is held for 36 h and sends for 12 h of them. A key leaked
 * at T opens everything sealed under it before T, since nothing else keys
 * the traffic (no forward secrecy), and everything after T until the
 * rotation that demotes it, up to 12 h later (plus the nodes' key delay):
 * the exposure window runs from the first packet it opens to the last, about
 * 12 h of traffic, whenever in its 36 h the leak happens. For the next 24 h
 * nodes still accept frames under it, which matters to an attacker who
 * forges frames, not to one who reads them.
 */

import { type Aead, defaultAead } from "../crypto/index.js";
import { gossipPort } from "../gossip/index.js";
import type { Instant } from "../sim/index.js";
import type { Capture, CapturedPacket } from "./capture.js";
import type { LeakSubsystem, LeakedKey } from "./key-leak.js";
import { openCapturedEsp, openCapturedGossip, openStreamMessages } from "./open-captured.js";
import { capturedStreams, packetsCarrying } from "./tcp-flows.js";

/** How a sealed frame travelled: a gossip UDP packet, a gossip stream message, or an ESP packet. */
export type OpenedKind = "esp" | "gossip-packet" | "gossip-stream";

/** One sealed frame of a capture: how it travelled, and in which captured packets. */
export interface CapturedFrame {
  readonly kind: OpenedKind;
  /** The captured packets it came in (one, or a stream message's segments), by index, oldest first. */
  readonly packets: readonly number[];
  /** When its first packet was captured. */
  readonly at: Instant;
  /** Sender and receiver host names (a replayed copy's sender is the attacker's host). */
  readonly src: string;
  readonly dst: string;
}

/** One frame the key opened. */
export interface OpenedFrame extends CapturedFrame {
  /** What the key revealed: the VXLAN datagram of an ESP packet, memberlist's message of a gossip frame. */
  readonly plaintext: Uint8Array;
}

/**
 * What a leaked key opens in a capture.
 *
 * @example
 * ```ts
 * const exposure = keyExposure(eve, leaked);
 * // { subsystem: "gossip", tag: 4242, readable: { esp: 0, gossip: 1754 }, streamMessages: 60,
 * //   window: { first: 300168482, last: 599538752 }, readableAfterLeak: 1048, inUseAfterLeak: true, ... }
 * ```
 */
export interface KeyExposure {
  readonly subsystem: LeakSubsystem;
  readonly tag: number;
  /** When the key leaked. */
  readonly leakedAt: Instant;
  /** Captured packets of the key's path tried (ESP packets, or gossip UDP packets and stream segments). */
  readonly tried: number;
  /** Every frame it opened, by first packet, oldest first. */
  readonly opened: readonly OpenedFrame[];
  /** Captured packets it made readable, per path: ESP packets, or gossip packets and the segments of opened stream messages. */
  readonly readable: Readonly<Record<"esp" | "gossip", number>>;
  /** Gossip stream messages it opened (0 for an IPsec key). */
  readonly streamMessages: number;
  /** From the first readable packet's capture to the last's; undefined if it opened none. */
  readonly window: { readonly first: Instant; readonly last: Instant } | undefined;
  /** Readable packets captured at or after the leak. */
  readonly readableAfterLeak: number;
  /** Whether nodes still sent under the key once it had leaked. */
  readonly inUseAfterLeak: boolean;
}

/**
 * Decrypts `capture` with the leaked key and reports what it opens and when.
 *
 * @example
 * ```ts
 * const leak = leakKey(cluster, "m1", "gossip");
 * // ... run on, with rotations ...
 * const exposure = keyExposure(eve, leak.ok ? leak.key : fail());
 * exposure.window; // { first, last }: about one rotation interval of traffic
 * exposure.inUseAfterLeak; // true if it was still the primary when it leaked
 * ```
 */
export function keyExposure(capture: Capture, leaked: LeakedKey, aead: Aead = defaultAead()): KeyExposure {
  if (!(leaked.key instanceof Uint8Array) || leaked.key.length !== 16) {
    throw new RangeError(`"leaked.key" expected Uint8Array of length 16, got ${leaked.key instanceof Uint8Array ? `length=${leaked.key.length}` : typeof leaked.key}`);
  }
  const { opened, tried } = leaked.subsystem === "ipsec" ? openEsp(capture.packets, leaked.key, aead) : openGossip(capture.packets, leaked.key, aead);
  opened.sort((a, b) => a.packets[0]! - b.packets[0]!);
  const readablePackets = new Map<number, CapturedPacket>();
  for (const frame of opened) for (const index of frame.packets) readablePackets.set(index, capture.packets[index]!);
  const times = [...readablePackets.values()].map((p) => p.at);
  const afterLeak = times.filter((t) => t >= leaked.at).length;
  const readable = { esp: 0, gossip: 0 };
  readable[leaked.subsystem === "ipsec" ? "esp" : "gossip"] = readablePackets.size;
  return {
    subsystem: leaked.subsystem,
    tag: leaked.tag,
    leakedAt: leaked.at,
    tried,
    opened,
    readable,
    streamMessages: opened.filter((f) => f.kind === "gossip-stream").length,
    window: times.length === 0 ? undefined : { first: min(times), last: max(times) },
    readableAfterLeak: afterLeak,
    inUseAfterLeak: afterLeak > 0,
  };
}

function openEsp(packets: readonly CapturedPacket[], key: Uint8Array, aead: Aead): { opened: OpenedFrame[]; tried: number } {
  const opened: OpenedFrame[] = [];
  let tried = 0;
  for (const packet of packets) {
    if (packet.path !== "esp") continue;
    tried++;
    const plaintext = openCapturedEsp(packet, key, aead);
    if (plaintext !== undefined) opened.push(frameOf("esp", [packet], plaintext));
  }
  return { opened, tried };
}

function openGossip(packets: readonly CapturedPacket[], key: Uint8Array, aead: Aead): { opened: OpenedFrame[]; tried: number } {
  const opened: OpenedFrame[] = [];
  let tried = 0;
  for (const packet of packets) {
    if (packet.path !== "gossip") continue;
    tried++;
    const plaintext = openCapturedGossip(packet, key, aead);
    if (plaintext !== undefined) opened.push(frameOf("gossip-packet", [packet], plaintext));
  }
  for (const stream of capturedStreams(packets, gossipPort)) {
    for (const message of openStreamMessages(stream, key, aead)) {
      opened.push(frameOf("gossip-stream", packetsCarrying(stream, message.start, message.end), message.plaintext));
    }
  }
  return { opened, tried };
}

function frameOf(kind: OpenedKind, packets: readonly CapturedPacket[], plaintext: Uint8Array): OpenedFrame {
  const ordered = packets.slice().sort((a, b) => a.index - b.index);
  const first = ordered[0]!;
  return { kind, packets: ordered.map((p) => p.index), at: first.at, src: first.src, dst: first.dst, plaintext };
}

function min(values: readonly Instant[]): Instant {
  return values.reduce((a, b) => (b < a ? b : a));
}

function max(values: readonly Instant[]): Instant {
  return values.reduce((a, b) => (b > a ? b : a));
}
