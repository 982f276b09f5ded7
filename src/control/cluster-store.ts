/**
 * The cluster store: what swarmkit keeps in raft and every manager reads.
 *
 * Raft itself (terms, elections, replication) comes with the managers; until
 * then one store object stands for the replicated state every manager shares.
 * The nodes' dispatcher sessions, which are not replicated state, hang off it
 * too until the dispatcher is modelled (`sessions`).
 */

import type { CaSigner, NodeRole, RootCa } from "../pki/index.js";
import { type Duration, type Instant, seconds } from "../sim/index.js";

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

/**
 * What a node reports about its TLS state in its description (api/types.proto
 * NodeTLSInfo), as moby shows it in `docker node inspect`: subject and public
 * key as base64 DER. The root rotation reconciler compares the issuer with the
 * new root's (swarmkit ca/reconciler.go hasIssuer).
 */
export interface NodeTlsInfo {
  /** The roots the node trusts, one PEM bundle. */
  readonly trustRoot: string;
  /** Raw subject of the certificate that issued the node's leaf, base64. */
  readonly certIssuerSubject: string;
  /** Raw SubjectPublicKeyInfo of that issuer, base64. */
  readonly certIssuerPublicKey: string;
}

/**
 * How long after a node stops heartbeating the managers mark it Down: 3 missed
 * periods of the dispatcher's 5 s heartbeat (swarmkit manager/dispatcher).
 * Until the dispatcher is modelled, it counts from the node's `swarm leave`.
 */
export const nodeDownAfterLeaveUs: Duration = seconds(15);

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
  /**
   * api NodeStatus.State as the managers see it: `ready` once the node holds its
   * certificate, `down` once it has left (see `nodeDownAfterLeaveUs`).
   */
  status: "ready" | "down";
  certificate: CertificateRecord;
  /** Its TLS state as it last reported it (api NodeDescription.TLSInfo); none before its first report. */
  tlsInfo?: NodeTlsInfo;
  /** When the node object was created. */
  readonly createdAt: Instant;
}

/**
 * A root CA rotation in progress (api/types.proto RootRotation): the new root
 * and its key, and the new root cross-signed by the current one.
 */
export interface RootRotation {
  readonly newRoot: RootCa;
  /** The new root's certificate signed by the current root's key (PEM). */
  readonly crossSignedPem: string;
}

/**
 * What the managers tell one node over its dispatcher session (swarmkit
 * api/dispatcher.proto SessionMessage: the node object and the root CA, acted
 * on in node/node.go). The dispatcher is not modelled yet: the managers call
 * these directly, at the instant the cluster changes.
 */
export interface NodeSession {
  /** The node object's certificate went to ROTATE: renew now (node.go calls `renewer.Renew()`). */
  rotateCertificate(): void;
  /** The roots to trust changed: a root rotation finished, the new root replaces the old. */
  updateRoots(rootsPem: readonly string[]): void;
}

/** The cluster's PKI and membership state. */
export interface ClusterState {
  readonly clusterId: string;
  /** The root CA: its certificate, key and digest. */
  root: RootCa;
  /** What the CA signs with (the root, or the cross-signed new root during a rotation). */
  signer: CaSigner;
  /** The rotation in progress, if any (api RootCA.RootRotation). */
  rootRotation: RootRotation | undefined;
  /** How many rotations were asked for (api CAConfig.ForceRotate, bumped by `docker swarm ca --rotate`). */
  forceRotate: number;
  /** The join tokens (api/types.proto JoinTokens). */
  tokens: { worker: string; manager: string };
  /** Lifetime of issued node certificates (`docker swarm update --cert-expiry`). */
  certExpiry: Duration;
  readonly nodes: Map<string, StoredNode>;
  /** Removed node IDs, with when the entry may be pruned (the cert's NotAfter + 7 days). */
  readonly removedNodes: Map<string, Instant>;
  /** The open dispatcher sessions by node ID (not raft state: see `NodeSession`). */
  readonly sessions: Map<string, NodeSession>;
}
