/**
 * What the `show: keyrings` scenario step prints: each member's network keys
 * as its agent holds them (the gossip ring and the IPsec keys, by Lamport
 * tag, primary marked), and when the newest one arrived. Not a docker
 * command: the real CLI shows no keys; this is the simulator's window on them.
 */

import { subsystemGossip, subsystemIpsec } from "../control/index.js";
import { formatInstant } from "../sim/index.js";
import type { Cluster } from "./cluster.js";
import { formatTable } from "./docker/table.js";

/** One line per node: its role, the leader mark, its gossip and IPsec tags (primary in brackets), the newest key's arrival. */
export function keyringTable(cluster: Cluster): string {
  const rows: string[][] = [];
  for (const node of cluster.nodes.values()) {
    const keys = node.keys;
    const role = node.manager === undefined ? (node.identity === undefined ? "-" : "worker") : node.manager.isLeader ? "leader" : "manager";
    if (keys === undefined) {
      rows.push([node.name, node.crashed ? "down" : role, "-", "-", "-"]);
      continue;
    }
    const show = (held: { tags: readonly number[]; primary: number | undefined }) => held.tags.map((t) => (t === held.primary ? `[${t}]` : `${t}`)).join(" ");
    const gossip = keys.held(subsystemGossip);
    const ipsec = keys.held(subsystemIpsec);
    const newest = Math.max(...gossip.tags, ...ipsec.tags);
    const arrived = keys.arrivedAt(newest);
    rows.push([node.name, node.crashed ? "down" : role, show(gossip), show(ipsec), arrived === undefined ? "-" : formatInstant(arrived)]);
  }
  return formatTable(["NODE", "ROLE", "GOSSIP KEYS", "IPSEC KEYS", "NEWEST KEY ARRIVED"], rows);
}
