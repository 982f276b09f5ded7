/**
 * `npm run bench -- control [NODES] [DURATION] [control|swarm]`: how fast the control plane runs
 * once a swarm is up. Bootstraps a swarm of NODES nodes (3 managers, or fewer
 * if NODES < 3; 2048-bit keys read from an on-disk key cache in
 * `bench/dist/key-cache/`, drawn and written there on the first run), runs
 * `docker node ls` once, then lets DURATION of simulated time pass: raft ticks
 * and heartbeats between the managers, a dispatcher session with heartbeats per
 * node, key rotations by the leader's key manager, every message over mTLS on
 * the simulated wire.
 *
 * Reports simulated seconds per wall second of that steady state (the issue's
 * target: at least 2000× real time at 100 nodes, 3 managers, 7 days), the
 * rotations seen (trace kind `keymanager.rotate`), events and packets.
 * DURATION is a number of days (`7`, `0.1`) or a duration (`2h`, `30m`).
 * Defaults: 100 nodes, 7 days.
 *
 * `control` (the default) runs the control plane alone (`cluster.gossip:
 * false`): what the issue's target is about. `swarm` runs every node's gossip
 * plane beside it, as a real swarm does (memberlist's probes every second,
 * its push/pulls, networkdb's upkeep, every frame AES-GCM); the gossip bench
 * measures that plane on its own.
 */

import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { fileKeyCache } from "../src/pki/index.js";
import { loadScenario, runScenario } from "../src/scenario/index.js";
import { type Simulation, type TraceRecord, days, formatDuration, parseDuration } from "../src/sim/index.js";

const SEED = 1;
const RSA_BITS = 2048;

function durationFrom(word: string | undefined): number {
  if (word === undefined) return days(7);
  if (/^\d+(\.\d+)?$/.test(word)) return days(Number(word));
  return parseDuration(word);
}

function main(argv: readonly string[]): void {
  const nodes = argv[0] === undefined ? 100 : Number(argv[0]);
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`control bench: expected a node count of at least 1, got "${argv[0]}"`);
  const span = durationFrom(argv[1]);
  const mode = argv[2] ?? "control";
  if (mode !== "control" && mode !== "swarm") throw new RangeError(`control bench: expected control or swarm, got "${mode}"`);
  const managers = Math.min(3, nodes);
  const workers = nodes - managers;
  const cacheDir = fileURLToPath(new URL("../key-cache", import.meta.url));
  const keyCache = fileKeyCache(cacheDir);

  console.log(`swarmsim control-plane benchmark: ${managers} managers + ${workers} workers, RSA ${RSA_BITS} (key cache ${cacheDir}), ${formatDuration(span)} simulated after bootstrap, ${mode === "control" ? "control plane alone (gossip: false)" : "control and gossip planes"}`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}; seed ${SEED}, 1 ms links`);

  const yaml = [
    `name: control-${nodes}`,
    `seed: ${SEED}`,
    `cluster: {managers: ${managers}, workers: ${workers}, rsaBits: ${RSA_BITS}, gossip: ${mode === "swarm"}}`,
    `underlay: {latency: 1ms, loss: 0%}`,
    `steps:`,
    `  - run: docker node ls`,
    `  - wait: ${Math.round(span / 1_000_000)}s`,
  ].join("\n");
  const scenario = loadScenario(yaml + "\n", `bench/control-${nodes}`);

  const kinds = new Map<string, number>();
  let rotations = 0;
  let rotationsInBootstrap = 0;
  let wire: { readonly packets: number; readonly bytes: number } | undefined;
  let sim: Simulation | undefined;
  let sim0: { wall: number; now: number; events: number; packets: number } | undefined;
  let lastWall = 0;
  const start = performance.now();
  const sink = {
    write(record: TraceRecord): void {
      kinds.set(record.kind, (kinds.get(record.kind) ?? 0) + 1);
      if (record.kind === "keymanager.rotate") {
        rotations++;
        if (sim0 === undefined) rotationsInBootstrap++;
      }
      // The "step" record of step 0 (docker node ls) ends the bootstrap: the steady state starts here.
      if (record.kind === "step" && record.index === 0 && sim0 === undefined) {
        sim0 = { wall: performance.now(), now: sim!.now, events: sim!.scheduler.executed, packets: wire?.packets ?? 0 };
      }
    },
  };
  const report = runScenario(scenario, {
    keyCache,
    sinks: [sink],
    onCluster: (cluster) => {
      wire = cluster.wire;
      sim = cluster.sim;
    },
    onProgress: (p) => {
      const wall = performance.now();
      if (sim0 !== undefined && wall - lastWall > 10_000) {
        lastWall = wall;
        const simS = (p.now - sim0.now) / 1e6;
        const wallS = (wall - sim0.wall) / 1000;
        console.log(`  … ${formatDuration(p.now - sim0.now)} simulated in ${wallS.toFixed(1)} s wall: ${(simS / wallS).toFixed(0)}× real time, ${p.events - sim0.events} events`);
      }
    },
  });
  const end = performance.now();
  if (!report.ok || sim0 === undefined) {
    const bad = report.steps.find((s) => s.checks.some((c) => !c.ok));
    throw new Error(`control bench: the run failed at "${bad?.text}": ${bad?.output?.stderr ?? ""}${bad?.output?.stdout ?? ""}`);
  }

  const bootWall = (sim0.wall - start) / 1000;
  const steadyWall = (end - sim0.wall) / 1000;
  const steadySim = (report.simulatedTime - sim0.now) / 1e6;
  const steadyEvents = report.events - sim0.events;
  const steadyPackets = (wire?.packets ?? 0) - sim0.packets;
  const ratio = steadySim / steadyWall;
  console.log("");
  console.log(`bootstrap:    ${bootWall.toFixed(2)} s wall, ${(sim0.now / 1e6).toFixed(3)} s simulated`);
  console.log(`steady state: ${formatDuration(report.simulatedTime - sim0.now)} simulated in ${steadyWall.toFixed(2)} s wall = ${ratio.toFixed(0)}× real time (target ≥ 2000×)`);
  console.log(`              ${steadyEvents} events (${(steadyEvents / steadyWall / 1000).toFixed(1)} k/s, ${(steadyEvents / steadySim).toFixed(1)} per simulated s), ${steadyPackets} packets (${(steadyPackets / steadySim).toFixed(1)} per simulated s)`);
  console.log(`rotations:    ${rotations} keymanager.rotate (${rotationsInBootstrap} during bootstrap)`);
  console.log(`whole run:    ${report.events} events, ${wire?.packets ?? 0} packets, ${wire?.bytes ?? 0} wire bytes, ${report.traceRecords} trace records, fingerprint ${report.fingerprint.slice(0, 16)}…`);
  const week = days(7) / 1e6;
  console.log(`extrapolated: 7 days at this rate would take ${(week / ratio / 60).toFixed(1)} min of wall time (linear in simulated time; not measured)`);
  const top = [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`trace kinds:  ${top.map(([k, n]) => `${k} ${n}`).join(", ")}`);
}

main(process.argv.slice(2));
