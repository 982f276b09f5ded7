/**
 * Simulated time: integer microseconds.
 *
 * `Instant` (a point on the run's clock, microseconds since the run's epoch) and
 * `Duration` (a span) are distinct branded numbers so that one cannot be passed
 * where the other is meant. 2^53 µs is about 285 years: enough for 20-year root
 * certificates and year-long runs without losing a microsecond.
 */

declare const instantBrand: unique symbol;
declare const durationBrand: unique symbol;

/** A point in simulated time, in whole microseconds since the run's epoch. */
export type Instant = number & { readonly [instantBrand]: true };
/** A span of simulated time, in whole microseconds (may be negative only where said). */
export type Duration = number & { readonly [durationBrand]: true };

/** Microseconds per unit, largest first; the order `formatDuration` uses. */
const UNITS: ReadonlyArray<readonly [suffix: string, micros: number]> = [
  ["d", 86_400_000_000],
  ["h", 3_600_000_000],
  ["m", 60_000_000],
  ["s", 1_000_000],
  ["ms", 1_000],
  ["us", 1],
];
const UNIT_MICROS: ReadonlyMap<string, number> = new Map([...UNITS, ["µs", 1]]);
const UNIT_LIST = "d, h, m, s, ms, us";

/** The run's epoch: simulated time zero. */
export const EPOCH = 0 as Instant;

function checkMicros(name: string, value: number): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`"${name}" expected a whole number of microseconds, got ${value}`);
  }
}

/** Brands a whole number of microseconds as an Instant. */
export function instant(micros: number): Instant {
  checkMicros("micros", micros);
  return micros as Instant;
}

/** Brands a whole number of microseconds as a Duration. */
export function duration(micros: number): Duration {
  checkMicros("micros", micros);
  return micros as Duration;
}

/** Durations from common units, rounded to the microsecond. */
export const us = (n: number): Duration => duration(Math.round(n));
export const ms = (n: number): Duration => duration(Math.round(n * 1_000));
export const seconds = (n: number): Duration => duration(Math.round(n * 1_000_000));
export const minutes = (n: number): Duration => duration(Math.round(n * 60_000_000));
export const hours = (n: number): Duration => duration(Math.round(n * 3_600_000_000));
export const days = (n: number): Duration => duration(Math.round(n * 86_400_000_000));

/** `at + d`, checked to stay a safe integer. */
export function addDuration(at: Instant, d: Duration): Instant {
  return instant(at + d);
}

/** The span from `from` to `to` (negative if `to` is earlier). */
export function between(from: Instant, to: Instant): Duration {
  return duration(to - from);
}

/** The outcome of parsing user text: a value, or what was wrong with it. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const TERM = /(\d+)(?:\.(\d+))?(us|µs|ms|s|m|h|d)/y;

/**
 * Parses a duration written as one or more number-unit terms, Go style:
 * `250ms`, `12h`, `90d`, `1h30m`, `1.5s`, `0s`. Units: d, h, m, s, ms, us (or µs).
 * The result must be a whole number of microseconds; decimals are exact, never rounded.
 */
export function tryParseDuration(text: string): ParseResult<Duration> {
  const src = text.trim();
  const expected = `expected a duration such as "250ms", "12h" or "90d" (units: ${UNIT_LIST})`;
  if (src === "") return { ok: false, reason: `empty duration: ${expected}` };
  let total = 0n;
  TERM.lastIndex = 0;
  while (TERM.lastIndex < src.length) {
    const start = TERM.lastIndex;
    const m = TERM.exec(src);
    if (m === null) {
      return { ok: false, reason: `invalid duration "${text}" at "${src.slice(start)}": ${expected}` };
    }
    const unit = BigInt(UNIT_MICROS.get(m[3] as string) as number);
    const fraction = m[2] ?? "";
    const scale = 10n ** BigInt(fraction.length);
    const scaled = BigInt(m[1] as string) * scale + BigInt(fraction === "" ? 0 : fraction);
    if ((scaled * unit) % scale !== 0n) {
      return { ok: false, reason: `invalid duration "${text}": finer than a microsecond` };
    }
    total += (scaled * unit) / scale;
  }
  if (total > BigInt(Number.MAX_SAFE_INTEGER)) {
    return { ok: false, reason: `invalid duration "${text}": too long (at most about 285 years)` };
  }
  return { ok: true, value: Number(total) as Duration };
}

/** Like `tryParseDuration`, but throws a RangeError carrying the reason. */
export function parseDuration(text: string): Duration {
  const r = tryParseDuration(text);
  if (!r.ok) throw new RangeError(r.reason);
  return r.value;
}

/**
 * Formats a duration canonically, largest units first with no zero terms:
 * `12h`, `1h30m`, `250ms`, `90d`, `0s`. `parseDuration(formatDuration(d)) === d`.
 */
export function formatDuration(d: Duration | number): string {
  if (d === 0) return "0s";
  let rest = Math.abs(d);
  let out = d < 0 ? "-" : "";
  for (const [suffix, micros] of UNITS) {
    if (rest >= micros) {
      const n = Math.floor(rest / micros);
      out += `${n}${suffix}`;
      rest -= n * micros;
    }
  }
  return out;
}

/**
 * Formats an instant as the time since the epoch, with microsecond precision,
 * in the form trace readers expect: `+1d02:03:04.000005` or `+00:00:01.250000`.
 */
export function formatInstant(at: Instant | number): string {
  const totalSeconds = Math.floor(at / 1_000_000);
  const micros = at - totalSeconds * 1_000_000;
  const d = Math.floor(totalSeconds / 86_400);
  const h = Math.floor((totalSeconds % 86_400) / 3_600);
  const m = Math.floor((totalSeconds % 3_600) / 60);
  const s = totalSeconds % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return `+${d > 0 ? `${d}d` : ""}${two(h)}:${two(m)}:${two(s)}.${String(micros).padStart(6, "0")}`;
}
