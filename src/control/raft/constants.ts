/**
 * The managers' raft, as constants that read as the spec. Raft counts time in
 * ticks that the caller delivers; swarmkit ticks once a second, so a tick
 * count is also a number of seconds. Each value names its source file.
 */

import { type Duration, seconds } from "../../sim/index.js";
import type { Rng } from "../../sim/index.js";

/**
 * One raft tick: 1 s. swarmkit manager/state/raft/raft.go NewNode: `TickInterval`
 * defaults to `time.Second`, and the node calls `raftNode.Tick()` on each beat.
 */
export const raftTickUs: Duration = seconds(1);

/**
 * The leader sends MsgHeartbeat to every follower each tick. swarmkit
 * manager/state/raft/raft.go DefaultRaftConfig: `HeartbeatTick: 1`.
 */
export const heartbeatTicks = 1;

/**
 * A follower that hears nothing from a leader for this many ticks (at least;
 * see `randomizedElectionTimeoutTicks`) campaigns. swarmkit DefaultRaftConfig:
 * `ElectionTick: 10`, "recommended value in etcd/raft is 10 x (HeartbeatTick).
 * Lower values were seen to have caused instability because of frequent leader
 * elections when running on flakey networks."
 */
export const electionTicks = 10;

/**
 * How long a raft request such as a new manager's Join may take before it
 * fails: 5 s + 2 election timeouts, 25 s. swarmkit manager/state/raft/raft.go
 * reqTimeout: `5*time.Second + 2*time.Duration(n.Config.ElectionTick)*n.opts.TickInterval`.
 */
export const raftRequestTimeoutUs: Duration = (seconds(5) + 2 * electionTicks * raftTickUs) as Duration;

/**
 * The leader steps down when a quorum was not active within an election
 * timeout, and followers in contact with a leader ignore votes (the leader
 * lease). swarmkit manager/state/raft/raft.go DefaultNodeConfig: `CheckQuorum: true`.
 */
export const checkQuorum = true;

/**
 * The most entry bytes one MsgApp carries (at least one entry is always sent).
 * swarmkit DefaultNodeConfig: `MaxSizePerMsg: math.MaxUint16`.
 */
export const maxSizePerMsgBytes = 65_535;

/**
 * A randomized election timeout in [electionTicks, 2 * electionTicks) ticks,
 * drawn afresh each time a node changes term or role, so that followers rarely
 * time out together and split the vote. etcd raft/raft.go
 * resetRandomizedElectionTimeout: `electionTimeout + globalRand.Intn(electionTimeout)`.
 */
export function randomizedElectionTimeoutTicks(electionTimeout: number, rng: Rng): number {
  if (!Number.isSafeInteger(electionTimeout) || electionTimeout < 1) {
    throw new RangeError(`"electionTimeout" expected a whole number of ticks >= 1, got ${electionTimeout}`);
  }
  return rng.int(electionTimeout, 2 * electionTimeout - 1);
}

/**
 * Votes or acknowledgements needed among `voters` members: a strict majority,
 * floor(n/2) + 1. etcd raft/quorum/majority.go.
 */
export function quorumSize(voters: number): number {
  if (!Number.isSafeInteger(voters) || voters < 0) throw new RangeError(`"voters" expected a whole number >= 0, got ${voters}`);
  return Math.floor(voters / 2) + 1;
}
