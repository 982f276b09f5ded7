/**
 * Counts of what a run's trace recorded, for `check` steps: records by kind,
 * and drops and refusals by their reason, kept as they are written so a check
 * at any step reads the counts up to that instant.
 */

import type { TraceRecord, TraceSink } from "../sim/index.js";

/** Record kinds whose `reason` is counted too, under `kind:reason`. */
const byReason = new Set(["overlay.drop", "gossip.drop", "net.drop", "ca.refuse", "tls.handshake.failed", "agent.session-failed"]);

/** The layers a drop reason may be qualified with in a check (`overlay.replay`, `gossip.no-key`, `net.partition`). */
export const dropLayers = ["overlay", "gossip", "net"] as const;

/** A trace sink that counts. */
export class TraceTally implements TraceSink {
  private readonly counts = new Map<string, number>();

  write(record: TraceRecord): void {
    const kind = record.kind;
    // A refused handshake is recorded by both ends; only the end that refused it counts it.
    if (kind === "tls.handshake.failed" && record.origin !== "local") return;
    this.bump(kind);
    if (byReason.has(kind) && typeof record.reason === "string") this.bump(`${kind}:${record.reason}`);
  }

  private bump(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** Records of `kind` so far. */
  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /**
   * Packets dropped for `reason` so far: `overlay.replay` counts one layer's,
   * a bare `replay` the sum over the overlay, gossip and the underlay.
   */
  drops(reason: string): number {
    const dot = reason.indexOf(".");
    if (dot > 0 && (dropLayers as readonly string[]).includes(reason.slice(0, dot))) {
      return this.count(`${reason.slice(0, dot)}.drop:${reason.slice(dot + 1)}`);
    }
    return dropLayers.reduce((n, layer) => n + this.count(`${layer}.drop:${reason}`), 0);
  }
}
