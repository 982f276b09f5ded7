/**
 * A sweep's progress line on stderr: seeds finished, failed, running, and the
 * wall time so far. Drawn only on a terminal and only once the sweep has taken
 * a couple of seconds, like the single run's bar (progress.ts); CI sees nothing.
 */

import type { ProgressStream } from "./progress.js";

const SHOW_AFTER_MS = 2_000;
const WIDTH = 24;

/** Draws progress for one sweep. */
export class SweepProgress {
  private readonly startedAt: number;
  private finished = 0;
  private failed = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    private readonly jobs: number,
    /** The wall clock in milliseconds (a stand-in in tests). */
    private readonly wallClock: () => number = Date.now,
  ) {
    this.startedAt = wallClock();
  }

  /** Counts a finished seed and redraws. */
  seedDone(ok: boolean): void {
    this.finished++;
    if (!ok) this.failed++;
    this.draw();
  }

  /** Redraws the line (called on a timer too, so the elapsed time moves while long seeds run). */
  draw(): void {
    if (!this.stream.isTTY) return;
    const elapsedMs = this.wallClock() - this.startedAt;
    if (elapsedMs < SHOW_AFTER_MS) return;
    const filled = Math.round((this.finished / Math.max(1, this.total)) * WIDTH);
    const running = Math.min(this.jobs, this.total - this.finished);
    const line = `[${"=".repeat(filled)}${" ".repeat(WIDTH - filled)}] ${this.finished}/${this.total} seeds  ${this.failed} failed  ${running} running  ${elapsed(elapsedMs)}`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 100) - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line before the table is printed. */
  done(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
  }
}

function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
