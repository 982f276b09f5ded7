/**
 * What a program reads of a running world, as plain data: each machine as
 * it sees itself (up or down, in a swarm or not, its certificate's role, the
 * network keys it holds), and the swarm as its leader's store records it
 * (members, roles, removed IDs, the key manager's keys).
 */

import { subsystemGossip, subsystemIpsec } from "../control/index.js";
import type { Cluster, SwarmNode } from "../swarm/index.js";

/** The network keys of one subsystem a node holds: Lamport tags, oldest first, and its primary's. */
export interface KeyringState {
  readonly tags: readonly number[];
  /** The tag of the key it sends with; undefined before its first keys. */
  readonly primary: number | undefined;
}

/**
 * One machine of the world, as it sees itself.
 *
 * @example
 * ```ts
 * const worker = world.node("worker-1");
 * worker.status;             // "ready"
 * worker.keys?.gossip.tags;  // [41234, 41235, 41236], the middle one primary
 * ```
 */
export interface NodeState {
  readonly name: string;
  readonly os: "linux" | "windows";
  /** `ready`: up and in a swarm; `down`: crashed; `outside`: up and in no swarm (what `check` reads too). */
  readonly status: "ready" | "down" | "outside";
  /** The role its certificate carries; undefined outside a swarm. A removed node keeps its certificate until it leaves. */
  readonly role: "manager" | "worker" | undefined;
  /** Its node ID, given by the CA; undefined outside a swarm. */
  readonly nodeId: string | undefined;
  /** Whether it leads its swarm's raft now. */
  readonly leader: boolean;
  /** The keys its agent holds, per subsystem; undefined while it is not running as a member (outside, or down). */
  readonly keys: { readonly gossip: KeyringState; readonly ipsec: KeyringState } | undefined;
}

/** A node as the leader's store records it (what `docker node ls` lists). */
export interface MemberState {
  readonly nodeId: string;
  readonly hostname: string;
  readonly role: "manager" | "worker";
  /** What `docker node promote | demote` asked for; `role` follows it. */
  readonly desiredRole: "manager" | "worker";
  readonly status: "unknown" | "down" | "ready" | "disconnected";
  readonly availability: "active" | "pause" | "drain";
  /** A manager's raft member ID (api ManagerStatus.RaftID) once the store records it; undefined for workers. */
  readonly raftId: number | undefined;
}

/**
 * The swarm as its leader's store records it.
 *
 * @example
 * ```ts
 * const swarm = world.swarm();
 * swarm?.leader;                                       // "manager-1"
 * swarm?.members.filter((m) => m.role === "manager");  // who votes in raft
 * ```
 */
export interface SwarmState {
  readonly clusterId: string;
  /** The leader's machine. */
  readonly leader: string;
  /** Nodes holding a certificate (issued, renewing or rotating), by hostname. */
  readonly members: readonly MemberState[];
  /** IDs on the removed list: their certificates are refused. */
  readonly removed: readonly string[];
  /** The key manager's keys: the Lamport tags of each subsystem, oldest first. */
  readonly keyTags: { readonly gossip: readonly number[]; readonly ipsec: readonly number[] };
}

/** `node` as it sees itself now. */
export function nodeState(node: SwarmNode): NodeState {
  const keys = node.keys;
  return {
    name: node.name,
    os: node.os,
    status: node.crashed ? "down" : node.identity === undefined ? "outside" : "ready",
    role: node.identity?.role,
    nodeId: node.identity?.nodeId,
    leader: !node.crashed && node.manager?.isLeader === true,
    keys: keys === undefined ? undefined : { gossip: keys.held(subsystemGossip), ipsec: keys.held(subsystemIpsec) },
  };
}

const listed = new Set(["issued", "renew", "rotate"]);

/** The swarm as the leader (the first live one, in node order) records it; undefined with no leader. */
export function swarmState(cluster: Cluster): SwarmState | undefined {
  const leader = [...cluster.nodes.values()].find((n) => !n.crashed && n.manager?.isLeader === true);
  const state = leader?.manager?.state;
  if (leader === undefined || state === undefined) return undefined;
  const tags = (subsystem: string) =>
    state.networkKeys
      .filter((k) => k.subsystem === subsystem)
      .map((k) => k.lamportTime)
      .sort((a, b) => a - b);
  return {
    clusterId: state.clusterId,
    leader: leader.name,
    members: [...state.nodes.values()]
      .filter((n) => listed.has(n.certificate.state))
      .map((n) => ({ nodeId: n.id, hostname: n.hostname, role: n.role, desiredRole: n.desiredRole, status: n.status, availability: n.availability, raftId: n.raftId }))
      .sort((a, b) => (a.hostname < b.hostname ? -1 : a.hostname > b.hostname ? 1 : 0)),
    removed: [...state.removedNodes.keys()].sort(),
    keyTags: { gossip: tags(subsystemGossip), ipsec: tags(subsystemIpsec) },
  };
}
