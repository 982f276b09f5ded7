/**
 * `npm run bench [-- NAME [ARGS...]]`: every benchmark in turn, or only NAME
 * (with ARGS passed on to it). Each runs in its own Node process, so that one's
 * heap and JIT state (a million pending events, a thousand TLS endpoints) do
 * not colour the next one's figures. See docs/performance.md.
 */

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

interface Bench {
  readonly name: string;
  /** What it measures, printed before it runs. */
  readonly measures: string;
  /** About how long it takes on two cores. */
  readonly duration: string;
  /** Arguments when every bench runs in turn (the bench's own defaults otherwise). */
  readonly inTurn?: readonly string[];
}

const BENCHES: readonly Bench[] = [
  {
    name: "scheduler",
    measures: "events per second of the event list on the hold model (N = 1e3, 1e5, 1e6 pending), against a bare heap and SimPy",
    duration: "about 2 min",
  },
  {
    name: "pki",
    measures: "a deterministic RSA-2048 key, issuing a node certificate from a CSR, one private-key operation; against node-forge's JS",
    duration: "about 15 s",
  },
  {
    name: "tls",
    measures: "wall time of one mutual-TLS connection on the simulated wire, full and resumed, forge's RSA and node:crypto's",
    duration: "about 5 s",
  },
  {
    name: "records",
    measures: "application-data records per second on an established mTLS session (200 B, 4 KiB, 15 KiB), forge's record layer and node:crypto's; then 200-byte request/response exchanges, a heartbeat's transport alone",
    duration: "about 30 s",
  },
  {
    name: "bootstrap",
    measures: "wall time to bootstrap an N-node swarm (init, then N−1 joins over TLS on the simulated wire), cold and with the key cache",
    duration: "about 1 min",
  },
  {
    name: "control",
    measures: "simulated seconds per wall second of a bootstrapped swarm's control plane (raft, dispatcher sessions, key rotation; `swarm` adds every node's gossip plane), 100 nodes / 3 managers / 7 days by default",
    duration: "about 15 s in turn (20 nodes, 2 h); about 25-30 min at its defaults",
    inTurn: ["20", "2h"],
  },
  {
    name: "esp",
    measures: "ESP seal + open of 1400-byte payloads against the bare AES-GCM of the same backend, node:crypto and noble",
    duration: "about 30 s",
  },
  {
    name: "dataplane",
    measures: "data-plane packets and HTTP requests per wall second of a swarm whose busybox tasks fetch nginx's page in a loop, on a plain then an encrypted overlay; 20 nodes / 60 s by default",
    duration: "about 1-2 min",
  },
  {
    name: "aead",
    measures: "µs per AES-GCM seal and open by message size on each backend (node:crypto, per-key tables, auto, noble): where the tables stop paying",
    duration: "about 20 s",
  },
  {
    name: "gossip",
    measures: "simulated seconds per wall second of the gossip plane: networkdb over memberlist, every frame AES-GCM, 100 nodes / 2 networks / 1 h by default, auto, node:crypto, noble",
    duration: "about 20 s in turn (20 nodes, 10 min); about 3-4 min at its defaults",
    inTurn: ["20", "10m"],
  },
];

const usage = `usage: npm run bench [-- NAME [ARGS...]]   NAME: ${BENCHES.map((b) => b.name).join(", ")}`;

function runOne(bench: Bench, args: readonly string[]): { status: number; seconds: number } {
  console.log(`=== ${bench.name}: ${bench.measures} (${bench.duration})`);
  const script = fileURLToPath(new URL(`./${bench.name}.js`, import.meta.url));
  const start = performance.now();
  const child = spawnSync(process.execPath, [script, ...args], { stdio: "inherit" });
  const seconds = (performance.now() - start) / 1000;
  const status = child.status ?? 1;
  if (status !== 0) console.log(`=== ${bench.name} failed (${child.signal ?? `exit ${status}`})`);
  console.log("");
  return { status, seconds };
}

function main(argv: readonly string[]): number {
  const [name, ...args] = argv;
  if (name === "--help" || name === "-h") {
    console.log(usage);
    return 0;
  }
  const chosen = name === undefined ? BENCHES : BENCHES.filter((b) => b.name === name);
  if (chosen.length === 0) {
    console.error(`unknown bench "${name}"\n${usage}`);
    return 2;
  }
  const results = chosen.map((bench) => ({ bench, ...runOne(bench, name === undefined ? (bench.inTurn ?? []) : args) }));
  if (results.length > 1) {
    const summary = results.map((r) => `${r.bench.name} ${r.seconds.toFixed(0)} s${r.status === 0 ? "" : " (failed)"}`);
    console.log(`all benches: ${summary.join(", ")}; total ${results.reduce((t, r) => t + r.seconds, 0).toFixed(0)} s`);
  }
  return results.every((r) => r.status === 0) ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
