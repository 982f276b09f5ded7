/**
 * networkdb's bulk sync (cluster.go bulkSyncTables, bulkSync, bulkSyncNode;
 * delegate.go handleBulkSync's answer): a node sends a peer every entry of
 * the networks they share, as one BulkSyncMessage over a stream, marked
 * unsolicited; the peer merges them and answers with its own entries of the
 * same networks. The sender waits up to the bulk sync timeout (30 s by
 * default) for that answer, then goes on
 * either way; only a stream that could not be opened counts as a failure,
 * after which a periodic sync tries its second candidate.
 *
 * Go runs each of these on the goroutine of its ticker or caller and blocks
 * on the answer; here each is a chain of callbacks that says when it is done.
 */

import type { Duration, EventHandle, Rng, Simulation } from "../sim/index.js";
import { bulkSyncCandidates } from "./constants.js";
import type { Member } from "./memberlist.js";
import { MessageType, encodeMessage, makeCompoundMessage } from "./networkdb-messages.js";
import { mRandomNodes } from "./networkdb-nodes.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A bulk sync this node sent: to whom, which networks, how many entries, and how it ended. */
    "gossip.bulk-sync": {
      peer: string;
      networks: string[];
      entries: number;
      unsolicited: boolean;
      outcome: "acked" | "timed-out" | "failed" | "answered";
      reason?: string;
    };
  }
}

/** What the bulk syncer needs of its networkdb node. */
export interface BulkSyncContext {
  readonly sim: Simulation;
  /** Picks the periodic sync's peers. */
  readonly rng: Rng;
  /** This node's gossip name. */
  readonly name: string;
  /** The host's name, for the trace. */
  readonly hostName: string;
  /** How long an unsolicited sync waits for the peer's answer (`GossipTimings.bulkSyncTimeoutUs`). */
  readonly bulkSyncTimeoutUs: Duration;
  /** The member to send to, while networkdb has the node active. */
  activeMember(node: string): Member | undefined;
  /** Every entry of `networks` as an encoded TableEvent GossipMessage, in radix order (cluster.go bulkSyncNode's walk). */
  tableEvents(networks: readonly string[]): Uint8Array[];
  /** The table clock's time. */
  tableTime(): number;
  /** The networks this node shares with `node` (networkdb.go findCommonNetworks). */
  commonNetworks(node: string): string[];
  /** memberlist SendToTCP. */
  sendToTcp(to: Member, payload: Uint8Array, failed: (reason: string) => void): void;
  /** Counts: a bulk sync sent (unsolicited or answer), acked, timed out, failed. */
  count(what: "bulkSyncsSent" | "bulkSyncsAnswered" | "bulkSyncsAcked" | "bulkSyncTimeouts" | "bulkSyncFailures"): void;
}

/** How a bulk sync with a set of nodes ended: the networks of the last node synced, or the last error. */
export type BulkSyncResult = { readonly ok: true; readonly networks: readonly string[] } | { readonly ok: false; readonly reason: string };

type Waiter = { readonly timer: EventHandle; readonly finish: () => void };

/**
 * @example
 * ```ts
 * const syncer = new BulkSyncer(context);
 * syncer.bulkSync(attachments.nodesOf("net-1"), true, (result) => markInSync());
 * ```
 */
export class BulkSyncer {
  /** cluster.go bulkSyncAckTbl: the sync waiting for each node's answer. A newer sync to the same node takes the slot. */
  private readonly waiters = new Map<string, Waiter>();
  private stopped = false;

  constructor(private readonly context: BulkSyncContext) {}

  /**
   * cluster.go bulkSync: with `all`, every node in turn (joining a network,
   * reconnecting); otherwise up to 2 random ones, stopping at the first that
   * succeeds. Skips this node.
   */
  bulkSync(nodes: readonly string[], all: boolean, done: (result: BulkSyncResult) => void): void {
    const { context } = this;
    const targets = (all ? nodes.slice() : mRandomNodes(context.rng, bulkSyncCandidates, nodes, context.name)).filter((n) => n !== context.name);
    let index = 0;
    let success = false;
    let lastError: string | undefined;
    let networks: string[] = [];
    const next = (): void => {
      if (this.stopped) return;
      const node = targets[index++];
      if (node === undefined || (success && !all)) {
        done(success || lastError === undefined ? { ok: true, networks } : { ok: false, reason: lastError });
        return;
      }
      networks = context.commonNetworks(node);
      this.syncNode(networks, node, true, (error) => {
        if (error === undefined) success = true;
        else lastError = `bulk sync to node ${node} failed: ${error}`;
        next();
      });
    };
    next();
  }

