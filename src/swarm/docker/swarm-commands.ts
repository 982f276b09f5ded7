/**
 * `docker swarm init | join | join-token | update | ca | leave`, as the docker
 * CLI and daemon answer them.
 */

import {
  type ClusterState,
  ManagerServices,
  type NodeIdentity,
  desiredIssuer,
  grpcErrorText,
  hasIssuer,
  initCluster,
  joinSwarm,
} from "../../control/index.js";
import { checkNodeCertExpiry } from "../../pki/index.js";
import { type Duration, type Simulation, ms, seconds } from "../../sim/index.js";
import type { DockerContext } from "../cluster.js";
import type { SwarmNode } from "../node.js";
import { type CommandSpec, parseCommand } from "./command.js";
import { daemonError, errNoManager, errNoQuorum, errSwarmExists, errSwarmJoinTimeoutReached, errWorkerNotManager } from "./daemon-errors.js";
import { type CommandOutput, type CommandRegistry, type CommandResult, deferred, fail, ok } from "./registry.js";
import { joinTokenText, swarmInitText, swarmJoinedText } from "./swarm-output.js";

/** moby daemon/cluster/swarm.go: how long `docker swarm join` waits before answering that it goes on in the background. */
export const swarmJoinTimeout: Duration = seconds(20);
/** How often `docker swarm ca --rotate` checks the rotation's progress. docker/cli cli/command/swarm/progress/root_rotation.go. */
export const rootRotationPollUs: Duration = ms(200);

/** The `docker swarm` commands as docker/cli declares them: use line, description, flags, argument count. */
export const swarmCommandSpecs = {
  init: {
    path: "docker swarm init",
    use: "[OPTIONS]",
    short: "Initialize a swarm",
    flags: [
      { name: "advertise-addr", type: "string", usage: 'Advertised address (format: "<ip|interface>[:port]")' },
      { name: "listen-addr", type: "string", valueName: "node-addr", usage: 'Listen address (format: "<ip|interface>[:port]") (default 0.0.0.0:2377)' },
      { name: "availability", type: "string", usage: 'Availability of the node ("active", "pause", "drain") (default "active")' },
      { name: "cert-expiry", type: "duration", usage: "Validity period for node certificates (ns|us|ms|s|m|h) (default 2160h0m0s)" },
    ],
    args: { exactly: 0 },
  },
  join: {
    path: "docker swarm join",
    use: "[OPTIONS] HOST:PORT",
    short: "Join a swarm as a node and/or manager",
    flags: [
      { name: "token", type: "string", usage: "Token for entry into the swarm" },
      { name: "advertise-addr", type: "string", usage: 'Advertised address (format: "<ip|interface>[:port]")' },
      { name: "listen-addr", type: "string", valueName: "node-addr", usage: 'Listen address (format: "<ip|interface>[:port]") (default 0.0.0.0:2377)' },
      { name: "availability", type: "string", usage: 'Availability of the node ("active", "pause", "drain") (default "active")' },
    ],
    args: { exactly: 1 },
  },
  joinToken: {
    path: "docker swarm join-token",
    use: "[OPTIONS] (worker|manager)",
    short: "Manage join tokens",
    flags: [
      { name: "quiet", short: "q", type: "bool", usage: "Only display token" },
      { name: "rotate", type: "bool", usage: "Rotate join token" },
    ],
    args: { exactly: 1 },
  },
  update: {
    path: "docker swarm update",
    use: "[OPTIONS]",
    short: "Update the swarm",
    flags: [{ name: "cert-expiry", type: "duration", usage: "Validity period for node certificates (ns|us|ms|s|m|h) (default 2160h0m0s)" }],
    args: { exactly: 0 },
  },
  ca: {
    path: "docker swarm ca",
    use: "[OPTIONS]",
    short: "Display and rotate the root CA",
    flags: [
      { name: "detach", short: "d", type: "bool", usage: "Exit immediately instead of waiting for the root rotation to converge" },
      { name: "quiet", short: "q", type: "bool", usage: "Suppress progress output" },
      { name: "rotate", type: "bool", usage: "Rotate the swarm CA - if no certificate or key are provided, new ones will be generated" },
    ],
    args: { exactly: 0 },
  },
  leave: {
    path: "docker swarm leave",
    use: "[OPTIONS]",
    short: "Leave the swarm",
    flags: [{ name: "force", short: "f", type: "bool", usage: "Force this node to leave the swarm, ignoring warnings" }],
    args: { exactly: 0 },
  },
} as const satisfies Record<string, CommandSpec>;
const specs = swarmCommandSpecs;

