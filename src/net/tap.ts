/**
 * Taps: observers of every packet on the wire.
 *
 * A tap is told about a packet when it is sent onto the wire and again when it
 * is delivered or dropped. Tapping never changes a run: taps get their own copy
 * of the bytes and nothing the fabric decides depends on them. Loopback
 * traffic (a host to itself) never touches the wire, so taps do not see it.
 */

import type { Instant } from "../sim/index.js";
import type { DropReason } from "./drops.js";

/** What happened to a packet at the moment a tap sees it. */
export type TapOutcome = "sent" | "delivered" | "dropped";

/** One packet event, as a tap sees it. */
export interface TapPacket {
  /** When: sending time for `sent` and for drops decided at sending, arrival time otherwise. */
  readonly at: Instant;
  /** The whole IPv4 packet, header included (a copy: a tap may keep it). */
  readonly bytes: Uint8Array;
  /** Name of the sending host. */
  readonly src: string;
  /** Name of the destination host, or the destination address if no host has it. */
  readonly dst: string;
  /** Sent onto the wire, delivered to the destination's stack, or dropped. */
  readonly outcome: TapOutcome;
  /** Why it was dropped (only with `dropped`). */
  readonly reason?: DropReason;
}

/** A tap: called synchronously for each packet event. It must not act on the fabric. */
export type Tap = (packet: TapPacket) => void;

/** Which packet events a tap wants (all by default); a tap told of fewer costs less per packet. */
export interface TapOptions {
  readonly outcomes?: readonly TapOutcome[];
  /**
   * The tap reads the packet's bytes during the call and keeps none of them
   * (a digest, a counter): it is handed the wire's own bytes instead of a
   * copy. It must not change them.
   */
  readonly borrow?: boolean;
}

/** A tap as the wire keeps it. */
export interface TapEntry {
  readonly tap: Tap;
  readonly sent: boolean;
  readonly delivered: boolean;
  readonly dropped: boolean;
  /** See `TapOptions.borrow`. */
  readonly borrow: boolean;
}
