/**
 * `npm run bench -- bootstrap [N ...]`: wall time to bootstrap an N-node swarm
 * (one manager, N − 1 workers) through the path a scenario takes: `docker swarm
 * init` (root CA, the manager's key and certificate), then one `docker swarm
 * join` per worker, in turn (the root CA fetched over TLS without verification
 * and pinned by the token's digest; a key and a CSR; IssueNodeCertificate and
 * NodeCertificateStatus over TLS that verifies the manager against the pinned
 * root), every byte on the simulated wire. 2048-bit keys, 1 ms links, no loss.
 * The manager asks each caller for a certificate, but a joining node has none
 * yet, so these handshakes authenticate the manager only; the table counts
 * those where the client did present one ("mutual").
 *
 * Each size runs twice, each time with a fresh simulation:
 * - cold: every key is drawn. The run starts with an empty in-memory key cache
 *   and fills it as it goes, which makes it the first run that warms the cache;
 *   writing a key to it (PEM) costs about 0.4 ms, against about 50-60 ms to draw one.
 * - cached: the same swarm again, every key read from that cache.
 * Both must give the same fingerprint (a cached key is the key drawing gives):
 * the last column checks it. Sizes the underlay cannot hold are reported, not run.
 */

import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { type KeyCache, MemoryKeyCache } from "../src/pki/index.js";
import { type RunReport, type Scenario, loadScenario, runScenario } from "../src/scenario/index.js";
import { Simulation, type TraceRecord } from "../src/sim/index.js";
import { Cluster } from "../src/swarm/index.js";

const SEED = 1;
/** The sizes; 1000 nodes take about a minute and a half of wall time (cold, then cached). */
const DEFAULT_SIZES = [10, 100, 1000];

/** Counts what the runs asked of the cache. */
class CountingCache implements KeyCache {
  private readonly inner = new MemoryKeyCache();
  hits = 0;
  misses = 0;

  get(key: string): string | undefined {
    const pem = this.inner.get(key);
    if (pem === undefined) this.misses++;
    else this.hits++;
    return pem;
  }

  set(key: string, pem: string): void {
    this.inner.set(key, pem);
  }
}

/** What one bootstrap did and cost. */
interface BootstrapRun {
  readonly report: RunReport;
  readonly packets: number;
  readonly seconds: number;
  /** Completed handshakes, counted once (client side). */
  readonly handshakes: number;
  readonly resumed: number;
  /** Handshakes in which the client presented a certificate. */
  readonly mutual: number;
  readonly failedHandshakes: number;
  readonly keysDrawn: number;
  readonly keysCached: number;
}

function scenarioOf(nodes: number, seed: number): Scenario {
  const yaml = `name: bootstrap-${nodes}\nseed: ${seed}\ncluster: {managers: 1, workers: ${nodes - 1}}\nunderlay: {latency: 1ms, loss: 0%}\nsteps: []\n`;
  return loadScenario(yaml, `bench/bootstrap-${nodes}`);
}

/** Why a swarm of this size cannot be built here, or undefined if it can. */
function unbuildable(scenario: Scenario): string | undefined {
  try {
    new Cluster(new Simulation({ seed: scenario.seed }), scenario.cluster, scenario.underlay);
    return undefined;
  } catch (err) {
    if (err instanceof RangeError) return err.message;
    throw err;
  }
}

