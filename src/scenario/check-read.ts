/**
 * Reading `check` steps: expectations about the cluster's state and what the
 * run has counted so far, rather than about a command's output.
 *
 * ```yaml
 *   - check:
 *       rotations: ">= 3"                 # key rotations the leaders made
 *       drops: {overlay.replay: 0, no-key: 0}
 *       handshakes-refused: ">= 1"
 *       leader: manager-2                   # or [manager-2, manager-3]: one of them
 *       nodes:
 *         worker-1: {status: ready, role: worker, keys: 3, primary: middle, keys-like: manager-1}
 *       no-plaintext: ["Welcome to nginx!"]   # on esp, gossip and control, in the eavesdropper's capture
 *       exposure: {readable: ">= 1", window-max: 13h}   # the last leak-key step's key
 * ```
 */

import { isMap, isScalar } from "yaml";
import type { Reader, YamlNode } from "./reader.js";
import { readNodeName, readNodeNames } from "./faults.js";
import { type WirePath, wirePaths } from "../net/index.js";
import type { CheckStep, ClusterCheck, CountBound, ExposureCheck, NodeStateCheck, PlaintextCheck } from "./types.js";

/** The keys of a `check` mapping read here; others (the adversary's) are read by their own modules. */
export const clusterCheckKeys = ["rotations", "drops", "handshakes-refused", "records", "leader", "nodes", "no-plaintext", "exposure"] as const;

/** The paths whose bytes are encrypted in Swarm: what `no-plaintext` searches unless told otherwise. */
const encryptedPaths = ["esp", "gossip", "control"] as const;

/**
 * `no-plaintext: [s, ...]` (searched on the encrypted paths) or
 * `no-plaintext: {strings: [...], paths: [esp, vxlan], keys: true}`.
 */
function readNoPlaintext(r: Reader, node: YamlNode): PlaintextCheck | undefined {
  if (!isMap(node)) {
    const secrets = r.strings(node, "check.no-plaintext (strings that must not cross the wire in clear)");
    return secrets === undefined ? undefined : { secrets, paths: [...encryptedPaths], keys: false };
  }
  const e = r.entries(node, "check.no-plaintext", [], ["strings", "paths", "keys"]);
  if (e === undefined) return undefined;
  const secrets = e.has("strings") ? r.strings(e.get("strings")?.value, "check.no-plaintext.strings") : [];
  const pathItems = e.has("paths") ? r.list(e.get("paths")?.value, "check.no-plaintext.paths") : undefined;
  const paths = pathItems === undefined ? [...encryptedPaths] : pathItems.map((item) => r.oneOf(item, "a path of check.no-plaintext.paths", wirePaths));
  const keys = e.has("keys") ? r.bool(e.get("keys")?.value, "check.no-plaintext.keys") : false;
  if (secrets === undefined || paths.some((p) => p === undefined) || keys === undefined || (e.has("paths") && pathItems === undefined)) return undefined;
  if (secrets.length === 0 && !keys) return r.problem(node, `check.no-plaintext needs "strings" or "keys: true"`);
  return { secrets, paths: paths as WirePath[], keys };
}

/** `exposure: {readable: ">= 1", after-leak: 0, window-max: 13h}`: about the last leak-key step's key. */
function readExposure(r: Reader, node: YamlNode): ExposureCheck | undefined {
  const e = r.entries(node, "check.exposure", [], ["readable", "after-leak", "window-min", "window-max"]);
  if (e === undefined) return undefined;
  const get = (k: string) => e.get(k)?.value;
  const readable = e.has("readable") ? readCount(r, get("readable"), "check.exposure.readable") : undefined;
  const afterLeak = e.has("after-leak") ? readCount(r, get("after-leak"), "check.exposure.after-leak") : undefined;
  const windowMin = e.has("window-min") ? r.duration(get("window-min"), "check.exposure.window-min") : undefined;
  const windowMax = e.has("window-max") ? r.duration(get("window-max"), "check.exposure.window-max") : undefined;
  const keys = ["readable", "after-leak", "window-min", "window-max"];
  const values = [readable, afterLeak, windowMin, windowMax];
  if (keys.some((k, i) => e.has(k) && values[i] === undefined)) return undefined;
  if (!keys.some((k) => e.has(k))) return r.problem(node, `check.exposure needs one of ${keys.join(", ")}`);
  return {
    ...(readable === undefined ? {} : { readable }),
    ...(afterLeak === undefined ? {} : { afterLeak }),
    ...(windowMin === undefined ? {} : { windowMin }),
    ...(windowMax === undefined ? {} : { windowMax }),
  };
}

