/**
 * `docker node ls | inspect | rm`, read from the managers' cluster state.
 */

import { type ManagerServices, type StoreAction, type StoredNode, grpcErrorText, issuerInfoOf, managerStatusOf } from "../../control/index.js";
import { dateAt, days } from "../../sim/index.js";
import { readCertificate, splitPemBundle } from "../../pki/index.js";
import type { DockerContext } from "../cluster.js";
import { type CommandSpec, parseCommand } from "./command.js";
import { daemonError } from "./daemon-errors.js";
import { type CommandOutput, type CommandRegistry, type CommandResult, deferred, ok } from "./registry.js";
import { managerOf } from "./swarm-commands.js";
import { formatTable } from "./table.js";
import { MODELLED_ENGINE } from "./version.js";

const specs = {
  ls: { path: "docker node ls", use: "[OPTIONS]", short: "List nodes in the swarm", flags: [{ name: "quiet", short: "q", type: "bool", usage: "Only display IDs" }], args: { exactly: 0 } },
  inspect: {
    path: "docker node inspect",
    use: "[OPTIONS] self|NODE [NODE...]",
    short: "Display detailed information on one or more nodes",
    flags: [{ name: "pretty", type: "bool", usage: "Print the information in a human friendly format" }],
    args: { min: 1, max: Infinity },
  },
  promote: { path: "docker node promote", use: "NODE [NODE...]", short: "Promote one or more nodes to manager in the swarm", flags: [], args: { min: 1, max: Infinity } },
  demote: { path: "docker node demote", use: "NODE [NODE...]", short: "Demote one or more nodes from manager in the swarm", flags: [], args: { min: 1, max: Infinity } },
  rm: { path: "docker node rm", use: "[OPTIONS] NODE [NODE...]", short: "Remove one or more nodes from the swarm", flags: [{ name: "force", short: "f", type: "bool", usage: "Force remove a node from the swarm" }], args: { min: 1, max: Infinity } },
} as const satisfies Record<string, CommandSpec>;

const isOutput = (v: object): v is CommandOutput => "exitCode" in v;
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Nodes with a certificate: issued, or being renewed or rotated (a joining node appears once issued). */
const listedStates: ReadonlySet<StoredNode["certificate"]["state"]> = new Set(["issued", "renew", "rotate"]);

