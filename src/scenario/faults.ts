/**
 * Fault steps: a mapping with one key that names the fault, read node by node
 * so every problem says where it is.
 *
 * ```yaml
 *   - crash: manager-1
 *   - partition: [[manager-1], [manager-2, manager-3]]
 *   - control-plane: {node: worker-1, loss: 30%}
 *   - heal: all
 * ```
 *
 * Every node name is checked against the cluster's, so a typo is a load
 * error with the valid names, never a fault that silently does nothing.
 */

import { type Node, isMap, isScalar, isSeq } from "yaml";
import { type Entries, type Reader, type YamlNode, describe } from "./reader.js";
import type { ControlPlaneChange, Fault, FaultStep, LinkChange } from "./types.js";
import { readLatency } from "./underlay.js";

/** The keys that make a step a fault step, one per kind of fault. */
export const faultKeys = ["crash", "restart", "partition", "isolate", "block", "heal", "link", "control-plane", "clock"] as const;

/** A key of `faultKeys`. */
export type FaultKey = (typeof faultKeys)[number];

/** Loss in parts per million that drops every packet: what `drop: true` means. */
const EVERY_PACKET_PPM = 1_000_000;

/** Valid names listed in a message, at most: a thousand-node cluster gives a readable message too. */
const NAMES_LISTED = 12;

/** The fault key of a step mapping, if it has one. */
export function faultKeyOf(node: YamlNode): FaultKey | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && (faultKeys as readonly unknown[]).includes(pair.key.value)) return pair.key.value as FaultKey;
  }
  return undefined;
}

/**
 * Reads a fault step whose mapping has the key `key` (and no other).
 * `names` are the cluster's node names, in order (undefined when the cluster
 * itself is invalid: then names are not checked).
 */
export function readFaultStep(r: Reader, node: YamlNode, key: FaultKey, names: readonly string[] | undefined): FaultStep | undefined {
  const where = r.pos(node);
  const e = r.entries(node, `a ${key} step`, [key], []);
  const value = e?.get(key)?.value;
  if (e === undefined || !e.has(key)) return undefined;
  const fault = readFault(r, key, value, names);
  return fault === undefined ? undefined : { kind: "fault", fault, where };
}

function readFault(r: Reader, key: FaultKey, value: YamlNode, names: readonly string[] | undefined): Fault | undefined {
  switch (key) {
    case "crash":
    case "restart":
    case "isolate": {
      const node = readNodeName(r, value, key, names);
      return node === undefined ? undefined : { kind: key, node };
    }
    case "partition":
      return readPartition(r, value, names);
    case "block":
      return readBlock(r, value, names);
    case "heal":
      if (isScalar(value) && (value.value === "all" || value.value === true)) return { kind: "heal" };
      return r.problem(value, `expected "all" (or true) for heal, got ${describe(value)}`);
    case "link":
      return readLink(r, value, names);
    case "control-plane":
      return readControlPlane(r, value, names);
    case "clock":
      return readClock(r, value, names);
  }
}

/** `clock: {node: X, skew: 2h}`: the node's clock runs ahead by 2 h (`-2h`: behind; `0s`: true again). */
function readClock(r: Reader, node: YamlNode, names: readonly string[] | undefined): Fault | undefined {
  const e = r.entries(node, "clock", ["node", "skew"], []);
  if (e === undefined) return undefined;
  const name = e.has("node") ? readNodeName(r, e.get("node")?.value, "clock.node", names) : undefined;
  const skewUs = e.has("skew") ? r.signedDuration(e.get("skew")?.value, "clock.skew") : undefined;
  if (name === undefined || skewUs === undefined) return undefined;
  return { kind: "clock", node: name, skewUs };
}

/** A node's name, checked against the cluster's. */
export function readNodeName(r: Reader, node: YamlNode, what: string, names: readonly string[] | undefined): string | undefined {
  const name = r.string(node, `${what} (a node name)`);
  if (name === undefined || names === undefined || names.includes(name)) return name;
  const listed = names.length <= NAMES_LISTED ? names.join(", ") : `${names.slice(0, NAMES_LISTED - 2).join(", ")}, … (${names.length} nodes)`;
  return r.problem(node, `expected one of ${listed} for ${what}, got "${name}"`);
}

/** One node name or a list of them (at least one). */
export function readNodeNames(r: Reader, node: YamlNode, what: string, names: readonly string[] | undefined): string[] | undefined {
  const items: readonly YamlNode[] = isSeq(node) ? (node.items as Node[]) : [node];
  if (items.length === 0) return r.problem(node, `expected at least one node name for ${what}`);
  const out = items.map((item) => readNodeName(r, item, what, names));
  return out.every((name) => name !== undefined) ? (out as string[]) : undefined;
}

