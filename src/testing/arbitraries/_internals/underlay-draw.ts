/**
 * Underlays drawn before the cluster is known: links name nodes by index, resolved
 * once the names are (so a scenario draws its cluster and underlay side by side,
 * and each shrinks on its own).
 */

import fc from "fast-check";
import { type LatencyDescription, type LinkDescription, type UnderlayDescription, lossText } from "../../../api/index.js";
import { formatDuration } from "../../../sim/index.js";

/** What underlays are drawn. */
export interface UnderlayArbitraryOptions {
  /** The most loss on a link, in parts per million (default 10 000: 1 %). */
  readonly maxLossPpm?: number;
  /** The most links that differ from the rest (default 3). */
  readonly maxLinks?: number;
}

const msText = (ms: number) => formatDuration(ms * 1000);

/** A latency model; shrinks towards a fixed 1 ms. */
function latency(): fc.Arbitrary<LatencyDescription> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: fc.integer({ min: 1, max: 20 }).map(msText), weight: 3 },
    fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 40 })).map(([min, spread]) => ({ uniform: [msText(min), msText(min + spread)] as const })),
    fc.integer({ min: 1, max: 10 }).map((mean) => ({ exponential: msText(mean) })),
  );
}

/** A loss above none in ppm, in steps of 0.01 %; shrinks towards 0.01 %. */
const someLoss = (maxPpm: number) => fc.integer({ min: 1, max: Math.max(1, Math.floor(maxPpm / 100)) }).map((n) => n * 100);

/** A loss in ppm, mostly none; shrinks towards none. */
const loss = (maxPpm: number) => fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(0), weight: 3 }, someLoss(maxPpm));

/** Underlays as functions of the cluster's node names. */
export function underlayDraw(options: UnderlayArbitraryOptions = {}): fc.Arbitrary<(nodes: readonly string[]) => UnderlayDescription> {
  const maxLossPpm = options.maxLossPpm ?? 10_000;
  const link = fc.record({
    from: fc.nat({ max: 63 }),
    to: fc.nat({ max: 63 }),
    latency: fc.option(latency()),
    lossPpm: fc.option(someLoss(maxLossPpm)),
    oneWay: fc.boolean(),
  });
  return fc.record({ latency: latency(), lossPpm: loss(maxLossPpm), links: fc.array(link, { maxLength: options.maxLinks ?? 3 }) }).map(({ latency: model, lossPpm, links }) => (nodes: readonly string[]) => {
    const resolved = links.flatMap((l): LinkDescription[] => {
      if (nodes.length < 2 || (l.latency === null && l.lossPpm === null)) return [];
      const from = l.from % nodes.length;
      const to = (from + 1 + (l.to % (nodes.length - 1))) % nodes.length;
      return [{ from: nodes[from]!, to: nodes[to]!, ...(l.latency === null ? {} : { latency: l.latency }), ...(l.lossPpm === null ? {} : { loss: lossText(l.lossPpm) }), ...(l.oneWay ? { "one-way": true } : {}) }];
    });
    return {
      ...(model === "1ms" ? {} : { latency: model }),
      ...(lossPpm === 0 ? {} : { loss: lossText(lossPpm) }),
      ...(resolved.length === 0 ? {} : { links: resolved }),
    };
  });
}
