/**
 * When `swarmsim step` pauses. At a key rotation, the leader's key manager
 * has new keys, but the nodes hear of them only in their next session
 * message (and, with `cluster.keyDelay`, apply them minutes apart): the
 * pause waits until every node that is up and in the swarm holds the new
 * key, or until a settle limit passes, so the student sees the primary
 * moved to the middle key everywhere. With `--break KIND`, it pauses at
 * each trace record of that kind as it is written.
 */

import { type Duration, type Instant, type TraceRecord, minutes } from "../sim/index.js";
import { subsystemGossip, subsystemIpsec } from "../control/index.js";
import type { Cluster, SwarmNode } from "../swarm/index.js";

/** How long after a rotation a pause waits for every node to apply it. */
export const settleLimit: Duration = minutes(10);

/** A reason to pause: the record that caused it, and the nodes still without the new key. */
export interface PauseCause {
  readonly record: TraceRecord;
  /** When the pause happens (the rotation's keys settled, or the break record). */
  readonly at: Instant;
  /** Nodes that were to apply the rotation and had not when the pause came. */
  readonly late: readonly string[];
  /** Each node's keys as they were when the rotation happened (a rotation pause only). */
  readonly before?: ReadonlyMap<string, KeysHeld>;
}

/** A node's gossip and IPsec tags, primary in brackets: `4 [5] 6`. */
export interface KeysHeld {
  readonly gossip: string;
  readonly ipsec: string;
}

interface PendingRotation {
  readonly record: TraceRecord;
  readonly newestTag: number;
  readonly waitingFor: Set<string>;
  readonly before: ReadonlyMap<string, KeysHeld>;
}

/** Watches a run's trace and says when to pause. */
export class RotationWatch {
  private pending: PendingRotation | undefined;

  constructor(
    private readonly cluster: Cluster,
    /** Pause at each record of this kind instead of at each key rotation. */
    private readonly breakKind: string | undefined,
  ) {}

  /** Called for every trace record; returns a pause to show now, if any. */
  see(record: TraceRecord): PauseCause | undefined {
    if (this.breakKind !== undefined) return record.kind === this.breakKind ? { record, at: record.t, late: [] } : undefined;
    if (record.kind === "keymanager.rotate") {
      const earlier = this.flush(record.t);
      this.pending = this.rotation(record);
      return earlier ?? this.settled(record.t);
    }
    return this.settled(record.t);
  }

  /** A rotation still waiting for nodes, shown as it stands (at the end of a run, or when the next rotation comes first). */
  flush(at: Instant): PauseCause | undefined {
    const pending = this.pending;
    if (pending === undefined) return undefined;
    this.pending = undefined;
    return { record: pending.record, at, late: [...pending.waitingFor], before: pending.before };
  }

  private rotation(record: TraceRecord): PendingRotation {
    const tags = [...numbers(record.gossipTags), ...numbers(record.ipsecTags)];
    const members = [...this.cluster.nodes.values()].filter((n) => n.keys !== undefined && !n.crashed);
    const waitingFor = new Set(members.map((n) => n.name));
    // No node has heard of the rotation yet: what each holds now is what it held before.
    const before = new Map(members.map((n) => [n.name, keysHeld(n)] as const));
    return { record, newestTag: Math.max(...tags), waitingFor, before };
  }

  private settled(now: Instant): PauseCause | undefined {
    const pending = this.pending;
    if (pending === undefined) return undefined;
    for (const name of pending.waitingFor) {
      const node = this.cluster.nodes.get(name);
      if (node === undefined || node.crashed || node.keys === undefined || node.keys.arrivedAt(pending.newestTag) !== undefined) pending.waitingFor.delete(name);
    }
    if (pending.waitingFor.size > 0 && now < pending.record.t + settleLimit) return undefined;
    return this.flush(now);
  }
}

const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : []);

/**
 * A node's keys as `4 [5] 6` per subsystem (oldest first, primary in
 * brackets); empty strings before it has any.
 */
export function keysHeld(node: SwarmNode): KeysHeld {
  const keys = node.keys;
  const text = (subsystem: typeof subsystemGossip | typeof subsystemIpsec) => {
    const held = keys?.held(subsystem);
    return held === undefined ? "" : held.tags.map((t) => (t === held.primary ? `[${t}]` : String(t))).join(" ");
  };
  return { gossip: text(subsystemGossip), ipsec: text(subsystemIpsec) };
}
