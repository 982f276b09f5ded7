/**
 * The shell's commands that let simulated time pass: `advance DURATION`,
 * `step [N]` (the next N scheduler events, one line each) and `until
 * rotation|renewal|event KIND` (on to the next such trace record, within a
 * limit so that it always returns).
 */

import type { ScenarioSession } from "../scenario/index.js";
import { type Duration, type TraceRecord, formatDuration, formatInstant, hours, tryParseDuration } from "../sim/index.js";
import { type EventRecorder, eventLine } from "./event-line.js";
import { describeRecord } from "./record-words.js";

/** `step` runs at most this many events at once: each is a line of output. */
export const stepLimit = 1000;
/** How far `until` looks when no `--within` is given: past a 12 h rotation, with room for a late one. */
export const untilDefaultWithin = hours(48);

/** What `until` waits for, by the trace record kind that marks it. */
export const untilTargets: Readonly<Record<string, { readonly kind: string; readonly name: string }>> = {
  rotation: { kind: "keymanager.rotate", name: "key rotation" },
  renewal: { kind: "cert.renewed", name: "certificate renewal" },
};

/** Trace records worth a line after `advance`: what a student steps time for. */
const notable: Readonly<Record<string, string>> = { "keymanager.rotate": "key rotation", "cert.renewed": "certificate renewal", "manager.leadership": "leadership change" };

/** `advance DURATION`: runs every event up to now + DURATION; says where the clock is and what notable happened. */
export function advance(world: ScenarioSession, text: string): string {
  const parsed = tryParseDuration(text);
  if (!parsed.ok) return `advance: ${parsed.reason}\n`;
  const seen = watchRecords(world, (r) => notable[r.kind] !== undefined);
  const events = world.sim.scheduler.executed;
  try {
    world.advanceTo(world.sim.now + parsed.value);
  } finally {
    seen.stop();
  }
  const lines = seen.records.map((r) => `  ${formatInstant(r.t)}  ${notable[r.kind]}${r.node === undefined ? "" : ` on ${r.node}`}: ${describeRecord(r)}`);
  return `now ${formatInstant(world.sim.now)} (${formatDuration(parsed.value)} later, ${world.sim.scheduler.executed - events} events)\n${lines.map((l) => `${l}\n`).join("")}`;
}

/** `step [N]`: runs the next N events, one line each. */
export function step(world: ScenarioSession, recorder: EventRecorder, count: number): string {
  const lines: string[] = [];
  recorder.withPackets(() => {
    for (let i = 0; i < count; i++) {
      const { event, effects } = recorder.effectsOf(() => world.sim.scheduler.step());
      if (event === undefined) {
        lines.push("nothing is scheduled");
        break;
      }
      lines.push(eventLine(event, effects));
    }
  });
  return `${lines.join("\n")}\n`;
}

/**
 * `until rotation|renewal|event KIND [--within DURATION]`: runs on until
 * the event that writes the first trace record of that kind, or until the
 * limit, saying which.
 */
export function until(world: ScenarioSession, target: { kind: string; name: string }, within: Duration): string {
  const { sim } = world;
  const deadline = sim.now + within;
  const seen = watchRecords(world, (r) => r.kind === target.kind, true);
  try {
    // A handler other than ours may stop the scheduler too (a command finishing): go on then.
    while (seen.records.length === 0 && world.advanceTo(deadline)) continue;
  } finally {
    seen.stop();
  }
  const found = seen.records[0];
  if (found === undefined) {
    return `no ${target.name} within ${formatDuration(within)}: stopped at ${formatInstant(sim.now)} (add --within 7d to look further)\n`;
  }
  return `${target.name} at ${formatInstant(found.t)}${found.node === undefined ? "" : ` on ${found.node}`}: ${describeRecord(found)}\n`;
}

/** Collects the trace records `wanted` picks; with `stopScheduler`, the scheduler stops after the event that wrote one. */
function watchRecords(world: ScenarioSession, wanted: (r: TraceRecord) => boolean, stopScheduler = false): { records: TraceRecord[]; stop: () => void } {
  const records: TraceRecord[] = [];
  const listener = (record: TraceRecord) => {
    if (!wanted(record)) return;
    records.push(record);
    if (stopScheduler) world.sim.scheduler.stop();
  };
  world.sim.bus.on("trace", listener);
  return { records, stop: () => world.sim.bus.off("trace", listener) };
}

