/**
 * The protocol parameters a scenario's `cluster` may set beyond its shape:
 * certificate lifetime, the ESP anti-replay window, the AES-GCM backend.
 *
 * ```yaml
 * cluster: {managers: 3, certExpiry: 30d, replayWindow: 64, aead: noble}
 * ```
 */

import { replayWindowMax } from "../overlay/index.js";
import { days, hours } from "../sim/index.js";
import type { Entries, Reader } from "./reader.js";
import type { ClusterSpec } from "./types.js";

/** The keys of `cluster` this module reads. */
export const protocolParameterKeys = ["certExpiry", "replayWindow", "aead"] as const;

/** swarmkit's bounds on a certificate's lifetime (ca/config.go MinNodeCertExpiration; no upper bound is set there, the model puts one). */
const minCertExpiryUs = hours(1);
const maxCertExpiryUs = days(100 * 365);

type ProtocolParameters = Pick<ClusterSpec, "certExpiry" | "replayWindow" | "aead">;

/** Reads the protocol parameters present in `e`; undefined if any is invalid (each problem reported where it is). */
export function readProtocolParameters(r: Reader, e: Entries): ProtocolParameters | undefined {
  let valid = true;
  const out: { certExpiry?: number; replayWindow?: number; aead?: "node" | "noble" } = {};
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
    const value = r.oneOf(aeadNode.value, "cluster.aead", ["node", "noble"] as const);
    if (value === undefined) valid = false;
    else out.aead = value;
  }
  return valid ? out : undefined;
}