/**
 * The manager state a command acts on, or the daemon's refusal. A command on a
 * follower acts through the leader (swarmkit proxies the control API to it);
 * with no leader the daemon refuses (`errNoQuorum`).
 */
export function managerOf(context: DockerContext): { node: SwarmNode; identity: NodeIdentity; services: ManagerServices; state: ClusterState } | CommandOutput {
  const { node, cluster } = context;
  const identity = node.identity;
  if (identity === undefined) return daemonError(errNoManager);
  const local = node.manager;
  if (local === undefined) return daemonError(errWorkerNotManager);
  const services = cluster.leaderOf(local);
  if (services === undefined) return daemonError(errNoQuorum);
  return { node, identity, services, state: services.state };
}

/** How a control API change that did not commit reads (the daemon wraps grpc's Unknown). */
function proposalError(reason: string): CommandOutput {
  return daemonError(grpcErrorText(2, reason));
}

const isOutput = (v: object): v is CommandOutput => "exitCode" in v;

/** The expiry check of the control API (swarmkit controlapi/cluster.go), as the daemon reports it. */
function expiryError(expiry: number): CommandOutput | undefined {
  const check = checkNodeCertExpiry(expiry as Duration);
  return check.ok ? undefined : daemonError(grpcErrorText(3, check.reason));
}

function init(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.init, words);
  if (!parsed.ok) return parsed.output;
  const { cluster, node } = context;
  if (node.membership.state !== "inactive") return daemonError(errSwarmExists);
  // Without the flag, the scenario's cluster.certExpiry (itself 90 days by default).
  const certExpiry = (parsed.command.flags.get("cert-expiry") as number | undefined) ?? cluster.certExpiryUs;
  if (certExpiry !== undefined) {
    const refused = expiryError(certExpiry);
    if (refused !== undefined) return refused;
  }
  const attempt = node.attemptContext();
  const { store, identity, raftId } = initCluster(attempt, {
    rsaBits: cluster.rsaBits,
    hostname: node.name,
    ...(certExpiry === undefined ? {} : { certExpiry }),
  });
  cluster.swarms.set(store.state.clusterId, store);
  node.becomeMember(store, identity, { ...cluster.memberOptions(), raft: { kind: "bootstrap", raftId } });
  const text = ok(swarmInitText(identity.nodeId, store.state.tokens.worker, `${node.host.ip}:2377`));
  return deferred((done) => node.whenReady(() => done(text)));
}

