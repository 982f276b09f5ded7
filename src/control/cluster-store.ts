/**
 * The cluster store: what swarmkit keeps in raft and every manager reads.
 *
 * Raft itself (terms, elections, replication) comes with the managers; until
 * then one store object stands for the replicated state every manager shares.
 */

import type { CaSigner, NodeRole, RootCa } from "../pki/index.js";
import type { Duration, Instant } from "../sim/index.js";

/** api/types.proto IssuanceStatus.State, as names. */
export type IssuanceStateName = "unknown" | "renew" | "pending" | "issued" | "failed" | "rotate";

/** A node's certificate record (api/types.proto Certificate). */
export interface CertificateRecord {
  role: NodeRole;
  csrPem: string;
  state: IssuanceStateName;
  /** The chain the CA issued (leaf first, then any intermediate), once issued. */
  chainPem: string;
  /** Why issuance failed. */
  err: string;
}

/** A node as the managers know it (api/objects.proto Node, the parts modelled). */
export interface StoredNode {
  readonly id: string;
  /** The role the node holds (spec.desired_role and role agree until promote/demote exist). */
  role: NodeRole;
  /** The node's hostname (the simulated machine's name). */
  hostname: string;
  /** The underlay address it joined from. */
  addr: string;
  availability: "active" | "pause" | "drain";
  membership: "pending" | "accepted";
  certificate: CertificateRecord;
  /** When the node object was created. */
  readonly createdAt: Instant;
}

/** The cluster's PKI and membership state. */
export interface ClusterState {
  readonly clusterId: string;
  /** The root CA: its certificate, key and digest. */
  root: RootCa;
  /** What the CA signs with (the root, or the cross-signed new root during a rotation). */
  signer: CaSigner;
  /** The join tokens (api/types.proto JoinTokens). */
  tokens: { worker: string; manager: string };
  /** Lifetime of issued node certificates (`docker swarm update --cert-expiry`). */
  certExpiry: Duration;
  readonly nodes: Map<string, StoredNode>;
  /** Removed node IDs, with when the entry may be pruned (the cert's NotAfter + 7 days). */
  readonly removedNodes: Map<string, Instant>;
}
