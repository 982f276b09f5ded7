/**
 * A Go `time.Ticker` read by one goroutine that runs a function per tick, as
 * networkdb runs each of its periodic tasks (cluster.go triggerFunc,
 * retryJoin). Ticks come every interval from the ticker's start. A run may
 * take time (a join, a bulk sync waiting for its answer): a tick that comes
 * meanwhile waits in the channel, which holds one, and is read as soon as the
 * run ends; further ticks are dropped.
 */

import type { Duration, EventHandle, Simulation } from "../sim/index.js";

/**
 * @example
 * ```ts
 * const reconnect = new Ticker(sim, seconds(1), "gossip.reconnect", (done) => tryOneNode(done));
 * reconnect.start();
 * reconnect.stop();
 * ```
 */
export class Ticker {
  private timer: EventHandle | undefined;
  private running = false;
  private tickWaiting = false;
  private stopped = true;

  /** `run` is handed `done`, to call once the run is over (at once for a run that does not wait). */
  constructor(
    private readonly sim: Simulation,
    private readonly intervalUs: Duration,
    private readonly kind: string,
    private readonly run: (done: () => void) => void,
  ) {}

  /** Starts ticking: the first tick one interval from now. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** Stops ticking; a run under way finishes, and nothing runs after it. */
  stop(): void {
    this.stopped = true;
    this.tickWaiting = false;
    if (this.timer !== undefined) this.sim.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = this.sim.scheduler.after(this.intervalUs, this.kind, () => {
      this.schedule();
      if (this.running) this.tickWaiting = true;
      else this.fire();
    });
  }

  private fire(): void {
    this.running = true;
    let finished = false;
    this.run(() => {
      if (finished) return;
      finished = true;
      this.running = false;
      if (this.tickWaiting && !this.stopped) {
        this.tickWaiting = false;
        this.fire();
      }
    });
  }
}
