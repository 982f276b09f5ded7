/**
 * The latency and loss syntax of scenario files: the `underlay` key, and the
 * `link` fault step, which changes one link with the same words.
 */

import { isMap } from "yaml";
import { ms } from "../sim/index.js";
import type { Reader, YamlNode } from "./reader.js";
import { readNodeNames } from "./faults.js";
import type { LatencySpec, UnderlayLink, UnderlaySpec } from "./types.js";

/** The underlay when a scenario names none: 1 ms fixed latency, no loss. */
export function defaultUnderlay(): UnderlaySpec {
  return { latency: { kind: "fixed", latency: ms(1) }, lossPpm: 0 };
}

/**
 * The `underlay` key: `{latency, loss}`, each defaulting to `defaultUnderlay()`'s,
 * and `links`, the pairs or groups of nodes whose links differ. `names` are
 * the cluster's nodes (undefined when the cluster is invalid: names unchecked).
 */
export function readUnderlay(r: Reader, node: YamlNode, names?: readonly string[]): { underlay: UnderlaySpec; links: UnderlayLink[] } | undefined {
  const e = r.entries(node, "underlay", [], ["latency", "loss", "links"]);
  if (e === undefined) return undefined;
  const base = defaultUnderlay();
  const latencyNode = e.get("latency");
  const latency = latencyNode === undefined ? base.latency : readLatency(r, latencyNode.value, "underlay.latency");
  const lossNode = e.get("loss");
  const lossPpm = lossNode === undefined ? base.lossPpm : r.ppm(lossNode.value, "underlay.loss");
  const linksNode = e.get("links");
  const links = linksNode === undefined ? [] : readLinks(r, linksNode.value, names);
  return latency === undefined || lossPpm === undefined || links === undefined ? undefined : { underlay: { latency, lossPpm }, links };
}

/** `links: [{from: A, to: [B, C], latency: 40ms, loss: 1%, one-way: true}, ...]`: a node or a group at each end. */
function readLinks(r: Reader, node: YamlNode, names: readonly string[] | undefined): UnderlayLink[] | undefined {
  const items = r.list(node, "underlay.links (a list of {from, to, latency, loss})");
  if (items === undefined) return undefined;
  const links: UnderlayLink[] = [];
  let valid = true;
  for (const item of items) {
    const e = r.entries(item, "a link of underlay.links", ["from", "to"], ["latency", "loss", "one-way"]);
    const from = e?.has("from") === true ? readNodeNames(r, e.get("from")?.value, "underlay.links from", names) : undefined;
    const to = e?.has("to") === true ? readNodeNames(r, e.get("to")?.value, "underlay.links to", names) : undefined;
    const latencyNode = e?.get("latency");
    const lossNode = e?.get("loss");
    const oneWayNode = e?.get("one-way");
    const latency = latencyNode === undefined ? undefined : readLatency(r, latencyNode.value, "underlay.links latency");
    const lossPpm = lossNode === undefined ? undefined : r.ppm(lossNode.value, "underlay.links loss");
    const oneWay = oneWayNode === undefined ? false : r.bool(oneWayNode.value, "underlay.links one-way");
    if (e !== undefined && latencyNode === undefined && lossNode === undefined) r.problem(item, `a link of underlay.links needs "latency" or "loss"`);
    const overlap = from?.find((name) => to?.includes(name));
    if (overlap !== undefined) r.problem(e?.get("to")?.value, `expected different nodes at each end of a link, got "${overlap}" at both`);
    const unread = (n: unknown, v: unknown) => n !== undefined && v === undefined;
    if (from === undefined || to === undefined || oneWay === undefined || overlap !== undefined || unread(latencyNode, latency) || unread(lossNode, lossPpm) || (latencyNode === undefined && lossNode === undefined)) {
      valid = false;
      continue;
    }
    links.push({ from, to, oneWay, ...(latency === undefined ? {} : { latency }), ...(lossPpm === undefined ? {} : { lossPpm }) });
  }
  return valid ? links : undefined;
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
