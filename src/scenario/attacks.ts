/**
 * Attack steps: what the attacker on the underlay does, one key per kind,
 * read as fault steps are, so a typo in a node name is a load error.
 *
 * ```yaml
 *   - replay: {to: worker-1, path: esp, last: 20}
 *   - bit-flip: {to: worker-1, path: gossip, last: 10, region: transport-payload}
 *   - leak-key: {node: worker-1, subsystem: gossip}          # its primary; or key: 41234 (a tag)
 * ```
 *
 * The eavesdropper that replays draw on is on the wire from the first
 * packet whenever a scenario has an attack step or a check that reads the
 * capture (`no-plaintext`, `exposure`).
 */

import { isMap, isScalar } from "yaml";
import { wirePaths } from "../net/index.js";
import { readNodeName } from "./faults.js";
import type { Reader, YamlNode } from "./reader.js";
import type { Attack, AttackSelection, AttackStep, Step } from "./types.js";

/** The keys that make a step an attack step. */
export const attackKeys = ["replay", "bit-flip", "leak-key"] as const;

/** At most this many packets re-sent by one step: a limit on everything. */
const MAX_PACKETS = 100_000;

/** The attack key of a step mapping, if it has one. */
export function attackKeyOf(node: YamlNode): (typeof attackKeys)[number] | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && (attackKeys as readonly unknown[]).includes(pair.key.value)) return pair.key.value as (typeof attackKeys)[number];
  }
  return undefined;
}

/** Reads an attack step whose mapping has the key `key` (and no other). */
export function readAttackStep(r: Reader, node: YamlNode, key: (typeof attackKeys)[number], names: readonly string[] | undefined): AttackStep | undefined {
  const where = r.pos(node);
  const e = r.entries(node, `a ${key} step`, [key], []);
  const value = e?.get(key)?.value;
  if (e === undefined || value === undefined) return undefined;
  const attack = key === "leak-key" ? readLeak(r, value, names) : readInjection(r, key, value, names);
  return attack === undefined ? undefined : { kind: "attack", attack, where };
}

function readSelection(r: Reader, what: string, e: NonNullable<ReturnType<Reader["entries"]>>, names: readonly string[] | undefined): AttackSelection | undefined {
  const get = (k: string) => e.get(k)?.value;
  const path = e.has("path") ? r.oneOf(get("path"), `${what}.path`, wirePaths) : undefined;
  const to = e.has("to") ? readNodeName(r, get("to"), `${what}.to`, names) : undefined;
  const from = e.has("from") ? readNodeName(r, get("from"), `${what}.from`, names) : undefined;
  const transport = e.has("transport") ? r.oneOf(get("transport"), `${what}.transport`, ["udp", "tcp", "esp"] as const) : undefined;
  const last = e.has("last") ? r.int(get("last"), `${what}.last (how many of the latest matching packets)`, 1, MAX_PACKETS) : undefined;
  const unread = (k: string, v: unknown) => e.has(k) && v === undefined;
  if (path === undefined || to === undefined || unread("from", from) || unread("transport", transport) || unread("last", last)) return undefined;
  return { path, to, ...(from === undefined ? {} : { from }), ...(transport === undefined ? {} : { transport }), ...(last === undefined ? {} : { last }) };
}

function readInjection(r: Reader, key: "replay" | "bit-flip", node: YamlNode, names: readonly string[] | undefined): Attack | undefined {
  const optional = ["from", "transport", "last", ...(key === "bit-flip" ? ["region"] : [])];
  const e = r.entries(node, key, ["path", "to"], optional);
  if (e === undefined) return undefined;
  const select = readSelection(r, key, e, names);
  if (key === "replay") return select === undefined ? undefined : { kind: "replay", select };
  const regionNode = e.get("region")?.value;
  const region = regionNode === undefined ? "ip-payload" : r.oneOf(regionNode, "bit-flip.region", ["ip-payload", "transport-payload"] as const);
  return select === undefined || region === undefined ? undefined : { kind: "bit-flip", select, region };
}

function readLeak(r: Reader, node: YamlNode, names: readonly string[] | undefined): Attack | undefined {
  const e = r.entries(node, "leak-key", ["node", "subsystem"], ["key"]);
  if (e === undefined) return undefined;
  const holder = e.has("node") ? readNodeName(r, e.get("node")?.value, "leak-key.node", names) : undefined;
  const subsystem = e.has("subsystem") ? r.oneOf(e.get("subsystem")?.value, "leak-key.subsystem", ["gossip", "ipsec"] as const) : undefined;
  const keyNode = e.get("key")?.value;
  let which: "primary" | number | undefined = "primary";
  if (keyNode !== undefined) {
    which = isScalar(keyNode) && keyNode.value === "primary" ? "primary" : r.int(keyNode, `leak-key.key ("primary" or a key's Lamport tag)`, 0, Number.MAX_SAFE_INTEGER);
  }
  if (holder === undefined || subsystem === undefined || which === undefined) return undefined;
  return { kind: "leak-key", node: holder, subsystem, which };
}

/** Whether a timeline needs the eavesdropper: an attack step, or a check that reads the capture. */
export function needsEavesdropper(steps: readonly Step[]): boolean {
  return steps.some((step) => {
    if (step.kind === "attack") return true;
    if (step.kind === "check") return step.check.noPlaintext !== undefined || step.check.exposure !== undefined;
    return step.kind === "repeat" && needsEavesdropper(step.steps);
  });
}

/** The attack as a person would say it, for the report and the trace. */
export function describeAttack(attack: Attack): string {
  if (attack.kind === "leak-key") return `leak-key ${attack.subsystem} ${attack.which === "primary" ? "primary" : `tag ${attack.which}`} of ${attack.node}`;
  const s = attack.select;
  const which = `${s.last === undefined ? "every" : `the last ${s.last}`} ${s.path}${s.transport === undefined ? "" : `/${s.transport}`} packet${s.last === 1 ? "" : "s"}`;
  return `${attack.kind} ${which} to ${s.to}${s.from === undefined ? "" : ` from ${s.from}`}${attack.kind === "bit-flip" ? ` (${attack.region})` : ""}`;
}
