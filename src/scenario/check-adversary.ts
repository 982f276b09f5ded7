/**
 * Evaluating the parts of a `check` step that read the eavesdropper's
 * capture: `no-plaintext` (secrets in clear on paths that should be
 * encrypted) and `exposure` (what the last leaked key opens, and over how long).
 */

import { type Eavesdropper, type LeakedKey, type Secret, findPlaintext, keyExposure } from "../adversary/index.js";
import { wirePaths } from "../net/index.js";
import { duration, formatDuration, toHex } from "../sim/index.js";
import { type Cluster, heldNetworkKeys } from "../swarm/index.js";
import type { CheckResult } from "./expect.js";
import type { CountBound, ExposureCheck, PlaintextCheck } from "./types.js";

/** What the attacker has: its capture, and the keys leaked so far (oldest first). */
export interface AdversaryView {
  readonly eavesdropper: Eavesdropper | undefined;
  readonly leaks: readonly LeakedKey[];
}

/** Every network key a node held (gossip and IPsec, rotated-away ones too), each once. */
function networkKeys(cluster: Cluster): Uint8Array[] {
  return [...new Map(heldNetworkKeys(cluster).map((held) => [toHex(held.key), held.key])).values()];
}

/** One result per secret: found in clear on none of the paths searched; `seen` says where it was found, all paths told. */
export function evaluateNoPlaintext(check: PlaintextCheck, cluster: Cluster, view: AdversaryView): CheckResult[] {
  const eve = view.eavesdropper;
  if (eve === undefined) return [{ ok: false, what: "no-plaintext", expected: "an eavesdropper's capture", seen: "none was kept" }];
  const secrets: Secret[] = [...check.secrets, ...(check.keys ? networkKeys(cluster) : [])];
  // Searched on every path, so a failure and a pass alike say where the secret did cross in clear.
  const verdict = findPlaintext(eve.packets, secrets, { paths: wirePaths });
  const where = check.paths.join(", ");
  return verdict.findings.map((finding, i) => {
    const onChecked = check.paths.reduce((n, p) => n + finding.packets[p], 0);
    const inClear = wirePaths.filter((p) => finding.packets[p] > 0).map((p) => `${p} ${finding.packets[p]}`);
    const first = finding.evidence.find((hit) => check.paths.includes(hit.path));
    const evidence = first === undefined ? "" : ` (first: packet ${first.packet} ${first.src} -> ${first.dst} at +${formatDuration(duration(first.at))}, byte ${first.offset})`;
    const label = i < check.secrets.length ? JSON.stringify(finding.secret) : `network key ${finding.secret}`;
    return {
      ok: onChecked === 0,
      what: `no-plaintext ${label} on ${where}`,
      expected: `0 packets in clear on ${where}`,
      seen: `${inClear.length === 0 ? "in clear on no path" : `in clear on ${inClear.join(", ")} packets`}${evidence}; ${eve.packets.length} packets captured`,
    };
  });
}

const inBound = (n: number, bound: CountBound) => n >= bound.min && n <= bound.max;

/** The last leaked key's exposure against `check`'s bounds. */
export function evaluateExposure(check: ExposureCheck, view: AdversaryView): CheckResult[] {
  const leaked = view.leaks.at(-1);
  const eve = view.eavesdropper;
  if (leaked === undefined || eve === undefined) return [{ ok: false, what: "exposure", expected: "a key leaked by an earlier leak-key step", seen: "no key leaked" }];
  const exposure = keyExposure(eve, leaked);
  const name = `${leaked.subsystem} key ${leaked.tag}`;
  const readable = exposure.readable.esp + exposure.readable.gossip;
  const span = exposure.window === undefined ? 0 : exposure.window.last - exposure.window.first;
  const windowText =
    exposure.window === undefined ? "no packet readable" : `+${formatDuration(duration(exposure.window.first))} to +${formatDuration(duration(exposure.window.last))} (${formatDuration(duration(span))})`;
  const results: CheckResult[] = [];
  const count = (what: string, seen: number, bound: CountBound) =>
    results.push({ ok: inBound(seen, bound), what: `exposure of ${name}: ${what} ${bound.text}`, expected: bound.text, seen: `${seen}; window ${windowText}` });
  if (check.readable !== undefined) count("readable packets", readable, check.readable);
  if (check.afterLeak !== undefined) count("readable after the leak", exposure.readableAfterLeak, check.afterLeak);
  if (check.windowMin !== undefined) {
    results.push({ ok: exposure.window !== undefined && span >= check.windowMin, what: `exposure of ${name}: window at least ${formatDuration(check.windowMin)}`, expected: `>= ${formatDuration(check.windowMin)}`, seen: windowText });
  }
  if (check.windowMax !== undefined) {
    results.push({ ok: span <= check.windowMax, what: `exposure of ${name}: window at most ${formatDuration(check.windowMax)}`, expected: `<= ${formatDuration(check.windowMax)}`, seen: windowText });
  }
  return results;
}
