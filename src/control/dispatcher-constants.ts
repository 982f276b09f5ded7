/**
 * The dispatcher's and the agent's timing, as swarmkit sets it. Each value
 * names its unit and its source.
 */

import { type Duration, ms, seconds } from "../sim/index.js";

/** How often a node heartbeats: 5 s (manager/dispatcher/dispatcher.go DefaultHeartBeatPeriod). */
export const heartbeatPeriodUs: Duration = seconds(5);
/**
 * Each period is drawn from [period − ε, period + ε) with ε = 0.5 s
 * (dispatcher.go defaultHeartBeatEpsilon), so that nodes do not heartbeat in step.
 */
export const heartbeatEpsilonUs: Duration = ms(500);
/** Periods a node may miss before it is Down (dispatcher.go defaultGracePeriodMultiplier). */
export const heartbeatGraceMultiplier = 3;
/**
 * Periods a new leader's dispatcher gives every node to open a session before
 * marking it Down: twice the usual grace (dispatcher.go markNodesUnknown).
 */
export const leaderChangeGraceMultiplier = 6;
/** dispatcher.go ErrNodeNotRegistered: a heartbeat for a session the dispatcher does not know. */
export const nodeNotRegisteredMessage = "node not registered";
/**
 * The agent's deadline for a heartbeat call: 5 s (agent/session.go
 * dispatcherRPCTimeout); a call that takes longer fails the session.
 */
export const dispatcherRpcTimeoutUs: Duration = seconds(5);
/** agent/session.go start: no first session message within dispatcherRPCTimeout of opening the session. */
export const sessionStartTimedOutMessage = "session initiation timed out";
/** The agent's first pause after a failed session (agent/agent.go initialSessionFailureBackoff). */
export const initialSessionBackoffUs: Duration = ms(100);
/** The longest pause between session attempts (agent/agent.go maxSessionFailureBackoff). */
export const maxSessionBackoffUs: Duration = seconds(8);

/**
 * The agent's backoff after a failed session (agent.go run): 100 ms plus twice
 * the previous one, at most 8 s; the session then waits a random part of it
 * (session.go run: `rand.Int63n(delay)`).
 */
export function nextSessionBackoff(previousUs: number): Duration {
  return Math.min(initialSessionBackoffUs + 2 * previousUs, maxSessionBackoffUs) as Duration;
}
