/**
 * `arb.underlay(nodes)`: underlay conditions.
 */

import type fc from "fast-check";
import type { UnderlayDescription } from "../../api/index.js";
import { type UnderlayArbitraryOptions, underlayDraw } from "./_internals/underlay-draw.js";

export type { UnderlayArbitraryOptions } from "./_internals/underlay-draw.js";

/**
 * Underlay descriptions (the `underlay` key) for a cluster of `nodes`: a
 * latency model (fixed, uniform or exponential), a loss of up to 1 %, and up
 * to 3 links that differ, between two of the nodes, one way or both. Shrinks
 * towards `{}`: the default underlay, 1 ms and no loss.
 *
 * @example
 * ```ts
 * fc.property(arb.underlay(["manager-1", "worker-1"]), (underlay) => ...)
 * ```
 */
export function underlayConditions(nodes: readonly string[], options: UnderlayArbitraryOptions = {}): fc.Arbitrary<UnderlayDescription> {
  return underlayDraw(options).map((forNodes) => forNodes(nodes));
}
