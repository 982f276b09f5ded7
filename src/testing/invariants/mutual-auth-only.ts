/**
 * Every control-plane call a manager served came over mutual TLS that
 * proves who called (swarmkit ca/auth.go, ca/server.go, manager/manager.go):
 *
 * - the manager's own certificate and the caller's both lead to a root their
 *   cluster trusted at the handshake (the current root, or the new one while
 *   a rotation runs), and were valid then by the manager's clock;
 * - the caller's certificate names the manager's cluster (O) and a swarm
 *   role (OU `swarm-manager` or `swarm-worker`), raft calls only a manager's,
 *   and its node (CN) had not been removed when the call was served;
 * - a caller with no certificate (a joining node) got only the CA's join
 *   methods: GetRootCACertificate, IssueNodeCertificate, NodeCertificateStatus;
 * - a call a manager forwarded is judged on the caller it names (ca/forward.go).
 *
 * It reads the listener's `rpc.accepted` (both certificates of a handshake)
 * and `rpc.served` (each call served) records, `swarm.init` and the
 * `ca.rotation-*` records for the roots, `node.removed` and `node.clock-skew`.
 */

import type { TraceRecord } from "../../sim/index.js";
import type { FinishedRun } from "../run.js";
import { type TrustedRoot, clusterRoots, trustedAt } from "./cluster-roots.js";
import { numberOf, textOf } from "./records.js";
import { type Verdict, timeOf, verdictOf } from "./verdict.js";

/** What anyone may call without a certificate (swarmkit ca/server.go). */
export const joinMethods: readonly string[] = [
  "/docker.swarmkit.v1.CA/GetRootCACertificate",
  "/docker.swarmkit.v1.NodeCA/IssueNodeCertificate",
  "/docker.swarmkit.v1.NodeCA/NodeCertificateStatus",
];
const managerOu = "swarm-manager";
const roleOus: readonly string[] = [managerOu, "swarm-worker"];
/** Services only managers may call: raft and its membership. */
const managerOnly = (method: string) => method.startsWith("/docker.swarmkit.v1.Raft/") || method.startsWith("/docker.swarmkit.v1.RaftMembership/");

/** Who called, as a served call is judged. */
interface Caller {
  readonly cn: string | undefined;
  readonly ou: string | undefined;
  readonly o: string | undefined;
}

/**
 * Checks every served control-plane call of `run`.
 *
 * @example
 * ```ts
 * invariants.mutualAuthOnly(run); // { ok: true, info: { calls: 1930, connections: 21, callsWithoutCertificate: 9 } }
 * ```
 */
export function mutualAuthOnly(run: FinishedRun): Verdict {
  const roots = clusterRoots(run.records);
  const connections = new Map<string, { record: TraceRecord; clock: number; judged: boolean }>();
  const removed = new Map<string, number>();
  const skews = new Map<string, number>();
  const violations: object[] = [];
  let calls = 0;
  let callsWithoutCertificate = 0;
  for (const record of run.records) {
    const node = record.node ?? "";
    if (record.kind === "node.removed") removed.set(textOf(record, "nodeId") ?? "", record.t);
    else if (record.kind === "node.clock-skew") skews.set(node, numberOf(record, "skewUs") ?? 0);
    else if (record.kind === "rpc.accepted") connections.set(connectionKey(record), { record, clock: record.t + (skews.get(node) ?? 0), judged: false });
    else if (record.kind === "rpc.served") {
      calls++;
      const connection = connections.get(connectionKey(record));
      if (connection === undefined) {
        violations.push(evidence(undefined, record, "served on a connection with no accepted handshake"));
        continue;
      }
      const accepted = connection.record;
      if (!connection.judged) {
        // The handshake is judged once, at its first served call: a connection nothing was served on authorized nothing.
        connection.judged = true;
        violations.push(...handshakeProblems(accepted, roots, connection.clock).map((problem) => evidence(accepted, record, problem)));
      }
      if (textOf(accepted, "peerCN") === undefined) callsWithoutCertificate++;
      const problem = callProblem(record, accepted, removed);
      if (problem !== undefined) violations.push(evidence(accepted, record, problem));
    }
  }
  return verdictOf("control-plane calls were served without the mutual TLS that authorizes them", violations, {
    calls,
    connections: connections.size,
    callsWithoutCertificate,
    roots: roots.map((r) => ({ clusterId: r.clusterId, digest: r.digest, from: r.from, until: r.until })),
  });
}

function connectionKey(record: TraceRecord): string {
  return `${record.node ?? ""}|${textOf(record, "local") ?? ""}|${textOf(record, "remote") ?? ""}`;
}

