/**
 * The control plane: swarmkit's RPC over mutual TLS on port 2377, the CA
 * server, the join flow, certificate renewal and root CA rotation, per-call
 * authorization, and the cluster state the managers share.
 */
export { type PeerSubject, type Authorization, ManagerOu, WorkerOu, authorizeOrgAndRole } from "./authorize.js";
export * from "./ca-messages.js";
export {
  type IssuanceStateName,
  type CertificateRecord,
  type NodeTlsInfo,
  type StoredNode,
  type StoredNetwork,
  type StoredService,
  type StoredTask,
  type TaskStateName,
  type TaskNetworkAttachment,
  type VirtualIp,
  type RootRotation,
  type ClusterState,
  type ClusterFields,
  type NodeStatusName,
} from "./cluster-store.js";
export {
  type StoreAction,
  type ProposalResult,
  type Proposer,
  type EntryCodec,
  type StoreEvents,
  ClusterStore,
  noLeaderReason,
} from "./store.js";
export { storeEntryCodec, clusterObjectOf } from "./store-codec.js";
export { type RaftMemberOptions, type RaftMemberEvents, RaftMember, addressOfMember, lostLeadershipReason } from "./raft-member.js";
export * from "./raft/index.js";
export { raftJoinMethod, type JoinRequest as RaftJoinRequest, type JoinResponse as RaftJoinResponse, type RaftMemberInfo, encodeJoinRequest, decodeJoinRequest, encodeJoinResponse, decodeJoinResponse } from "./raft-membership.js";
export { type DispatcherOptions, Dispatcher } from "./dispatcher.js";
export * from "./dispatcher-constants.js";
export {
  DispatcherMethod,
  NodeStatusState,
  Reachability,
  type SessionMessage,
  type SessionRequest,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type NodeObject,
  type NodeDescription,
  type WeightedPeer,
  type EncryptionKeyMessage,
  encodeSessionMessage,
  decodeSessionMessage,
  encodeSessionRequest,
  decodeSessionRequest,
  encodeHeartbeatRequest,
  decodeHeartbeatRequest,
  encodeHeartbeatResponse,
  decodeHeartbeatResponse,
  encodeNodeObject,
  decodeNodeObject,
  encryptionKeyMessageOf,
} from "./dispatcher-messages.js";
export {
  type StoreActionMessage,
  type InternalRaftRequest,
  type ClusterObject,
  type NetworkObject,
  encodeInternalRaftRequest,
  decodeInternalRaftRequest,
  encodeNetworkObject,
  decodeNetworkObject,
} from "./store-actions.js";
export { networkObjectOf, vxlanIdListOption } from "./network-object.js";
export {
  type Ipv4Subnet,
  type SubnetParse,
  vxlanIdStart,
  vxlanIdEnd,
  defaultAddressPool,
  defaultSubnetPrefixLength,
  parseSubnet,
  ipv4Text,
  subnetText,
  gatewayOf,
  overlaps,
  nextFreeSubnet,
  nextFreeVni,
} from "./network-allocation.js";
export { type ManagerStatusView, nodeObjectOf, base64Bytes, bytesBase64 } from "./node-object.js";
export { type AgentOptions, Agent } from "./agent.js";
export { connectLocal, localPeerOf } from "./local-channel.js";
export { Forwarder } from "./forward.js";
export { subjectOf, callerOf, forwardedFor, remoteAddressOf } from "./caller.js";
export { LeaderServices, managerStatusOf } from "./leader.js";
export { RoleManager } from "./role-manager.js";
export { CaServer, invalidJoinTokenError } from "./ca-server.js";
export {
  type ControlContext,
  type DialOptions,
  type ControlConnection,
  controlPlanePort,
  serveControlPlane,
  dialControlPlane,
  unavailable,
  connectionErrorText,
} from "./endpoint.js";
export { type NodeIdentity, type IssuerInfo, contextFor, tlsIdentityOf, trustOf, issuerInfoOf, tlsInfoOf, withRoots } from "./identity.js";
export { type JoinRequest, type JoinOutcome, joinSwarm } from "./join.js";
export {
  type StatusPoll,
  type PollOutcome,
  type CheckedChain,
  type CertificateRequest,
  type RequestOutcome,
  callWithTimeout,
  pollCertificateStatus,
  requestNodeCertificate,
  checkIssuedChain,
  deadlineExceededMessage,
} from "./certificate-request.js";
export { type RenewerOptions, CertificateRenewer } from "./renewer.js";
export { Remotes } from "./remotes.js";
export {
  type RotationRequest,
  rotateMaxBatchSize,
  trustedRootsPem,
  desiredIssuer,
  hasIssuer,
  rootRotationStart,
  RootRotationReconciler,
} from "./ca-rotation.js";
export { type InitOptions, type RaftStart, type ManagerOptions, ManagerServices, initCluster } from "./manager.js";
export { type Channel, type Reply, type MethodHandler, type CallResult, type CallOptions, RpcServerConnection, RpcClientConnection } from "./rpc.js";
export {
  GrpcCode,
  grpcErrorText,
  type ForwardedFor,
  type RpcRequest,
  type RpcResponse,
  MessageReassembler,
  lengthPrefixed,
  encodeRequest,
  encodeResponse,
  decodeRequest,
  decodeResponse,
  maxMessageBytes,
} from "./rpc-frame.js";
export { ProtoWriter, FieldReader, readFields, decodeMessage, type Decoded, type ProtoFields, type ProtoValue, type ProtoResult } from "../encoding/index.js";
export {
  type EncryptionKey,
  type KeySubsystem,
  type KeyManagerOptions,
  type StoredKeys,
  subsystemGossip,
  subsystemIpsec,
  keySubsystems,
  keyAlgorithm,
  networkKeyBytes,
  keyringSize,
  rotationIntervalUs,
  lamportSkewMax,
  KeyManager,
  rotateKeys,
  oldestIndex,
} from "./keymanager.js";
export {
  type PrimaryKeyResult,
  type PrimaryChoice,
  type KeyringOp,
  type KeyChange,
  type GossipKeyring,
  primaryKey,
  initialKeyOrder,
  keyChange,
  keyringUpdate,
  initialGossipKeyring,
  applyGossipOps,
} from "./keymanager-agent.js";
export { type HeldKeys, type KeyUpdate, type IpsecChange, NodeKeys } from "./node-keys.js";
export { type TaskContainer } from "./cluster-store.js";
export * from "./task-messages.js";
export { serviceObjectOf, storedServiceOf, taskObjectOf, storedTaskOf, taskStateName, stateBefore, instantOfUnixMicros } from "./task-object.js";
export * from "./assignment-messages.js";
export * from "./task-constants.js";
export { type ClusterView, TaskWriter, overlay } from "./task-writer.js";
export { type OrchestrationContext, type OrchestrationRound, orchestrate, invalidNode, newServiceTask, startAt } from "./orchestrator.js";
export { allocate, takenAddresses, nextFreeAddress, serviceAllocated, addressOf } from "./task-allocator.js";
export { schedule, nodeReady } from "./task-scheduler.js";
export { reap } from "./task-reaper.js";
export { type TaskOrchestrationOptions, TaskOrchestration, foldActions } from "./orchestration.js";
export { type DispatcherTasksOptions, DispatcherTasks } from "./dispatcher-tasks.js";
export { type ResourceAllocatorOptions, ResourceAllocator } from "./resource-allocator.js";
export { type TaskStatusReport, type ReportedStatus, type AssignmentsOutcome, AssignedTasks } from "./agent-assignments.js";
export { type CallOutcome, type AttachOutcome, AgentTaskCalls } from "./agent-calls.js";
export { type AgentEvents } from "./agent.js";
export { type PlacementConstraint, parseConstraints, nodeMatches } from "./constraints.js";
