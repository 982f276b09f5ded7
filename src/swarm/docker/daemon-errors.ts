/**
 * What the Docker daemon answers when a swarm command cannot run, word for
 * word. The CLI prints them after `Error response from daemon: ` and exits 1.
 * Sources: moby daemon/cluster/errors.go, swarmkit ca/config.go and ca/server.go.
 */

import { type CommandOutput, fail } from "./registry.js";

/** moby daemon/cluster/errors.go errNoSwarm. */
export const errNoSwarm =
  'This node is not part of a swarm';
/** moby daemon/cluster/errors.go errSwarmExists. */
export const errSwarmExists =
  'This node is already part of a swarm. Use "docker swarm leave" to leave this swarm and join another one.';
/** moby daemon/cluster/errors.go errNoManager. */
export const errNoManager =
  'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
/** moby daemon/cluster/errors.go: a worker asked for cluster state. */
export const errWorkerNotManager =
  "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state. Please run this command on a manager node or promote the current node to a manager.";
/** moby daemon/cluster/errors.go errSwarmJoinTimeoutReached. */
export const errSwarmJoinTimeoutReached =
  'Timeout was reached before node joined. The attempt to join the swarm will continue in the background. Use the "docker info" command to see the current swarm status of your node.';
/** swarmkit ca/config.go ParseJoinToken. */
export const errInvalidJoinToken = "invalid join token";
/** swarmkit ca/server.go IssueNodeCertificate: no token matched. */
export const errInvalidToken = "A valid join token is necessary to join this cluster";

/** moby daemon/cluster/errors.go errNoQuorum: no leader (too few managers reachable). */
export const errNoQuorum =
  "The swarm does not have a leader. It's possible that too few managers are online. Make sure more than half of the managers are online.";

/** `Error response from daemon: <message>`, exit status 1. */
export function daemonError(message: string): CommandOutput {
  return fail(`Error response from daemon: ${message}`);
}
