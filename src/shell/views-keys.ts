/**
 * The shell's windows on the network keys: every node's keyring (the gossip
 * and IPsec keys by Lamport tag, primary in brackets) and its ESP SA table,
 * and the compact per-node panel `swarmsim step` sets side by side.
 */

import { subsystemIpsec } from "../control/index.js";
import type { SaView } from "../overlay/index.js";
import { type Cluster, type SwarmNode, keyringTable } from "../swarm/index.js";
import { type KeysHeld, keysHeld } from "./rotation-watch.js";
import { type Block, table } from "./text-table.js";

/** `show keyring [NODE]`: the keyring table, for every node or one. */
export function keyringView(cluster: Cluster, only?: SwarmNode): string {
  const lines = keyringTable(cluster).split("\n");
  if (only === undefined) return lines.join("\n");
  return `${[lines[0], ...lines.slice(1).filter((l) => l.startsWith(`${only.name} `))].join("\n")}\n`;
}

/** `show sa [NODE]`: each node's IPsec keys and the SAs its overlay driver installed. */
export function saView(cluster: Cluster, only?: SwarmNode): string {
  const nodes = only === undefined ? [...cluster.nodes.values()] : [only];
  return nodes.map(nodeSas).join("\n");
}

function nodeSas(node: SwarmNode): string {
  const title = `${node.name} (${node.host.ip})`;
  const driver = node.overlay;
  if (driver === undefined) return `${title}: ${node.crashed ? "down" : "not in a swarm"}\n`;
  const tags = driver.keyTags();
  const primary = tags[0];
  const keys = tags.length === 0 ? "none yet" : [...tags].sort((a, b) => a - b).map((t) => bracketed(t, primary)).join(" ");
  const sas = driver.associations();
  const head = `${title}: IPsec keys ${keys}\n`;
  if (sas.length === 0) return `${head}  no SAs: no encrypted overlay network has a task here and on another node\n`;
  const rows = orderSas(sas).map((sa) => [sa.direction, sa.src, sa.dst, spiText(sa.spi), bracketed(sa.keyTag, primary), String(sa.packets)]);
  return `${head}${indent(table(["DIR", "SRC", "DST", "SPI", "KEY", "PACKETS"], rows))}`;
}

/** SAs by peer, the outbound one (the policy's) first, then the inbound ones by key tag. */
function orderSas(sas: readonly SaView[]): SaView[] {
  const peerOf = (sa: SaView) => (sa.direction === "out" ? sa.dst : sa.src);
  return [...sas].sort((a, b) => peerOf(a).localeCompare(peerOf(b), "en", { numeric: true }) || (a.direction === b.direction ? a.keyTag - b.keyTag : a.direction === "out" ? -1 : 1));
}

/**
 * A node's keys and SAs in a narrow column, for `swarmsim step`: role,
 * gossip ring and IPsec keys (with what they were, `before`, when given),
 * then one line per SA (`out →10.0.0.2 [5]`).
 */
export function keyPanel(node: SwarmNode, before?: KeysHeld): Block {
  const keys = node.keys;
  if (node.crashed) return { title: node.name, lines: ["down"] };
  if (keys === undefined) return { title: node.name, lines: ["not in a swarm"] };
  const now = keysHeld(node);
  const role = node.manager === undefined ? "worker" : node.manager.isLeader ? "leader" : "manager";
  if (now.gossip === "" && now.ipsec === "") return { title: node.name, lines: [role, "no network keys yet"] };
  const was = (text: string | undefined) => (before === undefined ? [] : [`  was  ${text === "" || text === undefined ? "-" : text}`]);
  const ipsecPrimary = keys.held(subsystemIpsec).primary;
  const sas = orderSas(node.overlay?.associations() ?? []).map((sa) =>
    sa.direction === "out" ? `out →${sa.dst} ${bracketed(sa.keyTag, ipsecPrimary)}` : `in  ←${sa.src} ${bracketed(sa.keyTag, ipsecPrimary)}`,
  );
  return { title: node.name, lines: [role, `gossip ${now.gossip}`, ...was(before?.gossip), `ipsec  ${now.ipsec}`, ...was(before?.ipsec), ...sas] };
}

const bracketed = (tag: number, primary: number | undefined) => (tag === primary ? `[${tag}]` : String(tag));
const spiText = (spi: number) => `0x${spi.toString(16).padStart(8, "0")}`;
const indent = (text: string) => text.replace(/^(?=.)/gm, "  ");
