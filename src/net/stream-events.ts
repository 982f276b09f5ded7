/**
 * The vocabulary of streams: their ends, how they begin, what they tell their
 * user, and why one may reset.
 */

import type { Ipv4Address } from "./address.js";


/**
 * Why a stream reset. Append-only: traces and expectations name these.
 * - `refused`: the peer answered the SYN with RST (no listener on the port).
 * - `peer-reset`: the peer reset an open stream (it aborted, or it lost the connection).
 * - `timeout`: a segment went unacknowledged through every retransmission
 *   (the peer is unreachable: partitioned, down, or gone).
 * - `host-down`: this stream's own host went down.
 * - `local`: this side called `reset()`.
 */
export type StreamResetReason = "refused" | "peer-reset" | "timeout" | "host-down" | "local";

/**
 * The events of a stream (eventemitter3 style: `stream.on("data", (bytes) => ...)`).
 * Every stream ends with exactly one of `close` or `reset`.
 */
export interface StreamEvents {
  /** The handshake completed; writes from now on go out at once. */
  connect: [];
  /** Bytes from the peer, in order, exactly as written there. */
  data: [bytes: Uint8Array];
  /** The peer closed its side (its FIN arrived after all its data); no more `data`. */
  end: [];
  /** Both sides closed cleanly and every byte was acknowledged. */
  close: [];
  /** The stream was torn down; no more events follow. */
  reset: [reason: StreamResetReason];
}

/**
 * A stream's state as its user sees it.
 * - `connecting`: the handshake is under way (writes are queued).
 * - `open`: established; either side may still be sending.
 * - `closed`: both sides closed cleanly.
 * - `reset`: torn down (see the `reset` event's reason).
 */
export type StreamState = "connecting" | "open" | "closed" | "reset";

/** How a stream begins: as the connecting side, or as the side a SYN arrived at. */
export type StreamOpening = { readonly role: "client" } | { readonly role: "server"; readonly peerIsn: number };

/** The addresses and ports of a stream's two ends. */
export interface StreamEnds {
  readonly localAddress: Ipv4Address;
  readonly localPort: number;
  readonly remoteAddress: Ipv4Address;
  readonly remotePort: number;
}

/** `10.0.0.1:32768 -> 10.0.0.2:2377`, for messages. */
export function describeEnds(ends: StreamEnds): string {
  return `${ends.localAddress}:${ends.localPort} -> ${ends.remoteAddress}:${ends.remotePort}`;
}
