/**
 * nginx's log lines as the official image writes them: the access log in the
 * image's `main` format (nginx.conf: combined plus `"$http_x_forwarded_for"`)
 * to stdout, and error-log lines to stderr.
 */

import type { Instant } from "../sim/index.js";
import { nginxErrorLogTime, nginxLocalTime } from "./http-date.js";

/** What one access-log line records. */
export interface AccessLogEntry {
  readonly at: Instant;
  readonly remoteAddress: string;
  /** The request line as sent ("" if none arrived). */
  readonly requestLine: string;
  readonly status: number;
  readonly bodyBytesSent: number;
  readonly referer: string | undefined;
  readonly userAgent: string | undefined;
  readonly forwardedFor: string | undefined;
}

/**
 * A variable's value as the log module writes it (ngx_http_log_escape):
 * `"` `\` and bytes outside printable ASCII as `\xHH`; an absent value as `-`.
 */
export function nginxLogValue(value: string | undefined): string {
  if (value === undefined || value === "") return "-";
  return value.replace(/["\\\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/**
 * One access-log line.
 *
 * @example
 * // 10.0.1.7 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/7.35.0" "-"
 */
export function nginxAccessLogLine(entry: AccessLogEntry): string {
  return (
    `${entry.remoteAddress} - - [${nginxLocalTime(entry.at)}] "${nginxLogValue(entry.requestLine)}" ` +
    `${entry.status} ${entry.bodyBytesSent} "${nginxLogValue(entry.referer)}" "${nginxLogValue(entry.userAgent)}" ` +
    `"${nginxLogValue(entry.forwardedFor)}"`
  );
}

/**
 * One error-log line: `2026/01/01 00:00:00 [notice] 1#1: nginx/1.25.3`
 * (ngx_log.c: time, level, pid#tid, then `*connection` if there is one).
 */
export function nginxErrorLogLine(at: Instant, level: "notice" | "error", pid: number, message: string, connection?: number): string {
  const prefix = connection === undefined ? "" : `*${connection} `;
  return `${nginxErrorLogTime(at)} [${level}] ${pid}#${pid}: ${prefix}${message}`;
}
