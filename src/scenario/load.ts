/**
 * Loads a scenario file: YAML text to a typed, validated `Scenario`.
 *
 * Every problem is reported as `file:line:column: what was expected`, all of
 * them in one pass; a scenario with any problem is never run.
 */

import { isMap, isScalar } from "yaml";
import { checkSeed, instant } from "../sim/index.js";
import { referencedVariables, splitCommandLine } from "../swarm/index.js";
import { ScenarioError, type ScenarioProblem } from "./errors.js";
import { attackKeyOf, readAttackStep } from "./attacks.js";
import { readCheckStep } from "./check-read.js";
import { faultKeyOf, readFaultStep } from "./faults.js";
import { protocolParameterKeys, readProtocolParameters } from "./parameters.js";
import { type Override, parseWithOverrides } from "./overrides.js";
import { type Entries, Reader, type YamlNode } from "./reader.js";
import type { ClusterSpec, DockerStep, Expectation, NodeSpec, Scenario, Step } from "./types.js";
import { defaultUnderlay, readUnderlay } from "./underlay.js";

/** The default seed when a scenario names none. */
export const DEFAULT_SEED = 1;
const MAX_NODES = 1000;
const NODE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Parses and validates scenario text. `file` names it in messages. `overrides`
 * (`--set key=value`) change the document first, and are validated with it.
 */
export function parseScenario(
  text: string,
  file: string,
  options: { readonly overrides?: readonly Override[] } = {},
): { ok: true; scenario: Scenario } | { ok: false; problems: ScenarioProblem[] } {
  const parsed = parseWithOverrides(text, file, options.overrides ?? []);
  if (!parsed.ok) return parsed;
  const { doc } = parsed;
  const r = new Reader(file, parsed.lines, parsed.origins);

  const top = r.entries(doc.contents, "the scenario", ["name", "cluster", "steps"], ["description", "seed", "underlay"]);
  if (top === undefined) return { ok: false, problems: r.problems };
  // A missing required key is reported once, by `entries`; it is not read as "nothing" again.
  const name = top.has("name") ? r.string(top.get("name")?.value, "name") : undefined;
  const descNode = top.get("description");
  const description = descNode === undefined ? undefined : r.string(descNode.value, "description");
  const seedNode = top.get("seed");
  const seed = seedNode === undefined ? DEFAULT_SEED : r.int(seedNode.value, "seed", 0, Number.MAX_SAFE_INTEGER);
  const cluster = top.has("cluster") ? readCluster(r, top.get("cluster")?.value) : undefined;
  const underlayNode = top.get("underlay");
  const read = underlayNode === undefined ? { underlay: defaultUnderlay(), links: [] } : readUnderlay(r, underlayNode.value, cluster?.nodes.map((n) => n.name));
  const underlay = read?.underlay;
  const links = read?.links ?? [];
  const steps = top.has("steps") ? readSteps(r, top.get("steps")?.value, cluster) : undefined;

  if (r.problems.length > 0 || name === undefined || seed === undefined || cluster === undefined || underlay === undefined || steps === undefined) {
    return { ok: false, problems: r.problems };
  }
  checkSeed(seed);
  return { ok: true, scenario: { file, name, ...(description === undefined ? {} : { description }), seed, cluster, underlay, ...(links.length === 0 ? {} : { links }), steps } };
}

/** Like `parseScenario`, but throws a `ScenarioError` listing every problem. */
export function loadScenario(text: string, file: string): Scenario {
  const result = parseScenario(text, file);
  if (!result.ok) throw new ScenarioError(result.problems);
  return result.scenario;
}

