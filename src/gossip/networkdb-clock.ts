/**
 * serf's Lamport clock (serf/lamport.go LamportClock), which networkdb keeps
 * two of: `networkClock` orders node and network events, `tableClock` orders
 * table entries. A local event takes the next time; a received event's time
 * is witnessed, so the next local event is later than everything seen.
 */

/**
 * @example
 * ```ts
 * const clock = new LamportClock();
 * clock.increment(); // 1
 * clock.witness(7);
 * clock.time(); // 8
 * ```
 */
export class LamportClock {
  private counter = 0;

  /** The current time, the last one handed out or witnessed plus one (lamport.go Time). */
  time(): number {
    return this.counter;
  }

  /** Moves the clock on and returns the new time, for a local event (lamport.go Increment). */
  increment(): number {
    this.counter++;
    return this.counter;
  }

  /**
   * Takes in a time seen in a message: a time at or past the clock's puts the
   * clock one past it; an older one changes nothing (lamport.go Witness).
   */
  witness(seen: number): void {
    if (!Number.isSafeInteger(seen) || seen < 0) throw new RangeError(`"seen" expected a whole number >= 0, got ${seen}`);
    if (seen < this.counter) return;
    this.counter = seen + 1;
  }
}
