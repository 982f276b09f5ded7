/**
 * The protocol parameters a scenario's `cluster` may set beyond its shape:
 * certificate lifetime, the ESP anti-replay window, the AES-GCM backend,
 * the gossip plane's timers.
 *
 * ```yaml
 * cluster: {managers: 3, certExpiry: 30d, replayWindow: 64, aead: noble}
 * ```
 */

import type { AeadBackend } from "../crypto/index.js";
import { replayWindowMax } from "../overlay/index.js";
import { days, hours } from "../sim/index.js";
import { type GossipTimings, defaultGossipTimings, gossipTimings } from "../gossip/index.js";
import type { Entries, Reader, YamlNode } from "./reader.js";
import type { ClusterSpec } from "./types.js";

/** The keys of `cluster` this module reads. */
export const protocolParameterKeys = ["certExpiry", "replayWindow", "aead", "gossipTimings"] as const;

/** swarmkit's bounds on a certificate's lifetime (ca/config.go MinNodeCertExpiration; no upper bound is set there, the model puts one). */
const minCertExpiryUs = hours(1);
const maxCertExpiryUs = days(100 * 365);

type ProtocolParameters = Pick<ClusterSpec, "certExpiry" | "replayWindow" | "aead" | "gossipTimings">;

/**
 * `gossipTimings: {probeInterval: 2s, suspicionMult: 6, ...}`: the fields of
 * `GossipTimings` without their unit suffix (durations for the `…Us` ones,
 * whole numbers for the others), checked together as memberlist would take them.
 */
function readGossipTimings(r: Reader, node: YamlNode): Partial<GossipTimings> | undefined {
  const fields = Object.keys(defaultGossipTimings) as Array<keyof GossipTimings>;
  const keyOf = (field: string) => field.replace(/Us$/, "");
  const e = r.entries(node, "cluster.gossipTimings", [], fields.map(keyOf));
  if (e === undefined) return undefined;
  const out: Record<string, number> = {};
  let valid = true;
  for (const field of fields) {
    const entry = e.get(keyOf(field));
    if (entry === undefined) continue;
    const what = `cluster.gossipTimings.${keyOf(field)}`;
    const value = field.endsWith("Us") ? r.duration(entry.value, what) : r.int(entry.value, what, 0, Number.MAX_SAFE_INTEGER);
    if (value === undefined) valid = false;
    else out[field] = value;
  }
  if (!valid) return undefined;
  try {
    gossipTimings(out);
  } catch (err) {
    // The message names the field as the code knows it (probeTimeoutUs); say it as the file does.
    return r.problem(node, `${(err as Error).message.replace(/\b([a-z]\w*)Us\b/g, "$1")} (in cluster.gossipTimings)`);
  }
  return out as Partial<GossipTimings>;
}

/** Reads the protocol parameters present in `e`; undefined if any is invalid (each problem reported where it is). */
export function readProtocolParameters(r: Reader, e: Entries): ProtocolParameters | undefined {
  let valid = true;
  const out: { certExpiry?: number; replayWindow?: number; aead?: AeadBackend; gossipTimings?: Partial<GossipTimings> } = {};
  const expiryNode = e.get("certExpiry");
  if (expiryNode !== undefined) {
    const value = r.duration(expiryNode.value, "cluster.certExpiry");
    if (value !== undefined && (value < minCertExpiryUs || value > maxCertExpiryUs)) {
      r.problem(expiryNode.value, `expected a certificate lifetime from 1h to 36500d for cluster.certExpiry (swarmkit refuses less than an hour), got ${String(expiryNode.value)}`);
      valid = false;
    } else if (value === undefined) valid = false;
    else out.certExpiry = value;
  }
  const windowNode = e.get("replayWindow");
  if (windowNode !== undefined) {
    const value = r.int(windowNode.value, "cluster.replayWindow (packets; 0: no anti-replay check, as Docker's SAs)", 0, replayWindowMax);
    if (value === undefined) valid = false;
    else out.replayWindow = value;
  }
  const aeadNode = e.get("aead");
  if (aeadNode !== undefined) {
    const value = r.oneOf(aeadNode.value, "cluster.aead", ["auto", "node", "noble", "tables"] as const);
    if (value === undefined) valid = false;
    else out.aead = value;
  }
  const timingsNode = e.get("gossipTimings");
  if (timingsNode !== undefined) {
    const value = readGossipTimings(r, timingsNode.value);
    if (value === undefined) valid = false;
    else out.gossipTimings = value;
  }
  return valid ? out : undefined;
}
