/**
 * `docker swarm init | join | join-token | update | ca | leave`, as the docker
 * CLI and daemon answer them.
 */

import { type ClusterState, ManagerServices, type NodeIdentity, grpcErrorText, initCluster, joinSwarm } from "../../control/index.js";
import { checkNodeCertExpiry } from "../../pki/index.js";
import { type Duration, seconds } from "../../sim/index.js";
import type { DockerContext } from "../cluster.js";
import type { SwarmNode } from "../node.js";
import { type CommandSpec, parseCommand } from "./command.js";
import { daemonError, errNoManager, errSwarmExists, errSwarmJoinTimeoutReached, errWorkerNotManager } from "./daemon-errors.js";
import { type CommandOutput, type CommandRegistry, type CommandResult, deferred, fail, ok } from "./registry.js";
import { joinTokenText, swarmInitText, swarmJoinedText } from "./swarm-output.js";

/** moby daemon/cluster/swarm.go: how long `docker swarm join` waits before answering that it goes on in the background. */
export const swarmJoinTimeout: Duration = seconds(20);

const specs = {
  init: {
    path: "docker swarm init",
    use: "[OPTIONS]",
    short: "Initialize a swarm",
    flags: [
      { name: "advertise-addr", type: "string" },
      { name: "listen-addr", type: "string" },
      { name: "availability", type: "string" },
      { name: "cert-expiry", type: "duration" },
    ],
    args: { exactly: 0 },
  },
  join: {
    path: "docker swarm join",
    use: "[OPTIONS] HOST:PORT",
    short: "Join a swarm as a node and/or manager",
    flags: [
      { name: "token", type: "string" },
      { name: "advertise-addr", type: "string" },
      { name: "listen-addr", type: "string" },
      { name: "availability", type: "string" },
    ],
    args: { exactly: 1 },
  },
  joinToken: {
    path: "docker swarm join-token",
    use: "[OPTIONS] (worker|manager)",
    short: "Manage join tokens",
    flags: [
      { name: "quiet", short: "q", type: "bool" },
      { name: "rotate", type: "bool" },
    ],
    args: { exactly: 1 },
  },
  update: {
    path: "docker swarm update",
    use: "[OPTIONS]",
    short: "Update the swarm",
    flags: [{ name: "cert-expiry", type: "duration" }],
    args: { exactly: 0 },
  },
  ca: {
    path: "docker swarm ca",
    use: "[OPTIONS]",
    short: "Display and rotate the root CA",
    flags: [
      { name: "rotate", type: "bool" },
      { name: "quiet", short: "q", type: "bool" },
      { name: "detach", short: "d", type: "bool" },
    ],
    args: { exactly: 0 },
  },
  leave: {
    path: "docker swarm leave",
    use: "[OPTIONS]",
    short: "Leave the swarm",
    flags: [{ name: "force", short: "f", type: "bool" }],
    args: { exactly: 0 },
  },
} as const satisfies Record<string, CommandSpec>;

/** The manager state a command acts on, or the daemon's refusal. */
export function managerOf(context: DockerContext): { node: SwarmNode; identity: NodeIdentity; services: ManagerServices; state: ClusterState } | CommandOutput {
  const { node } = context;
  const identity = node.identity;
  if (identity === undefined) return daemonError(errNoManager);
  const services = node.manager;
  if (services === undefined) return daemonError(errWorkerNotManager);
  return { node, identity, services, state: services.state };
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
  const certExpiry = parsed.command.flags.get("cert-expiry") as number | undefined;
  if (certExpiry !== undefined) {
    const refused = expiryError(certExpiry);
    if (refused !== undefined) return refused;
  }
  const { state, identity } = initCluster(node.control, {
    rsaBits: cluster.rsaBits,
    hostname: node.name,
    ...(certExpiry === undefined ? {} : { certExpiry }),
  });
  cluster.swarms.set(state.clusterId, state);
  const services = new ManagerServices(node.control, state, () => node.identity ?? identity);
  node.membership = { state: "active", identity, manager: services };
  return ok(swarmInitText(identity.nodeId, state.tokens.worker, `${node.host.ip}:2377`));
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
  return deferred((done) => {
    const timer = cluster.sim.scheduler.after(swarmJoinTimeout, "swarm.join-timeout", () => done(daemonError(errSwarmJoinTimeoutReached)));
    joinSwarm(
      node.control,
      { token, managerAddr: manager.host.ip, rsaBits: cluster.rsaBits, availability, keyName: `node-key-${++node.joins}` },
      (outcome) => {
        cluster.sim.scheduler.cancel(timer);
        if (!outcome.ok) {
          node.membership = { state: "inactive" };
          return done(daemonError(outcome.message));
        }
        const identity = outcome.identity;
        const state = cluster.swarms.get(identity.clusterId);
        const stored = state?.nodes.get(identity.nodeId);
        if (stored !== undefined) {
          // What the agent reports in its first session (hostname, address); the dispatcher comes later.
          stored.hostname = node.name;
          stored.addr = node.host.ip;
        }
        const services = identity.role === "manager" && state !== undefined ? new ManagerServices(node.control, state, () => node.identity ?? identity) : undefined;
        node.membership = { state: "active", identity, ...(services === undefined ? {} : { manager: services }) };
        done(ok(swarmJoinedText(identity.role)));
      },
    );
  });
}

function joinToken(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.joinToken, words);
  if (!parsed.ok) return parsed.output;
  const role = parsed.command.args[0]!;
  if (role !== "worker" && role !== "manager") return fail(`unknown role ${role}`);
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const rotate = parsed.command.flags.get("rotate") === true;
  const token = rotate ? m.services.rotateJoinToken(role) : m.state.tokens[role];
  return ok(joinTokenText(role, token, `${m.node.host.ip}:2377`, { rotated: rotate, quiet: parsed.command.flags.get("quiet") === true }));
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
    m.state.certExpiry = certExpiry as Duration;
  }
  return ok("Swarm updated.\n");
}

function ca(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.ca, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  if (parsed.command.flags.get("rotate") === true) {
    return fail("swarmsim: root CA rotation (docker swarm ca --rotate) is not modelled yet");
  }
  return ok(m.state.root.certPem);
}

function leave(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.leave, words);
  if (!parsed.ok) return parsed.output;
  const { node } = context;
  if (node.membership.state === "inactive") return daemonError("This node is not part of a swarm");
  if (node.manager !== undefined && parsed.command.flags.get("force") !== true) {
    return daemonError(
      "You are attempting to leave the swarm on a node that is participating as a manager. Removing the last manager erases all current state of the swarm. Use `--force` to ignore this message.",
    );
  }
  node.manager?.stop();
  node.membership = { state: "inactive" };
  return ok("Node left the swarm.\n");
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
