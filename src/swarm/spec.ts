/**
 * What a cluster is made of: its nodes and its underlay. Scenario files and
 * the programmatic API both describe a cluster in these terms.
 */

import type { AeadBackend } from "../crypto/index.js";
import type { GossipTimings } from "../gossip/index.js";
import type { LatencyModel, LinkSpec } from "../net/index.js";

/** A node's role in the swarm. */
export type NodeRole = "manager" | "worker";
/** A node's operating system (Windows nodes ignore overlay encryption). */
export type NodeOs = "linux" | "windows";

/** What the scheduler may do with a node (`docker node update --availability`). */
export type NodeAvailability = "active" | "pause" | "drain";

/** One machine of the cluster. */
export interface NodeSpec {
  readonly name: string;
  readonly role: NodeRole;
  readonly os: NodeOs;
  /** The availability automatic bootstrap joins it with (`--availability`); default active. */
  readonly availability?: NodeAvailability;
  /**
   * False: automatic bootstrap leaves it outside the swarm, for the steps to
   * join later (or to try a stolen token with, as a rogue machine). Default true.
   */
  readonly join?: boolean;
}

/**
 * How the swarm comes to be: `auto` initialises it on the first manager and
 * joins every other node before the first step; `manual` starts every node
 * outside any swarm, and the steps run `docker swarm init` and the joins.
 */
export type BootstrapMode = "auto" | "manual";

/** The cluster, always as named nodes (counts are expanded to `manager-1`, `worker-1`, ...). */
export interface ClusterSpec {
  readonly nodes: readonly NodeSpec[];
  readonly bootstrap: BootstrapMode;
  /** RSA modulus size of every key, root CA and nodes (default 2048; smaller is faster, for tests). */
  readonly rsaBits?: number;
  /** The key manager's rotation interval in µs (`cluster.keyRotation`, default 12 h). */
  readonly keyRotation?: number;
  /** Whether nodes run the gossip plane (memberlist and networkdb) once they have keys (`cluster.gossip`, default true). */
  readonly gossip?: boolean;
  /**
   * Up to how long, in µs, a node takes to apply a new key set after its session
   * message (`cluster.keyDelay`, default 0): each node draws its delay from 0 to
   * this, standing in for session messages that reach nodes minutes apart.
   */
  readonly keyDelay?: number;
  /** Which key nodes send with (`cluster.primaryKey`): "middle" as Swarm does (default), or "newest", a what-if. */
  readonly primaryKey?: "middle" | "newest";
  /**
   * Which engine's words `docker run` refuses a network that is not
   * attachable with (`cluster.runErrors`): "legacy", Docker 1.12's (default,
   * as the tutorials quote it), or "current", today's engines'.
   */
  readonly runErrors?: "legacy" | "current";
  /** Node certificates' lifetime in µs (`cluster.certExpiry`): what `swarm init` uses when not given `--cert-expiry`; default 90 days. */
  readonly certExpiry?: number;
  /** Inbound ESP SAs' anti-replay window in packets (`cluster.replayWindow`); default 0, as Docker's SAs have (no check). */
  readonly replayWindow?: number;
  /** The AES-GCM implementation every node seals and opens with (`cluster.aead`); the bytes are the same either way. */
  readonly aead?: AeadBackend;
  /** Every node's memberlist and networkdb timers that differ from Docker's (`cluster.gossipTimings`), checked with `gossipTimings`. */
  readonly gossipTimings?: Partial<GossipTimings>;
}

/** How long a packet takes on a link: the underlay's own latency model. */
export type LatencySpec = LatencyModel;

/** The underlay between the nodes: every link's latency and loss (parts per million). */
export type UnderlaySpec = LinkSpec;