const COUNT_FORM = /^\s*(>=|<=|>|<|==)?\s*(\d+)\s*$/;

/** A count: `3` (exactly), `">= 3"`, `"< 2"`, or `{min: 1, max: 5}`. */
export function readCount(r: Reader, node: YamlNode, what: string): CountBound | undefined {
  const bad = () => r.problem(node, `expected a count for ${what}: a whole number, a comparison such as ">= 3" or "< 2", or {min, max}`);
  if (isMap(node)) {
    const e = r.entries(node, what, [], ["min", "max"]);
    if (e === undefined) return undefined;
    if (!e.has("min") && !e.has("max")) return bad();
    const min = e.has("min") ? r.int(e.get("min")?.value, `${what}.min`, 0, Number.MAX_SAFE_INTEGER) : 0;
    const max = e.has("max") ? r.int(e.get("max")?.value, `${what}.max`, 0, Number.MAX_SAFE_INTEGER) : Infinity;
    if (min === undefined || max === undefined) return undefined;
    if (max < min) return r.problem(node, `expected min <= max in ${what}`);
    return { min, max, text: max === Infinity ? `>= ${min}` : min === max ? `${min}` : `${min} to ${max}` };
  }
  if (!isScalar(node)) return bad();
  const m = COUNT_FORM.exec(String(node.value));
  if (m === null) return bad();
  const n = Number(m[2]);
  switch (m[1]) {
    case ">=":
      return { min: n, max: Infinity, text: `>= ${n}` };
    case ">":
      return { min: n + 1, max: Infinity, text: `> ${n}` };
    case "<=":
      return { min: 0, max: n, text: `<= ${n}` };
    case "<":
      if (n === 0) return r.problem(node, `"< 0" can never hold (in ${what})`);
      return { min: 0, max: n - 1, text: `< ${n}` };
    default:
      return { min: n, max: n, text: `${n}` };
  }
}

/** `{name: count}` pairs (`drops`, `records`), in the order written. */
function readCounts(r: Reader, node: YamlNode, what: string): Array<[string, CountBound]> | undefined {
  if (!isMap(node)) return r.problem(node, `expected a mapping of names to counts for ${what}`);
  const out: Array<[string, CountBound]> = [];
  let valid = true;
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    if (key === undefined) {
      r.problem(pair.key as YamlNode, `expected a name for ${what}`);
      valid = false;
      continue;
    }
    const count = readCount(r, pair.value as YamlNode, `${what}.${key}`);
    if (count === undefined) valid = false;
    else out.push([key, count]);
  }
  return valid ? out : undefined;
}

