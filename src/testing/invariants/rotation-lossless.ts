/**
 * Key rotation loses nothing: while key sets reach nodes within one rotation
 * interval, no gossip frame and no ESP packet is dropped for want of a key.
 * That is why Swarm sends with the middle of three keys: a key is installed
 * everywhere a full interval before anyone sends with it, and kept a full
 * interval after (swarmkit manager/keymanager, moby libnetwork agent.go).
 *
 * Drops for want of a key: `gossip.drop` with reason `no-key` (no key of the
 * ring opens the frame), `overlay.drop` with `unknown-spi` (no inbound SA for
 * its key) or `bad-icv` (an SA of the wrong key). Three kinds are not the
 * promise's to keep, and are counted apart:
 * - the attacker's packets (`adversary.inject`: replays, bit flips) are
 *   dropped for those reasons by design: each injection excuses one such drop
 *   at its target, on its path, within `attackWindowUs` after it;
 * - a drop at or from a node whose keys were then more than one rotation
 *   behind the leader's (key-sync.ts: cut off from the control plane, removed,
 *   a key delay as long as the interval), within `slackUs` of that;
 * - an `unknown-spi` drop of a packet whose key (the SPI's tag, from the
 *   `overlay.sa` records) the receiver held: it lacked the tunnel, not the
 *   key (a late packet after its last endpoint left and the SAs went, as
 *   encryption.go removes them).
 */

import { type TraceRecord, duration, formatDuration, hours } from "../../sim/index.js";
import type { FinishedRun } from "../run.js";
import { type OutsideSpans, outsideDuring, outsideSpans } from "./key-sync.js";
import { byNode, latestAt, numberOf, numbersOf, recordsOf, textOf } from "./records.js";
import { type Verdict, timeOf, verdictOf } from "./verdict.js";

/** The drops that mean "no key for this", by trace kind. */
const keyDrops: Readonly<Record<string, readonly string[]>> = { "gossip.drop": ["no-key"], "overlay.drop": ["unknown-spi", "bad-icv"] };
/** The capture path an injection must have to explain a drop of each kind. */
const pathOfDrop: Readonly<Record<string, string>> = { "gossip.drop": "gossip", "overlay.drop": "esp" };
/** Swarm's default interval (swarmkit keymanager.go DefaultKeyRotationInterval). */
const defaultRotationUs = hours(12);

/** How to judge. */
export interface RotationOptions {
  /** How long after an injection a drop at its target may be its doing (default 10 s). */
  readonly attackWindowUs?: number;
  /** How long after a node was outside the promise a drop involving it is still its lag's doing (default 1 s: frames in flight). */
  readonly slackUs?: number;
}

/**
 * Checks that no frame or packet was dropped for want of a key, attacks aside.
 *
 * @example
 * ```ts
 * invariants.rotationLossless(middleKeyRun); // { ok: true, info: { rotations: 10, drops: 0, ... } }
 * invariants.rotationLossless(newestKeyRun).ok; // false: gossip.no-key after every rotation
 * ```
 */
export function rotationLossless(run: FinishedRun, options: RotationOptions = {}): Verdict {
  const attackWindowUs = options.attackWindowUs ?? 10_000_000;
  const slackUs = options.slackUs ?? 1_000_000;
  const rotationUs = run.cluster.keyRotationUs ?? defaultRotationUs;
  const outside: Record<string, OutsideSpans> = { "gossip.drop": outsideSpans(run.records, "gossip"), "overlay.drop": outsideSpans(run.records, "ipsec") };
  const nodeOfIp = new Map(recordsOf(run.records, "node.add").map((r) => [textOf(r, "ip"), textOf(r, "name")]));
  const injections = recordsOf(run.records, "adversary.inject").map((record) => ({ record, used: false }));
  const heldKey = ipsecKeyHeld(run.records);
  const violations: object[] = [];
  const lagging = new Set<string>();
  let drops = 0;
  let byAttack = 0;
  let byLag = 0;
  let noTunnel = 0;
  for (const record of run.records) {
    if (!(keyDrops[record.kind] ?? []).includes(textOf(record, "reason") ?? "")) continue;
    drops++;
    const cause = injections.find(
      (i) => !i.used && textOf(i.record, "to") === record.node && textOf(i.record, "path") === pathOfDrop[record.kind] && i.record.t <= record.t && record.t - i.record.t <= attackWindowUs,
    );
    if (cause !== undefined) {
      cause.used = true;
      byAttack++;
      continue;
    }
    if (textOf(record, "reason") === "unknown-spi" && heldKey(record)) {
      noTunnel++;
      continue;
    }
    const sender = nodeOfIp.get(textOf(record, "from") ?? textOf(record, "src"));
    const behind = [record.node, sender].filter((node) => outsideDuring(outside[record.kind]!, node, record.t - slackUs, record.t));
    if (behind.length > 0) {
      byLag++;
      for (const node of behind) lagging.add(node!);
      continue;
    }
    violations.push(dropEvidence(record, sender));
  }
  const rotations = recordsOf(run.records, "keymanager.rotate").length;
  return verdictOf("frames were dropped for want of a key", violations, {
    rotations,
    drops,
    byAttack,
    byLag,
    noTunnel,
    lagging: [...lagging].sort(),
    injections: injections.length,
    keyDelay: formatDuration(duration(run.cluster.keyDelayUs)),
    keyRotation: formatDuration(duration(rotationUs)),
  });
}

function dropEvidence(record: TraceRecord, sender: string | undefined): object {
  const fields = ["from", "src", "dst", "spi", "seq", "network", "message", "detail"];
  return {
    node: record.node,
    drop: `${record.kind.replace(/\.drop$/, "")}.${textOf(record, "reason") ?? ""}`,
    ...(sender === undefined ? {} : { sender }),
    ...timeOf(record.t),
    ...Object.fromEntries(fields.filter((f) => record[f] !== undefined).map((f) => [f, record[f]])),
  };
}

/** Whether the receiver of an `unknown-spi` drop held the key its SPI names, when it dropped it. */
function ipsecKeyHeld(records: readonly TraceRecord[]): (drop: TraceRecord) => boolean {
  const tagOfSpi = new Map<string, number>();
  for (const record of recordsOf(records, "overlay.sa")) {
    const tag = numberOf(record, "keyTag");
    if (tag !== undefined) tagOfSpi.set(textOf(record, "spi") ?? "", tag);
  }
  const keysByNode = byNode(recordsOf(records, "overlay.keys").filter((r) => r["ok"] !== false));
  return (drop) => {
    const tag = tagOfSpi.get(textOf(drop, "spi") ?? "");
    const held = latestAt(keysByNode.get(drop.node ?? "") ?? [], drop.t);
    return tag !== undefined && held !== undefined && numbersOf(held, "tags").includes(tag);
  };
}
