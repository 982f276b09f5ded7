/**
 * What the `show: keyrings` and `show: gossip` scenario steps print: each
 * member's network keys as its agent holds them (the gossip ring and the
 * IPsec keys, by Lamport tag, primary marked) and when the newest one
 * arrived; each node's gossip members, frames and drops. Not docker
 * commands: the real CLI shows neither; this is the simulator's window on them.
 */

import { subsystemGossip, subsystemIpsec } from "../control/index.js";
import { formatInstant } from "../sim/index.js";
import type { Cluster } from "./cluster.js";
import { formatTable } from "./docker/table.js";
import { gossipDropReasons } from "../gossip/index.js";

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

/**
 * One line per node: its networkdb name, how many members it sees alive,
 * suspect and dead, its gossip primary's tag, the frames it sealed and opened
 * (packets and stream messages), and what it dropped, by reason.
 */
export function gossipTable(cluster: Cluster): string {
  const rows: string[][] = [];
  for (const node of cluster.nodes.values()) {
    const gossip = node.gossip;
    if (gossip === undefined) {
      rows.push([node.name, node.crashed ? "down" : "-", "-", "-", "-", "-", "-", "-", "-"]);
      continue;
    }
    const members = gossip.db.memberlist.members();
    const count = (state: string) => String(members.filter((m) => m.state === state).length);
    const c = gossip.wire.counters;
    const drops = gossipDropReasons.filter((r) => c.dropped[r] > 0).map((r) => `${r} ${c.dropped[r]}`);
    const primary = node.keys?.held(subsystemGossip).primary;
    rows.push([
      node.name,
      gossip.db.name,
      count("alive"),
      count("suspect"),
      count("dead"),
      primary === undefined ? "-" : String(primary),
      String(c.framesSent + c.streamFramesSent),
      String(c.framesReceived + c.streamFramesReceived),
      drops.length === 0 ? "0" : drops.join(", "),
    ]);
  }
  return formatTable(["NODE", "GOSSIP NAME", "ALIVE", "SUSPECT", "DEAD", "PRIMARY", "SENT", "RECEIVED", "DROPPED"], rows);
}

/** A network key some node held: its subsystem, its tag when the node knew it, the SA's SPI for a key read off an ESP SA. */
export interface HeldNetworkKey {
  readonly subsystem: "gossip" | "ipsec";
  readonly tag: number | undefined;
  readonly key: Uint8Array;
  readonly spi?: number;
}

/**
 * Every network key any node held, in node order, repeats included: each
 * gossip key a node ever received, the IPsec keys it holds now, and the key
 * of every ESP SA that carried traffic (a rotation's removed SAs too), so a
 * key rotated away before the end is not missed.
 */
export function heldNetworkKeys(cluster: Cluster): HeldNetworkKey[] {
  const keys: HeldNetworkKey[] = [];
  for (const node of cluster.nodes.values()) {
    for (const key of node.gossipKeysSeen()) keys.push({ subsystem: "gossip", tag: key.lamportTime, key: key.key });
    for (const key of node.keys?.ipsecKeys.keys ?? []) keys.push({ subsystem: "ipsec", tag: key.lamportTime, key: key.key });
    for (const sa of node.espSasCarried()) keys.push({ subsystem: "ipsec", tag: undefined, key: sa.keyMaterial.subarray(0, 16), spi: sa.spi });
  }
  return keys;
}

