/**
 * The calendar of a run: simulated time zero is a fixed UTC moment, so that
 * certificates (whose validity X.509 writes as calendar dates) and TLS randoms
 * (whose first four bytes are a Unix time) carry dates that depend on the
 * simulated clock alone, never on the machine's.
 */

import type { Instant } from "./time.js";

/** Simulated time zero: 2026-01-01T00:00:00Z, in Unix milliseconds. */
export const CALENDAR_EPOCH_UNIX_MS = 1_767_225_600_000;

/** Unix milliseconds at the simulated instant `at` (whole milliseconds, rounded down). */
export function unixMillisAt(at: Instant, epochUnixMs: number = CALENDAR_EPOCH_UNIX_MS): number {
  return epochUnixMs + Math.floor(at / 1_000);
}

/** Unix seconds at the simulated instant `at` (rounded down). */
export function unixSecondsAt(at: Instant, epochUnixMs: number = CALENDAR_EPOCH_UNIX_MS): number {
  return Math.floor(unixMillisAt(at, epochUnixMs) / 1_000);
}

/**
 * A JavaScript Date for the simulated instant `at`, for libraries that take
 * dates (node-forge's validity fields and chain checks). Derived from the
 * simulated clock only.
 */
export function dateAt(at: Instant, epochUnixMs: number = CALENDAR_EPOCH_UNIX_MS): Date {
  return new Date(unixMillisAt(at, epochUnixMs)); // tidy-allow: simulated-clock
}

/** The simulated instant of a Date (inverse of `dateAt`, to the millisecond). */
export function instantOfDate(date: Date, epochUnixMs: number = CALENDAR_EPOCH_UNIX_MS): Instant {
  return ((date.getTime() - epochUnixMs) * 1_000) as Instant;
}
