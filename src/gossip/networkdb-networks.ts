/**
 * Which node is attached to which network, as one networkdb node knows it
 * (networkdb.go `networks`, node → network → attachment, and `networkNodes`,
 * network → the nodes gossiping its tables; addNetworkNode, deleteNetworkNode,
 * deleteNodeFromNetworks, findCommonNetworks).
 */

import type { BroadcastQueue } from "./broadcast-queue.js";
import type { NetworkEntry } from "./networkdb-messages.js";

/** One node's attachment to one network (networkdb.go network). */
export interface NetworkAttachment {
  /** Lamport time (network clock) of the attachment's latest event. */
  ltime: number;
  /** The node is leaving the network; the attachment lingers until reaped. */
  leaving: boolean;
  /** Microseconds left before a leaving attachment is removed; counted down by the reaper. */
  reapTimeUs: number;
  /** This node's own attachments only: set once the bulk sync of the join is done (networkdb.go inSync). */
  inSync: boolean;
  /** This node's own attachments only: the network's table events waiting to be gossiped. */
  readonly tableBroadcasts?: BroadcastQueue;
}

/** A change of the nodes gossiping a network's tables. */
export type NetworkNodesChange = { readonly nid: string; readonly node: string; readonly event: "join" | "leave" };

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * @example
 * ```ts
 * const networks = new NetworkAttachments((change) => trace(change));
 * networks.attach("3f2a9c41be07", "net-1", { ltime: 1, leaving: false, reapTimeUs: 0, inSync: false });
 * networks.addNetworkNode("net-1", "3f2a9c41be07");
 * networks.nodesOf("net-1"); // ["3f2a9c41be07"]
 * ```
 */
export class NetworkAttachments {
  private readonly byNode = new Map<string, Map<string, NetworkAttachment>>();
  /** In the order nodes were added, as Go's slices keep them: random picks index into it. */
  private readonly networkNodes = new Map<string, string[]>();
  /** The same lists as sets, for membership checks. */
  private readonly networkNodeSets = new Map<string, Set<string>>();

  /** `changed` hears every node added to or removed from a network's node list. */
  constructor(private readonly changed: (change: NetworkNodesChange) => void) {}

  /** `node`'s attachment to `nid`. */
  get(node: string, nid: string): NetworkAttachment | undefined {
    return this.byNode.get(node)?.get(nid);
  }

  /** `node`'s attachments, by network ID. */
  of(node: string): Array<readonly [nid: string, attachment: NetworkAttachment]> {
    const networks = this.byNode.get(node);
    if (networks === undefined) return [];
    return [...networks.keys()].sort(byText).map((nid) => [nid, networks.get(nid)!] as const);
  }

  /** Whether networkdb has heard of `node`'s attachments at all. */
  knows(node: string): boolean {
    return this.byNode.has(node);
  }

  /** Sets `node`'s attachment to `nid`, replacing any. */
  attach(node: string, nid: string, attachment: NetworkAttachment): void {
    let networks = this.byNode.get(node);
    if (networks === undefined) this.byNode.set(node, (networks = new Map()));
    networks.set(nid, attachment);
  }

  /** Removes `node`'s attachment to `nid` (the reaper, once it has lingered). */
  detach(node: string, nid: string): void {
    const networks = this.byNode.get(node);
    if (networks === undefined) return;
    networks.delete(nid);
  }

  /** The nodes gossiping `nid`'s tables, this one included if it joined. */
  nodesOf(nid: string): readonly string[] {
    return this.networkNodes.get(nid) ?? [];
  }

  /** Whether `node` is on `nid`'s node list. */
  inNetwork(nid: string, node: string): boolean {
    return this.networkNodeSets.get(nid)?.has(node) ?? false;
  }

  /** Adds `node` to `nid`'s node list unless it is there (networkdb.go addNetworkNode). */
  addNetworkNode(nid: string, node: string): void {
    if (this.inNetwork(nid, node)) return;
    this.networkNodes.set(nid, [...(this.networkNodes.get(nid) ?? []), node]);
    let set = this.networkNodeSets.get(nid);
    if (set === undefined) this.networkNodeSets.set(nid, (set = new Set()));
    set.add(node);
    this.changed({ nid, node, event: "join" });
  }

  /** Removes `node` from `nid`'s node list (networkdb.go deleteNetworkNode). */
  deleteNetworkNode(nid: string, node: string): void {
    const nodes = this.networkNodes.get(nid);
    if (nodes === undefined || !this.inNetwork(nid, node)) return;
    this.networkNodes.set(
      nid,
      nodes.filter((n) => n !== node),
    );
    this.networkNodeSets.get(nid)!.delete(node);
    this.changed({ nid, node, event: "leave" });
  }

  /** Forgets `node` everywhere: off every node list, its attachments gone (networkdb.go deleteNodeFromNetworks). */
  deleteNodeFromNetworks(node: string): void {
    for (const nid of [...this.networkNodes.keys()].sort(byText)) this.deleteNetworkNode(nid, node);
    this.byNode.delete(node);
  }

  /** The networks both `self` and `node` are attached to, `node` not leaving (networkdb.go findCommonNetworks). */
  commonNetworks(self: string, node: string): string[] {
    return this.of(self)
      .map(([nid]) => nid)
      .filter((nid) => {
        const theirs = this.get(node, nid);
        return theirs !== undefined && !theirs.leaving;
      });
  }

  /** Every attachment of every node, by node then network: what a push/pull carries (delegate.go LocalState). */
  entries(): NetworkEntry[] {
    return [...this.byNode.keys()].sort(byText).flatMap((nodeName) =>
      this.of(nodeName).map(([networkId, n]) => ({ networkId, lTime: n.ltime, nodeName, leaving: n.leaving })),
    );
  }

  /** Every node's attachments, in the order learned (the reaper's walk, whose order changes nothing). */
  *all(): Generator<{ readonly node: string; readonly nid: string; readonly attachment: NetworkAttachment }> {
    for (const [node, networks] of this.byNode) for (const [nid, attachment] of networks) yield { node, nid, attachment };
  }
}
