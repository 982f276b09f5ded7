/**
 * A cluster description read for generation: its machines in order, which
 * of them bootstrap joins, where bare commands run, the rotation interval.
 */

import type { ClusterDescription } from "../../../api/index.js";
import { parseDuration } from "../../../sim/index.js";

/** One machine, as the generators see it. */
export interface ShapeNode {
  readonly name: string;
  /** Its role in the file: what bootstrap joins it as, or what token a spare joins with. */
  readonly role: "manager" | "worker";
  readonly os: "linux" | "windows";
  /** Whether automatic bootstrap joins it (`join: false` makes it a spare). */
  readonly joins: boolean;
}

/** A cluster as the generators see it. */
export interface ClusterShape {
  readonly nodes: readonly ShapeNode[];
  /** Where a command step without `on` runs: the first manager listed. */
  readonly firstManager: string;
  /** The key manager's interval in µs (12 h unless the cluster says). */
  readonly keyRotationUs: number;
  /** `manual`: every machine starts outside the swarm, and the timeline must init it. */
  readonly bootstrap: "auto" | "manual";
}

/** Twelve hours: swarmkit's rotation interval when the cluster names none. */
const defaultRotationUs = 12 * 3_600_000_000;

/** The shape of `cluster` (counts expanded as the loader expands them). */
export function shapeOf(cluster: ClusterDescription): ClusterShape {
  const nodes: ShapeNode[] =
    cluster.nodes !== undefined
      ? cluster.nodes.map((n) => ({ name: n.name, role: n.role, os: n.os ?? "linux", joins: n.join !== false }))
      : [
          ...Array.from({ length: cluster.managers ?? 1 }, (_, i) => ({ name: `manager-${i + 1}`, role: "manager" as const, os: "linux" as const, joins: true })),
          ...Array.from({ length: cluster.workers ?? 0 }, (_, i) => ({ name: `worker-${i + 1}`, role: "worker" as const, os: "linux" as const, joins: true })),
        ];
  const firstManager = nodes.find((n) => n.role === "manager")?.name;
  if (firstManager === undefined) throw new RangeError(`"cluster" expected at least one manager, got ${JSON.stringify(cluster)}`);
  const keyRotationUs = cluster.keyRotation === undefined ? defaultRotationUs : parseDuration(cluster.keyRotation);
  return { nodes, firstManager, keyRotationUs, bootstrap: cluster.bootstrap ?? "auto" };
}
