/**
 * curl's progress meter, which the curl tool writes to stderr when stdout is
 * not a terminal (as in a container without a TTY) and -s is not given.
 * A port of curl 7.35.0 lib/progress.c: the two header lines, then a line
 * per wall-clock second, each starting with `\r`, the last one forced when the
 * transfer is done and followed by a newline. A failed transfer gets no final
 * line: its error message follows the last line shown on the same line.
 */

import { type Instant, unixSecondsAt } from "../sim/index.js";

/** progress.c's header. */
export const curlMeterHeader =
  "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
  "                                 Dload  Upload   Total   Spent    Left  Speed\n";

/** progress.c CURR_TIME: the speed ring holds the last 5 seconds plus one. */
const CURR_TIME = 6;
const KB = 1024;
const MB = 1024 * KB;
const GB = 1024 * MB;

function pad(value: number | string, width: number): string {
  return String(value).padStart(width, " ");
}

/**
 * A byte count in at most five characters (progress.c max5data).
 *
 * @example
 * max5data(615) // "  615"
 * max5data(307_500) // " 300k"
 */
export function max5data(bytes: number): string {
  if (bytes < 100_000) return pad(bytes, 5);
  if (bytes < 10_000 * KB) return `${pad(Math.floor(bytes / KB), 4)}k`;
  if (bytes < 100 * MB) return `${pad(Math.floor(bytes / MB), 2)}.${Math.floor((bytes % MB) / (MB / 10))}M`;
  if (bytes < 10_000 * MB) return `${pad(Math.floor(bytes / MB), 4)}M`;
  if (bytes < 100 * GB) return `${pad(Math.floor(bytes / GB), 2)}.${Math.floor((bytes % GB) / (GB / 10))}G`;
  return `${pad(Math.floor(bytes / GB), 4)}G`;
}

/**
 * Whole seconds as the meter's eight-character times (progress.c time2str).
 *
 * @example
 * time2str(0) // "--:--:--"
 * time2str(75) // " 0:01:15"
 */
export function time2str(seconds: number): string {
  if (seconds <= 0) return "--:--:--";
  const h = Math.floor(seconds / 3600);
  if (h <= 99) {
    const m = Math.floor((seconds - h * 3600) / 60);
    const s = seconds - h * 3600 - m * 60;
    return `${pad(h, 2)}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  }
  const d = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds - d * 86_400) / 3600);
  return d <= 999 ? `${pad(d, 3)}d ${String(hours).padStart(2, "0")}h` : `${pad(d, 7)}d`;
}

/** One meter line's numbers (a download: nothing is uploaded). */
export interface MeterFigures {
  /** Seconds since the transfer started (fractional). */
  readonly timeSpent: number;
  readonly downloaded: number;
  /** The body size, once the headers told it. */
  readonly sizeDownload: number | undefined;
  /** Bytes per second over the last few seconds. */
  readonly currentSpeed: number;
}

/** The text of one meter line, without its leading `\r`. */
export function meterLine(f: MeterFigures): string {
  const spent = Math.floor(f.timeSpent);
  const dlspeed = Math.floor(f.downloaded / (f.timeSpent > 0 ? f.timeSpent : 1));
  let estimate = 0;
  let dlpercent = 0;
  if (f.sizeDownload !== undefined && dlspeed > 0) {
    estimate = Math.floor(f.sizeDownload / dlspeed);
    if (f.sizeDownload > 10_000) dlpercent = Math.floor(f.downloaded / Math.floor(f.sizeDownload / 100));
    else if (f.sizeDownload > 0) dlpercent = Math.floor((f.downloaded * 100) / f.sizeDownload);
  }
  const expected = f.sizeDownload ?? f.downloaded;
  let totalPercent = 0;
  if (expected > 10_000) totalPercent = Math.floor(f.downloaded / Math.floor(expected / 100));
  else if (expected > 0) totalPercent = Math.floor((f.downloaded * 100) / expected);
  return (
    `${pad(totalPercent, 3)} ${max5data(expected)}  ${pad(dlpercent, 3)} ${max5data(f.downloaded)}  ${pad(0, 3)} ${max5data(0)}  ` +
    `${max5data(dlspeed)}  ${max5data(0)} ${time2str(estimate)} ${time2str(spent)} ${time2str(estimate > 0 ? estimate - spent : 0)} ` +
    `${max5data(f.currentSpeed)}`
  );
}

/** The meter of one transfer: call `update` as bytes arrive and each second, then `done` or nothing (on error). */
export class CurlMeter {
  private headerShown = false;
  /** The wall-clock second of the last line shown (progress.c lastshow). */
  private lastShownSecond: number | undefined;
  private readonly speederBytes: number[] = [];
  private readonly speederTime: Instant[] = [];
  private speederCount = 0;
  private currentSpeed = 0;

  constructor(
    private readonly start: Instant,
    private readonly write: (text: string) => void,
  ) {}

  /** Curl_pgrsUpdate: shows a line if the wall-clock second changed (or `force`). */
  update(now: Instant, downloaded: number, sizeDownload: number | undefined, force = false): void {
    const timeSpent = (now - this.start) / 1_000_000;
    const second = unixSecondsAt(now);
    if (!force && this.lastShownSecond === second) return;
    this.lastShownSecond = second;
    this.recordSpeed(now, downloaded, timeSpent);
    if (!this.headerShown) this.write(curlMeterHeader);
    this.headerShown = true;
    this.write(`\r${meterLine({ timeSpent, downloaded, sizeDownload, currentSpeed: this.currentSpeed })}`);
  }

  /** Curl_pgrsDone: the forced last line and the newline after it. */
  done(now: Instant, downloaded: number, sizeDownload: number | undefined): void {
    this.update(now, downloaded, sizeDownload, true);
    this.write("\n");
  }

  /** progress.c's "current speed": bytes over the span of the ring, or the average in the first second. */
  private recordSpeed(now: Instant, downloaded: number, timeSpent: number): void {
    const index = this.speederCount % CURR_TIME;
    this.speederBytes[index] = downloaded;
    this.speederTime[index] = now;
    this.speederCount++;
    const count = Math.min(this.speederCount, CURR_TIME) - 1;
    if (count === 0) {
      this.currentSpeed = Math.floor(downloaded / (timeSpent > 0 ? timeSpent : 1));
      return;
    }
    const check = this.speederCount >= CURR_TIME ? this.speederCount % CURR_TIME : 0;
    const spanMs = Math.max(1, Math.floor((now - this.speederTime[check]!) / 1_000));
    this.currentSpeed = Math.floor(((downloaded - this.speederBytes[check]!) * 1000) / spanMs);
  }
}