function readCluster(r: Reader, node: YamlNode): ClusterSpec | undefined {
  const e = r.entries(node, "cluster", [], [
    "managers",
    "workers",
    "nodes",
    "bootstrap",
    "rsaBits",
    "keyRotation",
    "gossip",
    "keyDelay",
    "primaryKey",
    "runErrors",
    ...protocolParameterKeys,
  ]);
  if (e === undefined) return undefined;
  const bitsNode = e.get("rsaBits");
  const rsaBits = bitsNode === undefined ? undefined : r.int(bitsNode.value, "cluster.rsaBits", 512, 8192);
  if (rsaBits !== undefined && rsaBits % 16 !== 0) return r.problem(bitsNode?.value, `expected a multiple of 16 for cluster.rsaBits, got ${rsaBits}`);
  if (bitsNode !== undefined && rsaBits === undefined) return undefined;
  const bootstrapNode = e.get("bootstrap");
  const bootstrap = bootstrapNode === undefined ? "auto" : r.oneOf(bootstrapNode.value, "cluster.bootstrap", ["auto", "manual"] as const);
  if (bootstrap === undefined) return undefined;
  const nodes = readNodes(r, node, e);
  const rotationNode = e.get("keyRotation");
  const keyRotation = rotationNode === undefined ? undefined : r.duration(rotationNode.value, "cluster.keyRotation");
  if (rotationNode !== undefined && keyRotation === undefined) return undefined;
  if (keyRotation !== undefined && keyRotation <= 0) return r.problem(rotationNode?.value, `expected a duration above 0 for cluster.keyRotation, got ${keyRotation}`);
  const gossipNode = e.get("gossip");
  const gossip = gossipNode === undefined ? undefined : r.bool(gossipNode.value, "cluster.gossip");
  const delayNode = e.get("keyDelay");
  const keyDelay = delayNode === undefined ? undefined : r.duration(delayNode.value, "cluster.keyDelay");
  const primaryNode = e.get("primaryKey");
  const primaryKey = primaryNode === undefined ? undefined : r.oneOf(primaryNode.value, "cluster.primaryKey", ["middle", "newest"] as const);
  const runErrorsNode = e.get("runErrors");
  const runErrors = runErrorsNode === undefined ? undefined : r.oneOf(runErrorsNode.value, "cluster.runErrors", ["legacy", "current"] as const);
  const unread = (node: unknown, value: unknown) => node !== undefined && value === undefined;
  const parameters = readProtocolParameters(r, e);
  if (bootstrap === "auto" && nodes !== undefined && nodes.length > 0 && !nodes.some((n) => n.role === "manager" && n.join !== false)) {
    return r.problem(e.get("nodes")?.key ?? node, `cluster.bootstrap auto needs a manager that joins, to run "docker swarm init" on: every manager has join: false`);
  }
  if (nodes === undefined || parameters === undefined || unread(gossipNode, gossip) || unread(delayNode, keyDelay) || unread(primaryNode, primaryKey) || unread(runErrorsNode, runErrors)) {
    return undefined;
  }
  return {
    ...parameters,
    nodes,
    bootstrap,
    ...(rsaBits === undefined ? {} : { rsaBits }),
    ...(keyRotation === undefined ? {} : { keyRotation }),
    ...(gossip === undefined ? {} : { gossip }),
    ...(keyDelay === undefined ? {} : { keyDelay }),
    ...(primaryKey === undefined ? {} : { primaryKey }),
    ...(runErrors === undefined ? {} : { runErrors }),
  };
}

function readNodes(r: Reader, node: YamlNode, e: Entries): NodeSpec[] | undefined {
  const nodesEntry = e.get("nodes");
  if (nodesEntry !== undefined) {
    if (e.has("managers") || e.has("workers")) {
      return r.problem(nodesEntry.key, `cluster takes either "nodes" or "managers"/"workers" counts, not both`);
    }
    return readNodeList(r, nodesEntry.value);
  }
  if (!e.has("managers")) return r.problem(node, `cluster needs "managers" (a count) or "nodes" (a list)`);
  const managers = r.int(e.get("managers")?.value, "cluster.managers", 1, MAX_NODES);
  const workersNode = e.get("workers");
  const workers = workersNode === undefined ? 0 : r.int(workersNode.value, "cluster.workers", 0, MAX_NODES);
  if (managers === undefined || workers === undefined) return undefined;
  const nodes: NodeSpec[] = [];
  for (let i = 1; i <= managers; i++) nodes.push({ name: `manager-${i}`, role: "manager", os: "linux" });
  for (let i = 1; i <= workers; i++) nodes.push({ name: `worker-${i}`, role: "worker", os: "linux" });
  return nodes;
}

function readNodeList(r: Reader, node: YamlNode): NodeSpec[] | undefined {
  const items = r.list(node, "cluster.nodes");
  if (items === undefined) return undefined;
  const nodes: NodeSpec[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const e = r.entries(item, "a node of cluster.nodes", ["name", "role"], ["os", "availability", "join"]);
    if (e === undefined) continue;
    const nameNode = e.get("name")?.value;
    const name = r.string(nameNode, "the node's name");
    const role = r.oneOf(e.get("role")?.value, "the node's role", ["manager", "worker"] as const);
    const osNode = e.get("os");
    const os = osNode === undefined ? "linux" : r.oneOf(osNode.value, "the node's os", ["linux", "windows"] as const);
    if (name !== undefined && !NODE_NAME.test(name)) {
      r.problem(nameNode, `expected a node name of lowercase letters, digits and dashes (a hostname), got "${name}"`);
    } else if (name !== undefined && seen.has(name)) {
      r.problem(nameNode, `node name "${name}" is used twice`);
    }
    const availabilityNode = e.get("availability");
    const availability = availabilityNode === undefined ? undefined : r.oneOf(availabilityNode.value, "the node's availability", ["active", "pause", "drain"] as const);
    const joinNode = e.get("join");
    const join = joinNode === undefined ? undefined : r.bool(joinNode.value, "the node's join (false: bootstrap leaves it outside the swarm)");
    if (name === undefined || role === undefined || os === undefined) continue;
    if ((availabilityNode !== undefined && availability === undefined) || (joinNode !== undefined && join === undefined)) continue;
    seen.add(name);
    nodes.push({ name, role, os, ...(availability === undefined ? {} : { availability }), ...(join === undefined ? {} : { join }) });
  }
  if (items.length === 0) return r.problem(node, "cluster.nodes needs at least one node");
  if (nodes.length > 0 && !nodes.some((n) => n.role === "manager")) {
    return r.problem(node, "cluster.nodes needs at least one manager (a swarm is created on a manager)");
  }
  return nodes;
}

