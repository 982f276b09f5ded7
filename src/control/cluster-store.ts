/**
 * The cluster store's objects: what swarmkit keeps in raft and every manager
 * reads. One `ClusterState` object per swarm stands for the state all managers
 * hold replicated; it changes only when a raft entry that carries the change
 * commits (store.ts), so it is the committed state, the same on every manager.
 */

import type { CaSigner, NodeRole, RootCa } from "../pki/index.js";
import type { Duration, Instant } from "../sim/index.js";
import type { EncryptionKey } from "./keymanager.js";

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
 * api NodeStatus.State as the managers see it: `ready` while the node's
 * session heartbeats, `down` once it missed 3 periods, `unknown` from a leader
 * change until the node's session comes back (dispatcher.go markNodesUnknown).
 */
export type NodeStatusName = "unknown" | "down" | "ready" | "disconnected";

/** A node as the managers know it (api/objects.proto Node, the parts modelled). */
export interface StoredNode {
  readonly id: string;
  /** The role the node holds (api Node.role): what its certificate must carry. */
  role: NodeRole;
  /** The role asked for by `docker node promote | demote` (api NodeSpec.desired_role); the role manager makes `role` follow it. */
  desiredRole: NodeRole;
  /** The node's hostname (the simulated machine's name). */
  hostname: string;
  /** The underlay address it joined from. */
  addr: string;
  availability: "active" | "pause" | "drain";
  membership: "pending" | "accepted";
  /** api NodeStatus.State (see `NodeStatusName`). */
  status: NodeStatusName;
  /** api NodeStatus.message: why the status is what it is ("heartbeat failure"). */
  statusMessage: string;
  /** A manager's raft member ID (api ManagerStatus.raft_id), once it joined raft. */
  raftId?: number | undefined;
  certificate: CertificateRecord;
  /** Its TLS state as it last reported it (api NodeDescription.TLSInfo); none before its first report. */
  tlsInfo?: NodeTlsInfo;
  /** Its platform as it last reported it (api NodeDescription.platform); none before its first report. */
  platform?: { readonly os: string; readonly architecture: string };
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
 * A swarm-scoped network as the managers know it (api/objects.proto Network,
 * the parts modelled): its spec as `docker network create` gave it, and what
 * the leader's allocator gave it (VNI, subnet, gateway).
 */
export interface StoredNetwork {
  /** A 25-character swarmkit ID (identity.NewID). */
  readonly id: string;
  /** api Annotations.name: unique among the swarm's networks. */
  readonly name: string;
  /** api NetworkSpec.driver_config.name; only the overlay driver is modelled. */
  readonly driver: "overlay";
  /** Driver options (`--opt encrypted` is `{encrypted: ""}`), by name. */
  readonly options: Readonly<Record<string, string>>;
  /** api Annotations.labels (`--label`). */
  readonly labels: Readonly<Record<string, string>>;
  /** api NetworkSpec.attachable: standalone containers may join it. */
  readonly attachable: boolean;
  /** api NetworkSpec.ingress: the routing-mesh network `swarm init` creates. */
  readonly ingress: boolean;
  /** The IPv4 subnet, `a.b.c.d/n`. */
  readonly subnet: string;
  /** Whether the subnet was asked for (`--subnet`), not drawn from the default address pool. */
  readonly subnetFromSpec: boolean;
  /** The subnet's gateway address. */
  readonly gateway: string;
  /** The VXLAN network identifier of its one subnet. */
  readonly vni: number;
  /** When the network object was created. */
  readonly createdAt: Instant;
}

/**
 * swarmkit api/types.proto TaskState, as names, in the order a task goes
 * through them (the proto's values rise with it: NEW = 0 ... REMOVE = 800).
 */
export type TaskStateName =
  | "new"
  | "pending"
  | "assigned"
  | "accepted"
  | "preparing"
  | "ready"
  | "starting"
  | "running"
  | "complete"
  | "shutdown"
  | "failed"
  | "rejected"
  | "remove"
  | "orphaned";

/** A service's virtual IP on one of its networks (api Endpoint.VirtualIP). */
export interface VirtualIp {
  readonly networkId: string;
  /** With its prefix length, as swarmkit stores it: `"10.0.1.2/24"`. */
  readonly addr: string;
}

/**
 * A replicated service as the managers know it (api/objects.proto Service,
 * the parts modelled): `docker service create`'s spec, and the VIPs the
 * allocator gave it on each of its networks.
 */
export interface StoredService {
  /** A 25-character swarmkit ID. */
  readonly id: string;
  /** api Annotations.name: unique among the swarm's services. */
  readonly name: string;
  /** api ContainerSpec.image, as given (`nginx`, `radial/busyboxplus:curl`). */
  readonly image: string;
  /** api ContainerSpec.args: the words after the image (`sh`, `-c`, `curl ...`). */
  readonly args: readonly string[];
  /** The networks its tasks attach to (api NetworkAttachmentConfig.target, resolved to IDs), in the order given. */
  readonly networks: readonly string[];
  /** api ReplicatedService.replicas. */
  readonly replicas: number;
  /** api Annotations.labels (`--label`). */
  readonly labels: Readonly<Record<string, string>>;
  /** api Placement.constraints (`--constraint`), as given; none when absent. */
  readonly constraints?: readonly string[];
  /** api Endpoint.VirtualIPs: one per network, once allocated (empty until then). */
  readonly virtualIps: readonly VirtualIp[];
  /** api Meta.version.index: bumped by each update (`docker service scale`). */
  readonly version: number;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

/** A task's address on one network (api NetworkAttachment). */
export interface TaskNetworkAttachment {
  readonly networkId: string;
  /** With prefix length: `"10.0.1.5/24"`. */
  readonly addresses: readonly string[];
}

/** The container a service task runs, as its service's spec said when the task was made. */
export interface TaskContainer {
  /** api Task.service_annotations.name. */
  readonly serviceName: string;
  /** api ContainerSpec.image. */
  readonly image: string;
  /** api ContainerSpec.args. */
  readonly args: readonly string[];
}

/**
 * A task as the managers know it (api/objects.proto Task, the parts
 * modelled): one replica of a service on one node, or, with no service, the
 * network attachment of a standalone container (`docker run --network` on an
 * attachable network; swarmkit's NetworkAttachmentSpec).
 */
export interface StoredTask {
  readonly id: string;
  /** The service it belongs to; "" for a network attachment. */
  readonly serviceId: string;
  /** Its replica slot, from 1. 0 for a network attachment. */
  readonly slot: number;
  /** The node the scheduler put it on; "" until scheduled. */
  readonly nodeId: string;
  /** api Task.desired_state. */
  readonly desiredState: TaskStateName;
  /** api TaskStatus.state. */
  readonly state: TaskStateName;
  /** api TaskStatus.message ("assigned", "started", ...). */
  readonly message: string;
  /** api TaskStatus.err: why it failed or was rejected. */
  readonly err: string;
  /** api TaskStatus.timestamp: when the state last changed. */
  readonly stateAt: Instant;
  /** api ContainerStatus.container_id, once the node started its container (64 hex). */
  readonly containerId: string;
  /** api ContainerStatus.exit_code, once it exited. */
  readonly exitCode: number;
  /** For a network attachment: the standalone container's ID (api NetworkAttachmentSpec.container_id). */
  readonly attachmentContainerId: string;
  /** Its addresses, once allocated (api Task.networks). */
  readonly networks: readonly TaskNetworkAttachment[];
  /**
   * What a service task runs (api Task.spec.container and service_annotations.name),
   * copied from its service when the orchestrator made the task: a task keeps
   * the spec it was made with. Absent on network attachments. Added with the
   * orchestrator; optional so that objects made without it stay valid.
   */
  readonly container?: TaskContainer;
  /** api Meta.version.index. */
  readonly version: number;
  readonly createdAt: Instant;
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
  /** The swarm-scoped networks, by ID. */
  readonly networks: Map<string, StoredNetwork>;
  /** The services, by ID. */
  readonly services: Map<string, StoredService>;
  /** The tasks (and network attachments), by ID. */
  readonly tasks: Map<string, StoredTask>;
  /** The network keys the key manager made (api Cluster.network_bootstrap_keys), 3 per subsystem. */
  networkKeys: readonly EncryptionKey[];
  /** The key manager's Lamport clock (api Cluster.encryption_key_lamport_clock). */
  lamportClock: number;
}

/** The cluster-wide fields a store action may change (api Cluster, the parts modelled). */
export type ClusterFields = Pick<ClusterState, "root" | "signer" | "rootRotation" | "forceRotate" | "tokens" | "certExpiry" | "networkKeys" | "lamportClock">;
