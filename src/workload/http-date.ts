/**
 * The dates web servers print, from simulated time only (`dateAt`): HTTP's
 * IMF-fixdate and nginx's two log formats. Containers run in UTC.
 */

import { type Instant, dateAt } from "../sim/index.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/**
 * RFC 7231 §7.1.1.1 IMF-fixdate, as in `Date:` and `Last-Modified:`.
 *
 * @example
 * httpDate(instant(0)) // "Thu, 01 Jan 2026 00:00:00 GMT"
 */
export function httpDate(at: Instant): string {
  // ECMAScript's toUTCString is exactly the IMF-fixdate form for years 1000-9999.
  return dateAt(at).toUTCString();
}

/**
 * nginx's `$time_local` (ngx_times.c: `"%02d/%s/%d:%02d:%02d:%02d %c%02i%02i"`), in UTC.
 *
 * @example
 * nginxLocalTime(instant(0)) // "01/Jan/2026:00:00:00 +0000"
 */
export function nginxLocalTime(at: Instant): string {
  const d = dateAt(at);
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

/**
 * The time at the start of an nginx error-log line (ngx_times.c: `"%4d/%02d/%02d %02d:%02d:%02d"`).
 *
 * @example
 * nginxErrorLogTime(instant(0)) // "2026/01/01 00:00:00"
 */
export function nginxErrorLogTime(at: Instant): string {
  const d = dateAt(at);
  return `${d.getUTCFullYear()}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