function join(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.join, words);
  if (!parsed.ok) return parsed.output;
  const { cluster, node } = context;
  if (node.membership.state !== "inactive") return daemonError(errSwarmExists);
  const [host, port = "2377"] = parsed.command.args[0]!.split(":");
  const manager = cluster.resolve(host ?? "");
  if (manager === undefined) {
    return daemonError(grpcErrorText(14, `connection error: desc = "transport: Error while dialing: dial tcp: lookup ${host}: no such host"`));
  }
  if (port !== "2377") {
    return daemonError(grpcErrorText(14, `connection error: desc = "transport: Error while dialing: dial tcp ${manager.host.ip}:${port}: connect: connection refused"`));
  }
  const token = (parsed.command.flags.get("token") as string | undefined) ?? "";
  const availability = (parsed.command.flags.get("availability") as string | undefined) ?? "active";
  if (availability !== "active" && availability !== "pause" && availability !== "drain") {
    return fail(`invalid argument "${availability}" for "--availability" flag: invalid availability: ${availability}\nSee 'docker swarm join --help'.`, 125);
  }
  node.membership = { state: "pending", managerAddr: manager.host.ip };
  const attempt = node.attemptContext();
  return deferred((done) => {
    const timer = cluster.sim.scheduler.after(swarmJoinTimeout, "swarm.join-timeout", () => done(daemonError(errSwarmJoinTimeoutReached)));
    joinSwarm(
      attempt,
      { token, managerAddr: manager.host.ip, rsaBits: cluster.rsaBits, availability },
      (outcome) => {
        if (!outcome.ok) {
          cluster.sim.scheduler.cancel(timer);
          node.membership = { state: "inactive" };
          return done(daemonError(outcome.message));
        }
        const identity = outcome.identity;
        const store = cluster.swarms.get(identity.clusterId);
        if (store === undefined) throw new RangeError(`"identity.clusterId" expected a swarm of this cluster, got "${identity.clusterId}"`);
        node.becomeMember(store, identity, { ...cluster.memberOptions(), ...(identity.role === "manager" ? { raft: { kind: "join" as const } } : {}) });
        // moby daemon/cluster/swarm.go Join waits for the node to be ready: its agent registered, its manager in raft.
        node.whenReady(() =>
          reachedByLeader(cluster, node, () => {
            cluster.sim.scheduler.cancel(timer);
            done(ok(swarmJoinedText(identity.role)));
          }),
        );
      },
    );
  });
}

/**
 * Runs `then` once the leader has heard from `node`'s raft member (at once
 * for a worker). The daemon's control calls on a follower travel to the
 * leader over the wire, behind the member's first raft reply; here they act
 * on the leader's services directly, so a new manager's join answers only
 * once the leader counts it reachable, or a demotion issued right after it
 * would be refused for a quorum the real leader would see.
 */
function reachedByLeader(cluster: DockerContext["cluster"], node: DockerContext["node"], then: () => void): void {
  const manager = node.manager;
  const raftId = manager?.raft?.raftId;
  const leader = manager === undefined ? undefined : cluster.leaderOf(manager);
  if (raftId === undefined || leader?.raft === undefined || leader === manager) return then();
  leader.raft.whenReachable(raftId, then);
}

function joinToken(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.joinToken, words);
  if (!parsed.ok) return parsed.output;
  const role = parsed.command.args[0]!;
  if (role !== "worker" && role !== "manager") return fail(`unknown role ${role}`);
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const rotate = parsed.command.flags.get("rotate") === true;
  const quiet = parsed.command.flags.get("quiet") === true;
  const text = (token: string) => ok(joinTokenText(role, token, `${m.node.host.ip}:2377`, { rotated: rotate, quiet }));
  if (!rotate) return text(m.state.tokens[role]);
  return deferred((done) => m.services.rotateJoinToken(role, (result, token) => done(result.ok ? text(token) : proposalError(result.reason))));
}

function update(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.update, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const certExpiry = parsed.command.flags.get("cert-expiry") as number | undefined;
  if (certExpiry !== undefined) {
    const refused = expiryError(certExpiry);
    if (refused !== undefined) return refused;
    const changes = { certExpiry: certExpiry as Duration };
    return deferred((done) =>
      m.services.store.update(m.services.proposer, [{ kind: "update-cluster", changes }], (result) => done(result.ok ? ok("Swarm updated.\n") : proposalError(result.reason))),
    );
  }
  return ok("Swarm updated.\n");
}

/** docker/cli displayTrustRoot: the cluster's root certificate, trimmed, and a newline. */
const trustRootText = (state: ClusterState) => `${state.root.certPem.trim()}\n`;

/**
 * `docker swarm ca [--rotate [-d] [-q]]` (docker/cli cli/command/swarm/ca.go).
 * Without --rotate: the root certificate. With it: the update that starts the
 * rotation, then with -d nothing more; otherwise the CLI waits for the
 * rotation to converge and prints the new root (-q: prints nothing). On a
 * terminal it draws progress bars meanwhile; without one, as here, only the
 * final certificate is kept.
 */
