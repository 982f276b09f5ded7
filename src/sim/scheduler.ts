/**
 * The event scheduler: a struct-of-arrays binary heap ordered by
 * (time, insertion sequence).
 *
 * Ties in time are broken by a global insertion counter, never by object
 * identity or Map order, so the same schedule always runs in the same order.
 * Cancel is O(1): it marks the event dead and the heap drops it when it
 * reaches the top. The heap keeps each entry's time, sequence and slot in three
 * parallel typed arrays, so sifting touches contiguous memory only; the
 * handler, its argument and its kind live in a slot table beside it.
 */

import { type Duration, type Instant, EPOCH, formatInstant } from "./time.js";

/** A function run when its event fires, with the argument it was scheduled with. */
export type EventHandler<A = undefined> = (arg: A) => void;

/**
 * Names an event so that it can be cancelled. Opaque: a slot number and that
 * slot's generation, so a handle to an event that already ran or was cancelled
 * is harmless.
 */
export type EventHandle = number & { readonly __eventHandle: true };

/** What `peek` and `step` report about an event. */
export interface EventInfo {
  readonly at: Instant;
  readonly kind: string;
}

/** Limits for `run`. */
export interface RunOptions {
  /** Run events due at or before this instant, then leave the clock there. */
  readonly until?: Instant;
  /** Run at most this many events. */
  readonly maxEvents?: number;
}

/** Why `run` returned. */
export type RunStop = "empty" | "until" | "maxEvents" | "stopped";

/** What `run` did. */
export interface RunResult {
  readonly events: number;
  readonly stop: RunStop;
  readonly now: Instant;
}

const SLOT_LIMIT = 2 ** 26; // 67 M pending events
const GENERATION_LIMIT = 2 ** 27; // SLOT_LIMIT * GENERATION_LIMIT = 2^53
const INITIAL_CAPACITY = 1024;

/** The discrete-event scheduler that owns the simulation clock. */
export class Scheduler {
  /** The current simulated time: the time of the event running or last run. */
  now: Instant = EPOCH;
  /** Events run so far. */
  executed = 0;

  // Heap, in heap order.
  private heapTime = new Float64Array(INITIAL_CAPACITY);
  private heapSeq = new Float64Array(INITIAL_CAPACITY);
  private heapSlot = new Int32Array(INITIAL_CAPACITY);
  private size = 0;
  // Slot table, indexed by slot.
  private handlers: Array<EventHandler<any> | undefined> = [];
  private args: unknown[] = [];
  private kinds: string[] = [];
  // A slot whose handler is undefined is free or holds a cancelled event.
  private generation = new Uint32Array(INITIAL_CAPACITY);
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private slotCount = 0;
  private live = 0;
  private nextSeq = 0;
  private stopRequested = false;

  /** Events scheduled and not yet run or cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Schedules `handler(arg)` at the instant `at` (not before now). */
  at<A>(at: Instant, kind: string, handler: EventHandler<A>, arg?: A): EventHandle {
    if (!(at >= this.now) || !Number.isSafeInteger(at)) {
      throw new RangeError(
        `"at" expected a whole microsecond at or after now (${formatInstant(this.now)}), got ${at}`,
      );
    }
    const slot = this.allocSlot();
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    this.kinds[slot] = kind;
    this.push(at, this.nextSeq++, slot);
    this.live++;
    return (this.generation[slot]! * SLOT_LIMIT + slot) as EventHandle;
  }

  /** Schedules `handler(arg)` after `delay` (zero or more microseconds) from now. */
  after<A>(delay: Duration, kind: string, handler: EventHandler<A>, arg?: A): EventHandle {
    if (!(delay >= 0)) {
      throw new RangeError(`"delay" expected a duration of zero or more, got ${delay}`);
    }
    return this.at((this.now + delay) as Instant, kind, handler, arg);
  }

  /** Cancels an event. Returns false if it had already run or been cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_LIMIT;
    const gen = Math.floor(handle / SLOT_LIMIT);
    if (slot >= this.slotCount || this.generation[slot] !== gen || this.handlers[slot] === undefined) return false;
    this.handlers[slot] = undefined;
    this.args[slot] = undefined;
    this.live--;
    return true;
  }

  /** The next live event, without running it. */
  peek(): EventInfo | undefined {
    this.dropDeadTop();
    if (this.size === 0) return undefined;
    const slot = this.heapSlot[0]!;
    return { at: this.heapTime[0] as Instant, kind: this.kinds[slot]! };
  }

