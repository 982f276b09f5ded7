/**
 * Which root CAs each swarm of a run trusted, and when, read from the trace:
 * `swarm.init` makes a cluster and its root; `ca.rotation-start` adds the
 * rotating root beside the current one (nodes may chain to either while the
 * rotation runs: new leaves carry the cross-signed root as intermediate);
 * `ca.rotation-done` makes the new root the only one (swarmkit
 * manager/controlapi/ca_rotation.go, ca/reconciler.go).
 */

import type { TraceRecord } from "../../sim/index.js";
import { textOf } from "./records.js";

/** A root and the stretch of simulated time a cluster trusted it. */
export interface TrustedRoot {
  readonly clusterId: string;
  /** caDigest: SHA-256 of the root's PEM, hex. */
  readonly digest: string;
  readonly from: number;
  /** Undefined: still trusted when the run ended. */
  until: number | undefined;
}

/**
 * The roots trusted by every cluster of the run, with their stretches.
 *
 * @example
 * ```ts
 * const roots = clusterRoots(run.records);
 * trustedAt(roots, clusterId, rootDigest, handshakeAt); // true
 * ```
 */
export function clusterRoots(records: readonly TraceRecord[]): TrustedRoot[] {
  const roots: TrustedRoot[] = [];
  const current = (digest: string | undefined) => roots.find((r) => r.digest === digest && r.until === undefined);
  for (const record of records) {
    if (record.kind === "swarm.init") {
      const clusterId = textOf(record, "clusterId");
      const digest = textOf(record, "caDigest");
      if (clusterId !== undefined && digest !== undefined) roots.push({ clusterId, digest, from: record.t, until: undefined });
    } else if (record.kind === "ca.rotation-start") {
      const old = current(textOf(record, "caDigest"));
      const digest = textOf(record, "newCaDigest");
      if (old !== undefined && digest !== undefined && current(digest) === undefined) roots.push({ clusterId: old.clusterId, digest, from: record.t, until: undefined });
    } else if (record.kind === "ca.rotation-done") {
      const root = current(textOf(record, "caDigest"));
      if (root === undefined) continue;
      for (const other of roots) if (other.clusterId === root.clusterId && other !== root && other.until === undefined) other.until = record.t;
    }
  }
  return roots;
}

/**
 * Whether `clusterId` trusted the root `digest` at `at`.
 *
 * @example
 * ```ts
 * trustedAt(roots, "yvm5sd3az6djvqwyqeebxurvx", digest, 104_000); // true during and before a rotation
 * ```
 */
export function trustedAt(roots: readonly TrustedRoot[], clusterId: string, digest: string | undefined, at: number): boolean {
  return roots.some((r) => r.clusterId === clusterId && r.digest === digest && r.from <= at && (r.until === undefined || at <= r.until));
}
