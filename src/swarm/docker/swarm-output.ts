/**
 * What `docker swarm init`, `join` and `join-token` print, word for word
 * (docker/cli cli/command/swarm/init.go, join.go, join_token.go).
 */

/** join_token.go printJoinCommand: the join command for a role. */
export function joinCommandText(role: "worker" | "manager", token: string, managerAddr: string): string {
  return `To add a ${role} to this swarm, run the following command:\n\n    docker swarm join --token ${token} ${managerAddr}\n\n`;
}

/** init.go: after a successful `docker swarm init`. */
export function swarmInitText(nodeId: string, workerToken: string, managerAddr: string): string {
  return (
    `Swarm initialized: current node (${nodeId}) is now a manager.\n\n` +
    joinCommandText("worker", workerToken, managerAddr) +
    "To add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions.\n\n"
  );
}

/** join.go: after a successful `docker swarm join`. */
export function swarmJoinedText(role: "worker" | "manager"): string {
  return `This node joined a swarm as a ${role}.\n`;
}

/** join_token.go: `docker swarm join-token [--rotate] [-q] ROLE`. */
export function joinTokenText(role: "worker" | "manager", token: string, managerAddr: string, options: { rotated: boolean; quiet: boolean }): string {
  if (options.quiet) return `${token}\n`; // -q prints the token alone, even after a rotation
  const rotated = options.rotated ? `Successfully rotated ${role} join token.\n\n` : "";
  return `${rotated}${joinCommandText(role, token, managerAddr)}`;
}
