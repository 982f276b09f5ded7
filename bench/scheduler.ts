/**
 * `npm run bench -- scheduler`: the scheduler's event rate on the classic hold model,
 * against a bare struct-of-arrays heap (same run, same process) and SimPy.
 *
 * For each N (pending events) it prints events per second, the best of the
 * repeats, and the ratios scheduler/bare and scheduler/SimPy. Every
 * implementation replays the same delay table, so each must end at the same
 * simulated time after the same number of events; the last column checks it.
 * See docs/performance.md.
 */

import { cpus } from "node:os";
import { type HoldPlan, type HoldRun, delayTable, holdMeanUs, holdOnBareHeap, holdOnScheduler } from "./hold.js";
import { type SimpyResult, debianPython, holdOnSimpy, simpyAvailable } from "./simpy.js";

const SEED = 1;

interface Size {
  readonly processes: number;
  /** The scheduler and the bare heap. */
  readonly js: HoldPlan;
  readonly jsRepeats: number;
  /** SimPy: fewer events where it is slow; its rate is still events per second. */
  readonly simpy: HoldPlan;
  readonly simpyRepeats: number;
}

const SIZES: readonly Size[] = [
  { processes: 1e3, js: plan(1e3, 2e5, 4e6), jsRepeats: 5, simpy: plan(1e3, 1e5, 2e6), simpyRepeats: 2 },
  { processes: 1e5, js: plan(1e5, 2e5, 4e6), jsRepeats: 5, simpy: plan(1e5, 1e5, 2e6), simpyRepeats: 2 },
  { processes: 1e6, js: plan(1e6, 1e6, 4e6), jsRepeats: 3, simpy: plan(1e6, 0, 1e6), simpyRepeats: 1 },
];

function plan(processes: number, warmEvents: number, events: number): HoldPlan {
  return { processes, warmEvents, events };
}

const rate = (run: HoldRun): number => run.events / run.seconds;

/**
 * The best of the repeats. On a shared or virtual machine, interference only
 * ever slows a run down, so the fastest run is the least disturbed one.
 */
function best(values: readonly number[]): number {
  return Math.max(...values);
}

const fmtRate = (eventsPerSecond: number): string => `${(eventsPerSecond / 1e6).toFixed(2)} M`;
const fmtRatio = (ratio: number): string => `${ratio.toFixed(2)}×`;
const fmtCount = (n: number): string => (n === 0 ? "0" : n.toExponential(0).replace("+", ""));
const pad = (cells: readonly string[], widths: readonly number[]): string =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");

function main(): void {
  const delays = delayTable(SEED);
  const simpyCheck = simpyAvailable();
  console.log(`swarmsim scheduler benchmark: hold model, exponential delays (mean ${holdMeanUs} µs, integer µs)`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`);
  console.log(`delay table: ${delays.length} draws from stream "bench/hold" of seed ${SEED}`);
  if (!simpyCheck.ok) console.log(`SimPy skipped: ${simpyCheck.reason}`);

  // JIT warm-up: both loops hot before anything is timed.
  holdOnScheduler(plan(1e3, 0, 2e6), delays);
  holdOnBareHeap(plan(1e3, 0, 2e6), delays);

  const widths = [9, 14, 14, 12, 11, 12, 10];
  const header = ["N", "scheduler ev/s", "bare heap ev/s", "SimPy ev/s", "sched/bare", "sched/SimPy", "same time"];
  const rows: string[] = [];
  const details: string[] = [];
  for (const size of SIZES) {
    // Alternate the two, so a slow spell of the machine hits both alike.
    const schedulerRuns: HoldRun[] = [];
    const bareRuns: HoldRun[] = [];
    for (let r = 0; r < size.jsRepeats; r++) {
      schedulerRuns.push(holdOnScheduler(size.js, delays));
      bareRuns.push(holdOnBareHeap(size.js, delays));
    }
    const simpy: SimpyResult = simpyCheck.ok ? holdOnSimpy(size.simpy, size.simpyRepeats, delays) : simpyCheck;
    const schedulerRate = best(schedulerRuns.map(rate));
    const bareRate = best(bareRuns.map(rate));
    const simpyRate = simpy.ok ? best(simpy.runs.map(rate)) : NaN;
    // The same schedule must end at the same simulated time, whatever runs it.
    let sameTime = schedulerRuns.every((r) => r.now === bareRuns[0]!.now) && bareRuns.every((r) => r.now === bareRuns[0]!.now);
    if (simpy.ok) {
      const reference = holdOnScheduler(size.simpy, delays).now;
      sameTime &&= simpy.runs.every((r) => r.now === reference);
    }
    rows.push(
      pad(
        [
          fmtCount(size.processes),
          fmtRate(schedulerRate),
          fmtRate(bareRate),
          simpy.ok ? fmtRate(simpyRate) : "skipped",
          fmtRatio(schedulerRate / bareRate),
          simpy.ok ? fmtRatio(schedulerRate / simpyRate) : "-",
          sameTime ? "yes" : "NO",
        ],
        widths,
      ),
    );
    const list = (runs: readonly HoldRun[]) => runs.map((r) => fmtRate(rate(r)).trim()).join(", ");
    details.push(
      `N=${fmtCount(size.processes)}: scheduler [${list(schedulerRuns)}], bare [${list(bareRuns)}] ` +
        `(${fmtCount(size.js.events)} timed events after ${fmtCount(size.js.warmEvents)} warm-up, ${size.jsRepeats} repeats)` +
        (simpy.ok
          ? `; SimPy ${simpy.simpy} [${list(simpy.runs)}] (${fmtCount(size.simpy.events)} after ${fmtCount(size.simpy.warmEvents)}, ${size.simpyRepeats} repeats)`
          : ""),
    );
    console.log(`  measured N=${fmtCount(size.processes)}`);
  }

  console.log("");
  console.log(pad(header, widths));
  for (const row of rows) console.log(row);
  console.log("");
  console.log("events per second, best of the repeats (each run listed below); ratios of the best runs");
  for (const line of details) console.log(`  ${line}`);
  if (simpyCheck.ok) console.log(`SimPy ran under ${debianPython}.`);
}

main();
