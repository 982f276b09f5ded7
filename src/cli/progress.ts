/**
 * A one-line progress bar on stderr, shown only when stderr is a terminal and
 * only once a run has taken more than a couple of seconds of wall time. The
 * wall clock is read here, in cli/, and never reaches the simulation.
 */

import { formatInstant, type Instant } from "../sim/index.js";

const SHOW_AFTER_MS = 2_000;
const REDRAW_EVERY_MS = 100;
const WIDTH = 24;

/** Where the bar is drawn: a terminal's stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/** Draws progress for one run. */
export class ProgressBar {
  private readonly startedAt: number;
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly totalSteps: number,
    private readonly until?: number,
    /** The wall clock in milliseconds (a stand-in in tests). */
    private readonly wallClock: () => number = Date.now,
  ) {
    this.startedAt = wallClock();
  }

  /** Called by the runner; draws at most ten times a second. */
  update(p: { readonly now: Instant; readonly events: number; readonly step: number }): void {
    if (!this.stream.isTTY) return;
    const wall = this.wallClock();
    if (wall - this.startedAt < SHOW_AFTER_MS || wall - this.lastDraw < REDRAW_EVERY_MS) return;
    this.lastDraw = wall;
    const fraction = this.until !== undefined && this.until > 0 ? p.now / this.until : p.step / Math.max(1, this.totalSteps);
    const filled = Math.max(0, Math.min(WIDTH, Math.round(fraction * WIDTH)));
    const bar = `${"=".repeat(filled)}${" ".repeat(WIDTH - filled)}`;
    const line = `[${bar}] step ${Math.min(p.step + 1, this.totalSteps)}/${this.totalSteps}  simulated ${formatInstant(p.now)}  ${p.events.toLocaleString("en-US")} events`;
    this.stream.write(`\r${line.slice(0, (this.stream.columns ?? 100) - 1)}\x1b[K`);
    this.drawn = true;
  }

  /** Clears the line before the report is printed. */
  done(): void {
    if (this.drawn) this.stream.write("\r\x1b[K");
  }
}
