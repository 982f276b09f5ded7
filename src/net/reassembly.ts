/**
 * The receiver's reassembly of a byte stream from segments that may arrive
 * late, twice, overlapping or out of order.
 *
 * Offsets are whole numbers in the stream's sequence space relative to the
 * peer's initial sequence number (its SYN at 0, its first data byte at 1, its
 * FIN one past its last byte). Segments ahead of the next expected byte wait,
 * within one window, until the gap before them fills; the sender's go-back-N
 * retransmission fills it.
 */

interface Pending {
  readonly payload: Uint8Array;
  readonly fin: boolean;
}

/** What one accepted segment released to the application. */
export interface Released {
  /** Newly in-order bytes, in order. */
  readonly data: Uint8Array[];
  /** True if the peer's FIN was reached with this segment. */
  readonly fin: boolean;
}

const NOTHING: Released = { data: [], fin: false };

/** Reassembles one direction of a stream. */
export class Reassembly {
  private readonly pending = new Map<number, Pending>();
  /** True once the peer's FIN has been reached. */
  finished = false;

  constructor(
    /** The next offset expected: everything before it has been released. */
    public next: number,
    /** How far past `next` a segment may start and still be kept (the advertised window). */
    private readonly window: number,
  ) {}

  /** Takes one segment at `offset` (its first byte, or its FIN if it has no bytes). */
  accept(offset: number, payload: Uint8Array, fin: boolean): Released {
    if (this.finished) return NOTHING;
    if (offset > this.next + this.window) return NOTHING; // beyond the window: the sender will resend it
    const end = offset + payload.length;
    if (end < this.next || (end === this.next && !fin)) return NOTHING; // all old
    const held = this.pending.get(offset);
    if (held === undefined || held.payload.length < payload.length || (fin && !held.fin)) {
      this.pending.set(offset, { payload, fin });
    }
    return this.drain();
  }

  /** Releases every pending segment that now starts at or before `next`. */
  private drain(): Released {
    const data: Uint8Array[] = [];
    let fin = false;
    let progressed = true;
    while (progressed && !fin) {
      progressed = false;
      for (const [offset, segment] of this.pending) {
        if (offset > this.next) continue;
        this.pending.delete(offset);
        progressed = true;
        const end = offset + segment.payload.length;
        if (end > this.next) {
          data.push(segment.payload.subarray(this.next - offset));
          this.next = end;
        }
        if (segment.fin && end === this.next) {
          this.next += 1; // the FIN takes one sequence number
          fin = true;
          break;
        }
      }
    }
    if (fin) {
      this.finished = true;
      this.pending.clear();
    }
    return data.length === 0 && !fin ? NOTHING : { data, fin };
  }
}
