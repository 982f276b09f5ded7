/**
 * Plaintext in a capture: where the strings or bytes a check names appear in
 * clear on the wire, per path, with the first few packets as evidence. The
 * search reads each packet's whole bytes (IPv4 header to the last payload
 * byte) and decodes nothing first: what it finds, anyone on the underlay can
 * read. The verdict is plain data, for a scenario's `no-plaintext` check and
 * the `noPlaintextLeak` invariant to print and compare.
 */

import { type WirePath, indexOfBytes, wirePaths } from "../net/index.js";
import { type Instant } from "../sim/index.js";
import type { CapturedPacket } from "./capture.js";

/** What to look for: text (searched as its UTF-8 bytes) or raw bytes such as a key. */
export type Secret = string | Uint8Array;

/** Evidence kept per secret unless told otherwise: enough to show where, little enough to print. */
export const defaultEvidenceHits = 3;

/** How to search. */
export interface PlaintextOptions {
  /** Only packets of these paths are searched (default: every path). */
  readonly paths?: readonly WirePath[];
  /** How many hits to keep as evidence per secret (default 3). */
  readonly evidence?: number;
}

/** One packet that held a secret in clear. */
export interface PlaintextHit {
  /** The packet's index in the capture. */
  readonly packet: number;
  readonly at: Instant;
  readonly src: string;
  readonly dst: string;
  readonly path: WirePath;
  /** Where the secret starts, in bytes from the start of the IPv4 header. */
  readonly offset: number;
}

/** Where one secret was found. */
export interface PlaintextFinding {
  /** The secret as a reader sees it: the text itself, or `0x` and the bytes in hex. */
  readonly secret: string;
  /** Packets that held it, per path (every path is listed, 0 where none did). */
  readonly packets: Readonly<Record<WirePath, number>>;
  /** Packets that held it, all paths together. */
  readonly total: number;
  /** The first hits, oldest first. */
  readonly evidence: readonly PlaintextHit[];
}

/**
 * The answer to "is any of these in clear on the wire?".
 *
 * @example
 * ```ts
 * const verdict = findPlaintext(eve.packets, ["Welcome to nginx!"]);
 * // on a plain overlay: { ok: false, leakyPaths: ["vxlan"], findings: [{ secret: "Welcome to nginx!", total: 3, packets: { vxlan: 3, ... }, evidence: [...] }], ... }
 * ```
 */
export interface PlaintextVerdict {
  /** True when no secret appeared in clear on any path searched. */
  readonly ok: boolean;
  /** The paths searched. */
  readonly paths: readonly WirePath[];
  /** Packets searched, per path. */
  readonly searched: Readonly<Record<WirePath, number>>;
  /** Paths on which at least one secret appeared in clear, in `wirePaths` order. */
  readonly leakyPaths: readonly WirePath[];
  /** One finding per secret, in the order given. */
  readonly findings: readonly PlaintextFinding[];
}

const encoder = new TextEncoder();

/**
 * Searches `packets` for each of `secrets` in clear.
 *
 * @example
 * ```ts
 * const verdict = findPlaintext(eavesdropper.packets, ["Welcome to nginx!", ipsecKey], { paths: ["esp", "gossip", "control"] });
 * verdict.ok; // true on an encrypted overlay
 * verdict.findings[0]!.packets.vxlan; // the packets that carried the page in clear on a plain one
 * ```
 */
export function findPlaintext(packets: readonly CapturedPacket[], secrets: readonly Secret[], options: PlaintextOptions = {}): PlaintextVerdict {
  const needles = secrets.map((secret, i) => needleOf(secret, i));
  const paths = checkPaths(options.paths);
  const keep = checkEvidence(options.evidence);
  const searched = zeroByPath();
  const found = needles.map(() => ({ packets: zeroByPath(), total: 0, evidence: [] as PlaintextHit[] }));
  for (const packet of packets) {
    if (!paths.includes(packet.path)) continue;
    searched[packet.path]++;
    needles.forEach((needle, i) => {
      const offset = indexOfBytes(packet.bytes, needle.bytes);
      if (offset < 0) return;
      const finding = found[i]!;
      finding.packets[packet.path]++;
      finding.total++;
      if (finding.evidence.length < keep) {
        finding.evidence.push({ packet: packet.index, at: packet.at, src: packet.src, dst: packet.dst, path: packet.path, offset });
      }
    });
  }
  const findings = needles.map((needle, i) => ({ secret: needle.label, ...found[i]! }));
  const leakyPaths = wirePaths.filter((path) => findings.some((f) => f.packets[path] > 0));
  return { ok: leakyPaths.length === 0, paths, searched, leakyPaths, findings };
}

/**
 * How a secret is named in a finding: text as is, bytes as `0x` and hex.
 *
 * @example
 * ```ts
 * secretLabel("GET / HTTP/1.1"); // "GET / HTTP/1.1"
 * secretLabel(new Uint8Array([0xde, 0xad])); // "0xdead"
 * ```
 */
export function secretLabel(secret: Secret): string {
  if (typeof secret === "string") return secret;
  return `0x${Array.from(secret, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function needleOf(secret: Secret, i: number): { label: string; bytes: Uint8Array } {
  const bytes = typeof secret === "string" ? encoder.encode(secret) : secret;
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`"secrets[${i}]" expected a string or Uint8Array, got type=${secret === null ? "null" : typeof secret}`);
  }
  // An empty needle is everywhere: a verdict over it would say nothing.
  if (bytes.length === 0) throw new RangeError(`"secrets[${i}]" expected a non-empty string or Uint8Array, got length=0`);
  return { label: secretLabel(secret), bytes };
}

function checkPaths(paths: readonly WirePath[] | undefined): readonly WirePath[] {
  if (paths === undefined) return wirePaths;
  for (const path of paths) {
    if (!(wirePaths as readonly string[]).includes(path)) throw new RangeError(`"paths" expected some of ${wirePaths.join(", ")}, got "${String(path)}"`);
  }
  return wirePaths.filter((path) => paths.includes(path));
}

function checkEvidence(evidence: number | undefined): number {
  if (evidence === undefined) return defaultEvidenceHits;
  if (!Number.isSafeInteger(evidence) || evidence < 0) throw new RangeError(`"evidence" expected a whole number >= 0, got ${evidence}`);
  return evidence;
}

/** @internal A zero count for every path. */
export function zeroByPath(): Record<WirePath, number> {
  return Object.fromEntries(wirePaths.map((path) => [path, 0])) as Record<WirePath, number>;
}
