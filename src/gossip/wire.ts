/**
 * What a memberlist node puts on the wire and takes off it (memberlist
 * net.go rawSendMsgPacket, ingestPacket, rawSendMsgStream, readStream): the
 * compound, compression, CRC and encryption layers around its messages.
 *
 * - A packet: several messages become one compound message; compressed when
 *   that is shorter (Docker leaves EnableCompression on); the CRC header when
 *   the peer speaks protocol 5 or more; then sealed under the keyring's
 *   primary key with empty AAD.
 * - A stream message: compressed (always, with compression on), then sealed
 *   with the `[0x0A][uint32 length]` header as AAD.
 *
 * Whatever cannot be read (a frame no key opens, a bad CRC, a truncated
 * compound, a message that does not decode) is dropped: counted by reason,
 * traced, and never handed to the protocol. Nothing here throws on received
 * bytes.
 */

import { concatBytes } from "../encoding/index.js";
import type { Ipv4Address } from "../net/index.js";
import type { Simulation } from "../sim/index.js";
import { unwrapPacket, makeCompoundMessage, wrapPacket, wrapStream, decompressPayload, decompressLimitBytes } from "./compound.js";
import {
  type EncryptionVersion,
  type EnvelopeCrypto,
  decryptPayload,
  decryptStreamPayload,
  encryptOverhead,
  encryptPayload,
  encryptStreamPayload,
  encryptMsgType,
} from "./envelope.js";
import { MessageType, decodeMessage } from "./messages.js";

/** Why the wire layer dropped something: an envelope reason, or a problem past it. */
export type GossipDropReason =
  | "too-short"
  | "unknown-version"
  | "no-key"
  | "bad-padding"
  | "not-encrypted"
  | "too-large"
  | "bad-crc"
  | "malformed"
  | "stream-truncated";

/** Every drop reason, in a fixed order (for tables and zeroed counters). */
export const gossipDropReasons: readonly GossipDropReason[] = [
  "too-short",
  "unknown-version",
  "no-key",
  "bad-padding",
  "not-encrypted",
  "too-large",
  "bad-crc",
  "malformed",
  "stream-truncated",
];

/** Frame counts one node keeps of its gossip wire. */
export interface GossipWireCounters {
  /** UDP packets sealed and sent. */
  framesSent: number;
  /** UDP packets that opened (under any ring key). */
  framesReceived: number;
  /** Stream messages sealed and written. */
  streamFramesSent: number;
  /** Stream messages that opened. */
  streamFramesReceived: number;
  /** Packets and stream messages opened by each ring position: index 0 is the primary. */
  openedByKeyIndex: number[];
  /** What was dropped, by reason. */
  dropped: Record<GossipDropReason, number>;
}

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The gossip wire dropped a packet, stream message or message: why, from whom, with memberlist's text. */
    "gossip.drop": { from: string; reason: GossipDropReason; message: string };
  }
}

/** What a node's wire needs. */
export interface GossipWireOptions {
  readonly sim: Simulation;
  /** The node's host name, for the trace. */
  readonly node: string;
  /** The keyring, primary first, read at each use (it changes under rotation); empty means no encryption, as memberlist without a keyring. */
  readonly keys: () => readonly Uint8Array[];
  readonly crypto: EnvelopeCrypto;
  /** Envelope version to seal with: 1 unless told (memberlist's default since 0.1). */
  readonly version?: EncryptionVersion;
  /** config.go EnableCompression: on in Docker. */
  readonly compression?: boolean;
}

/** Reads one stream message as its bytes arrive. */
export interface StreamMessageReader {
  /** Takes more bytes; gives the message once whole, `"incomplete"` until then, `"dropped"` if it cannot be read. */
  push(bytes: Uint8Array): Uint8Array | "incomplete" | "dropped";
  /** The stream ended: a partial message is dropped (io.CopyN's EOF). */
  end(): void;
}

/** The result of opening a packet: its messages (each with its type byte), or nothing when it was dropped whole. */
export type OpenedPacket = { readonly ok: true; readonly messages: Uint8Array[] } | { readonly ok: false };

const empty = new Uint8Array(0);

/**
 * @example
 * ```ts
 * const wire = new GossipWire({ sim, node: "node-1", keys: () => keys.gossipRing, crypto: { aead, nonces: rng.fork("gossip/nonces") } });
 * host.udp.send(7946, peer, 7946, wire.packet([ping], false));
 * const opened = wire.openPacket(received, from); // { ok: true, messages: [...] }
 * ```
 */
export class GossipWire {
  readonly counters: GossipWireCounters = {
    framesSent: 0,
    framesReceived: 0,
    streamFramesSent: 0,
    streamFramesReceived: 0,
    openedByKeyIndex: [],
    dropped: Object.fromEntries(gossipDropReasons.map((r) => [r, 0])) as Record<GossipDropReason, number>,
  };
  private readonly sim: Simulation;
  private readonly node: string;
  private readonly keys: () => readonly Uint8Array[];
  private readonly crypto: EnvelopeCrypto;
  private readonly version: EncryptionVersion;
  private readonly compression: boolean;

