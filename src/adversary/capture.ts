/**
 * What an eavesdropper keeps of each packet it sees on the underlay: when it
 * was put on the wire, between which hosts, on which path, and its bytes.
 * The replay, bit-flip and key-leak tools read a capture through `Capture`,
 * so any list of captured packets serves, not only a live eavesdropper's.
 */

import type { WirePath } from "../net/index.js";
import type { Instant } from "../sim/index.js";

/** One packet as the eavesdropper saw it leave its sender. */
export interface CapturedPacket {
  /** Its place in the capture: 0 for the first packet seen. */
  readonly index: number;
  /** When it was put on the wire. */
  readonly at: Instant;
  /** Name of the host that sent it (for a replayed packet: the attacker's host, whatever address the bytes claim). */
  readonly src: string;
  /** Name of the destination host, or the destination address if no host has it. */
  readonly dst: string;
  /** What its headers say it carries (see `wirePathOf`). */
  readonly path: WirePath;
  /** The whole IPv4 packet, header included: the capture's own copy. */
  readonly bytes: Uint8Array;
}

/**
 * Captured packets, oldest first, each at its `index`.
 *
 * @example
 * ```ts
 * const capture: Capture = new Eavesdropper(cluster.fabric);
 * const offline: Capture = { packets: capture.packets.slice(0, 100) };
 * ```
 */
export interface Capture {
  readonly packets: readonly CapturedPacket[];
}
