/**
 * A node's gossip plane as libnetwork's agent runs it (moby
 * daemon/libnetwork/agent.go agentInit, agentJoin): once the first session
 * message brings network keys, networkdb starts on port 7946 with those keys
 * (the middle one primary) under a random 12-hex node name, and joins the
 * cluster through the managers' addresses. Every packet goes through the
 * node's `GossipWire`, which seals it with the node's current gossip primary
 * and opens received ones with any key of its ring.
 */

import { type Aead, defaultAead } from "../crypto/index.js";
import { type GossipTimings, GossipWire, NetworkDb, gossipNodeName } from "../gossip/index.js";
import type { Host, Ipv4Address } from "../net/index.js";
import type { Rng, Simulation } from "../sim/index.js";

/** What a node's gossip plane needs. */
export interface NodeGossipOptions {
  readonly sim: Simulation;
  readonly host: Host;
  /** The node's name, for the trace. */
  readonly node: string;
  /** A stream of its own: the networkdb name, nonces, and memberlist's choices. */
  readonly rng: Rng;
  /** memberlist's keyring as the agent keeps it, primary first. */
  readonly keys: () => readonly Uint8Array[];
  /** AES-GCM; node:crypto where available. */
  readonly aead?: Aead;
  /** memberlist's and networkdb's timers, fan-outs and multipliers (`cluster.gossipTimings`); the spec's for any left out. */
  readonly timings?: Partial<GossipTimings>;
}

/** One node's memberlist and networkdb over its encrypted wire. */
export class NodeGossip {
  readonly wire: GossipWire;
  readonly db: NetworkDb;

  constructor(options: NodeGossipOptions) {
    const { sim, host, node, rng } = options;
    this.wire = new GossipWire({ sim, node, keys: options.keys, crypto: { aead: options.aead ?? defaultAead(), nonces: rng.fork("nonces") } });
    const name = gossipNodeName(rng.fork("name"));
    this.db = new NetworkDb({ sim, host, name, rng: rng.fork("networkdb"), wire: this.wire, timings: options.timings });
  }

  /** Starts networkdb and joins through `peers` (the managers' addresses; none for the first manager). */
  start(peers: readonly Ipv4Address[]): void {
    this.db.start();
    if (peers.length > 0) this.db.join(peers);
  }

  /** A crash: stops without a word. */
  stop(): void {
    this.db.stop();
  }

  /** `docker swarm leave`: networkdb says it leaves, then stops; `stopped` hears when its ports are free. */
  leave(stopped?: () => void): void {
    this.db.leave(stopped);
  }
}
