/**
 * Typed steps back to the plain data of the file, one canonical form each
 * (see canonical.ts): the other half of the YAML round trip.
 */

import { formatDuration } from "../sim/index.js";
import type { DockerStep, Expectation, Fault, Step } from "../scenario/index.js";
import { commandStep, expectText, latencyText, lossText, nodeNames, strings } from "./canonical.js";
import type { AttackStepDescription, CheckDescription, CountDescription, FaultStepDescription, NodeCheckDescription, StepDescription } from "./description.js";

type StepOf<K extends Step["kind"]> = Extract<Step, { kind: K }>;
type ClusterCheck = StepOf<"check">["check"];
type CountBound = NonNullable<ClusterCheck["rotations"]>;
type Attack = StepOf<"attack">["attack"];

/** Loss in parts per million that drops every packet: what `drop: true` reads as. */
const everyPacketPpm = 1_000_000;

/** The steps as the file writes them; `firstManager` is where a command without `on` runs. */
export function describeSteps(steps: readonly Step[], firstManager: string): StepDescription[] {
  return steps.map((step) => describeStep(step, firstManager));
}

function describeStep(step: Step, firstManager: string): StepDescription {
  switch (step.kind) {
    case "docker":
      return describeCommand(step, firstManager);
    case "wait":
      return { wait: formatDuration(step.duration) };
    case "at":
      return { at: formatDuration(step.instant) };
    case "show": {
      const expect = step.expect === undefined ? undefined : expectText(expectedOf(step.expect));
      return { show: step.what, ...(step.search === undefined ? {} : { search: strings(step.search) }), ...(expect === undefined ? {} : { expect }) };
    }
    case "check":
      return { check: describeCheck(step.check) };
    case "repeat":
      return { repeat: step.times, ...(step.every === undefined ? {} : { every: formatDuration(step.every) }), steps: describeSteps(step.steps, firstManager) };
    case "fault":
      return faultDescription(step.fault);
    case "attack":
      return attackDescription(step.attack);
  }
}

function expectedOf(expect: Expectation) {
  return {
    exitCode: expect.exitCode,
    stdoutContains: expect.stdoutContains,
    stdoutMatches: expect.stdoutMatches.map((re) => re.source),
    stdoutExcludes: expect.stdoutExcludes,
    stderrContains: expect.stderrContains,
  };
}

function describeCommand(step: DockerStep, firstManager: string): StepDescription {
  return commandStep(step.command, { on: step.on, firstManager, expect: expectedOf(step.expect), ...(step.capture === undefined ? {} : { capture: step.capture }) });
}

/** A count as written: `3`, `">= 3"`, or `{min, max}` for a range. */
function describeCount(bound: CountBound): CountDescription {
  if (/^\d+$/.test(bound.text)) return bound.min;
  if (/^\d+ to \d+$/.test(bound.text)) return { min: bound.min, max: bound.max };
  return bound.text;
}

function describeCounts(counts: ReadonlyArray<readonly [string, CountBound]>): Record<string, CountDescription> {
  return Object.fromEntries(counts.map(([name, bound]) => [name, describeCount(bound)]));
}

