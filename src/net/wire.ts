/**
 * A packet's way across the fabric: the sender is up → taps see it `sent` →
 * partition → traffic rules (drop, or extra delay) → link loss → link
 * latency (a scheduler event) → the receiver is up and
 * still reachable → its stack finds a handler or refuses → taps see it
 * `delivered` or `dropped` → the handler runs. Every drop is counted and traced.
 */

import { copyBytes } from "../encoding/index.js";
import { type Simulation, duration } from "../sim/index.js";
import type { Ipv4Address } from "./address.js";
import { type DropReason, emptyDropCounts } from "./drops.js";
import type { Host } from "./host.js";
import type { HostDirectory } from "./host-directory.js";
import { drawLatency, drawLoss } from "./link.js";
import type { LinkTable } from "./link-table.js";
import type { PartitionTable } from "./partitions.js";
import type { TapEntry, TapOutcome, TapPacket } from "./tap.js";
import type { TrafficRuleTable } from "./traffic-rules.js";

interface Flight {
  readonly from: Host;
  readonly to: Host;
  readonly bytes: Uint8Array;
  /** False for loopback: it never touches the wire, so taps do not see it. */
  readonly onWire: boolean;
}

/** Stands in for a destination when a packet has none (too short to hold an IPv4 header). */
const NO_ADDRESS = "unknown";

/** Carries packets between the hosts of one fabric. */
export class Wire {
  /** Taps, in the order added; replaced, never changed in place, so that showing a packet can read it while a tap adds or removes one. */
  taps: readonly TapEntry[] = [];
  /** Packets hosts put on the wire (or on loopback). */
  sent = 0;
  /** Packets handed to a handler at their destination. */
  delivered = 0;
  /** Packets dropped, per reason. */
  readonly dropped = emptyDropCounts();

  constructor(
    private readonly sim: Simulation,
    private readonly directory: HostDirectory,
    private readonly links: LinkTable,
    private readonly partitions: PartitionTable,
    private readonly rules: TrafficRuleTable,
  ) {}

  /** Puts a packet from `from` on its way to `dst` (undefined: the bytes hold no address). */
  transmit(from: Host, dst: Ipv4Address | undefined, bytes: Uint8Array): void {
    if (!from.isUp) return this.drop("host-down", from.name, dst ?? NO_ADDRESS, bytes, "the sender is down", false);
    const to = dst === undefined ? undefined : this.directory.at(dst);
    this.sent++;
    if (to === from) {
      this.sim.scheduler.after(duration(0), "net.loopback", this.arrive, { from, to, bytes, onWire: false });
      return;
    }
    this.show("sent", from.name, to?.name ?? dst ?? NO_ADDRESS, bytes);
    if (dst === undefined) return this.drop("malformed", from.name, NO_ADDRESS, bytes, "no IPv4 header", true);
    if (to === undefined) return this.drop("no-route", from.name, dst, bytes, undefined, true);
    const a = this.directory.numberOf(from);
    const b = this.directory.numberOf(to);
    if (this.partitions.isBlocked(a, b)) return this.drop("partition", from.name, to.name, bytes, undefined, true);
    const verdict = this.rules.judge(a, b, bytes);
    if (verdict.droppedBy !== undefined) return this.drop("rule", from.name, to.name, bytes, `rule ${verdict.droppedBy}`, true);
    const link = this.links.get(a, b);
    const streams = this.links.streamsFor(a, b, from.name, to.name);
    if (drawLoss(link.lossPpm, streams.loss)) return this.drop("loss", from.name, to.name, bytes, undefined, true);
    const latency = drawLatency(link.latency, streams.latency);
    const delay = verdict.delay === 0 ? latency : duration(latency + verdict.delay);
    this.sim.scheduler.after(delay, "net.deliver", this.arrive, { from, to, bytes, onWire: true });
  }

  private readonly arrive = (flight: Flight): void => {
    const { from, to, bytes, onWire } = flight;
    if (!to.isUp) return this.drop("host-down", from.name, to.name, bytes, "the receiver is down", onWire);
    // A partition that began while the packet was in flight cuts it too.
    if (this.partitions.isBlocked(this.directory.numberOf(from), this.directory.numberOf(to))) {
      return this.drop("partition", from.name, to.name, bytes, "cut in flight", onWire);
    }
    const delivery = to.route(bytes);
    if (delivery.drop !== undefined) {
      this.drop(delivery.drop, from.name, to.name, bytes, delivery.detail, onWire);
    } else {
      this.delivered++;
      if (onWire) this.show("delivered", from.name, to.name, bytes);
    }
    delivery.run?.();
  };

  private drop(reason: DropReason, src: string, dst: string, bytes: Uint8Array, detail: string | undefined, onWire: boolean): void {
    this.dropped[reason]++;
    const protocol = bytes.length >= 10 ? bytes[9]! : 0;
    this.sim.trace.record("net.drop", { reason, src, dst, protocol, length: bytes.length, detail });
    if (onWire) this.show("dropped", src, dst, bytes, reason);
  }

  /** Shows a packet event to every tap that wants it, each with its own copy of the bytes. */
  private show(outcome: TapOutcome, src: string, dst: string, bytes: Uint8Array, reason?: DropReason): void {
    if (this.taps.length === 0) return;
    const at = this.sim.now;
    for (const entry of this.taps) {
      if (!entry[outcome]) continue;
      const shown = entry.borrow ? bytes : copyBytes(bytes);
      const packet: TapPacket = reason === undefined ? { at, bytes: shown, src, dst, outcome } : { at, bytes: shown, src, dst, outcome, reason };
      entry.tap(packet);
    }
  }
}
