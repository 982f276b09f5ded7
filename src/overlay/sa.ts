/**
 * One IPsec security association as Docker programs it into the Linux
 * kernel (moby drivers/overlay/encryption.go programSA): ESP, transport
 * mode, `rfc4106(gcm(aes))` with the key material `key ‖ SPI` and a 64-bit
 * ICV, no anti-replay window. The kernel's state for it (struct xfrm_state)
 * is kept too: the outbound sequence counter and seqiv's IV salt, or the
 * inbound anti-replay window when a scenario asks for one.
 *
 * Sequence numbers are 32 bits. Linux gives an outbound SA's packets 1, 2, …
 * and, after 2^32 - 1, refuses to send (xfrm_replay.c xfrm_replay_overflow:
 * -EOVERFLOW, XfrmOutStateSeqError) unless the SA was made with
 * XFRM_SA_XFLAG_OSEQ_MAY_WRAP, which Docker does not set; at high packet
 * rates an SA can get there within one 12 h key epoch. `"wrap"` models the
 * flag as a what-if: the counter goes on from 0 and seqiv's IVs repeat under
 * the same key, which breaks GCM.
 */

import type { ByteSource, TagLength } from "../crypto/index.js";
import type { Ipv4Address } from "../net/index.js";
import { espIvBytes, espSeqMax } from "./constants.js";
import type { EspInboundKeys } from "./esp.js";
import { ReplayWindow } from "./replay.js";
import { espKeyMaterial, espSaltOf } from "./spi.js";

/** Which way an SA protects traffic, seen from the node that holds it. */
export type SaDirection = "in" | "out";

/** What an outbound SA does when its 32-bit counter is used up: Linux's refusal (Docker's case), or a wrap. */
export type SequenceExhaustion = "drop" | "wrap";

/** How far an outbound SA's counter has gone: a value for the trace. */
export interface SequenceReport {
  readonly spi: number;
  /** The peer the SA sends to. */
  readonly remote: Ipv4Address;
  /** The last sequence number used (0 before the first packet). */
  readonly sent: number;
  /** Packets left before the counter is used up: 2^32 - 1 - sent. */
  readonly headroom: number;
  /** The counter reached 2^32 - 1: with `"drop"` nothing more goes out on this SA. */
  readonly exhausted: boolean;
  /** The counter went past 2^32 - 1 (`"wrap"` only): sequence numbers and IVs repeat under one key. */
  readonly wrapped: boolean;
}

/**
 * The sequence number for the next packet, or why there is none.
 *
 * @example
 * ```ts
 * const next = sa.nextSequence();
 * if (!next.ok) trace("esp.seq-exhausted", { spi: sa.spi });
 * ```
 */
export type SequenceResult =
  | { readonly ok: true; readonly seq: number; readonly headroom: number; readonly wrapped: boolean }
  | { readonly ok: false; readonly reason: "seq-exhausted"; readonly message: string };

/** Everything that makes an SA. */
export interface SecurityAssociationInit {
  readonly direction: SaDirection;
  /** Source address: the remote for an inbound SA, this node for an outbound one. */
  readonly src: Ipv4Address;
  /** Destination address: this node for an inbound SA, the remote for an outbound one. */
  readonly dst: Ipv4Address;
  readonly spi: number;
  /** The tag of the network key it uses (the key manager's Lamport time). */
  readonly keyTag: number;
  /** The 16-byte AES key. */
  readonly key: Uint8Array;
  /** ICV length, 8 for Docker. */
  readonly icvBytes: TagLength;
  /** Outbound: where seqiv's IV salt comes from (drawn once, now). */
  readonly ivSalts?: ByteSource;
  /** Inbound: the anti-replay window, 0 or absent for none (Docker's). */
  readonly replayWindow?: number;
  /** Outbound: what happens after 2^32 - 1 packets. Default `"drop"`, Linux's. */
  readonly onSequenceExhausted?: SequenceExhaustion;
}

