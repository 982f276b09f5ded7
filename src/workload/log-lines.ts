/**
 * A container's output as Docker's json-file logger keeps it: one entry per
 * line (without its newline), stamped when the line was complete, stdout and
 * stderr cut separately. A line still open when the container exits is kept
 * as it is.
 */

import type { Instant } from "../sim/index.js";
import type { OutputStream } from "./app.js";
import type { LogLine } from "./types.js";

/**
 * Lines kept per container (up to a tenth more between trims); older ones are dropped first. Docker's json-file
 * driver keeps everything by default, a simulation keeps a bound (a shell loop
 * without a sleep would otherwise fill memory).
 */
export const containerLogLinesMax = 50_000;

/**
 * The longest line Docker's log copier keeps whole (moby daemon/logger/copier.go:
 * a 16 KiB buffer); a longer one is cut into parts, each its own entry.
 */
export const logLineMaxChars = 16 * 1024;

/** The lines a container wrote. */
export class LogLines {
  private readonly lines: LogLine[] = [];
  private readonly open: Record<OutputStream, string> = { stdout: "", stderr: "" };
  /** Lines dropped to stay under the bound. */
  discarded = 0;

  constructor(
    private readonly clock: () => Instant,
    private readonly limit: number = containerLogLinesMax,
  ) {}

  /** The lines so far, oldest first. */
  get all(): readonly LogLine[] {
    return this.lines;
  }

  /** Takes what a process wrote to `stream`; each newline completes a line. */
  write(stream: OutputStream, text: string): void {
    const parts = (this.open[stream] + text).split("\n");
    let open = parts.pop()!;
    for (const line of parts) this.pushLong(stream, line);
    while (open.length > logLineMaxChars) {
      this.push(stream, open.slice(0, logLineMaxChars));
      open = open.slice(logLineMaxChars);
    }
    this.open[stream] = open;
  }

  /** Keeps the unfinished lines as they are (the process exited). */
  flush(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      if (this.open[stream] !== "") this.push(stream, this.open[stream]);
      this.open[stream] = "";
    }
  }

  /** A complete line, in parts of at most `logLineMaxChars`. */
  private pushLong(stream: OutputStream, line: string): void {
    let rest = line;
    for (; rest.length > logLineMaxChars; rest = rest.slice(logLineMaxChars)) this.push(stream, rest.slice(0, logLineMaxChars));
    this.push(stream, rest);
  }

  private push(stream: OutputStream, text: string): void {
    this.lines.push({ at: this.clock(), stream, text });
    // Trim in batches of a tenth, so a chatty process costs O(1) per line.
    if (this.lines.length > this.limit + Math.floor(this.limit / 10)) {
      const excess = this.lines.length - this.limit;
      this.lines.splice(0, excess);
      this.discarded += excess;
    }
  }
}