function ca(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.ca, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  if (parsed.command.flags.get("rotate") !== true) return ok(trustRootText(m.state));
  const detach = parsed.command.flags.get("detach") === true;
  const quiet = parsed.command.flags.get("quiet") === true;
  return deferred((done) =>
    m.services.rotateRootCa(context.cluster.rsaBits, (result) => {
      if (!result.ok) return done(proposalError(result.reason));
      if (detach) return done(ok(""));
      awaitRootRotation(context.cluster.sim, m.state, () => done(ok(quiet ? "" : trustRootText(m.state))));
    }),
  );
}

/**
 * docker/cli cli/command/swarm/progress/root_rotation.go: every 200 ms, inspect
 * the swarm and list the nodes; once no rotation is in progress and every node
 * reports a certificate from the root and trusts exactly the root, inspect
 * once more and return.
 */
function awaitRootRotation(sim: Simulation, state: ClusterState, done: () => void): void {
  let converged = false;
  const poll = () => {
    if (converged) return done();
    converged = rootRotationConverged(state);
    sim.scheduler.after(rootRotationPollUs, "cli.ca-progress", poll);
  };
  poll();
}

/** Whether the last rotation is over and every node reports the root as its issuer and its only trusted root. */
function rootRotationConverged(state: ClusterState): boolean {
  if (state.rootRotation !== undefined) return false;
  const issuer = desiredIssuer(state);
  return [...state.nodes.values()].every((node) => hasIssuer(node, issuer) && node.tlsInfo?.trustRoot === state.root.certPem);
}

function leave(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.leave, words);
  if (!parsed.ok) return parsed.output;
  const { node } = context;
  if (node.membership.state === "inactive") return daemonError("This node is not part of a swarm");
  if (node.manager !== undefined && parsed.command.flags.get("force") !== true) return daemonError(managerLeaveWarning(context));
  // moby daemon/cluster/swarm.go Leave returns after DaemonLeavesCluster, which waits for the
  // network agent to stop (AgentStopWait): a join right after finds port 7946 free.
  return deferred((done) => node.leaveSwarm(() => done(ok("Node left the swarm.\n"))));
}

/**
 * moby daemon/cluster/swarm.go Leave: why a manager may not leave without
 * --force, counting the managers the leader reaches (managerStats).
 */
function managerLeaveWarning(context: DockerContext): string {
  let message = "You are attempting to leave the swarm on a node that is participating as a manager. ";
  const services = context.node.manager;
  const leader = services === undefined ? undefined : context.cluster.leaderOf(services);
  if (leader?.raft !== undefined) {
    const voters = leader.raft.voters;
    const reachable = voters.filter((id) => leader.raft!.reachable(id)).length;
    const unreachable = voters.length - reachable;
    // swarm.go removingManagerCausesLossOfQuorum / isLastManager.
    if (reachable - 1 <= unreachable) {
      if (reachable === 1 && unreachable === 0) {
        return `${message}Removing the last manager erases all current state of the swarm. Use \`--force\` to ignore this message. `;
      }
      message += `Removing this node leaves ${reachable - 1} managers out of ${reachable + unreachable}. Without a Raft quorum your swarm will be inaccessible. `;
    }
  } else {
    message += "Doing so may lose the consensus of your cluster. ";
  }
  return `${message}The only way to restore a swarm that has lost consensus is to reinitialize it with \`--force-new-cluster\`. Use \`--force\` to suppress this message.`;
}

/** Registers the `docker swarm` verbs. */
export function registerSwarmCommands(registry: CommandRegistry<DockerContext>): void {
  registry
    .register("swarm init", init)
    .register("swarm join", join)
    .register("swarm join-token", joinToken)
    .register("swarm update", update)
    .register("swarm ca", ca)
    .register("swarm leave", leave);
}
