/**
 * The sending half of a stream: the queue of unacknowledged bytes, what has
 * been sent and acknowledged, the FIN, and the retransmission timer.
 *
 * Go-back-N: on a timeout everything from the oldest unacknowledged offset is
 * sent again, with the timeout doubled (RFC 6298 §5.5); a new acknowledgement
 * resets the retry count. Offsets are whole numbers from our initial sequence
 * number: SYN at 0, data byte k at 1 + k, FIN at 1 + written.
 */

import type { EventHandle, Instant, Scheduler } from "../sim/index.js";
import { ByteQueue } from "./byte-queue.js";
import { type RttEstimate, backOff, initialRtt, measureRtt } from "./rtt.js";
import { TcpFlag } from "./tcp-segment.js";
import type { TcpSettings } from "./tcp-settings.js";

const EMPTY = new Uint8Array(0);

/** What the sender needs from its stream. */
export interface SenderLink {
  readonly scheduler: Scheduler;
  readonly settings: TcpSettings;
  /** Sends one segment starting at `offset` (the stream adds ports, ack and window). */
  send(offset: number, flags: number, payload: Uint8Array): void;
  /** The retransmission timer fired with retries left: send again from `sndUna`. */
  resend(): void;
  /** The retransmission timer fired with no retries left. */
  giveUp(): void;
}

/** The sending state of one stream. */
export class Sender {
  /** Oldest offset not yet acknowledged by the peer. */
  sndUna = 0;
  /** Next offset to send (rolled back to `sndUna` on a timeout). */
  sndNxt = 0;
  /** Highest offset ever sent; acknowledgements up to it are believed. */
  sndMax = 0;
  /** Data bytes written so far. */
  written = 0;
  /** True once the user closed: a FIN follows the data. */
  closeRequested = false;
  /** Whether our FIN first left after the peer's FIN had arrived (we closed second). */
  closedSecond = false;
  private readonly queue = new ByteQueue();
  private rtt: RttEstimate;
  private retries = 0;
  private timer: EventHandle | undefined;
  /** The one segment being timed for a round-trip sample (Karn: never a retransmitted one). */
  private timing: { readonly end: number; readonly sentAt: Instant } | undefined;

  constructor(private readonly link: SenderLink) {
    this.rtt = initialRtt(link.settings);
  }

  /** Bytes written and not yet acknowledged. */
  get unacknowledged(): number {
    return this.queue.length;
  }

  /** True once the peer acknowledged our FIN. */
  get finAcked(): boolean {
    return this.closeRequested && this.sndUna === 2 + this.written;
  }

  /** Queues a copy of `bytes` to send. */
  append(bytes: Uint8Array): void {
    this.queue.append(bytes);
    this.written += bytes.length;
  }

  /** Sends the handshake segment (SYN, or SYN-ACK) if it is not out yet. */
  sendHandshake(flags: number): void {
    if (this.sndNxt === 0) {
      this.noteSending(0, 1);
      this.link.send(0, flags, EMPTY);
      this.sndNxt = 1;
    }
    this.afterSending();
  }

  /** Sends data the window allows, then our FIN once all data is out and the user closed. */
  sendData(peerFinished: boolean): void {
    const { mssBytes, windowBytes } = this.link.settings;
    const dataEnd = 1 + this.written;
    for (;;) {
      if (this.sndNxt < dataEnd) {
        const length = Math.min(mssBytes, dataEnd - this.sndNxt, windowBytes - (this.sndNxt - this.sndUna));
        if (length <= 0) break;
        const payload = this.queue.read(this.sndNxt - Math.max(this.sndUna, 1), length);
        // PSH on the segment that empties what was written: the sender has nothing more to add now.
        const flags = TcpFlag.ACK | (this.sndNxt + length === dataEnd ? TcpFlag.PSH : 0);
        this.noteSending(this.sndNxt, length);
        this.link.send(this.sndNxt, flags, payload);
        this.sndNxt += length;
      } else if (this.closeRequested && this.sndNxt === dataEnd) {
        if (this.sndMax <= dataEnd) this.closedSecond = peerFinished; // the first time our FIN leaves
        this.noteSending(dataEnd, 1);
        this.link.send(dataEnd, TcpFlag.FIN | TcpFlag.ACK, EMPTY);
        this.sndNxt = dataEnd + 1;
      } else {
        break;
      }
    }
    this.afterSending();
  }

  /**
   * Takes an acknowledgement of everything before `ackOffset`. Returns false
   * (changing nothing) if it acknowledges nothing new or something never sent.
   */
  acknowledge(ackOffset: number): boolean {
    if (ackOffset <= this.sndUna || ackOffset > this.sndMax) return false;
    const dataAcked = Math.min(ackOffset, 1 + this.written) - Math.max(this.sndUna, 1);
    if (dataAcked > 0) this.queue.drop(dataAcked);
    this.sndUna = ackOffset;
    if (this.sndNxt < this.sndUna) this.sndNxt = this.sndUna;
    this.retries = 0;
    if (this.timing !== undefined && ackOffset >= this.timing.end) {
      this.rtt = measureRtt(this.rtt, this.link.scheduler.now - this.timing.sentAt, this.link.settings);
      this.timing = undefined;
    }
    this.stop();
    if (this.sndNxt > this.sndUna) this.arm(); // RFC 6298 §5.3: restart the timer for what is still out
    return true;
  }

  /** Cancels the retransmission timer (the stream is done or gone). */
  stop(): void {
    if (this.timer !== undefined) this.link.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  private afterSending(): void {
    if (this.sndNxt > this.sndMax) this.sndMax = this.sndNxt;
    if (this.sndNxt > this.sndUna) this.arm();
  }

  /** Starts a round-trip sample if this segment is new and none is running. */
  private noteSending(offset: number, length: number): void {
    if (this.timing === undefined && offset >= this.sndMax) {
      this.timing = { end: offset + length, sentAt: this.link.scheduler.now };
    }
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    this.timer = this.link.scheduler.after(this.rtt.rtoUs, "net.tcp.retransmit", this.onTimeout);
  }

  private readonly onTimeout = (): void => {
    this.timer = undefined;
    if (this.retries >= this.link.settings.maxRetransmits) return this.link.giveUp();
    this.retries++;
    this.rtt = backOff(this.rtt, this.link.settings);
    this.timing = undefined; // Karn: a retransmitted segment's round trip is ambiguous
    this.sndNxt = this.sndUna; // go-back-N: everything unacknowledged goes again
    this.link.resend();
  };
}
