/**
 * How a new manager joins raft (swarmkit api/raft.proto RaftMembership.Join,
 * manager/state/raft/raft.go Join): it calls the leader, which adds it as a
 * voter with a configuration change and records its raft ID on its node
 * object; the answer gives the new member its ID and the members.
 */

import { ManagerOu, authorizeOrgAndRole } from "./authorize.js";
import { callerOf } from "./caller.js";
import { type MessageReader, decodeWith } from "./dispatcher-messages.js";
import { type Decoded, ProtoWriter, decodeMessage } from "../encoding/index.js";
import type { RaftMember } from "./raft-member.js";
import type { MethodHandler } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";
import type { ClusterStore } from "./store.js";
import type { Rng } from "../sim/index.js";
import type { TlsPeer } from "../tls/index.js";

/** The Join method's gRPC path. */
export const raftJoinMethod = "/docker.swarmkit.v1.RaftMembership/Join";

/** api/raft.proto JoinRequest: the address the new member listens on. */
export interface JoinRequest {
  readonly addr: string;
}

/** api/raft.proto RaftMember. */
export interface RaftMemberInfo {
  readonly raftId: number;
  readonly nodeId: string;
  readonly addr: string;
}

/** api/raft.proto JoinResponse: the new member's raft ID and the members. */
export interface JoinResponse {
  readonly raftId: number;
  readonly members: readonly RaftMemberInfo[];
}

export const encodeJoinRequest = (m: JoinRequest) => new ProtoWriter().string(1, m.addr).finish();
export const decodeJoinRequest = (b: Uint8Array): Decoded<JoinRequest> => decodeMessage(b, (r) => ({ addr: r.string(1) }));

/** api/raft.proto RaftMember, also the context of the conf change that adds it. */
export const encodeRaftMemberInfo = (m: RaftMemberInfo) => new ProtoWriter().uint(1, m.raftId).string(2, m.nodeId).string(3, m.addr).finish();
const readMember = (r: MessageReader): RaftMemberInfo => ({ raftId: r.uint(1), nodeId: r.string(2), addr: r.string(3) });
export const decodeRaftMemberInfo = (b: Uint8Array): Decoded<RaftMemberInfo> => decodeWith(b, readMember);

export function encodeJoinResponse(m: JoinResponse): Uint8Array {
  const writer = new ProtoWriter().uint(1, m.raftId);
  for (const member of m.members) writer.message(2, encodeRaftMemberInfo(member));
  return writer.finish();
}

export function decodeJoinResponse(b: Uint8Array): Decoded<JoinResponse> {
  return decodeWith(b, (r) => ({ raftId: r.uint(1), members: r.messages(2, "members", readMember) }));
}

/** The largest raft ID drawn: IDs are uint64 in swarmkit, safe integers here. */
const maxRaftId = Number.MAX_SAFE_INTEGER;

/** The leader's Join handler. */
export function joinHandler(store: ClusterStore, raft: () => RaftMember | undefined, rng: Rng): MethodHandler<TlsPeer | null> {
  return (peer, body, reply, forwarded) => {
    const state = store.state;
    const caller = authorizeOrgAndRole(callerOf(peer, forwarded, state.clusterId), state.clusterId, new Set(state.removedNodes.keys()), [ManagerOu]);
    if (!caller.ok) return reply.error(caller.code, caller.message);
    const request = decodeJoinRequest(body);
    if (!request.ok) return reply.error(GrpcCode.invalidArgument, `malformed join request: ${request.reason}`);
    const member = raft();
    const node = state.nodes.get(caller.nodeId);
    if (member === undefined || !member.isLeader) return reply.error(GrpcCode.unavailable, "raft: not the leader");
    if (node === undefined) return reply.error(GrpcCode.notFound, `node ${caller.nodeId} not found`);
    const answer = (raftId: number) => reply.ok(encodeJoinResponse({ raftId, members: member.members() }));
    if (node.raftId !== undefined && member.voters.includes(node.raftId)) return answer(node.raftId);
    const raftId = rng.int(1, maxRaftId);
    // raft.go Join: the conf change carries the new member (ID, node, address) as its context.
    const context = encodeRaftMemberInfo({ raftId, nodeId: node.id, addr: request.value.addr });
    member.changeVoters("add", raftId, (added) => {
      if (!added.ok) return reply.error(GrpcCode.unavailable, added.reason);
      answer(raftId);
      // The node object records its raft ID too (api ManagerStatus.raft_id), once the new member can ack.
      store.updateNode(member, node.id, () => ({ raftId }));
    }, context);
  };
}
