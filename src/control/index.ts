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
  type RootRotation,
  type NodeSession,
  type ClusterState,
  nodeDownAfterLeaveUs,
} from "./cluster-store.js";
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
export { type NodeIdentity, type IssuerInfo, tlsIdentityOf, trustOf, issuerInfoOf, tlsInfoOf, withRoots } from "./identity.js";
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
export {
  type RotationRequest,
  rotateMaxBatchSize,
  trustedRootsPem,
  desiredIssuer,
  hasIssuer,
  deliverRoots,
  startRootRotation,
  RootRotationReconciler,
} from "./ca-rotation.js";
export { type InitOptions, ManagerServices, initCluster } from "./manager.js";
export { type Channel, type Reply, type MethodHandler, type CallResult, RpcServerConnection, RpcClientConnection } from "./rpc.js";
export {
  GrpcCode,
  grpcErrorText,
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
export { ProtoWriter, FieldReader, readFields, decodeMessage, type Decoded, type ProtoFields, type ProtoValue, type ProtoResult } from "./protobuf.js";
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