function describeCheck(check: ClusterCheck): CheckDescription {
  const nodes = Object.fromEntries(
    check.nodes.map((n): [string, NodeCheckDescription] => [
      n.node,
      {
        ...(n.status === undefined ? {} : { status: n.status }),
        ...(n.role === undefined ? {} : { role: n.role }),
        ...(n.leader === undefined ? {} : { leader: n.leader }),
        ...(n.keys === undefined ? {} : { keys: describeCount(n.keys) }),
        ...(n.primary === undefined ? {} : { primary: n.primary }),
        ...(n.keysLike === undefined ? {} : { "keys-like": n.keysLike }),
      },
    ]),
  );
  const plain = check.noPlaintext;
  const defaultPaths = plain !== undefined && plain.paths.join(" ") === "esp gossip control";
  const exposure = check.exposure;
  return {
    ...(check.rotations === undefined ? {} : { rotations: describeCount(check.rotations) }),
    ...(check.handshakesRefused === undefined ? {} : { "handshakes-refused": describeCount(check.handshakesRefused) }),
    ...(check.drops.length === 0 ? {} : { drops: describeCounts(check.drops) }),
    ...(check.records.length === 0 ? {} : { records: describeCounts(check.records) }),
    ...(check.leader === undefined ? {} : { leader: check.leader.length === 1 ? check.leader[0]! : [...check.leader] }),
    ...(check.nodes.length === 0 ? {} : { nodes }),
    ...(plain === undefined
      ? {}
      : { "no-plaintext": defaultPaths && !plain.keys && plain.secrets.length > 0 ? strings(plain.secrets) : { ...(plain.secrets.length === 0 ? {} : { strings: strings(plain.secrets) }), paths: [...plain.paths], ...(plain.keys ? { keys: true } : {}) } }),
    ...(exposure === undefined
      ? {}
      : {
          exposure: {
            ...(exposure.readable === undefined ? {} : { readable: describeCount(exposure.readable) }),
            ...(exposure.afterLeak === undefined ? {} : { "after-leak": describeCount(exposure.afterLeak) }),
            ...(exposure.windowMin === undefined ? {} : { "window-min": formatDuration(exposure.windowMin) }),
            ...(exposure.windowMax === undefined ? {} : { "window-max": formatDuration(exposure.windowMax) }),
          },
        }),
  };
}

/** A fault step as written (`{crash: NODE}`, `{link: {...}}`, ...). */
export function faultDescription(fault: Fault): FaultStepDescription {
  switch (fault.kind) {
    case "crash":
      return { crash: fault.node };
    case "restart":
      return { restart: fault.node };
    case "isolate":
      return { isolate: fault.node };
    case "partition":
      return { partition: fault.groups.map((g) => [...g]) };
    case "block":
      return { block: { from: nodeNames(fault.from), to: nodeNames(fault.to) } };
    case "heal":
      return { heal: "all" };
    case "link": {
      const oneWay = fault.oneWay ? { "one-way": true } : {};
      if (fault.change === "reset") return { link: { from: fault.from, to: fault.to, reset: true, ...oneWay } };
      const { latency, lossPpm } = fault.change;
      return { link: { from: fault.from, to: fault.to, ...(latency === undefined ? {} : { latency: latencyText(latency) }), ...(lossPpm === undefined ? {} : { loss: lossText(lossPpm) }), ...oneWay } };
    }
    case "control-plane": {
      if (fault.change === "clear") return { "control-plane": { node: fault.node, clear: true } };
      const { delay, lossPpm } = fault.change;
      const loss = lossPpm === undefined ? {} : lossPpm === everyPacketPpm ? { drop: true as const } : { loss: lossText(lossPpm) };
      return { "control-plane": { node: fault.node, ...(delay === undefined ? {} : { delay: formatDuration(delay) }), ...loss } };
    }
    case "clock":
      return { clock: { node: fault.node, skew: formatDuration(fault.skewUs) } };
  }
}

/** An attack step as written (`{replay: {...}}`, ...). */
export function attackDescription(attack: Attack): AttackStepDescription {
  if (attack.kind === "leak-key") {
    return { "leak-key": { node: attack.node, subsystem: attack.subsystem, ...(attack.which === "primary" ? {} : { key: attack.which }) } };
  }
  const s = attack.select;
  const select = {
    to: s.to,
    path: s.path,
    ...(s.from === undefined ? {} : { from: s.from }),
    ...(s.transport === undefined ? {} : { transport: s.transport }),
    ...(s.last === undefined ? {} : { last: s.last }),
  };
  if (attack.kind === "replay") return { replay: select };
  return { "bit-flip": { ...select, ...(attack.region === "ip-payload" ? {} : { region: attack.region }) } };
}
