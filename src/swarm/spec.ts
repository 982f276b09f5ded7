/**
 * What a cluster is made of: its nodes and its underlay. Scenario files and
 * the programmatic API both describe a cluster in these terms.
 */

import type { Duration } from "../sim/index.js";

/** A node's role in the swarm. */
export type NodeRole = "manager" | "worker";
/** A node's operating system (Windows nodes ignore overlay encryption). */
export type NodeOs = "linux" | "windows";

/** One machine of the cluster. */
export interface NodeSpec {
  readonly name: string;
  readonly role: NodeRole;
  readonly os: NodeOs;
}

/** The cluster, always as named nodes (counts are expanded to `manager-1`, `worker-1`, ...). */
export interface ClusterSpec {
  readonly nodes: readonly NodeSpec[];
}

/** How long a packet takes on a link. */
export type LatencySpec =
  | { readonly kind: "fixed"; readonly value: Duration }
  | { readonly kind: "uniform"; readonly min: Duration; readonly max: Duration }
  | { readonly kind: "exponential"; readonly mean: Duration };

/** The underlay between the nodes. */
export interface UnderlaySpec {
  readonly latency: LatencySpec;
  /** Packet loss in parts per million (1% = 10 000). */
  readonly lossPpm: number;
}

