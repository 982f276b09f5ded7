/**
 * Reading trace records by kind and field, for invariants. A record's fields
 * are whatever its layer declared; these read them defensively, so a record
 * crafted by hand (or missing a field) gives undefined rather than a throw.
 */

import type { TraceRecord } from "../../sim/index.js";

/**
 * The records of `kinds`, in trace order.
 *
 * @example
 * ```ts
 * const rotations = recordsOf(run.records, "keymanager.rotate");
 * ```
 */
export function recordsOf(records: readonly TraceRecord[], ...kinds: readonly string[]): TraceRecord[] {
  return records.filter((r) => kinds.includes(r.kind));
}

/**
 * A string field, or undefined.
 *
 * @example
 * ```ts
 * textOf(record, "peerCN"); // "3n8d..." or undefined
 * ```
 */
export function textOf(record: TraceRecord, field: string): string | undefined {
  const value = record[field];
  return typeof value === "string" ? value : undefined;
}

/**
 * A number field, or undefined.
 *
 * @example
 * ```ts
 * numberOf(record, "ipsecPrimary"); // 54803
 * ```
 */
export function numberOf(record: TraceRecord, field: string): number | undefined {
  const value = record[field];
  return typeof value === "number" ? value : undefined;
}

/**
 * A list-of-numbers field ([] when absent or not one).
 *
 * @example
 * ```ts
 * numbersOf(record, "gossipRing"); // [54798, 54799, 54800]
 * ```
 */
export function numbersOf(record: TraceRecord, field: string): number[] {
  const value = record[field];
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : [];
}

/**
 * The last record of `timeline` (sorted by time) at or before `at`, or undefined.
 *
 * @example
 * ```ts
 * const keysThen = latestAt(keysOfNode, packet.at);
 * ```
 */
export function latestAt<T extends { readonly t: number }>(timeline: readonly T[], at: number): T | undefined {
  let low = 0;
  let high = timeline.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (timeline[mid]!.t <= at) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? undefined : timeline[low - 1];
}

/**
 * Records grouped by their `node`, each group in trace order.
 *
 * @example
 * ```ts
 * byNode(recordsOf(run.records, "agent.keys")).get("worker-1");
 * ```
 */
export function byNode(records: readonly TraceRecord[]): Map<string, TraceRecord[]> {
  const groups = new Map<string, TraceRecord[]>();
  for (const record of records) {
    const node = record.node ?? "";
    const group = groups.get(node);
    if (group === undefined) groups.set(node, [record]);
    else group.push(record);
  }
  return groups;
}
