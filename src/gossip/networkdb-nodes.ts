/**
 * networkdb's three lists of cluster nodes (networkdb.go nodes, leftNodes,
 * failedNodes; nodemgmt.go findNode, changeNodeState): a node is active while
 * memberlist has it alive, left once it said it leaves, failed once
 * memberlist declared it dead without a leave. Failed and left nodes are
 * remembered for the node reap interval, a day by default (failed ones are
 * retried meanwhile).
 */

import type { Duration, Rng } from "../sim/index.js";
import type { Member } from "./memberlist.js";

/** Which list a node is on (nodemgmt.go nodeState). */
export type NodeState = "active" | "left" | "failed";

/** A cluster node as networkdb keeps it (networkdb.go node). */
export interface NetworkDbNode {
  readonly name: string;
  /** memberlist's record of it, as it was when it joined: address and versions, for sending to it. */
  readonly member: Member;
  /** Lamport time (network clock) of the latest node event taken for it. */
  ltime: number;
  /** Microseconds left before a left or failed node is forgotten; 0 while active. */
  reapTimeUs: number;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * @example
 * ```ts
 * const lists = new NodeLists(timings.nodeReapIntervalUs);
 * lists.add({ name: "3f2a9c41be07", member, ltime: 0, reapTimeUs: 0 });
 * lists.move("3f2a9c41be07", "failed"); // "moved"
 * lists.find("3f2a9c41be07")?.state; // "failed"
 * ```
 */
export class NodeLists {
  private readonly lists: Record<NodeState, Map<string, NetworkDbNode>> = {
    active: new Map(),
    left: new Map(),
    failed: new Map(),
  };

  /** `nodeReapIntervalUs`: how long a failed or left node is remembered (cluster.go nodeReapInterval). */
  constructor(private readonly nodeReapIntervalUs: Duration) {}

  /** The node and its list, looking in active, left, failed order (nodemgmt.go findNode). */
  find(name: string): { readonly node: NetworkDbNode; readonly state: NodeState } | undefined {
    for (const state of ["active", "left", "failed"] as const) {
      const node = this.lists[state].get(name);
      if (node !== undefined) return { node, state };
    }
    return undefined;
  }

  /** The node, if it is active. */
  active(name: string): NetworkDbNode | undefined {
    return this.lists.active.get(name);
  }

  /** How many nodes are active, this one included: the cluster size networkdb's queues count with. */
  get activeCount(): number {
    return this.lists.active.size;
  }

  /** The nodes on one list, by name. */
  list(state: NodeState): NetworkDbNode[] {
    return [...this.lists[state].values()].sort(byName);
  }

  /** Puts a node on the active list, replacing one of the same name there (event_delegate.go NotifyJoin). */
  add(node: NetworkDbNode): void {
    this.lists.active.set(node.name, node);
  }

  /**
   * Moves a node to another list (nodemgmt.go changeNodeState, without its
   * side effects): back to active clears its reap time, to left or failed
   * starts it unless it runs already (failed then left keeps the first).
   */
  move(name: string, to: NodeState): "moved" | "unchanged" | "missing" {
    const found = this.find(name);
    if (found === undefined) return "missing";
    if (found.state === to) return "unchanged";
    this.lists[found.state].delete(name);
    this.lists[to].set(name, found.node);
    if (to === "active") found.node.reapTimeUs = 0;
    else if (found.node.reapTimeUs === 0) found.node.reapTimeUs = this.nodeReapIntervalUs;
    return "moved";
  }

  /**
   * One round of the node reaper (cluster.go reapDeadNode): failed and left
   * nodes count down by `periodUs`; those with no more than a period left are
   * forgotten. Returns their names.
   */
  reap(periodUs: number): string[] {
    const forgotten: string[] = [];
    for (const state of ["failed", "left"] as const) {
      for (const node of this.list(state)) {
        if (node.reapTimeUs > periodUs) {
          node.reapTimeUs -= periodUs;
          continue;
        }
        this.lists[state].delete(node.name);
        forgotten.push(node.name);
      }
    }
    return forgotten;
  }
}

/**
 * Up to `m` distinct random names of `nodes`, never `self` (cluster.go
 * mRandomNodes): at most 3·n draws, so with few nodes the search is
 * exhaustive and with many it stays cheap.
 *
 * @example
 * ```ts
 * mRandomNodes(rng, 3, ["a", "b", "self"], "self"); // ["b", "a"] in some order
 * ```
 */
export function mRandomNodes(rng: Rng, m: number, nodes: readonly string[], self: string): string[] {
  const picked: string[] = [];
  for (let i = 0; i < 3 * nodes.length && picked.length < m; i++) {
    const node = nodes[rng.int(0, nodes.length - 1)]!;
    if (node === self || picked.includes(node)) continue;
    picked.push(node);
  }
  return picked;
}
