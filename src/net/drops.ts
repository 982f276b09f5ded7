/**
 * Why packets do not arrive, and the counters the fabric keeps of them.
 */

/**
 * Why a packet was dropped. Append-only: traces and scenario expectations name these.
 * - `loss`: the link lost it (its loss rate).
 * - `partition`: a partition blocks the direction it travels.
 * - `no-listener`: nothing at the destination takes it: no UDP binding on the port,
 *   no TCP listener or connection, no handler for the IP protocol (port or protocol unreachable).
 * - `host-down`: the sender or the receiver is down (crashed).
 * - `no-route`: no host has the destination address.
 * - `malformed`: the bytes do not decode (truncated, bad checksum, fragment).
 * - `rule`: a traffic rule (`fabric.addRule`) dropped it; the drop's detail names the rule.
 */
export type DropReason = "loss" | "partition" | "no-listener" | "host-down" | "no-route" | "malformed" | "rule";

/** Every drop reason, in a fixed order (for counters and reports). */
export const dropReasons: readonly DropReason[] = [
  "loss",
  "partition",
  "no-listener",
  "host-down",
  "no-route",
  "malformed",
  "rule",
];

/** Packets dropped so far, per reason. */
export type DropCounts = Record<DropReason, number>;

/** A zeroed set of drop counters. */
export function emptyDropCounts(): DropCounts {
  return { "loss": 0, "partition": 0, "no-listener": 0, "host-down": 0, "no-route": 0, "malformed": 0, "rule": 0 };
}
