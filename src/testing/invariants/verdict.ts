/**
 * What an invariant answers: it held (with what it saw, as information), or
 * why not, with the evidence a reader needs to find the place in the run:
 * which packet (its index in the capture), which node, which simulated time.
 */

import { type Instant, formatInstant } from "../../sim/index.js";

/**
 * The outcome of an invariant.
 *
 * @example
 * ```ts
 * const verdict: Verdict = invariants.noNonceReuse(run);
 * if (!verdict.ok) console.log(verdict.reason, verdict.evidence);
 * ```
 */
export type Verdict =
  | { readonly ok: true; readonly info?: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly reason: string; readonly evidence: Readonly<Record<string, unknown>> };

/** How many violations a verdict lists before it only counts them. */
export const evidenceLimit = 10;

/**
 * A verdict from the violations found: ok (with `info`) when there are none,
 * else their count, `info`, and under `violations` up to `evidenceLimit` of
 * them: the first of each kind (its `problem` or `drop` with the numbers
 * left out), then the earliest others, in the order found.
 *
 * @example
 * ```ts
 * verdictOf("frames were sealed under a stale key", stale, { frames: 812 });
 * ```
 */
export function verdictOf(reason: string, violations: readonly object[], info: Readonly<Record<string, unknown>> = {}): Verdict {
  if (violations.length === 0) return { ok: true, info };
  return { ok: false, reason: `${reason} (${violations.length})`, evidence: { violations: examples(violations), count: violations.length, ...info } };
}

function examples(violations: readonly object[]): object[] {
  const kinds = new Set<string>();
  const firsts = violations.filter((v) => {
    const fields = v as Record<string, unknown>;
    const kind = String(fields["problem"] ?? fields["drop"] ?? "").replace(/\d+/g, "#");
    if (kinds.has(kind)) return false;
    kinds.add(kind);
    return true;
  });
  const chosen = new Set(firsts.slice(0, evidenceLimit));
  for (const v of violations) {
    if (chosen.size >= evidenceLimit) break;
    chosen.add(v);
  }
  return violations.filter((v) => chosen.has(v));
}

/**
 * When something happened, as evidence: simulated microseconds and the report's form.
 *
 * @example
 * ```ts
 * timeOf(packet.at); // { t: 3604634689, at: "+01:00:04.634689" }
 * ```
 */
export function timeOf(at: Instant | number): { readonly t: number; readonly at: string } {
  return { t: at, at: formatInstant(at) };
}
