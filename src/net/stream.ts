/**
 * A TCP-like reliable, ordered byte stream: one connection's state machine.
 *
 * The shape is RFC 793's, trimmed to what a simulation needs to be correct:
 * a three-way handshake, segments of at most one MSS whose sequence numbers
 * advance by their length, cumulative acknowledgements sent at once (no delayed
 * ACK), go-back-N retransmission on an RFC 6298 timer, FIN in each direction,
 * RST. No congestion control, no options, no urgent data, no simultaneous open.
 *
 * Inside, sequence numbers are whole-number offsets from the initial sequence
 * number (SYN at 0, data byte k at 1 + k, FIN one past the last byte); only
 * the wire sees them modulo 2^32 (see sequence.ts).
 */

import { EventEmitter } from "eventemitter3";
import type { EventHandle } from "../sim/index.js";
import type { Ipv4Address } from "./address.js";
import { type Released, Reassembly } from "./reassembly.js";
import { Sender } from "./sender.js";
import { sequenceDistance, wireSequence } from "./sequence.js";
import type { StreamEnvironment } from "./stream-environment.js";
import {
  type StreamEnds,
  type StreamEvents,
  type StreamOpening,
  type StreamResetReason,
  type StreamState,
  describeEnds,
} from "./stream-events.js";
import { type TcpSegment, TcpFlag } from "./tcp-segment.js";

type Phase = "syn-sent" | "syn-received" | "established" | "time-wait" | "closed" | "reset";

const EMPTY = new Uint8Array(0);

/**
 * One end of a stream. Obtained from `host.connect` or a listener's `onAccept`;
 * its constructor is internal to the net layer.
 *
 * @example
 * const stream = client.connect("10.0.0.2", 2377);
 * stream.on("connect", () => stream.write(hello));
 * stream.on("data", (bytes) => received.push(bytes));
 * stream.on("reset", (reason) => console.log("reset:", reason));
 */
export class Stream extends EventEmitter<StreamEvents> implements StreamEnds {
  /** This end's address (its host's). */
  readonly localAddress: Ipv4Address;
  /** This end's port: the listener's, or an ephemeral one for the connecting side. */
  readonly localPort: number;
  /** The peer's address. */
  readonly remoteAddress: Ipv4Address;
  /** The peer's port. */
  readonly remotePort: number;

  private phase: Phase;
  /** Our initial sequence number, drawn from the host's seeded stream. */
  private readonly iss: number;
  /** The peer's initial sequence number (known once its SYN arrived). */
  private irs = 0;
  private readonly sender: Sender;
  /** The receiving half; exists once the peer's SYN arrived. */
  private receiver: Reassembly | undefined;
  private timeWaitTimer: EventHandle | undefined;
  /** Data or a FIN arrived that no segment we sent has acknowledged yet. */
  private ackPending = false;

  /** @internal Streams are made by the host's TCP stack. */
  constructor(
    private readonly env: StreamEnvironment,
    ends: StreamEnds,
    iss: number,
    opening: StreamOpening,
  ) {
    super();
    this.localAddress = ends.localAddress;
    this.localPort = ends.localPort;
    this.remoteAddress = ends.remoteAddress;
    this.remotePort = ends.remotePort;
    this.iss = iss;
    this.sender = new Sender({
      scheduler: env.scheduler,
      settings: env.settings,
      send: (offset, flags, payload) => this.sendSegment(offset, flags, payload),
      resend: () => this.transmit(),
      giveUp: () => this.fail("timeout"),
    });
    if (opening.role === "client") {
      this.phase = "syn-sent";
    } else {
      this.phase = "syn-received";
      this.irs = opening.peerIsn;
      this.receiver = new Reassembly(1, env.settings.windowBytes);
    }
  }

  /** Where the stream is: connecting, open, closed or reset. */
  get state(): StreamState {
    switch (this.phase) {
      case "syn-sent":
      case "syn-received":
        return "connecting";
      case "established":
        return "open";
      case "time-wait":
      case "closed":
        return "closed";
      case "reset":
        return "reset";
    }
  }