/** Natural order of hostnames, as docker/cli sorts `node ls` (sortorder.NaturalLess). */
function naturalLess(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** The node a user names: its ID, a unique ID prefix, or its hostname (moby daemon/cluster/helpers.go getNode). */
function findNode(nodes: Iterable<StoredNode>, ref: string): StoredNode | undefined {
  const all = [...nodes];
  return all.find((n) => n.id === ref) ?? all.find((n) => n.hostname === ref) ?? (() => {
    const prefixed = all.filter((n) => n.id.startsWith(ref));
    return prefixed.length === 1 ? prefixed[0] : undefined;
  })();
}

function ls(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.ls, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const nodes = [...m.state.nodes.values()].filter((n) => listedStates.has(n.certificate.state)).sort((a, b) => naturalLess(a.hostname, b.hostname));
  if (parsed.command.flags.get("quiet") === true) return ok(nodes.map((n) => `${n.id}\n`).join(""));
  const rows = nodes.map((n) => [
    n.id === m.identity.nodeId ? `${n.id} *` : n.id,
    n.hostname,
    capital(n.status),
    capital(n.availability),
    managerStatusText(m.services, n),
    MODELLED_ENGINE.version,
  ]);
  return ok(formatTable(["ID", "HOSTNAME", "STATUS", "AVAILABILITY", "MANAGER STATUS", "ENGINE VERSION"], rows));
}

/**
 * The TLS info the engine shows (moby api/types/swarm TLSInfo): the trust root,
 * and the issuer's subject and key as base64 DER, as the node last reported
 * them; the cluster's root for a node that has not reported yet.
 */
function tlsInfo(node: StoredNode, rootPem: string): { trustRoot: string; issuerSubject: string; issuerPublicKey: string } {
  if (node.tlsInfo !== undefined) {
    const { trustRoot, certIssuerSubject, certIssuerPublicKey } = node.tlsInfo;
    return { trustRoot, issuerSubject: certIssuerSubject, issuerPublicKey: certIssuerPublicKey };
  }
  const issuer = issuerInfoOf(rootPem);
  return { trustRoot: rootPem, issuerSubject: issuer.subject, issuerPublicKey: issuer.publicKey };
}

function inspect(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.inspect, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const out: string[] = [];
  const objects: unknown[] = [];
  for (const ref of parsed.command.args) {
    const node = ref === "self" ? m.state.nodes.get(m.identity.nodeId) : findNode(m.state.nodes.values(), ref);
    if (node === undefined) return daemonError(`node ${ref} not found`);
    const leaf = readCertificate(splitPemBundle(node.certificate.chainPem)[0] ?? "");
    const tls = tlsInfo(node, m.state.root.certPem);
    const joinedAt = dateAt(node.createdAt).toISOString();
    const status = m.services.raft === undefined ? undefined : managerStatusOf(node, m.services.raft);
    if (parsed.command.flags.get("pretty") === true) {
      out.push(
        [
          `ID:\t\t\t${node.id}`,
          `Hostname:\t\t${node.hostname}`,
          `Joined at:\t\t${joinedAt}`,
          "Status:",
          ` State:\t\t\t${capital(node.status)}`,
          ` Availability:\t\t${capital(node.availability)}`,
          ` Address:\t\t${node.addr}`,
          ...(status === undefined
            ? []
            : ["Manager Status:", ` Address:\t\t${node.addr}:2377`, ` Raft Status:\t\t${status.reachable ? "Reachable" : "Unreachable"}`, ` Leader:\t\t${status.leader ? "Yes" : "No"}`]),
          "Platform:",
          ` Operating System:\t${node.platform?.os ?? "linux"}`,
          ` Architecture:\t\t${node.platform?.architecture ?? "x86_64"}`,
          `Engine Version:\t\t${MODELLED_ENGINE.version}`,
          "TLS Info:",
          ` TrustRoot:\n${tls.trustRoot}`,
          ` Issuer Subject:\t${tls.issuerSubject}`,
          ` Issuer Public Key:\t${tls.issuerPublicKey}`,
          ...(leaf.ok ? [` Certificate Expiry:\t${dateAt(leaf.info.notAfter).toISOString()}`] : []),
          "",
        ].join("\n"),
      );
    } else {
      objects.push({
        ID: node.id,
        CreatedAt: joinedAt,
        Spec: { Role: node.desiredRole, Availability: node.availability },
        Description: { Hostname: node.hostname, Platform: { Architecture: node.platform?.architecture ?? "x86_64", OS: node.platform?.os ?? "linux" }, Engine: { EngineVersion: MODELLED_ENGINE.version }, TLSInfo: { TrustRoot: tls.trustRoot, CertIssuerSubject: tls.issuerSubject, CertIssuerPublicKey: tls.issuerPublicKey } },
        Status: { State: node.status, ...(node.statusMessage === "" ? {} : { Message: node.statusMessage }), Addr: node.addr },
        ...(status === undefined ? {} : { ManagerStatus: { Leader: status.leader, Reachability: status.reachable ? "reachable" : "unreachable", Addr: `${node.addr}:2377` } }),
      });
    }
  }
  return ok(parsed.command.flags.get("pretty") === true ? out.join("\n") : `${JSON.stringify(objects, null, 4)}\n`);
}

function rm(context: DockerContext, words: readonly string[]): CommandResult {
  const parsed = parseCommand(specs.rm, words);
  if (!parsed.ok) return parsed.output;
  const m = managerOf(context);
  if (isOutput(m)) return m;
  const force = parsed.command.flags.get("force") === true;
  const removed: string[] = [];
  const actions: StoreAction[] = [];
  for (const ref of parsed.command.args) {
    const node = findNode(m.state.nodes.values(), ref);
    if (node === undefined) return { ...daemonError(`node ${ref} not found`), stdout: removed.join("") };
    if (node.role === "manager") {
      return { ...daemonError(grpcErrorText(9, `node ${node.id} is a cluster manager and is a member of the raft cluster. It must be demoted to worker before removal`)), stdout: removed.join("") };
    }
    // controlapi/node.go: a node that is not Down goes only with --force.
    if (!force && node.status !== "down") return { ...daemonError(grpcErrorText(9, `node ${node.id} is not down and can't be removed`)), stdout: removed.join("") };
    const leaf = readCertificate(splitPemBundle(node.certificate.chainPem)[0] ?? "");
    // controlapi/node.go: the removed list keeps the ID until 7 days after the certificate expires.
    const removedUntil = (leaf.ok ? leaf.info.notAfter + days(7) : context.cluster.sim.now + days(7)) as never;
    actions.push({ kind: "remove-node", nodeId: node.id, removedUntil });
    removed.push(`${ref}\n`);
  }
  // The dispatcher ends a removed node's session once the removal commits: it hears of no later change.
  return deferred((done) =>
    m.services.store.update(m.services.proposer, actions, (result) => {
      if (!result.ok) return done(daemonError(grpcErrorText(2, result.reason)));
      for (const action of actions) if (action.kind === "remove-node") context.cluster.sim.trace.record("node.removed", { nodeId: action.nodeId, force }, context.node.name);
      done(ok(removed.join("")));
    }),
  );
}

/** `node ls`'s MANAGER STATUS: Leader, Reachable or Unreachable as the leader sees raft; empty for workers. */
function managerStatusText(leader: ManagerServices, node: StoredNode): string {
  const status = leader.raft === undefined ? undefined : managerStatusOf(node, leader.raft);
  if (status === undefined) return "";
  return status.leader ? "Leader" : status.reachable ? "Reachable" : "Unreachable";
}

/**
 * `docker node promote | demote` (docker/cli cli/command/node/promote.go,
 * demote.go; swarmkit controlapi/node.go UpdateNode): sets the node's desired
 * role; the role manager on the leader does the rest. Demotion is refused for
 * the last manager and when removing the node from raft would lose quorum.
 */
function changeRole(to: "manager" | "worker") {
  return (context: DockerContext, words: readonly string[]): CommandResult => {
    const parsed = parseCommand(to === "manager" ? specs.promote : specs.demote, words);
    if (!parsed.ok) return parsed.output;
    const m = managerOf(context);
    if (isOutput(m)) return m;
    const lines: string[] = [];
    const actions: StoreAction[] = [];
    for (const ref of parsed.command.args) {
      const node = findNode(m.state.nodes.values(), ref);
      if (node === undefined) return { ...daemonError(`node ${ref} not found`), stdout: lines.join("") };
      if (node.desiredRole === to) {
        lines.push(to === "manager" ? `Node ${ref} is already a manager.\n` : `Node ${ref} is already a worker.\n`);
        continue;
      }
      if (to === "worker") {
        const refused = demotionRefusal(m.services, node);
        if (refused !== undefined) return { ...daemonError(grpcErrorText(9, refused)), stdout: lines.join("") };
      }
      actions.push({ kind: "update-node", node: { ...node, desiredRole: to } });
      lines.push(to === "manager" ? `Node ${ref} promoted to a manager in the swarm.\n` : `Manager ${ref} demoted in the swarm.\n`);
    }
    if (actions.length === 0) return ok(lines.join(""));
    return deferred((done) =>
      m.services.store.update(m.services.proposer, actions, (result) => done(result.ok ? ok(lines.join("")) : daemonError(grpcErrorText(2, result.reason)))),
    );
  };
}

/** controlapi/node.go UpdateNode's checks before a demotion. */
function demotionRefusal(leader: ManagerServices, node: StoredNode): string | undefined {
  const managers = [...leader.state.nodes.values()].filter((n) => n.desiredRole === "manager");
  if (managers.length <= 1) return "attempting to demote the last manager of the swarm";
  if (node.raftId !== undefined && leader.raft !== undefined && leader.raft.voters.includes(node.raftId) && !leader.raft.canRemove(node.raftId)) {
    return "can't remove member from the raft: this would result in a loss of quorum";
  }
  return undefined;
}

declare module "../../sim/trace.js" {
  interface TraceKinds {
    /** `docker node rm` removed a node: its ID goes on the removed list. */
    "node.removed": { nodeId: string; force: boolean };
  }
}

/** Registers the `docker node` verbs. */
export function registerNodeCommands(registry: CommandRegistry<DockerContext>): void {
  registry
    .register("node ls", ls)
    .register("node inspect", inspect)
    .register("node rm", rm)
    .register("node promote", changeRole("manager"))
    .register("node demote", changeRole("worker"));
}