  /** Runs the next live event. Returns what ran, or undefined if none is left. */
  step(): EventInfo | undefined {
    this.dropDeadTop();
    if (this.size === 0) return undefined;
    const at = this.heapTime[0] as Instant;
    const kind = this.kinds[this.heapSlot[0]!]!;
    this.fireTop();
    return { at, kind };
  }

  /** Asks a running `run` to return after the current event. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Runs events in order until none is left, `until` is passed, `maxEvents` ran, or `stop()`. */
  run(options: RunOptions = {}): RunResult {
    const until = options.until ?? Infinity;
    const maxEvents = options.maxEvents ?? Infinity;
    if (options.until !== undefined && options.until < this.now) {
      throw new RangeError(`"until" expected an instant at or after now (${formatInstant(this.now)}), got ${options.until}`);
    }
    this.stopRequested = false;
    let events = 0;
    let stop: RunStop = "empty";
    for (;;) {
      if (this.size === 0) break;
      if (this.handlers[this.heapSlot[0]!] === undefined) {
        this.freeSlot(this.popTop());
        continue;
      }
      if (this.heapTime[0]! > until) {
        stop = "until";
        break;
      }
      if (events >= maxEvents) {
        stop = "maxEvents";
        break;
      }
      this.fireTop();
      events++;
      if (this.stopRequested) {
        stop = "stopped";
        break;
      }
    }
    // With nothing left before `until`, time still passes up to it.
    if ((stop === "until" || stop === "empty") && options.until !== undefined && until > this.now) {
      this.now = until as Instant;
    }
    return { events, stop, now: this.now };
  }

  private fireTop(): void {
    const at = this.heapTime[0]!;
    const slot = this.popTop();
    const handler = this.handlers[slot]!;
    const arg = this.args[slot];
    this.live--;
    this.freeSlot(slot);
    this.now = at as Instant;
    this.executed++;
    handler(arg);
  }

  private dropDeadTop(): void {
    while (this.size > 0 && this.handlers[this.heapSlot[0]!] === undefined) this.freeSlot(this.popTop());
  }

  private allocSlot(): number {
    if (this.freeCount > 0) {
      return this.freeSlots[--this.freeCount]!;
    }
    const slot = this.slotCount++;
    if (slot >= SLOT_LIMIT) throw new RangeError(`too many pending events (limit ${SLOT_LIMIT})`);
    if (slot >= this.generation.length) {
      this.generation = grow(this.generation, Uint32Array);
      this.freeSlots = grow(this.freeSlots, Int32Array);
    }
    return slot;
  }

  private freeSlot(slot: number): void {
    this.handlers[slot] = undefined;
    this.args[slot] = undefined;
    this.generation[slot] = (this.generation[slot]! + 1) % GENERATION_LIMIT;
    this.freeSlots[this.freeCount++] = slot;
  }

  private push(time: number, seq: number, slot: number): void {
    if (this.size === this.heapTime.length) {
      this.heapTime = grow(this.heapTime, Float64Array);
      this.heapSeq = grow(this.heapSeq, Float64Array);
      this.heapSlot = grow(this.heapSlot, Int32Array);
    }
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = ht[parent]!;
      if (pt < time || (pt === time && hs[parent]! < seq)) break;
      ht[i] = pt;
      hs[i] = hs[parent]!;
      hl[i] = hl[parent]!;
      i = parent;
    }
    ht[i] = time;
    hs[i] = seq;
    hl[i] = slot;
  }

  /** Removes the top entry and returns its slot. */
  private popTop(): number {
    const ht = this.heapTime;
    const hs = this.heapSeq;
    const hl = this.heapSlot;
    const top = hl[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const time = ht[n]!;
    const seq = hs[n]!;
    const slot = hl[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (ht[right]! < ht[child]! || (ht[right] === ht[child] && hs[right]! < hs[child]!))) {
        child = right;
      }
      const ct = ht[child]!;
      if (time < ct || (time === ct && seq < hs[child]!)) break;
      ht[i] = ct;
      hs[i] = hs[child]!;
      hl[i] = hl[child]!;
      i = child;
    }
    ht[i] = time;
    hs[i] = seq;
    hl[i] = slot;
    return top;
  }
}

type TypedArrayCtor<T> = new (length: number) => T;

function grow<T extends Float64Array | Int32Array | Uint32Array>(a: T, Ctor: TypedArrayCtor<T>): T {
  const bigger = new Ctor(a.length * 2);
  bigger.set(a as never);
  return bigger;
}