  /**
   * cluster.go bulkSyncNode: every entry of `networks` to `node`. An
   * unsolicited sync waits for the answer or the bulk sync timeout; `done` hears an error only
   * when the stream failed. A node networkdb does not have active is skipped
   * as a success, as Go does.
   */
  syncNode(networks: readonly string[], node: string, unsolicited: boolean, done: (error?: string) => void): void {
    const { context } = this;
    const member = context.activeMember(node);
    if (member === undefined) return done();
    const events = context.tableEvents(networks);
    const message = encodeMessage(MessageType.bulkSync, {
      lTime: context.tableTime(),
      unsolicited,
      nodeName: context.name,
      networks,
      payload: makeCompoundMessage(events),
    });
    const record = (outcome: "acked" | "timed-out" | "failed" | "answered", reason?: string) =>
      context.sim.trace.record(
        "gossip.bulk-sync",
        { peer: node, networks: [...networks], entries: events.length, unsolicited, outcome, ...(reason === undefined ? {} : { reason }) },
        context.hostName,
      );
    context.count(unsolicited ? "bulkSyncsSent" : "bulkSyncsAnswered");
    let settled = false;
    const settle = (error?: string) => {
      if (settled) return;
      settled = true;
      done(error);
    };
    const timer = unsolicited ? this.wait(node, record, settle) : undefined;
    context.sendToTcp(member, message, (reason) => {
      if (timer !== undefined) {
        context.sim.scheduler.cancel(timer);
        if (this.waiters.get(node)?.timer === timer) this.waiters.delete(node);
      }
      context.count("bulkSyncFailures");
      record("failed", reason);
      settle(`failed to send a TCP message during bulk sync: ${reason}`);
    });
    if (!unsolicited) {
      record("answered");
      settle();
    }
  }

  /** The answer to our unsolicited sync came from `node` (delegate.go handleBulkSync, not unsolicited). */
  acked(node: string): void {
    const waiter = this.waiters.get(node);
    if (waiter === undefined) return;
    this.waiters.delete(node);
    this.context.sim.scheduler.cancel(waiter.timer);
    waiter.finish();
  }

  /**
   * cluster.go bulkSyncTables: each of `networks` (this node's, not leaving)
   * with a random peer; the networks a sync covered are not synced again in
   * the round. `done` hears when the round is over.
   */
  periodic(networks: readonly string[], nodesOf: (nid: string) => readonly string[], done: () => void): void {
    let pending = networks.slice();
    const next = (): void => {
      if (this.stopped) return;
      const nid = pending.shift();
      if (nid === undefined) return done();
      const nodes = nodesOf(nid);
      if (nodes.length === 0) return next();
      this.bulkSync(nodes, false, (result) => {
        if (result.ok) pending = pending.filter((n) => !result.networks.includes(n));
        next();
      });
    };
    next();
  }

  /** Gives up every wait (the node stopped). */
  stop(): void {
    this.stopped = true;
    for (const waiter of this.waiters.values()) this.context.sim.scheduler.cancel(waiter.timer);
    this.waiters.clear();
  }

  /** Waits for `node`'s answer or the timeout; returns the timer, which names the wait. */
  private wait(node: string, record: (outcome: "acked" | "timed-out") => void, settle: () => void): EventHandle {
    const timer = this.context.sim.scheduler.after(this.context.bulkSyncTimeoutUs, "gossip.bulk-sync-timeout", () => {
      if (this.waiters.get(node)?.timer === timer) this.waiters.delete(node);
      this.context.count("bulkSyncTimeouts");
      record("timed-out");
      settle();
    });
    this.waiters.set(node, {
      timer,
      finish: () => {
        this.context.count("bulkSyncsAcked");
        record("acked");
        settle();
      },
    });
    return timer;
  }
}
