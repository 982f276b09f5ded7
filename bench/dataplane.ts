/**
 * `npm run bench -- dataplane [NODES] [DURATION]`: how fast the overlay data
 * plane runs end to end. A swarm of NODES nodes (1 manager; 2048-bit keys
 * from the on-disk key cache in `bench/dist/key-cache/`) with half its nodes
 * running nginx replicas and half running a busybox loop that fetches the
 * page again as soon as it has it (`while true; do curl -s web; done`): every
 * request a real HTTP/1.1 exchange over TCP in IPv4 in Ethernet in VXLAN,
 * in ESP on the encrypted network. The same swarm runs twice, on an
 * encrypted overlay and on a plain one, so the cost of ESP shows as a ratio
 * measured in the same run.
 *
 * Reports, for the DURATION after a 30 s warm-up, data-plane packets on the
 * wire per wall second, HTTP requests per wall second, and simulated seconds
 * per wall second. Defaults: 20 nodes, 60 s.
 */

import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { fileKeyCache } from "../src/pki/index.js";
import { loadScenario, runScenario } from "../src/scenario/index.js";
import type { Cluster } from "../src/swarm/index.js";
import { type TraceRecord, formatDuration, parseDuration } from "../src/sim/index.js";

const SEED = 1;
const RSA_BITS = 2048;
const WARM_UP = "30s";

interface Figures {
  readonly wall: number;
  readonly simulated: number;
  readonly packets: number;
  readonly requests: number;
  readonly events: number;
}

/** Requests nginx served so far: the lines of its access logs. */
function servedRequests(cluster: Cluster): number {
  let served = 0;
  for (const node of cluster.nodes.values()) {
    for (const container of node.runtime?.containers().values() ?? []) {
      if (container.image.startsWith("nginx")) served += container.logs.filter((l) => l.text.includes('"GET / HTTP/1.1" 200')).length;
    }
  }
  return served;
}

/** Runs the swarm once; returns what its measured step did. */
function measure(nodes: number, span: number, encrypted: boolean): Figures {
  const replicas = Math.max(1, Math.floor(nodes / 2));
  const yaml = [
    `name: dataplane-${nodes}-${encrypted ? "encrypted" : "plain"}`,
    `seed: ${SEED}`,
    `cluster: {managers: 1, workers: ${nodes - 1}, rsaBits: ${RSA_BITS}}`,
    `underlay: {latency: 1ms, loss: 0%}`,
    `steps:`,
    `  - docker network create ${encrypted ? "--opt encrypted " : ""}--driver overlay net`,
    `  - docker service create --name web --network net --replicas ${replicas} nginx`,
    `  - wait: 10s`,
    `  - docker service create --name client --network net --replicas ${nodes - replicas} radial/busyboxplus:curl sh -c 'while true; do curl -s web; done'`,
    `  - wait: ${WARM_UP}`,
    `  - wait: ${Math.round(span / 1_000_000)}s`,
  ].join("\n");
  const scenario = loadScenario(`${yaml}\n`, `bench/dataplane-${nodes}`);
  const measuredStep = scenario.steps.length - 1;
  let cluster: Cluster | undefined;
  let start: { wall: number; now: number; packets: number; requests: number; events: number } | undefined;
  const dataPackets = () => (cluster === undefined ? 0 : cluster.census.packets("esp") + cluster.census.packets("vxlan"));
  const sink = {
    write(record: TraceRecord): void {
      // The warm-up's step record: the measured wait starts now.
      if (record.kind === "step" && record.index === measuredStep - 1) {
        start = { wall: performance.now(), now: cluster!.sim.now, packets: dataPackets(), requests: servedRequests(cluster!), events: cluster!.sim.scheduler.executed };
      }
    },
  };
  const report = runScenario(scenario, {
    keyCache: fileKeyCache(fileURLToPath(new URL("../key-cache", import.meta.url))),
    sinks: [sink],
    onCluster: (c) => {
      cluster = c;
    },
  });
  const end = performance.now();
  if (!report.ok || start === undefined || cluster === undefined) throw new Error(`dataplane bench: the run failed`);
  return {
    wall: (end - start.wall) / 1000,
    simulated: (report.simulatedTime - start.now) / 1e6,
    packets: dataPackets() - start.packets,
    requests: servedRequests(cluster) - start.requests,
    events: report.events - start.events,
  };
}

function main(argv: readonly string[]): void {
  const nodes = argv[0] === undefined ? 20 : Number(argv[0]);
  if (!Number.isInteger(nodes) || nodes < 2) throw new RangeError(`dataplane bench: expected a node count of at least 2, got "${argv[0]}"`);
  const span = argv[1] === undefined ? parseDuration("60s") : parseDuration(argv[1]);
  console.log(`swarmsim data-plane benchmark: ${nodes} nodes, nginx on ${Math.floor(nodes / 2)}, a busybox curl loop on ${nodes - Math.floor(nodes / 2)}; ${formatDuration(span)} measured after a ${WARM_UP} warm-up`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}; seed ${SEED}, 1 ms links, node:crypto AES-GCM`);
  const results = (["plain", "encrypted"] as const).map((kind) => {
    const f = measure(nodes, span, kind === "encrypted");
    console.log(
      `${kind.padEnd(9)}  ${(f.packets / f.wall).toFixed(0).padStart(7)} data-plane packets/s wall, ${(f.requests / f.wall).toFixed(0).padStart(5)} HTTP requests/s wall` +
        ` (all nginx logs), ${(f.simulated / f.wall).toFixed(2)}× real time; ${f.packets} packets, ${f.events} events in ${f.wall.toFixed(1)} s`,
    );
    return f;
  });
  const [plain, encrypted] = results as [Figures, Figures];
  console.log(`encrypted/plain: ${(encrypted.packets / encrypted.wall / (plain.packets / plain.wall)).toFixed(2)} of the plain overlay's packet rate`);
}

main(process.argv.slice(2));
