/**
 * What is scheduled to happen next, for `show timeline`. The scheduler shows
 * only its next event (`peek`); the shell sees the rest by noting every
 * event as it is scheduled, run or cancelled, from the moment it opens the
 * world. Noting changes nothing: the same handlers run in the same order.
 */

import { type EventHandle, type EventHandler, type EventInfo, type Instant, type Scheduler, formatDuration, formatInstant } from "../sim/index.js";
import { table } from "./text-table.js";

/** A pending event and the order it was scheduled in (ties in time run in that order). */
interface Pending {
  readonly at: Instant;
  readonly order: number;
  readonly kind: string;
}

/** The next pending event of one kind, and how many of that kind are pending. */
export interface KindDue {
  readonly kind: string;
  readonly at: Instant;
  readonly pending: number;
}

/** Keeps the list of pending events of one scheduler. */
export class ScheduleWatch {
  private readonly pending = new Map<EventHandle, Pending>();
  private order = 0;
  /** Events already pending when the watch began: counted, not listed. */
  readonly unseenAtStart: number;

  /** Starts watching `scheduler`: wraps its `at` and `cancel` (`after` goes through `at`). */
  constructor(scheduler: Scheduler) {
    this.unseenAtStart = scheduler.pending;
    const schedule = scheduler.at.bind(scheduler);
    const cancel = scheduler.cancel.bind(scheduler);
    scheduler.at = <A>(at: Instant, kind: string, handler: EventHandler<A>, arg?: A): EventHandle => {
      const handle = schedule(at, kind, (value: A) => {
        this.pending.delete(handle);
        handler(value);
      }, arg);
      this.pending.set(handle, { at, order: this.order++, kind });
      return handle;
    };
    scheduler.cancel = (handle: EventHandle): boolean => {
      this.pending.delete(handle);
      return cancel(handle);
    };
  }

  /** The `count` soonest pending events, soonest first. */
  upcoming(count: number): EventInfo[] {
    return this.sorted()
      .slice(0, count)
      .map(({ at, kind }) => ({ at, kind }));
  }

  /** For each kind pending, its soonest event and how many are pending, soonest kind first. */
  dueByKind(): KindDue[] {
    const byKind = new Map<string, KindDue>();
    for (const event of this.sorted()) {
      const seen = byKind.get(event.kind);
      byKind.set(event.kind, seen === undefined ? { kind: event.kind, at: event.at, pending: 1 } : { ...seen, pending: seen.pending + 1 });
    }
    return [...byKind.values()];
  }

  private sorted(): Pending[] {
    return [...this.pending.values()].sort((a, b) => a.at - b.at || a.order - b.order);
  }
}

/**
 * `show timeline`: the `count` soonest events, then the next event of each
 * kind (when the next key rotation or certificate renewal is due).
 */
export function timelineView(watch: ScheduleWatch, now: Instant, count: number): string {
  const soonest = watch.upcoming(count).map((e) => `  ${formatInstant(e.at)}  ${inText(e.at, now).padEnd(14)} ${e.kind}`);
  const byKind = watch.dueByKind().map((k) => [k.kind, formatInstant(k.at), inText(k.at, now), String(k.pending)]);
  const unseen = watch.unseenAtStart > 0 ? `(${watch.unseenAtStart} events scheduled before the shell began are not listed)\n` : "";
  if (soonest.length === 0) return `nothing is scheduled\n${unseen}`;
  return `the next ${soonest.length} events:\n${soonest.join("\n")}\nthe next of each kind:\n${table(["KIND", "AT", "IN", "PENDING"], byKind).replace(/^/gm, "  ").trimEnd()}\n${unseen}`;
}

/** How far ahead, to the millisecond (the rest is noise to a reader). */
function inText(at: Instant, now: Instant): string {
  const ms = Math.round((at - now) / 1_000);
  return ms === 0 ? "now" : `in ${formatDuration(ms * 1_000)}`;
}