  /** Bytes written but not yet acknowledged by the peer. */
  get unacknowledgedBytes(): number {
    return this.sender.unacknowledged;
  }

  /**
   * Queues `bytes` (copied) to send in order; they go out at once if the stream
   * is open, after the handshake otherwise. Returns false, sending nothing, if the
   * stream has reset. Writing after `close()` is a programming mistake and throws.
   */
  write(bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`"bytes" expected a Uint8Array, got ${typeof bytes}`);
    if (this.sender.closeRequested) throw new Error(`write after close on stream ${describeEnds(this)}`);
    if (this.phase === "reset") return false;
    this.sender.append(bytes);
    if (this.phase === "established") this.transmit();
    return true;
  }

  /** Closes our side: a FIN follows the bytes written so far. The peer may keep sending. Idempotent. */
  close(): void {
    if (this.sender.closeRequested || this.phase === "reset") return;
    this.sender.closeRequested = true;
    if (this.phase === "established") this.transmit();
  }

  /** Aborts the stream: an RST to the peer (if synchronized), then a `reset` event with reason `local`. */
  reset(): void {
    if (this.phase === "reset" || this.phase === "closed" || this.phase === "time-wait") return;
    if (this.phase !== "syn-sent") this.sendSegment(this.sender.sndNxt, TcpFlag.RST | TcpFlag.ACK, EMPTY);
    this.fail("local");
  }

  /** @internal Sends the opening SYN (client) or SYN-ACK (server). */
  start(): void {
    this.transmit();
  }

  /** @internal Tears the stream down without a word on the wire (its host went down). */
  abort(reason: StreamResetReason): void {
    if (this.phase === "reset" || this.phase === "closed") return;
    if (this.phase === "time-wait") {
      // Already closed cleanly for its user (who saw `close`): just forget it.
      this.enterClosed();
      return;
    }
    this.fail(reason);
  }

  /** @internal Takes one segment addressed to this stream. */
  receive(segment: TcpSegment): void {
    switch (this.phase) {
      case "syn-sent":
        return this.receiveWhileConnecting(segment);
      case "syn-received":
      case "established":
        return this.receiveSynchronized(segment);
      case "time-wait":
        // Our last ACK may have been lost: acknowledge the peer's retransmitted FIN again.
        if ((segment.flags & (TcpFlag.FIN | TcpFlag.RST)) === TcpFlag.FIN) this.sendAck();
        return;
      default:
        return;
    }
  }

  private receiveWhileConnecting(segment: TcpSegment): void {
    const acksSyn = (segment.flags & TcpFlag.ACK) !== 0 && segment.ack === wireSequence(this.iss, 1);
    if ((segment.flags & TcpFlag.RST) !== 0) {
      if (acksSyn) this.fail("refused"); // RFC 793: an RST in SYN-SENT counts only if it acknowledges our SYN
      return;
    }
    if ((segment.flags & TcpFlag.SYN) === 0 || !acksSyn) return; // stray or forged: ignore
    this.irs = segment.seq;
    this.receiver = new Reassembly(1, this.env.settings.windowBytes);
    this.phase = "established";
    this.sender.acknowledge(1);
    this.sendAck();
    this.transmit();
    if (this.phase === "established") this.emit("connect");
  }

  private receiveSynchronized(segment: TcpSegment): void {
    const receiver = this.receiver!;
    const expected = wireSequence(this.irs, receiver.next);
    if ((segment.flags & TcpFlag.RST) !== 0) {
      // RFC 5961 §3: believe an RST only inside the window, so a blind guess rarely tears a stream down.
      const distance = sequenceDistance(segment.seq, expected);
      if (distance >= 0 && distance < this.env.settings.windowBytes) this.fail("peer-reset");
      return;
    }
    if ((segment.flags & TcpFlag.SYN) !== 0) {
      // A repeated SYN (our SYN-ACK was lost) or SYN-ACK (our ACK was lost): answer it again.
      if (this.phase === "syn-received") this.sendSegment(0, TcpFlag.SYN | TcpFlag.ACK, EMPTY);
      else this.sendAck();
      return;
    }
    if ((segment.flags & TcpFlag.ACK) === 0) return; // RFC 793: every synchronized segment carries ACK
    const sndUna = this.sender.sndUna;
    const acked = this.sender.acknowledge(sndUna + sequenceDistance(segment.ack, wireSequence(this.iss, sndUna)));
    if (acked && this.phase === "syn-received") this.establishAccepted();
    if (this.phase !== "established") return;
    const fin = (segment.flags & TcpFlag.FIN) !== 0;
    if (segment.payload.length > 0 || fin) {
      const offset = receiver.next + sequenceDistance(segment.seq, expected);
      this.ackPending = true;
      // Handlers run first, so an answer they write carries the acknowledgement with it.
      this.deliver(receiver.accept(offset, segment.payload, fin));
      if (this.phase !== "established") return;
    }
    this.transmit();
    // Acknowledge at once (no delayed ACK), also a duplicate or a segment past a gap: it tells the sender where we are.
    if (this.ackPending) this.sendAck();
    this.finishIfDone();
  }

  /** The server side's handshake completed: hand the stream to its listener. */
  private establishAccepted(): void {
    this.phase = "established";
    this.env.accepted(this);
    if (this.phase === "established") this.emit("connect");
  }

  /** Sends what the phase and window allow. */
  private transmit(): void {
    if (this.phase === "syn-sent") this.sender.sendHandshake(TcpFlag.SYN);
    else if (this.phase === "syn-received") this.sender.sendHandshake(TcpFlag.SYN | TcpFlag.ACK);
    else if (this.phase === "established") this.sender.sendData(this.receiver!.finished);
  }

  private sendAck(): void {
    this.sendSegment(this.sender.sndNxt, TcpFlag.ACK, EMPTY);
  }

  private sendSegment(offset: number, flags: number, payload: Uint8Array): void {
    const acking = (flags & TcpFlag.ACK) !== 0 && this.receiver !== undefined;
    if (acking) this.ackPending = false;
    this.env.send(this, {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq: wireSequence(this.iss, offset),
      ack: acking ? wireSequence(this.irs, this.receiver!.next) : 0,
      flags,
      window: this.env.settings.windowBytes,
      payload,
    });
  }

  /** Hands released bytes to the user, then the end of the peer's side. Stops if a handler resets. */
  private deliver(released: Released): void {
    for (const bytes of released.data) {
      if (this.phase === "reset") return;
      this.emit("data", bytes);
    }
    if (released.fin && this.phase !== "reset") this.emit("end");
  }

  /** Closes for good once both FINs are acknowledged; the side that closed first lingers in TIME-WAIT. */
  private finishIfDone(): void {
    if (this.phase !== "established" || !this.sender.finAcked || !this.receiver!.finished) return;
    this.sender.stop();
    if (this.sender.closedSecond) {
      this.enterClosed();
    } else {
      this.phase = "time-wait";
      this.timeWaitTimer = this.env.scheduler.after(this.env.settings.timeWaitUs, "net.tcp.time-wait", () => {
        this.timeWaitTimer = undefined;
        this.enterClosed();
      });
    }
    this.emit("close");
  }

  private enterClosed(): void {
    if (this.timeWaitTimer !== undefined) this.env.scheduler.cancel(this.timeWaitTimer);
    this.timeWaitTimer = undefined;
    this.phase = "closed";
    this.env.released(this);
  }

  private fail(reason: StreamResetReason): void {
    this.sender.stop();
    if (this.timeWaitTimer !== undefined) this.env.scheduler.cancel(this.timeWaitTimer);
    this.timeWaitTimer = undefined;
    this.phase = "reset";
    this.env.released(this);
    this.env.traceReset(this, reason);
    this.emit("reset", reason);
  }
}