function bootstrap(scenario: Scenario, cache: CountingCache): BootstrapRun {
  let handshakes = 0;
  let resumed = 0;
  let failedHandshakes = 0;
  let mutual = 0;
  const counter = {
    write(record: TraceRecord): void {
      // The server's record names the client's certificate, if the client sent one.
      if (record.role === "server" && record.kind === "tls.handshake.done" && record.peerCN !== undefined) mutual++;
      if (record.role !== "client") return;
      if (record.kind === "tls.handshake.done") {
        handshakes++;
        if (record.resumed === true) resumed++;
      } else if (record.kind === "tls.handshake.failed") failedHandshakes++;
    },
  };
  const [hitsBefore, missesBefore] = [cache.hits, cache.misses];
  let wire: { readonly packets: number } | undefined;
  const start = performance.now();
  const report = runScenario(scenario, {
    keyCache: cache,
    sinks: [counter],
    onCluster: (cluster) => {
      wire = cluster.wire;
    },
  });
  const seconds = (performance.now() - start) / 1000;
  if (!report.ok) throw new Error(`bootstrap of ${scenario.name} failed: ${report.steps.find((s) => s.checks.some((c) => !c.ok))?.output?.stderr}`);
  return {
    report,
    packets: wire?.packets ?? 0,
    seconds,
    handshakes,
    resumed,
    mutual,
    failedHandshakes,
    keysDrawn: cache.misses - missesBefore,
    keysCached: cache.hits - hitsBefore,
  };
}

const pad = (cells: readonly string[], widths: readonly number[]): string =>
  cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");

function sizesFrom(argv: readonly string[]): number[] {
  if (argv.length === 0) return DEFAULT_SIZES;
  return argv.map((word) => {
    const n = Number(word);
    if (!/^\d+$/.test(word) || n < 2) throw new RangeError(`bootstrap bench: expected node counts of at least 2, got "${word}"`);
    return n;
  });
}

function main(argv: readonly string[]): void {
  const sizes = sizesFrom(argv);
  console.log("swarmsim bootstrap benchmark: docker swarm init + N−1 joins, RSA 2048, wall time per swarm");
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}; seed ${SEED}, 1 manager + N−1 workers, 1 ms links`);

  // JIT warm-up on another seed, so the first timed run does not pay for it.
  bootstrap(scenarioOf(3, SEED + 1), new CountingCache());

  const widths = [5, 6, 8, 8, 11, 8, 10, 6, 6, 10, 8];
  const header = ["N", "run", "events", "packets", "simulated", "wall s", "handshakes", "mutual", "hs/s", "keys drawn", "same run"];
  const rows: string[] = [];
  const notes: string[] = [];
  for (const nodes of sizes) {
    const scenario = scenarioOf(nodes, SEED);
    const refused = unbuildable(scenario);
    if (refused !== undefined) {
      rows.push(pad([String(nodes), "-", "cannot be built here (see below)"], [5, 6, 0]));
      notes.push(`N=${nodes}: ${refused}`);
      continue;
    }
    const cache = new CountingCache();
    const cold = bootstrap(scenario, cache);
    const cached = bootstrap(scenario, cache);
    const same = cached.report.fingerprint === cold.report.fingerprint && cached.keysDrawn === 0;
    for (const [label, run] of [["cold", cold], ["cached", cached]] as const) {
      rows.push(
        pad(
          [
            String(nodes),
            label,
            String(run.report.events),
            String(run.packets),
            `${(run.report.simulatedTime / 1e6).toFixed(3)} s`,
            run.seconds.toFixed(2),
            String(run.handshakes) + (run.resumed > 0 ? ` (${run.resumed} resumed)` : ""),
            String(run.mutual),
            (run.handshakes / run.seconds).toFixed(0),
            `${run.keysDrawn}/${run.keysDrawn + run.keysCached}`,
            label === "cold" ? "-" : same ? "yes" : "NO",
          ],
          widths,
        ),
      );
      if (run.failedHandshakes > 0) notes.push(`N=${nodes} ${label}: ${run.failedHandshakes} handshakes failed`);
    }
    console.log(`  measured N=${nodes}: cold ${cold.seconds.toFixed(1)} s, cached ${cached.seconds.toFixed(1)} s`);
  }

  console.log("");
  console.log(pad(header, widths));
  for (const row of rows) console.log(row);
  console.log("");
  console.log("one run each; wall s covers building the cluster and every step of the bootstrap;");
  console.log("handshakes: completed TLS handshakes, two per join (the root CA fetch, the certificate request);");
  console.log("mutual: of those, the ones where the client presented a certificate; hs/s: handshakes per wall second;");
  console.log("keys drawn/needed; same run: the cached run has the cold run's fingerprint");
  for (const note of notes) console.log(note);
}

main(process.argv.slice(2));
