/**
 * The shell's `show` and `capture`: its windows on the world, by subject,
 * for every machine or one.
 */

import { type WirePath, wirePaths } from "../net/index.js";
import type { Instant } from "../sim/index.js";
import { type Cluster, gossipTable } from "../swarm/index.js";
import { showSubjects } from "./commands.js";
import { type PacketLog, packetLine } from "./packet-log.js";
import { type ScheduleWatch, timelineView } from "./schedule-watch.js";
import { keyringView, saView } from "./views-keys.js";
import { certsView, membersView, tablesView } from "./views-nodes.js";

/** `capture` shows this many packets unless told, and at most as many as a path's ring keeps. */
const captureDefault = 20;
const captureLimit = 256;
/** `show timeline` lists this many events unless told, and at most this many. */
const timelineDefault = 12;
const timelineLimit = 1000;

/** What `show` looks at. */
export interface ShowContext {
  readonly cluster: Cluster;
  readonly now: Instant;
  readonly schedule: ScheduleWatch;
}

/** `show SUBJECT [NODE]`, `show timeline [N]`, `show wire`. */
export function showCommand(context: ShowContext, args: readonly string[]): string {
  const subject = showSubjects[args[0] ?? ""];
  const usage = "usage: show keyring|sa|certs|members|tables|gossip [NODE] | show timeline [N] | show wire\n";
  if (subject === undefined || args.length > 2) return usage;
  const { cluster } = context;
  if (subject === "timeline") {
    const count = args[1] === undefined ? timelineDefault : wholeNumber(args[1]);
    return count === undefined || count < 1 || count > timelineLimit ? usage : timelineView(context.schedule, context.now, count);
  }
  if (subject === "wire") return args.length === 1 ? cluster.census.table() : usage;
  if (subject === "gossip") return args.length === 1 ? gossipTable(cluster) : usage;
  const only = args[1] === undefined ? undefined : findMachine(cluster, args[1]);
  if (typeof only === "object") return only.error;
  const node = only === undefined ? undefined : cluster.node(only);
  const nodes = node === undefined ? [...cluster.nodes.values()] : [node];
  switch (subject) {
    case "keyring":
      return keyringView(cluster, node);
    case "sa":
      return saView(cluster, node);
    case "certs":
      return certsView(nodes, context.now);
    case "members":
      return membersView(cluster, nodes);
    default:
      return tablesView(nodes);
  }
}

/** `capture [NODE] [PATH] [N]`: the last packets, in any order of the three. */
export function captureCommand(cluster: Cluster, packets: PacketLog, args: readonly string[]): string {
  let node: string | undefined;
  let path: WirePath | undefined;
  let count = captureDefault;
  for (const arg of args) {
    const n = wholeNumber(arg);
    if (n !== undefined && n >= 1) count = Math.min(n, captureLimit);
    else if ((wirePaths as readonly string[]).includes(arg)) path = arg as WirePath;
    else {
      const found = findMachine(cluster, arg);
      if (typeof found === "object") return found.error;
      node = found;
    }
  }
  const seen = packets.last(count, { ...(node === undefined ? {} : { node }), ...(path === undefined ? {} : { path }) });
  const which = [path, node === undefined ? undefined : `to or from ${node}`].filter((w) => w !== undefined).join(" ");
  if (seen.length === 0) return `no ${which === "" ? "" : `${which} `}packets on the wire yet\n`;
  return `${seen.map(packetLine).join("\n")}\n`;
}

/** The machine called `name`, or the message saying there is none and which there are. */
export function findMachine(cluster: Cluster, name: string): string | { error: string } {
  if (cluster.nodes.has(name)) return name;
  return { error: `no machine "${name}": the machines are ${[...cluster.nodes.keys()].join(", ")}\n` };
}

/** A whole number as typed (up to nine digits), or undefined. */
export function wholeNumber(text: string): number | undefined {
  return /^\d{1,9}$/.test(text) ? Number(text) : undefined;
}
