/**
 * The latency and loss syntax of scenario files: the `underlay` key, and the
 * `link` fault step, which changes one link with the same words.
 */

import { isMap } from "yaml";
import { ms } from "../sim/index.js";
import type { Reader, YamlNode } from "./reader.js";
import type { LatencySpec, UnderlaySpec } from "./types.js";

/** The underlay when a scenario names none: 1 ms fixed latency, no loss. */
export function defaultUnderlay(): UnderlaySpec {
  return { latency: { kind: "fixed", latency: ms(1) }, lossPpm: 0 };
}

/** The `underlay` key: `{latency, loss}`, each defaulting to `defaultUnderlay()`'s. */
export function readUnderlay(r: Reader, node: YamlNode): UnderlaySpec | undefined {
  const e = r.entries(node, "underlay", [], ["latency", "loss"]);
  if (e === undefined) return undefined;
  const base = defaultUnderlay();
  const latencyNode = e.get("latency");
  const latency = latencyNode === undefined ? base.latency : readLatency(r, latencyNode.value, "underlay.latency");
  const lossNode = e.get("loss");
  const lossPpm = lossNode === undefined ? base.lossPpm : r.ppm(lossNode.value, "underlay.loss");
  return latency === undefined || lossPpm === undefined ? undefined : { latency, lossPpm };
}

/**
 * A latency: a duration (`1ms`), `{uniform: [MIN, MAX]}` or `{exponential: MEAN}`.
 * `what` names the key in messages (`underlay.latency`, `link.latency`).
 */
export function readLatency(r: Reader, node: YamlNode, what: string): LatencySpec | undefined {
  if (!isMap(node)) {
    const value = r.duration(node, what);
    return value === undefined ? undefined : { kind: "fixed", latency: value };
  }
  const e = r.entries(node, what, [], ["uniform", "exponential"]);
  if (e === undefined) return undefined;
  const uniform = e.get("uniform");
  const exponential = e.get("exponential");
  if ((uniform === undefined) === (exponential === undefined)) {
    return r.problem(node, `${what} takes a duration, {uniform: [MIN, MAX]} or {exponential: MEAN}`);
  }
  if (exponential !== undefined) {
    const mean = r.duration(exponential.value, `${what}.exponential (the mean)`);
    return mean === undefined ? undefined : { kind: "exponential", mean };
  }
  const bounds = r.list(uniform?.value, `${what}.uniform ([MIN, MAX])`);
  if (bounds === undefined) return undefined;
  if (bounds.length !== 2) return r.problem(uniform?.value, `expected two durations [MIN, MAX] for ${what}.uniform, got ${bounds.length}`);
  const min = r.duration(bounds[0], `${what}.uniform MIN`);
  const max = r.duration(bounds[1], `${what}.uniform MAX`);
  if (min === undefined || max === undefined) return undefined;
  if (max < min) return r.problem(uniform?.value, `expected MIN <= MAX in ${what}.uniform`);
  return { kind: "uniform", min, max };
}
