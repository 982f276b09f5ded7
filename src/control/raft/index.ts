/**
 * The managers' raft: etcd raft's rules as a pure core that the caller ticks
 * and feeds, raftpb's wire format, and swarmkit's Raft service messages.
 */
export {
  RaftMessageType,
  RaftEntryType,
  ConfChangeType,
  type RaftEntry,
  type RaftMessage,
  type RaftConfChange,
  raftMethod,
  campaignTransferContext,
  encodeRaftEntry,
  decodeRaftEntry,
  encodeRaftMessage,
  decodeRaftMessage,
  encodeConfChange,
  decodeConfChange,
  encodeProcessRaftMessageRequest,
  decodeProcessRaftMessageRequest,
  encodeProcessRaftMessageResponse,
  decodeProcessRaftMessageResponse,
} from "./messages.js";
export {
  raftTickUs,
  heartbeatTicks,
  electionTicks,
  raftRequestTimeoutUs,
  checkQuorum,
  maxSizePerMsgBytes,
  randomizedElectionTimeoutTicks,
  quorumSize,
} from "./constants.js";
export {
  type RaftRole,
  type PersistentState,
  type RaftCoreOptions,
  type ProposeResult,
  type ConfChangeProposal,
  type RaftReady,
  RaftCore,
} from "./core.js";
