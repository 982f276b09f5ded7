/**
 * Fault intents resolved against the sketch, and the liveness epilogue that
 * lifts every fault still in force (VOPR's two phases: faults, then heal and
 * demand convergence).
 */

import { lossText } from "../../../api/index.js";
import type { FaultStepDescription, StepDescription } from "../../../api/index.js";
import { formatDuration } from "../../../sim/index.js";
import type { FaultIntent } from "./intents.js";
import { type Sketch, choose } from "./sketch.js";

/** How long the epilogue lets the healed cluster converge: elections, sessions, key sets. */
const convergeUs = 60_000_000;

/** The steps `intent` resolves to now, updating the sketch. `keepQuorum`: never crash a majority of the managers. */
export function faultSteps(sketch: Sketch, intent: FaultIntent, keepQuorum: boolean): FaultStepDescription[] {
  const names = sketch.nodes.map((n) => n.name);
  switch (intent.kind) {
    case "crash": {
      const node = choose(sketch.nodes.filter((n) => !n.crashed && (!keepQuorum || sketch.keepsQuorumWithout(n))), intent.pick);
      if (node === undefined) return [];
      node.crashed = true;
      return [{ crash: node.name }];
    }
    case "restart": {
      const node = choose(sketch.nodes.filter((n) => n.crashed), intent.pick);
      if (node === undefined) return [];
      node.crashed = false;
      return [{ restart: node.name }];
    }
    case "partition": {
      const group = [...new Set(intent.picks.map((p) => names[p % names.length]!))];
      if (group.length === names.length) return [];
      sketch.inForce.partitioned = true;
      return [{ partition: [group] }];
    }
    case "isolate": {
      const node = choose(names, intent.pick);
      if (node === undefined || names.length < 2) return [];
      sketch.inForce.partitioned = true;
      return [{ isolate: node }];
    }
    case "block": {
      const [from, to] = pair(names, intent.from, intent.to);
      if (from === undefined || to === undefined) return [];
      sketch.inForce.partitioned = true;
      return [{ block: { from, to } }];
    }
    case "heal":
      if (!sketch.inForce.partitioned) return [];
      sketch.inForce.partitioned = false;
      return [{ heal: "all" }];
    case "link": {
      const [from, to] = pair(names, intent.from, intent.to);
      if (from === undefined || to === undefined || (intent.latencyMs === null && intent.lossPermille === null)) return [];
      sketch.inForce.links.set(`${from} ${to}`, [from, to]);
      const latency = intent.latencyMs === null ? {} : { latency: formatDuration(intent.latencyMs * 1000) };
      const loss = intent.lossPermille === null ? {} : { loss: lossText(intent.lossPermille * 1000) };
      return [{ link: { from, to, ...latency, ...loss } }];
    }
    case "link-reset": {
      const link = choose([...sketch.inForce.links.entries()], intent.pick);
      if (link === undefined) return [];
      sketch.inForce.links.delete(link[0]);
      return [{ link: { from: link[1][0], to: link[1][1], reset: true } }];
    }
    case "control-plane": {
      const node = choose(names, intent.pick);
      if (node === undefined || (intent.delayMs === null && intent.loss === null)) return [];
      sketch.inForce.controlPlane.add(node);
      const delay = intent.delayMs === null ? {} : { delay: formatDuration(intent.delayMs * 1000) };
      const loss = intent.loss === null ? {} : intent.loss === "drop" ? { drop: true as const } : { loss: lossText(intent.loss * 10_000) };
      return [{ "control-plane": { node, ...delay, ...loss } }];
    }
    case "control-plane-clear": {
      const node = choose([...sketch.inForce.controlPlane], intent.pick);
      if (node === undefined) return [];
      sketch.inForce.controlPlane.delete(node);
      return [{ "control-plane": { node, clear: true } }];
    }
    case "clock": {
      const node = choose(names, intent.pick);
      if (node === undefined) return [];
      sketch.inForce.clocks.add(node);
      return [{ clock: { node, skew: formatDuration(intent.skewMinutes * 60_000_000) } }];
    }
  }
}

/** Two different names, the second counted on from the first so they never coincide. */
function pair(names: readonly string[], first: number, second: number): [string | undefined, string | undefined] {
  if (names.length < 2) return [undefined, undefined];
  const a = first % names.length;
  const b = (a + 1 + (second % (names.length - 1))) % names.length;
  return [names[a], names[b]];
}

/** Every fault still in force lifted, then time for the cluster to converge; no steps if none is. */
export function healingSteps(sketch: Sketch): StepDescription[] {
  const steps: StepDescription[] = [];
  for (const node of sketch.nodes.filter((n) => n.crashed)) {
    node.crashed = false;
    steps.push({ restart: node.name });
  }
  if (sketch.inForce.partitioned) steps.push({ heal: "all" });
  for (const [from, to] of sketch.inForce.links.values()) steps.push({ link: { from, to, reset: true } });
  for (const node of sketch.inForce.controlPlane) steps.push({ "control-plane": { node, clear: true } });
  for (const node of sketch.inForce.clocks) steps.push({ clock: { node, skew: "0s" } });
  sketch.inForce.partitioned = false;
  sketch.inForce.links.clear();
  sketch.inForce.controlPlane.clear();
  sketch.inForce.clocks.clear();
  if (steps.length > 0) steps.push({ wait: formatDuration(convergeUs) });
  return steps;
}
