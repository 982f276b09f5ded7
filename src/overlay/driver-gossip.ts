/**
 * The overlay driver's side of networkdb, as libnetwork's agent drives it for
 * a driver (moby daemon/libnetwork agent.go: joinCluster, addDriverWatches,
 * addServiceInfoToCluster; controller's table watches): join a network's
 * gossip when the first endpoint of it comes to this node, write the
 * endpoint's `overlay_peer_table` and `endpoint_table` entries, hear the
 * other nodes' entries, and leave the network with the last endpoint.
 *
 * networkdb starts only when the first session message brings keys, so the
 * driver reaches it through a getter. Endpoints that join before it runs are
 * written when it appears (`sync`); a networkdb replaced by a new one (the
 * node left the swarm and joined again, under a new gossip name) gets every
 * network and entry again, and the peers learned from the old one are
 * forgotten first.
 */

import { type NetworkDb, type TableChange, type TableEntryView, overlayPeerTable } from "../gossip/index.js";

/** One table entry this node owns. */
export interface OwnEntry {
  readonly table: string;
  readonly key: string;
  readonly value: Uint8Array;
}

/** What the binding asks of the driver. */
export interface GossipBindingHost {
  /** The networks with endpoints here, and the entries this node wrote for them. */
  ownNetworks(): ReadonlyArray<{ readonly nid: string; readonly entries: readonly OwnEntry[] }>;
  /** Drops every peer learned from a networkdb that is gone. */
  forgetRemotePeers(): void;
  /** An `overlay_peer_table` change, learned from another node or already present when the network was joined. */
  peerChange(change: TableChange): void;
}

/** The driver's attachment to the node's networkdb, whichever one runs. */
export class DriverGossip {
  private attached: NetworkDb | undefined;
  private readonly listener = (change: TableChange): void => {
    if (change.table === overlayPeerTable) this.host.peerChange(change);
  };

  constructor(
    private readonly networkDb: () => NetworkDb | undefined,
    private readonly host: GossipBindingHost,
  ) {}

  /** The networkdb in use, after picking up one that started or replaced the last. */
  sync(): NetworkDb | undefined {
    const db = this.networkDb();
    if (db === this.attached) return db;
    if (this.attached !== undefined) {
      this.attached.off("table", this.listener);
      this.host.forgetRemotePeers();
    }
    this.attached = db;
    if (db === undefined) return undefined;
    db.on("table", this.listener);
    for (const { nid, entries } of this.host.ownNetworks()) {
      db.joinNetwork(nid);
      for (const entry of entries) db.createEntry(entry.table, nid, entry.key, entry.value);
      this.loadPeers(db, nid);
    }
    return db;
  }

  /** The first endpoint of `nid` came here: join its gossip and take the peers already known. */
  joinNetwork(nid: string): void {
    const db = this.sync();
    if (db === undefined) return;
    db.joinNetwork(nid);
    this.loadPeers(db, nid);
  }

  /** The last endpoint of `nid` left: leave its gossip. */
  leaveNetwork(nid: string): void {
    this.sync()?.leaveNetwork(nid);
  }

  /** Writes this node's entry (CreateEntry, or UpdateEntry over a live one). */
  write(nid: string, entry: OwnEntry): void {
    const db = this.sync();
    if (db === undefined) return;
    if (db.getEntry(entry.table, nid, entry.key) === undefined) db.createEntry(entry.table, nid, entry.key, entry.value);
    else db.updateEntry(entry.table, nid, entry.key, entry.value);
  }

  /** Deletes this node's entry. */
  delete(nid: string, table: string, key: string): void {
    const db = this.sync();
    if (db !== undefined && db.getEntry(table, nid, key) !== undefined) db.deleteEntry(table, nid, key);
  }

  /** The live entries of a table in a network, if networkdb runs. */
  entries(table: string, nid: string): TableEntryView[] {
    return this.sync()?.entries(table, nid) ?? [];
  }

  /** Stops listening (the driver is closed). */
  close(): void {
    this.attached?.off("table", this.listener);
    this.attached = undefined;
  }

  /** The peers networkdb already holds for `nid` (peerdb.go initSandboxPeerDB walks them when the sandbox is made). */
  private loadPeers(db: NetworkDb, nid: string): void {
    for (const { key, value, owner } of db.entries(overlayPeerTable, nid)) {
      if (owner === db.name) continue;
      this.host.peerChange({ event: "create", table: overlayPeerTable, nid, key, value, owner });
    }
  }
}
