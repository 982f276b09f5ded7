/**
 * What a stream needs from the TCP stack that owns it: the clock, the
 * settings, a way to send a segment to its peer, and someone to tell when it
 * is accepted or gone. Kept apart so the stream's state machine can be read,
 * and tested, without the host around it.
 */

import type { Scheduler } from "../sim/index.js";
import type { StreamResetReason } from "./stream-events.js";
import type { TcpSegment } from "./tcp-segment.js";
import type { TcpSettings } from "./tcp-settings.js";
import type { Stream } from "./stream.js";

/** A stream's view of its stack. */
export interface StreamEnvironment {
  /** The simulation's scheduler: the clock and the retransmission timers. */
  readonly scheduler: Scheduler;
  /** The fabric's stream settings. */
  readonly settings: TcpSettings;
  /** Wraps a segment in IPv4 from the stream's local end to its remote end and sends it. */
  send(stream: Stream, segment: TcpSegment): void;
  /** A server-side stream completed its handshake: hand it to the listener. */
  accepted(stream: Stream): void;
  /** The stream is finished (closed after TIME-WAIT, or reset): forget it. */
  released(stream: Stream): void;
  /** Records a reset in the trace. */
  traceReset(stream: Stream, reason: StreamResetReason): void;
}
