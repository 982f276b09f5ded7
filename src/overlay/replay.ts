/**
 * ESP's anti-replay window (RFC 4303 §3.4.3), as Linux keeps it for an
 * inbound SA (net/xfrm/xfrm_replay.c). Docker programs no window
 * (`dockerReplayWindow` = 0) and Linux then checks nothing; the window is
 * here so that a scenario can show what a replayed packet does either way.
 *
 * The receiver remembers the highest sequence number it has authenticated
 * and which of the `size` numbers up to it it has seen. A packet is refused
 * before its ICV is checked when its number is 0, older than the window, or
 * already seen; the window moves only after the ICV holds, so a forged packet
 * cannot advance it.
 */

import { replayWindowMax } from "./constants.js";

/**
 * Why the window refused a sequence number: `"zero"` (never sent: counters
 * start at 1), `"too-old"` (left of the window), `"duplicate"` (seen).
 *
 * @example
 * ```ts
 * const verdict = window.check(seq);
 * if (!verdict.ok) trace("esp.replay", { seq, why: verdict.reason });
 * ```
 */
export type ReplayRefusal = "zero" | "too-old" | "duplicate";

/** The window's answer for one sequence number. */
export type ReplayVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: ReplayRefusal };

const ACCEPT: ReplayVerdict = Object.freeze({ ok: true });

/**
 * A sliding anti-replay window of `size` packets (1 to 4096).
 *
 * Each slot holds the last sequence number seen that falls on it
 * (`seq % size`); two numbers inside the window never share a slot, so a
 * number is a duplicate exactly when its slot holds it. O(1) per packet.
 *
 * @example
 * ```ts
 * const window = new ReplayWindow(64);
 * window.check(5); // { ok: true }
 * window.accept(5); // after the ICV held
 * window.check(5); // { ok: false, reason: "duplicate" }
 * ```
 */
export class ReplayWindow {
  /** Slot `seq % size` holds the last number seen there; 0 (never a valid number) when empty. */
  private readonly seen: Uint32Array;
  private top = 0;

  constructor(
    /** How many sequence numbers, ending at the highest seen, the window covers. */
    readonly size: number,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > replayWindowMax) {
      throw new RangeError(`"size" expected a whole number from 1 to ${replayWindowMax}, got ${size}`);
    }
    this.seen = new Uint32Array(size);
  }

  /** The highest sequence number accepted so far, 0 before the first. */
  get highest(): number {
    return this.top;
  }

  /** Whether `seq` may be processed (xfrm_replay_check); changes nothing. */
  check(seq: number): ReplayVerdict {
    if (seq === 0) return { ok: false, reason: "zero" };
    if (seq > this.top) return ACCEPT;
    if (this.top - seq >= this.size) return { ok: false, reason: "too-old" };
    return this.seen[seq % this.size] === seq ? { ok: false, reason: "duplicate" } : ACCEPT;
  }

  /** Records `seq` as received (xfrm_replay_advance): call only after `check` passed and the ICV held. */
  accept(seq: number): void {
    if (!Number.isInteger(seq) || seq < 1 || seq > 0xffff_ffff) {
      throw new RangeError(`"seq" expected a whole number from 1 to 4294967295, got ${seq}`);
    }
    if (seq > this.top) this.top = seq;
    this.seen[seq % this.size] = seq;
  }
}