function readPartition(r: Reader, node: YamlNode, names: readonly string[] | undefined): Fault | undefined {
  const items = r.list(node, "partition (a list of groups, each a list of nodes: [[a, b], [c]])");
  if (items === undefined) return undefined;
  if (items.length === 0) return r.problem(node, `expected at least one group for partition ([[a, b], [c]])`);
  const seen = new Set<string>();
  const groups: string[][] = [];
  let valid = true;
  for (const item of items) {
    const members = r.list(item, "a group of partition (groups are lists: [[a, b], [c]])");
    if (members !== undefined && members.length === 0) r.problem(item, `expected at least one node in a group of partition`);
    if (members === undefined || members.length === 0) {
      valid = false;
      continue;
    }
    const group: string[] = [];
    for (const member of members) {
      const name = readNodeName(r, member, "partition", names);
      if (name !== undefined && seen.has(name)) r.problem(member, `node "${name}" is in more than one group of partition`);
      if (name === undefined || seen.has(name)) valid = false;
      else group.push(name);
      if (name !== undefined) seen.add(name);
    }
    groups.push(group);
  }
  return valid ? { kind: "partition", groups } : undefined;
}

function readBlock(r: Reader, node: YamlNode, names: readonly string[] | undefined): Fault | undefined {
  const e = r.entries(node, "block", ["from", "to"], []);
  if (e === undefined) return undefined;
  const from = e.has("from") ? readNodeNames(r, e.get("from")?.value, "block.from", names) : undefined;
  const to = e.has("to") ? readNodeNames(r, e.get("to")?.value, "block.to", names) : undefined;
  return from === undefined || to === undefined ? undefined : { kind: "block", from, to };
}

/** A key that, when present, must be `true` (`reset: true`, `clear: true`, `drop: true`). */
function readTrue(r: Reader, e: Entries, key: string, what: string): boolean | undefined {
  const entry = e.get(key);
  if (entry === undefined) return false;
  const value = r.bool(entry.value, what);
  if (value === false) return r.problem(entry.value, `expected true for ${what} (leave the key out otherwise), got false`);
  return value;
}

function readLink(r: Reader, node: YamlNode, names: readonly string[] | undefined): Fault | undefined {
  const e = r.entries(node, "link", ["from", "to"], ["latency", "loss", "reset", "one-way"]);
  if (e === undefined) return undefined;
  const from = e.has("from") ? readNodeName(r, e.get("from")?.value, "link.from", names) : undefined;
  const to = e.has("to") ? readNodeName(r, e.get("to")?.value, "link.to", names) : undefined;
  const oneWayNode = e.get("one-way");
  const oneWay = oneWayNode === undefined ? false : r.bool(oneWayNode.value, "link.one-way");
  const reset = readTrue(r, e, "reset", "link.reset");
  const latencyNode = e.get("latency");
  const lossNode = e.get("loss");
  const latency = latencyNode === undefined ? undefined : readLatency(r, latencyNode.value, "link.latency");
  const lossPpm = lossNode === undefined ? undefined : r.ppm(lossNode.value, "link.loss");
  if (from !== undefined && from === to) return r.problem(e.get("to")?.value, `expected two different nodes for link.from and link.to, got "${from}" twice`);
  const changes = latencyNode !== undefined || lossNode !== undefined;
  if (reset === true && changes) return r.problem(node, `link takes either "reset: true" or "latency"/"loss", not both`);
  if (reset === false && !changes) return r.problem(node, `link needs "latency", "loss" or "reset: true"`);
  if (from === undefined || to === undefined || oneWay === undefined || reset === undefined) return undefined;
  if ((latencyNode !== undefined && latency === undefined) || (lossNode !== undefined && lossPpm === undefined)) return undefined;
  const change: LinkChange = reset ? "reset" : { ...(latency === undefined ? {} : { latency }), ...(lossPpm === undefined ? {} : { lossPpm }) };
  return { kind: "link", from, to, oneWay, change };
}

function readControlPlane(r: Reader, node: YamlNode, names: readonly string[] | undefined): Fault | undefined {
  const e = r.entries(node, "control-plane", ["node"], ["delay", "drop", "loss", "clear"]);
  if (e === undefined) return undefined;
  const name = e.has("node") ? readNodeName(r, e.get("node")?.value, "control-plane.node", names) : undefined;
  const clear = readTrue(r, e, "clear", "control-plane.clear");
  const drop = readTrue(r, e, "drop", "control-plane.drop");
  const delayNode = e.get("delay");
  const lossNode = e.get("loss");
  const delay = delayNode === undefined ? undefined : r.duration(delayNode.value, "control-plane.delay");
  const lossPpm = lossNode === undefined ? undefined : r.ppm(lossNode.value, "control-plane.loss");
  const changes = delayNode !== undefined || e.has("drop") || lossNode !== undefined;
  if (clear === true && changes) return r.problem(node, `control-plane takes either "clear: true" or "delay"/"drop"/"loss", not both`);
  if (clear === false && !changes) return r.problem(node, `control-plane needs "delay", "drop: true", "loss" or "clear: true"`);
  if (e.has("drop") && lossNode !== undefined) return r.problem(lossNode.key, `control-plane takes "drop: true" (every packet) or "loss" (a share), not both`);
  if (name === undefined || clear === undefined || drop === undefined) return undefined;
  if ((delayNode !== undefined && delay === undefined) || (lossNode !== undefined && lossPpm === undefined)) return undefined;
  const loss = drop ? EVERY_PACKET_PPM : lossPpm;
  const change: ControlPlaneChange = clear ? "clear" : { ...(delay === undefined ? {} : { delay }), ...(loss === undefined ? {} : { lossPpm: loss }) };
  return { kind: "control-plane", node: name, change };
}
