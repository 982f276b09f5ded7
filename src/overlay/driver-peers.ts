/**
 * One network's peer database as the overlay driver keeps it (moby
 * drivers/overlay peerdb.go peerMap): every endpoint of the network it knows,
 * this node's own and the remote ones learned from `overlay_peer_table`, by
 * endpoint ID and by address, and which remote hosts (VTEPs) they live on.
 *
 * Two endpoints may hold one address for a while (a task replaced before the
 * old entry's delete arrived: peerdb.go's "transient condition"); the address
 * then resolves to the entry that came first, and to the other once that one
 * goes, as the setmatrix does.
 */

import type { Ipv4Address, MacAddress } from "../net/index.js";

/** One endpoint of a network, as the peer database holds it. */
export interface PeerEntry {
  /** The endpoint ID (64 hex): the `overlay_peer_table` key. */
  readonly endpointId: string;
  /** The endpoint's address on the overlay. */
  readonly address: Ipv4Address;
  /** The overlay subnet's prefix length. */
  readonly prefixLength: number;
  /** The endpoint's MAC. */
  readonly mac: MacAddress;
  /** The host it lives on (its VTEP); undefined for this node's own endpoints. */
  readonly vtep: Ipv4Address | undefined;
}

/** What adding or removing an entry did to the set of remote hosts. */
export interface PeerChange {
  /** The entry added or removed; undefined when a remove found none. */
  readonly entry: PeerEntry | undefined;
  /** A remote host became, or stopped being, a host of this network's endpoints. */
  readonly vtepChanged: boolean;
}

/** A network's endpoints, local and remote. */
export class NetworkPeers {
  private readonly byEndpoint = new Map<string, PeerEntry>();
  private readonly byAddress = new Map<Ipv4Address, PeerEntry[]>();
  /** How many remote endpoints of this network each remote host has. */
  private readonly vtepEndpoints = new Map<Ipv4Address, number>();

  /** Adds an entry; an entry with the same endpoint ID must be removed first. */
  add(entry: PeerEntry): PeerChange {
    if (this.byEndpoint.has(entry.endpointId)) throw new Error(`endpoint ${entry.endpointId} is already in the peer database`);
    this.byEndpoint.set(entry.endpointId, entry);
    const holders = this.byAddress.get(entry.address) ?? [];
    holders.push(entry);
    this.byAddress.set(entry.address, holders);
    if (entry.vtep === undefined) return { entry, vtepChanged: false };
    const count = (this.vtepEndpoints.get(entry.vtep) ?? 0) + 1;
    this.vtepEndpoints.set(entry.vtep, count);
    return { entry, vtepChanged: count === 1 };
  }

  /** Removes the entry of `endpointId`, if there is one. */
  remove(endpointId: string): PeerChange {
    const entry = this.byEndpoint.get(endpointId);
    if (entry === undefined) return { entry, vtepChanged: false };
    this.byEndpoint.delete(endpointId);
    const holders = (this.byAddress.get(entry.address) ?? []).filter((e) => e !== entry);
    if (holders.length === 0) this.byAddress.delete(entry.address);
    else this.byAddress.set(entry.address, holders);
    if (entry.vtep === undefined) return { entry, vtepChanged: false };
    const count = (this.vtepEndpoints.get(entry.vtep) ?? 0) - 1;
    if (count > 0) this.vtepEndpoints.set(entry.vtep, count);
    else this.vtepEndpoints.delete(entry.vtep);
    return { entry, vtepChanged: count <= 0 };
  }

  /** The entry of `endpointId`. */
  get(endpointId: string): PeerEntry | undefined {
    return this.byEndpoint.get(endpointId);
  }

  /** The endpoint that holds `address` (the first of several, see the module comment). */
  lookup(address: Ipv4Address): PeerEntry | undefined {
    return this.byAddress.get(address)?.[0];
  }

  /** Every entry, in the order they were added. */
  list(): PeerEntry[] {
    return [...this.byEndpoint.values()];
  }

  /** The remote hosts with endpoints on this network, in the order they were first learned. */
  remoteVteps(): Ipv4Address[] {
    return [...this.vtepEndpoints.keys()];
  }
}