  constructor(options: GossipWireOptions) {
    this.sim = options.sim;
    this.node = options.node;
    this.keys = options.keys;
    this.crypto = options.crypto;
    this.version = options.version ?? 1;
    this.compression = options.compression ?? true;
  }

  /** The bytes encryption adds to a packet, for the room left in a 1400-byte UDP budget. */
  get overhead(): number {
    return this.keys().length > 0 ? encryptOverhead(this.version) : 0;
  }

  /** One UDP payload carrying `messages` (net.go sendMsg/rawSendMsgPacket); `crc` when the peer speaks protocol 5+. */
  packet(messages: readonly Uint8Array[], crc: boolean): Uint8Array {
    const plain = messages.length === 1 ? messages[0]! : makeCompoundMessage(messages);
    const wrapped = wrapPacket(plain, { compression: this.compression, crc });
    this.counters.framesSent++;
    const keys = this.keys();
    if (keys.length === 0) return wrapped;
    return encryptPayload(this.version, keys[0]!, wrapped, empty, this.crypto);
  }

  /** net.go ingestPacket: opens a received UDP payload down to its messages; drops what cannot be read. */
  openPacket(bytes: Uint8Array, from: Ipv4Address): OpenedPacket {
    let plain = bytes;
    const keys = this.keys();
    if (keys.length > 0) {
      const opened = decryptPayload(keys, bytes, empty, this.crypto.aead);
      if (!opened.ok) {
        this.dropped(from, opened.reason, `Decrypt packet failed: ${opened.message}`);
        return { ok: false };
      }
      this.countKey(opened.keyIndex);
      plain = opened.plaintext;
    }
    const unwrapped = unwrapPacket(plain);
    for (const problem of unwrapped.problems) this.dropped(from, unwrapped.badCrc ? "bad-crc" : "malformed", problem);
    if (unwrapped.messages.length === 0) return { ok: false };
    this.counters.framesReceived++;
    return { ok: true, messages: unwrapped.messages };
  }

  /** One stream message (net.go rawSendMsgStream): compressed, then sealed with its header as AAD. */
  streamMessage(message: Uint8Array): Uint8Array {
    const wrapped = wrapStream(message, { compression: this.compression });
    this.counters.streamFramesSent++;
    const keys = this.keys();
    if (keys.length === 0) return wrapped;
    return encryptStreamPayload(this.version, keys[0]!, wrapped, this.crypto);
  }

  /** A reader for one incoming stream from `from` (net.go readStream). */
  streamReader(from: Ipv4Address): StreamMessageReader {
    let buffered: Uint8Array = empty;
    let finished = false;
    const fail = (reason: GossipDropReason, message: string): "dropped" => {
      finished = true;
      this.dropped(from, reason, message);
      return "dropped";
    };
    return {
      push: (bytes) => {
        if (finished) return "dropped";
        buffered = buffered.length === 0 ? bytes : concatBytes([buffered, bytes]);
        const keys = this.keys();
        let plain: Uint8Array;
        if (keys.length > 0) {
          const opened = decryptStreamPayload(keys, buffered, this.crypto.aead);
          if (!opened.ok) {
            if (opened.reason === "incomplete") return "incomplete";
            return fail(opened.reason, `Failed to decrypt remote state: ${opened.message}`);
          }
          this.countKey(opened.keyIndex);
          plain = opened.plaintext;
        } else {
          // Without encryption a stream message has no length of its own (Go's msgpack decoder reads as far as it
          // needs): it is whole once it decodes.
          if (buffered[0] === encryptMsgType) return fail("no-key", "Remote state is encrypted and encryption is not configured");
          const whole = plainStreamMessage(buffered);
          if (whole === undefined) return "incomplete";
          finished = true;
          this.counters.streamFramesReceived++;
          return whole;
        }
        finished = true;
        this.counters.streamFramesReceived++;
        if (plain[0] !== MessageType.compress) return plain;
        const inner = decompressPayload(plain, decompressLimitBytes);
        if (!inner.ok) return fail("malformed", `Failed to decompress payload: ${inner.reason}`);
        return inner.value;
      },
      end: () => {
        if (!finished && buffered.length > 0) fail("stream-truncated", "EOF");
        finished = true;
      },
    };
  }

  /** Counts and traces a drop. */
  dropped(from: Ipv4Address, reason: GossipDropReason, message: string = reason): void {
    this.counters.dropped[reason]++;
    this.sim.trace.record("gossip.drop", { from, reason, message }, this.node);
  }

  private countKey(index: number): void {
    const counts = this.counters.openedByKeyIndex;
    while (counts.length <= index) counts.push(0);
    counts[index]!++;
  }
}

/** An unencrypted stream message once all of it has arrived (decompressed), or undefined while it does not yet decode. */
function plainStreamMessage(bytes: Uint8Array): Uint8Array | undefined {
  let plain = bytes;
  if (plain[0] === MessageType.compress) {
    const inner = decompressPayload(plain, decompressLimitBytes);
    if (!inner.ok) return undefined;
    plain = inner.value;
  }
  return decodeMessage(plain, { via: "stream" }).ok ? plain : undefined;
}