/** Reads the timeline; with an invalid cluster (`undefined`), node names are not checked. */
function readSteps(r: Reader, node: YamlNode, cluster: ClusterSpec | undefined): Step[] | undefined {
  const items = r.list(node, "steps");
  if (items === undefined) return undefined;
  const firstManager = cluster?.nodes.find((n) => n.role === "manager")?.name ?? "manager-1";
  const names = cluster?.nodes.map((n) => n.name);
  const steps: Step[] = [];
  const captured = new Set<string>();
  for (const item of items) {
    const step = readStep(r, item, firstManager, names, captured);
    if (step !== undefined) steps.push(step);
  }
  return steps;
}

/** Whether `node` is a mapping with the key `key` (what names a step's kind). */
const hasKey = (node: YamlNode, key: string) => isMap(node) && node.items.some((p) => isScalar(p.key) && p.key.value === key);

/** Rounds a `repeat` step may run, and steps all repeats together may expand to: a limit on everything. */
const MAX_ROUNDS = 100_000;

function readStep(r: Reader, node: YamlNode, firstManager: string, names: readonly string[] | undefined, captured: Set<string>, inRepeat = false): Step | undefined {
  const where = r.pos(node);
  if (isScalar(node)) {
    const command = r.string(node, "a step (a docker command)");
    return command === undefined ? undefined : dockerStep(r, node, command, firstManager, undefined, where, captured);
  }
  if (hasKey(node, "at")) {
    const e = r.entries(node, "an at step", ["at"], []);
    const at = r.duration(e?.get("at")?.value, "at (an instant of the run, as a duration from its start)");
    return at === undefined ? undefined : { kind: "at", instant: instant(at), where };
  }
  if (hasKey(node, "check")) return readCheckStep(r, node, names);
  if (hasKey(node, "repeat")) {
    if (inRepeat) return r.problem(node, "expected no repeat inside a repeat: write the inner steps out, or multiply the rounds");
    const e = r.entries(node, "a repeat step", ["repeat", "steps"], ["every"]);
    const times = r.int(e?.get("repeat")?.value, "repeat (how many rounds)", 1, MAX_ROUNDS);
    const everyNode = e?.get("every");
    const every = everyNode === undefined ? undefined : r.duration(everyNode.value, "repeat.every (the wait after each round)");
    const items = r.list(e?.get("steps")?.value, "repeat.steps");
    if (items !== undefined && items.length === 0) r.problem(e?.get("steps")?.value, "expected at least one step in repeat.steps");
    // $ROUND is the round's number (1, 2, ...) in the repeated commands.
    const inner = new Set([...captured, "ROUND"]);
    const steps = (items ?? []).map((item) => readStep(r, item, firstManager, names, inner, true));
    for (const name of inner) if (name !== "ROUND") captured.add(name);
    if (times === undefined || items === undefined || items.length === 0 || steps.some((s) => s === undefined) || (everyNode !== undefined && every === undefined)) return undefined;
    return { kind: "repeat", times, steps: steps as Step[], ...(every === undefined ? {} : { every }), where };
  }
  if (hasKey(node, "wait")) {
    const e = r.entries(node, "a wait step", ["wait"], []);
    const duration = r.duration(e?.get("wait")?.value, "wait");
    return duration === undefined ? undefined : { kind: "wait", duration, where };
  }
  if (hasKey(node, "show")) {
    const e = r.entries(node, "a show step", ["show"], ["expect", "search"]);
    const what = r.oneOf(e?.get("show")?.value, "show", ["keyrings", "gossip", "wire"] as const);
    const expectNode = e?.get("expect")?.value;
    const expect = expectNode === undefined ? undefined : readExpectation(r, expectNode);
    const searchNode = e?.get("search");
    if (searchNode !== undefined && what !== "wire") return r.problem(searchNode.key, `"search" is a key of show: wire only, not of show: ${what}`);
    const search = searchNode === undefined ? undefined : r.strings(searchNode.value, "search (strings to look for on the wire)");
    if (what === undefined || (expectNode !== undefined && expect === undefined) || (searchNode !== undefined && search === undefined)) return undefined;
    return { kind: "show", what, where, ...(expect === undefined ? {} : { expect }), ...(search === undefined ? {} : { search }) };
  }
  const attackKey = attackKeyOf(node);
  if (attackKey !== undefined) return readAttackStep(r, node, attackKey, names);
  const faultKey = faultKeyOf(node);
  if (faultKey !== undefined) return readFaultStep(r, node, faultKey, names);
  const e = r.entries(node, "a step", ["run"], ["on", "expect", "capture"]);
  if (e === undefined) return undefined;
  const command = r.string(e.get("run")?.value, "run (a docker command)");
  const onNode = e.get("on")?.value;
  let on = firstManager;
  if (onNode !== undefined) {
    const name = r.string(onNode, "on (a node name)");
    if (name !== undefined && names !== undefined && !names.includes(name)) {
      r.problem(onNode, `expected the name of a node in the cluster for "on" (${names.join(", ")}), got "${name}"`);
    } else if (name !== undefined) on = name;
  }
  const captureNode = e.get("capture")?.value;
  let capture: string | undefined;
  if (captureNode !== undefined) {
    capture = r.string(captureNode, "capture (a variable name)");
    if (capture !== undefined && !VARIABLE_NAME.test(capture)) {
      r.problem(captureNode, `expected a variable name of letters, digits and _ for capture (used later as $NAME), got "${capture}"`);
      capture = undefined;
    }
  }
  if (command === undefined) return undefined;
  const step = dockerStep(r, e.get("run")?.value, command, on, e.get("expect")?.value, where, captured);
  if (step === undefined || capture === undefined) return step;
  captured.add(capture);
  return { ...step, capture };
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function dockerStep(
  r: Reader,
  commandNode: YamlNode,
  command: string,
  on: string,
  expectNode: YamlNode,
  where: ReturnType<Reader["pos"]>,
  captured: ReadonlySet<string>,
): DockerStep | undefined {
  const variables = referencedVariables(command);
  const unknown = variables.find((v) => !captured.has(v));
  if (unknown !== undefined) {
    return r.problem(commandNode, `"$${unknown}" is not captured by an earlier step: expected a variable set with "capture: ${unknown}" before this step`);
  }
  const split = splitCommandLine(command);
  if (!split.ok) return r.problem(commandNode, `cannot split the command into words: ${split.reason}`);
  if (split.argv[0] !== "docker") {
    return r.problem(commandNode, `expected a docker command (starting with "docker"), got "${command}"`);
  }
  const expect = expectNode === undefined ? defaultExpectation(where) : readExpectation(r, expectNode);
  if (expect === undefined) return undefined;
  return { kind: "docker", command, argv: split.argv, on, expect, where, usesVariables: variables.length > 0 };
}

function defaultExpectation(where: Expectation["where"]): Expectation {
  return { stdoutContains: [], stdoutMatches: [], stdoutExcludes: [], stderrContains: [], exitCode: 0, where };
}

function readExpectation(r: Reader, node: YamlNode): Expectation | undefined {
  const e = r.entries(node, "expect", [], ["stdout-contains", "stdout-matches", "stdout-excludes", "stderr-contains", "exit-code"]);
  if (e === undefined) return undefined;
  const get = (key: string) => e.get(key)?.value;
  const stdoutContains = e.has("stdout-contains") ? r.strings(get("stdout-contains"), "expect.stdout-contains") : [];
  const stderrContains = e.has("stderr-contains") ? r.strings(get("stderr-contains"), "expect.stderr-contains") : [];
  const stdoutExcludes = e.has("stdout-excludes") ? r.strings(get("stdout-excludes"), "expect.stdout-excludes") : [];
  const patterns = e.has("stdout-matches") ? r.strings(get("stdout-matches"), "expect.stdout-matches") : [];
  const stdoutMatches: RegExp[] = [];
  for (const p of patterns ?? []) {
    try {
      stdoutMatches.push(new RegExp(p, "m"));
    } catch (err) {
      r.problem(get("stdout-matches"), `expected a regular expression for expect.stdout-matches: ${(err as Error).message}`);
    }
  }
  const exitCode = e.has("exit-code") ? r.int(get("exit-code"), "expect.exit-code", 0, 255) : 0;
  if (stdoutContains === undefined || stderrContains === undefined || stdoutExcludes === undefined || patterns === undefined || exitCode === undefined) {
    return undefined;
  }
  return { stdoutContains, stdoutMatches, stdoutExcludes, stderrContains, exitCode, where: r.pos(node) };
}
