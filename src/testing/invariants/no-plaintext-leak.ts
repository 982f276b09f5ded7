/**
 * No secret in clear on a path that Swarm encrypts. The secrets are the
 * strings or bytes the caller names plus every network key any node held
 * (a key on the wire in clear would undo everything sealed under it).
 *
 * Encrypted paths: the control plane (TLS records on TCP 2377), gossip (UDP and
 * TCP 7946, memberlist's envelope), ESP, and VXLAN whose VNI belongs to a
 * network created with `--opt encrypted` (its traffic must travel inside
 * ESP: cleartext VXLAN of such a VNI, as a Windows node sends, is a leak).
 * The other paths (VXLAN of plain networks, anything else) may carry
 * secrets in clear: where they do is reported as information.
 *
 * The search is the adversary's `findPlaintext`: raw bytes, nothing decoded.
 */

import { type CapturedPacket, type PlaintextFinding, type PlaintextHit, type Secret, findPlaintext, secretLabel } from "../../adversary/index.js";
import { decodeIpv4 } from "../../net/index.js";
import { decodeVxlanDatagram } from "../../overlay/index.js";
import type { FinishedRun } from "../run.js";
import { type NetworkKey, keyLabel, networkKeysOf } from "./network-keys.js";
import { numberOf, recordsOf } from "./records.js";
import { type Verdict, timeOf, verdictOf } from "./verdict.js";

/** Paths whose bytes Swarm always seals. */
const sealedPaths: ReadonlySet<string> = new Set(["control", "gossip", "esp"]);

/**
 * Checks that no secret, and no network key, crossed an encrypted path in clear.
 *
 * @example
 * ```ts
 * const verdict = invariants.noPlaintextLeak(run, ["Welcome to nginx!", "GET / HTTP/1.1"]);
 * // plain overlay: { ok: true, info: { clear: [{ secret: "Welcome to nginx!", packets: { vxlan: 4, ... }, ... }] } }
 * // a Windows node on an encrypted network: { ok: false, reason: "secrets crossed encrypted paths in clear (1)", evidence: ... }
 * ```
 */
export function noPlaintextLeak(run: FinishedRun, secrets: readonly Secret[] = []): Verdict {
  const keys = networkKeysOf(run);
  const networkKeys: readonly NetworkKey[] = [...keys.gossip, ...keys.ipsec];
  const all: readonly Secret[] = [...secrets, ...networkKeys.map((k) => k.key)];
  const labels = [...secrets.map(secretLabel), ...networkKeys.map(keyLabel)];
  const encryptedVnis = new Set(
    recordsOf(run.records, "network.created")
      .filter((r) => r["encrypted"] === true)
      .map((r) => numberOf(r, "vni")),
  );
  const mustBeSealed: CapturedPacket[] = [];
  const mayBeClear: CapturedPacket[] = [];
  for (const packet of run.capture) (isSealedPath(packet, encryptedVnis) ? mustBeSealed : mayBeClear).push(packet);
  const sealed = findPlaintext(mustBeSealed, all);
  const clear = findPlaintext(mayBeClear, all);
  const leaks = sealed.findings.flatMap((finding, i) => (finding.total === 0 ? [] : [leakOf(labels[i]!, finding, encryptedVnis, run.capture)]));
  const inClear = clear.findings.flatMap((finding, i) => (finding.total === 0 ? [] : [leakOf(labels[i]!, finding, encryptedVnis, run.capture)]));
  return verdictOf("secrets crossed encrypted paths in clear", leaks, {
    secrets: secrets.length,
    networkKeys: networkKeys.length,
    searched: { encrypted: mustBeSealed.length, clear: mayBeClear.length },
    encryptedVnis: [...encryptedVnis],
    clear: inClear,
  });
}

function isSealedPath(packet: CapturedPacket, encryptedVnis: ReadonlySet<number | undefined>): boolean {
  if (sealedPaths.has(packet.path)) return true;
  if (packet.path !== "vxlan") return false;
  const vni = vniOf(packet);
  return vni !== undefined && encryptedVnis.has(vni);
}

function vniOf(packet: CapturedPacket): number | undefined {
  const ip = decodeIpv4(packet.bytes);
  if (!ip.ok) return undefined;
  const datagram = decodeVxlanDatagram(ip.value.payload, ip.value.src, ip.value.dst);
  return datagram.ok ? datagram.value.frame.vni : undefined;
}

function leakOf(secret: string, finding: PlaintextFinding, encryptedVnis: ReadonlySet<number | undefined>, capture: readonly CapturedPacket[]) {
  const packets = Object.fromEntries(Object.entries(finding.packets).filter(([, n]) => n > 0));
  return { secret, packets, total: finding.total, first: finding.evidence.map((hit) => hitEvidence(hit, encryptedVnis, capture)) };
}

function hitEvidence(hit: PlaintextHit, encryptedVnis: ReadonlySet<number | undefined>, capture: readonly CapturedPacket[]) {
  const packet = capture[hit.packet]?.index === hit.packet ? capture[hit.packet] : capture.find((p) => p.index === hit.packet);
  const vni = hit.path === "vxlan" && packet !== undefined ? vniOf(packet) : undefined;
  return {
    packet: hit.packet,
    ...timeOf(hit.at),
    src: hit.src,
    dst: hit.dst,
    path: vni !== undefined && encryptedVnis.has(vni) ? `vxlan of encrypted VNI ${vni}` : hit.path,
    offset: hit.offset,
  };
}
