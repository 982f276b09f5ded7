/**
 * What a `show` step prints: the simulator's window on what docker does not
 * show (keyrings, gossip, the wire).
 */

import { type Cluster, gossipTable, keyringTable } from "../swarm/index.js";
import type { ShowStep } from "./types.js";

/** The table a show step prints at this instant. */
export function showTable(cluster: Cluster, step: Pick<ShowStep, "what" | "search">): string {
  if (step.what === "keyrings") return keyringTable(cluster);
  if (step.what === "gossip") return gossipTable(cluster);
  return cluster.census.table(step.search ?? []);
}
