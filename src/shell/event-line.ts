/**
 * One scheduler event on one line, for `step`: when it ran, its kind, the
 * node it concerns, and what it did as far as the trace and the wire tell
 * (the records it wrote, the packets it delivered and sent).
 */

import type { Fabric, TapPacket } from "../net/index.js";
import { type EventInfo, type Simulation, type TraceRecord, formatInstant } from "../sim/index.js";
import { readPacket } from "./packet-view.js";
import { clip } from "./text-table.js";

/** What one event did: the records it traced, and the packets it delivered and sent, in order. */
export interface EventEffects {
  readonly records: readonly TraceRecord[];
  readonly packets: readonly TapPacket[];
}

/** Notes the trace records and deliveries of the events run while it listens. */
export class EventRecorder {
  private records: TraceRecord[] = [];
  private packets: TapPacket[] = [];
  private listening = false;

  constructor(
    sim: Simulation,
    private readonly fabric: Fabric,
  ) {
    sim.bus.on("trace", (record) => {
      if (this.listening) this.records.push(record);
    });
  }

  /** Runs `body` with packets noted too (a tap costs a copy per packet, so it is on only while stepping). */
  withPackets<T>(body: () => T): T {
    const remove = this.fabric.addTap((p) => this.packets.push(p), { outcomes: ["sent", "delivered"] });
    try {
      return body();
    } finally {
      remove();
    }
  }

  /** Runs one event with `run` and returns what it did. */
  effectsOf(run: () => EventInfo | undefined): { event: EventInfo | undefined; effects: EventEffects } {
    this.records = [];
    this.packets = [];
    this.listening = true;
    try {
      return { event: run(), effects: { records: this.records, packets: this.packets } };
    } finally {
      this.listening = false;
    }
  }
}

/**
 * The line `step` prints for an event:
 * `+12:00:00.000000  keymanager.rotate       manager-1   keymanager.rotate gossipTags=[4,5,6] ...`.
 */
export function eventLine(event: EventInfo, effects: EventEffects): string {
  const withNode = effects.records.find((r) => r.node !== undefined);
  const firstPacket = effects.packets[0];
  // A delivery runs on the receiving machine; a packet sent, on the sender.
  const concern = withNode?.node ?? (firstPacket === undefined ? "" : firstPacket.outcome === "delivered" ? firstPacket.dst : firstPacket.src);
  const packets = effects.packets.map((p) => `${p.outcome === "sent" ? "sends " : ""}${readPacket(p.bytes).path} ${p.src} → ${p.dst} ${p.bytes.length} B`);
  const said = [...effects.records.map((r) => recordText(r, concern)), ...packets].join("; ");
  return `${formatInstant(event.at)}  ${event.kind.padEnd(26)} ${concern.padEnd(11)} ${clip(said, 140)}`.trimEnd();
}

/**
 * A trace record in a few words: its node (unless it is `sameNode`), its kind
 * and its short fields (`manager-1 keymanager.rotate gossipTags=[4,5,6]`).
 */
export function recordText(record: TraceRecord, sameNode?: string): string {
  const fields: string[] = [];
  for (const [name, value] of Object.entries(record)) {
    if (name === "t" || name === "kind" || name === "node" || fields.length >= 4) continue;
    const shown = shortValue(value);
    if (shown !== undefined) fields.push(`${name}=${shown}`);
  }
  const node = record.node === undefined || record.node === sameNode ? "" : `${record.node} `;
  return `${node}${record.kind}${fields.length === 0 ? "" : ` ${fields.join(" ")}`}`;
}

function shortValue(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value === "string") return value.length <= 24 && !value.includes("\n") ? value : undefined;
  if (Array.isArray(value) && value.length <= 6 && value.every((v) => typeof v === "number" || (typeof v === "string" && v.length <= 12))) return `[${value.join(",")}]`;
  return undefined;
}