function readNodeState(r: Reader, nodeName: string, node: YamlNode, names: readonly string[] | undefined): NodeStateCheck | undefined {
  const what = `check.nodes.${nodeName}`;
  const e = r.entries(node, what, [], ["status", "role", "leader", "keys", "primary", "keys-like"]);
  if (e === undefined) return undefined;
  const get = (key: string) => e.get(key)?.value;
  const status = e.has("status") ? r.oneOf(get("status"), `${what}.status`, ["ready", "down", "outside"] as const) : undefined;
  const role = e.has("role") ? r.oneOf(get("role"), `${what}.role`, ["manager", "worker"] as const) : undefined;
  const leader = e.has("leader") ? r.bool(get("leader"), `${what}.leader`) : undefined;
  const keys = e.has("keys") ? readCount(r, get("keys"), `${what}.keys`) : undefined;
  const primary = e.has("primary") ? r.oneOf(get("primary"), `${what}.primary`, ["middle", "newest", "oldest"] as const) : undefined;
  const keysLike = e.has("keys-like") ? readNodeName(r, get("keys-like"), `${what}.keys-like`, names) : undefined;
  const given = ["status", "role", "leader", "keys", "primary", "keys-like"].filter((k) => e.has(k));
  const read = [status, role, leader, keys, primary, keysLike].filter((v) => v !== undefined);
  if (read.length !== given.length) return undefined;
  return {
    node: nodeName,
    ...(status === undefined ? {} : { status }),
    ...(role === undefined ? {} : { role }),
    ...(leader === undefined ? {} : { leader }),
    ...(keys === undefined ? {} : { keys }),
    ...(primary === undefined ? {} : { primary }),
    ...(keysLike === undefined ? {} : { keysLike }),
  };
}

/**
 * Reads the cluster part of a `check` mapping (the keys of `clusterCheckKeys`
 * present in it). `names` are the cluster's nodes (undefined: unchecked).
 */
export function readClusterCheck(r: Reader, node: YamlNode, names: readonly string[] | undefined): ClusterCheck | undefined {
  const e = r.entries(node, "check", [], [...clusterCheckKeys]);
  if (e === undefined) return undefined;
  const get = (key: string) => e.get(key)?.value;
  const rotations = e.has("rotations") ? readCount(r, get("rotations"), "check.rotations") : undefined;
  const refused = e.has("handshakes-refused") ? readCount(r, get("handshakes-refused"), "check.handshakes-refused") : undefined;
  const drops = e.has("drops") ? readCounts(r, get("drops"), "check.drops") : [];
  const records = e.has("records") ? readCounts(r, get("records"), "check.records") : [];
  const leader = e.has("leader") ? readNodeNames(r, get("leader"), "check.leader", names) : undefined;
  let nodes: NodeStateCheck[] | undefined = [];
  const nodesNode = get("nodes");
  if (nodesNode !== undefined) {
    if (!isMap(nodesNode)) nodes = r.problem(nodesNode, "expected a mapping of node names to states for check.nodes");
    for (const pair of isMap(nodesNode) ? nodesNode.items : []) {
      const name = readNodeName(r, pair.key as YamlNode, "check.nodes", names);
      const state = name === undefined ? undefined : readNodeState(r, name, pair.value as YamlNode, names);
      if (state === undefined) nodes = undefined;
      else nodes?.push(state);
    }
  }
  const noPlaintext = e.has("no-plaintext") ? readNoPlaintext(r, get("no-plaintext")) : undefined;
  const exposure = e.has("exposure") ? readExposure(r, get("exposure")) : undefined;
  const unread = (key: string, value: unknown) => e.has(key) && value === undefined;
  if (unread("no-plaintext", noPlaintext) || unread("exposure", exposure)) return undefined;
  if (unread("rotations", rotations) || unread("handshakes-refused", refused) || drops === undefined || records === undefined || unread("leader", leader) || nodes === undefined) {
    return undefined;
  }
  return {
    ...(rotations === undefined ? {} : { rotations }),
    ...(refused === undefined ? {} : { handshakesRefused: refused }),
    drops,
    records,
    ...(leader === undefined ? {} : { leader }),
    nodes,
    ...(noPlaintext === undefined ? {} : { noPlaintext }),
    ...(exposure === undefined ? {} : { exposure }),
  };
}

/** A `check` step: `{check: {...}}`. */
export function readCheckStep(r: Reader, node: YamlNode, names: readonly string[] | undefined): CheckStep | undefined {
  const where = r.pos(node);
  const e = r.entries(node, "a check step", ["check"], []);
  const body = e?.get("check")?.value;
  if (e === undefined || body === undefined) return undefined;
  const check = readClusterCheck(r, body, names);
  return check === undefined ? undefined : { kind: "check", check, where };
}
