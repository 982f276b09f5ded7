/**
 * The shell's windows on each machine: the machines themselves (`node ls`),
 * their node certificates (`show certs`), their memberlist members (`show
 * members`) and their networkdb tables (`show tables`).
 */

import { decodeEndpointRecord, decodePeerRecord, endpointTable, overlayPeerTable } from "../gossip/index.js";
import { readCertificate } from "../pki/index.js";
import { type Instant, dateAt, formatDuration } from "../sim/index.js";
import type { Cluster, SwarmNode } from "../swarm/index.js";
import { table } from "./text-table.js";

/** `node ls`: every machine, its address, role, swarm state and whether it is up; `*` marks the current one, as docker marks `self`. */
export function machinesView(cluster: Cluster, current: string): string {
  const rows = [...cluster.nodes.values()].map((node) => [
    node.name === current ? `${node.name} *` : node.name,
    node.host.ip,
    node.os,
    roleOf(node),
    node.membership.state,
    node.crashed ? "down" : "up",
  ]);
  return table(["NAME", "ADDRESS", "OS", "ROLE", "SWARM", "MACHINE"], rows);
}

/** The node's role as the swarm sees it now (`leader`, `manager`, `worker`), or the one it is meant to join as, in parentheses. */
export function roleOf(node: SwarmNode): string {
  const identity = node.identity;
  if (identity === undefined) return `(${node.intendedRole})`;
  if (identity.role === "worker") return "worker";
  return node.manager?.isLeader === true ? "leader" : "manager";
}

/** `show certs [NODE]`: each node's certificate: subject, role, validity and issuer. */
export function certsView(nodes: readonly SwarmNode[], now: Instant): string {
  return nodes
    .map((node) => {
      const leaf = node.identity?.chainPem[0];
      if (leaf === undefined) return `${node.name}: no certificate (not in a swarm)\n`;
      const read = readCertificate(leaf);
      if (!read.ok) return `${node.name}: certificate unreadable (${read.reason})\n`;
      const c = read.info;
      return [
        `${node.name}`,
        `  subject     CN=${c.nodeId}, OU=${c.organizationalUnit}, O=${c.clusterId}`,
        `  role        ${c.role ?? "none"}`,
        `  not before  ${calendar(c.notBefore)} (${relative(c.notBefore, now)})`,
        `  not after   ${calendar(c.notAfter)} (${relative(c.notAfter, now)})`,
        `  issuer      CN=${c.issuerCn}`,
        "",
      ].join("\n");
    })
    .join("");
}

/** `show members [NODE]`: each node's memberlist members and their states. */
export function membersView(cluster: Cluster, nodes: readonly SwarmNode[]): string {
  return nodes
    .map((node) => {
      const gossip = node.gossip;
      if (gossip === undefined) return `${node.name}: no gossip plane (${node.crashed ? "down" : "no network keys yet"})\n`;
      const members = gossip.db.memberlist.members();
      const rows = members.map((m) => [m.name, m.address, cluster.resolve(m.address)?.name ?? "?", m.state, String(m.incarnation)]);
      return `${node.name} (networkdb ${gossip.db.name}): ${members.length} members\n${indent(table(["MEMBER", "ADDRESS", "MACHINE", "STATE", "INCARNATION"], rows))}`;
    })
    .join("");
}

/** `show tables [NODE]`: each node's networkdb entries, by network: overlay peers and service endpoints. */
export function tablesView(nodes: readonly SwarmNode[]): string {
  return nodes
    .map((node) => {
      const db = node.gossip?.db;
      if (db === undefined) return `${node.name}: no networkdb\n`;
      const networks = db.networks().filter((n) => !n.leaving);
      if (networks.length === 0) return `${node.name}: no overlay network has a task here\n`;
      return networks
        .map((n) => {
          const name = node.store?.state.networks.get(n.nid)?.name ?? n.nid;
          const rows = [
            ...db.entries(overlayPeerTable, n.nid).map((e) => [overlayPeerTable, e.key.slice(0, 12), e.owner, peerText(e.value)]),
            ...db.entries(endpointTable, n.nid).map((e) => [endpointTable, e.key.slice(0, 12), e.owner, endpointText(e.value)]),
          ];
          return `${node.name}: network ${name}\n${indent(table(["TABLE", "KEY", "OWNER", "VALUE"], rows))}`;
        })
        .join("");
    })
    .join("");
}

function peerText(value: Uint8Array): string {
  const r = decodePeerRecord(value);
  return r.ok ? `${r.value.endpointIp} ${r.value.endpointMac} via ${r.value.tunnelEndpointIp}` : `unreadable: ${r.reason}`;
}

function endpointText(value: Uint8Array): string {
  const r = decodeEndpointRecord(value);
  return r.ok ? `${r.value.name} ${r.value.endpointIp} service ${r.value.serviceName || "-"} VIP ${r.value.virtualIp}` : `unreadable: ${r.reason}`;
}

/** A certificate date as X.509 writes it, in UTC. */
function calendar(at: Instant): string {
  return `${dateAt(at).toISOString().slice(0, 19).replace("T", " ")}Z`;
}

/** How far `at` is from `now`, to the second: `in 89d23h` or `1h ago`. */
function relative(at: Instant, now: Instant): string {
  const seconds = Math.round(Math.abs(at - now) / 1_000_000);
  const text = seconds === 0 ? "now" : formatDuration(seconds * 1_000_000);
  return seconds === 0 ? text : at >= now ? `in ${text}` : `${text} ago`;
}

const indent = (text: string) => text.replace(/^(?=.)/gm, "  ");