/** What is wrong with the two certificates of an accepted handshake, judged at the manager's clock `clock`. */
function handshakeProblems(accepted: TraceRecord, roots: readonly TrustedRoot[], clock: number): string[] {
  const problems: string[] = [];
  const clusterId = textOf(accepted, "selfO") ?? "";
  if (!roots.some((r) => r.clusterId === clusterId)) problems.push(`the manager's certificate names cluster "${clusterId}", which no swarm.init made`);
  if (textOf(accepted, "selfOU") !== managerOu) problems.push(`the manager's certificate has OU "${textOf(accepted, "selfOU") ?? ""}", not ${managerOu}`);
  if (!trustedAt(roots, clusterId, textOf(accepted, "selfRoot"), accepted.t)) problems.push(`the manager's certificate leads to no root its cluster trusted then (${textOf(accepted, "selfRoot") ?? "none"})`);
  if (!validAt(accepted, "self", clock)) problems.push(`the manager's certificate was not valid at its clock ${clock}`);
  if (textOf(accepted, "peerCN") === undefined) return problems;
  if (textOf(accepted, "peerO") !== clusterId) problems.push(`the caller's certificate names cluster "${textOf(accepted, "peerO") ?? ""}", not "${clusterId}"`);
  if (!roleOus.includes(textOf(accepted, "peerOU") ?? "")) problems.push(`the caller's certificate has OU "${textOf(accepted, "peerOU") ?? ""}", no swarm role`);
  if (!trustedAt(roots, clusterId, textOf(accepted, "peerRoot"), accepted.t)) problems.push(`the caller's certificate leads to no root its cluster trusted then (${textOf(accepted, "peerRoot") ?? "none"})`);
  if (!validAt(accepted, "peer", clock)) problems.push(`the caller's certificate was not valid at the manager's clock ${clock}`);
  return problems;
}

function validAt(accepted: TraceRecord, who: "self" | "peer", clock: number): boolean {
  const notBefore = numberOf(accepted, `${who}NotBefore`);
  const notAfter = numberOf(accepted, `${who}NotAfter`);
  return notBefore !== undefined && notAfter !== undefined && notBefore <= clock && clock <= notAfter;
}

/** What is wrong with serving `served` to its caller, if anything. */
function callProblem(served: TraceRecord, accepted: TraceRecord, removed: ReadonlyMap<string, number>): string | undefined {
  const method = textOf(served, "method") ?? "";
  const caller = callerOf(served, accepted);
  if (caller.cn === undefined || caller.cn === "") {
    return joinMethods.includes(method) ? undefined : `${method} served to a caller without a certificate`;
  }
  const clusterId = textOf(accepted, "selfO") ?? "";
  if (caller.o !== clusterId) return `${method} served to ${caller.cn} of cluster "${caller.o ?? ""}", not "${clusterId}"`;
  if (!roleOus.includes(caller.ou ?? "")) return `${method} served to ${caller.cn} with OU "${caller.ou ?? ""}", no swarm role`;
  if (managerOnly(method) && caller.ou !== managerOu) return `${method} served to ${caller.cn}, a ${caller.ou ?? ""}`;
  const removedAt = removed.get(caller.cn);
  if (removedAt !== undefined && removedAt < served.t) return `${method} served to ${caller.cn}, removed from the swarm at ${removedAt}`;
  return undefined;
}

/** The caller a handler judges: the one a manager of the cluster forwarded for, else the TLS peer (swarmkit ca/auth.go RemoteNode). */
function callerOf(served: TraceRecord, accepted: TraceRecord): Caller {
  const direct = { cn: textOf(accepted, "peerCN"), ou: textOf(accepted, "peerOU"), o: textOf(accepted, "peerO") };
  const forwarded = textOf(served, "forCN");
  const fromManager = direct.ou === managerOu && direct.o === textOf(accepted, "selfO");
  if (forwarded === undefined || !fromManager) return direct;
  return { cn: forwarded, ou: textOf(served, "forOU"), o: textOf(served, "forO") };
}

function evidence(accepted: TraceRecord | undefined, served: TraceRecord, problem: string): object {
  return {
    problem,
    node: served.node,
    ...timeOf(served.t),
    method: textOf(served, "method"),
    ...(textOf(served, "forCN") === undefined ? {} : { forwardedFor: textOf(served, "forCN") }),
    connection: { local: textOf(served, "local"), remote: textOf(served, "remote"), handshakeAt: accepted?.t, resumed: accepted?.["resumed"] },
    ...(accepted === undefined
      ? {}
      : {
          peer: { cn: textOf(accepted, "peerCN"), ou: textOf(accepted, "peerOU"), o: textOf(accepted, "peerO"), root: textOf(accepted, "peerRoot") },
          self: { cn: textOf(accepted, "selfCN"), o: textOf(accepted, "selfO"), root: textOf(accepted, "selfRoot") },
        }),
  };
}
