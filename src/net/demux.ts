/**
 * Demultiplexing: how a packet that reached a host finds its handler, and the
 * handle a caller gets back for anything it registers.
 */

import type { DropReason } from "./drops.js";

/**
 * What a host does with an arriving packet. The fabric shows the outcome to
 * taps and counts it first, then calls `run`, so a handler that answers at
 * once (a SYN-ACK, an RST) is seen on the wire after the packet it answers.
 */
export interface Delivery {
  /** Set if the host does not take the packet. */
  readonly drop?: DropReason;
  /** More about a drop, for the trace (a decoder's reason). */
  readonly detail?: string;
  /** What the host does with it: the handler call, or the reply to a refused packet. */
  readonly run?: () => void;
}

/** A registration (UDP binding, TCP listener, IP protocol handler); `close` undoes it. */
export interface Binding {
  /** Stops receiving; the port or protocol is free to register again. Idempotent. */
  close(): void;
}

/** A delivery that drops the packet for `reason`. */
export function dropDelivery(reason: DropReason, detail?: string, run?: () => void): Delivery {
  return { drop: reason, detail, run };
}
