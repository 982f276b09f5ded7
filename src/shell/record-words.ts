/**
 * The trace records a student steps time for, said in words: a key rotation
 * with its new tags, a certificate renewal with its validity; any other
 * record by its kind and short fields.
 */

import { type TraceRecord, formatInstant } from "../sim/index.js";
import { recordText } from "./event-line.js";

const numbers = (value: unknown): number[] => (Array.isArray(value) ? value.filter((v): v is number => typeof v === "number") : []);

/**
 * A record in a sentence's words.
 *
 * @example
 * ```ts
 * describeRecord(rotateRecord); // "gossip keys 4 5 6, IPsec keys 7 8 9 (the middle one of each becomes primary)"
 * ```
 */
export function describeRecord(record: TraceRecord): string {
  if (record.kind === "keymanager.rotate") {
    const gossip = numbers(record.gossipTags).join(" ");
    const ipsec = numbers(record.ipsecTags).join(" ");
    return `gossip keys ${gossip}, IPsec keys ${ipsec} (the middle one of each becomes primary as the nodes apply them)`;
  }
  if (record.kind === "cert.renewed") {
    const notAfter = typeof record.notAfter === "number" ? formatInstant(record.notAfter) : "?";
    return `node ${String(record.nodeId)} now holds a ${String(record.role)} certificate valid until ${notAfter}`;
  }
  return recordText(record, record.node);
}
