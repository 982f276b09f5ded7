/**
 * memberlist's TransmitLimitedQueue (queue.go): broadcasts waiting to be
 * piggybacked on gossip, each sent a limited number of times.
 *
 * Order is queue.go's `limitedBroadcast.Less`: fewest transmissions first,
 * then the longest message, then the newest. Each round takes, in that order,
 * every message that still fits the space left (queue.go GetBroadcasts looks
 * for the first message of a tier that fits, which is the same one), counts
 * one transmission for it, and drops it once it has been sent
 * `retransmitLimit(n)` times. A broadcast with a name replaces a queued one
 * of the same name (queue.go NamedBroadcast): news about a node or a table
 * entry supersedes older news about it.
 */

import { retransmitLimit, retransmitMult } from "./constants.js";

/** A message to gossip. */
export interface Broadcast {
  /** The encoded message. */
  readonly message: Uint8Array;
  /** What it is about: a newer broadcast with the same name replaces it. */
  readonly name?: string;
  /** Called once the broadcast leaves the queue: sent its last time, replaced, or dropped by a reset (queue.go Broadcast.Finished). */
  readonly finished?: () => void;
}

interface Queued {
  readonly broadcast: Broadcast;
  transmits: number;
  readonly id: number;
}

/**
 * @example
 * ```ts
 * const queue = new BroadcastQueue(() => members.length, timings.retransmitMult);
 * queue.queue({ message: aliveBytes, name: "node-7" });
 * const parts = queue.take(2, 1400 - 2 - 29); // what fits in one compound packet
 * ```
 */
export class BroadcastQueue {
  private items: Queued[] = [];
  private nextId = 0;

  /**
   * `nodes` gives the cluster size the retransmit limit is computed from, at
   * each round; `multiplier` scales it (queue.go RetransmitMult; the spec's unless told).
   */
  constructor(
    private readonly nodes: () => number,
    private readonly multiplier: number = retransmitMult,
  ) {}

  /** Broadcasts waiting. */
  get length(): number {
    return this.items.length;
  }

  /** Queues a broadcast, replacing a queued one of the same name. */
  queue(broadcast: Broadcast): void {
    if (broadcast.name !== undefined) {
      const replaced = this.items.filter((q) => q.broadcast.name === broadcast.name);
      if (replaced.length > 0) {
        this.items = this.items.filter((q) => q.broadcast.name !== broadcast.name);
        for (const q of replaced) q.broadcast.finished?.();
      }
    }
    this.items.push({ broadcast, transmits: 0, id: this.nextId++ });
    this.sort();
  }

  /**
   * The messages for one packet: each costs its length plus `overhead`, all
   * within `limit` bytes. Counts a transmission for each.
   */
  take(overhead: number, limit: number): Uint8Array[] {
    if (this.items.length === 0) return [];
    const transmitLimit = retransmitLimit(this.nodes(), { retransmitMult: this.multiplier });
    const out: Uint8Array[] = [];
    let used = 0;
    const kept: Queued[] = [];
    const done: Broadcast[] = [];
    for (const item of this.items) {
      const cost = overhead + item.broadcast.message.length;
      if (limit - used - overhead <= 0 || used + cost > limit) {
        kept.push(item);
        continue;
      }
      used += cost;
      out.push(item.broadcast.message);
      item.transmits++;
      if (item.transmits < transmitLimit) kept.push(item);
      else done.push(item.broadcast);
    }
    this.items = kept;
    this.sort();
    for (const broadcast of done) broadcast.finished?.();
    return out;
  }

  /** Drops every queued broadcast. */
  reset(): void {
    const dropped = this.items;
    this.items = [];
    for (const q of dropped) q.broadcast.finished?.();
  }

  private sort(): void {
    this.items.sort((a, b) => a.transmits - b.transmits || b.broadcast.message.length - a.broadcast.message.length || b.id - a.id);
  }
}