/**
 * One SA: addresses, SPI, keys, and its kernel state.
 *
 * @example
 * ```ts
 * const out = new SecurityAssociation({ direction: "out", src: "10.0.0.1", dst: "10.0.0.2", spi, keyTag, key, icvBytes: 8, ivSalts: rng });
 * const next = out.nextSequence(); // { ok: true, seq: 1, headroom: 4294967294, wrapped: false }
 * ```
 */
export class SecurityAssociation implements EspInboundKeys {
  readonly direction: SaDirection;
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly spi: number;
  readonly keyTag: number;
  readonly key: Uint8Array;
  /** The SPI, big-endian (encryption.go buildAeadAlgo). */
  readonly salt: Uint8Array;
  readonly icvBytes: TagLength;
  /** Outbound only: seqiv's salt, XORed with the sequence number to make each IV. */
  readonly ivSalt: Uint8Array | undefined;
  /** Inbound only, and only with a window: RFC 4303 §3.4.3 anti-replay. */
  readonly replay: ReplayWindow | undefined;
  private readonly onExhausted: SequenceExhaustion;
  private oseq = 0;
  private hasWrapped = false;

  constructor(init: SecurityAssociationInit) {
    this.direction = init.direction;
    this.src = init.src;
    this.dst = init.dst;
    this.spi = init.spi;
    this.keyTag = init.keyTag;
    this.key = init.key.slice();
    this.salt = espSaltOf(init.spi);
    this.icvBytes = init.icvBytes;
    this.onExhausted = init.onSequenceExhausted ?? "drop";
    if (init.direction === "out") {
      if (init.ivSalts === undefined) throw new TypeError(`"ivSalts" expected a ByteSource for an outbound SA, got undefined`);
      this.ivSalt = init.ivSalts.bytes(espIvBytes);
      this.replay = undefined;
    } else {
      this.ivSalt = undefined;
      this.replay = (init.replayWindow ?? 0) > 0 ? new ReplayWindow(init.replayWindow!) : undefined;
    }
  }

  /** The key material as the kernel holds it and Wireshark's esp_sa wants it: key ‖ salt. */
  get keyMaterial(): Uint8Array {
    return espKeyMaterial(this.key, this.spi);
  }

  /** The peer on the other end. */
  get remote(): Ipv4Address {
    return this.direction === "out" ? this.dst : this.src;
  }

  /** Takes the next outbound sequence number (xfrm_replay_overflow). */
  nextSequence(): SequenceResult {
    this.checkOutbound();
    if (this.oseq === espSeqMax) {
      if (this.onExhausted === "drop") {
        return { ok: false, reason: "seq-exhausted", message: `sequence numbers of SPI 0x${this.spi.toString(16).padStart(8, "0")} used up (XfrmOutStateSeqError)` };
      }
      this.oseq = 0;
      this.hasWrapped = true;
    } else {
      this.oseq++;
    }
    return { ok: true, seq: this.oseq, headroom: espSeqMax - this.oseq, wrapped: this.hasWrapped };
  }

  /**
   * Uses `count` sequence numbers at once, as if that many packets had gone
   * out: how a scenario models bulk traffic without sealing every packet.
   * Returns how many were used (fewer when the counter runs out under `"drop"`).
   */
  consumeSequence(count: number): number {
    this.checkOutbound();
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`"count" expected a whole number >= 0, got ${count}`);
    const room = espSeqMax - this.oseq;
    if (count <= room) {
      this.oseq += count;
      return count;
    }
    if (this.onExhausted === "drop") {
      this.oseq = espSeqMax;
      return room;
    }
    this.oseq = (this.oseq + count) % (espSeqMax + 1);
    this.hasWrapped = true;
    return count;
  }

  /** Where the outbound counter stands. */
  sequenceReport(): SequenceReport {
    this.checkOutbound();
    return {
      spi: this.spi,
      remote: this.dst,
      sent: this.oseq,
      headroom: espSeqMax - this.oseq,
      exhausted: this.oseq === espSeqMax,
      wrapped: this.hasWrapped,
    };
  }

  private checkOutbound(): void {
    if (this.direction !== "out") throw new TypeError(`sequence numbers are an outbound SA's; SPI 0x${this.spi.toString(16)} is inbound`);
  }
}
