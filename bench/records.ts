/**
 * The cost of an application-data record on an established control-plane
 * session: records per second from a worker to a manager over mutual TLS on a
 * simulated fabric, each one sealed (HMAC-SHA1, padding, AES-128-CBC under a
 * fresh explicit IV) by one session and opened by the other, with forge's
 * pure-JS record layer and with the native one (src/tls/record-native.ts),
 * measured in the same run. A plain stream carrying the same bytes with no TLS
 * shows what the simulated TCP underneath costs on its own.
 *
 * Run: `npm run bench -- records`.
 *
 * Sizes: 200 bytes (a dispatcher heartbeat and its framing), 4 KiB (an
 * assignment set), 15 360 bytes (forge's largest fragment). Figures are the
 * median of five rounds of about 0.4 s each, the record layers taking turns.
 *
 * Then exchanges: a 200-byte request answered by 200 bytes, the next request
 * sent when the answer is in, on the native record layer and on a bare
 * stream. That is a heartbeat's transport with nothing above it (no RPC
 * framing, no protobuf, no dispatcher), so its cost is a floor under what a
 * heartbeat can cost in the control-plane bench.
 */

import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { Fabric, type Host, type Stream, fixedLatency } from "../src/net/index.js";
import { createCsr, createRootCa, createRsaKey, issueNodeCertificate, rootSigner } from "../src/pki/index.js";
import { EPOCH, Rng, Simulation, ms } from "../src/sim/index.js";
import { type TlsIdentity, TlsSession, TrustStore } from "../src/tls/index.js";

const SIZES = [200, 4096, 15_360] as const;
const ROUNDS = 5;
const ROUND_MS = 400;
/** Records written before the simulation runs: a burst, as many nodes' heartbeats due at once. */
const BATCH = 50;

type Path = "forge" | "native" | "no TLS";

interface Pki {
  readonly rootPem: string;
  readonly manager: TlsIdentity;
  readonly worker: TlsIdentity;
}

function makePki(): Pki {
  const rng = Rng.root(1).fork("bench-records");
  const root = createRootCa(rng.fork("root"), EPOCH);
  const identity = (nodeId: string, role: "manager" | "worker"): TlsIdentity => {
    const key = createRsaKey(rng.fork(nodeId), "tls-key");
    const issued = issueNodeCertificate(rootSigner(root), {
      csrPem: createCsr(key), nodeId, role, clusterId: "k0dcbzbq3k8vm9c2l6m4x2k0a", at: EPOCH, rng: rng.fork(`${nodeId}-serial`),
    });
    if (!issued.ok) throw new Error(`bench: ${issued.message}`);
    return { chainPem: [issued.chainPem], privateKey: key };
  };
  return { rootPem: root.certPem, manager: identity("manager1manager1manager1m", "manager"), worker: identity("worker1worker1worker1work", "worker") };
}

/** Something that carries `count` records of `size` bytes from worker to manager and returns when all have arrived. */
interface Link {
  send(payload: Uint8Array, count: number): void;
  /** `count` request/response exchanges of `payload`, one at a time: each request answered by the same bytes, as an RPC is. */
  exchange(payload: Uint8Array, count: number): void;
  /** Packets put on the wire so far. */
  packets(): number;
}

/** A worker and a manager on a 1 ms fabric with a stream between them: TLS on it (`forge`, `native`), or bare. */
function link(pki: Pki, path: Path): Link {
  const sim = new Simulation({ seed: 1 });
  const fabric = new Fabric(sim, { latency: fixedLatency(ms(1)) });
  const manager: Host = fabric.addHost("manager-1");
  const worker: Host = fabric.addHost("worker-1");
  const tls = sim.rng.fork("tls");
  const trust = new TrustStore([pki.rootPem]);
  const nativeRecords = path === "native";
  let received = 0;
  /** In exchanges, the bytes of the request in hand: the manager answers once it holds a whole one. */
  let answer: Uint8Array | undefined;
  let pending = 0;
  const serve = (bytes: Uint8Array, reply: (bytes: Uint8Array) => void): void => {
    received += bytes.length;
    if (answer === undefined) return;
    pending += bytes.length;
    if (pending < answer.length) return;
    pending = 0;
    reply(answer);
  };
  manager.listen(2377, (stream: Stream) => {
    if (path === "no TLS") {
      stream.on("data", (bytes) => serve(bytes, (reply) => stream.write(reply)));
      return;
    }
    const server = new TlsSession({ role: "server", stream, identity: pki.manager, trust, peerAuth: "if-given", clock: () => sim.now, rng: tls.fork("accept"), nativeRecords });
    server.on("data", (bytes) => serve(bytes, (reply) => server.write(reply)));
  });
  const stream = worker.connect(manager.ip, 2377);
  const client =
    path === "no TLS"
      ? undefined
      : new TlsSession({ role: "client", stream, identity: pki.worker, trust, peerAuth: "require", serverName: "swarm-manager", clock: () => sim.now, rng: tls.fork("connect"), nativeRecords });
  sim.scheduler.run();
  if (client !== undefined && client.state !== "secure") throw new Error(`bench: the session is ${client.state}`);
  return {
    send(payload, count) {
      const expected = received + payload.length * count;
      for (let i = 0; i < count; i++) {
        if (client === undefined) stream.write(payload);
        else client.write(payload);
      }
      sim.scheduler.run();
      if (received !== expected) throw new Error(`bench: ${received} bytes arrived, ${expected} expected`);
    },
    packets: () => fabric.counters.sent,
    exchange(payload, count) {
      const write = (bytes: Uint8Array): void => {
        if (client === undefined) stream.write(bytes);
        else client.write(bytes);
      };
      let left = count;
      let back = 0;
      const onReply = (bytes: Uint8Array): void => {
        back += bytes.length;
        if (back < payload.length) return;
        back = 0;
        if (--left > 0) write(payload);
      };
      if (client === undefined) stream.on("data", onReply);
      else client.on("data", onReply);
      answer = payload;
      write(payload);
      sim.scheduler.run();
      answer = undefined;
      if (client === undefined) stream.off("data", onReply);
      else client.off("data", onReply);
      if (left !== 0) throw new Error(`bench: ${left} exchanges unanswered`);
    },
  };
}

/** How many times a second `batch` (which does `BATCH` of something) runs, over about `ROUND_MS`; and how many packets each one took. */
function perSecond(link: Link, batch: () => void): { perSecond: number; packets: number } {
  let done = 0;
  const packetsBefore = link.packets();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    batch();
    done += BATCH;
    elapsed = performance.now() - start;
  }
  return { perSecond: (done / elapsed) * 1000, packets: (link.packets() - packetsBefore) / done };
}

/** Records per second over about `ROUND_MS`. */
const rate = (link: Link, payload: Uint8Array): number => perSecond(link, () => link.send(payload, BATCH)).perSecond;

/** Request/response exchanges per second over about `ROUND_MS`, and the packets each took. */
const exchangeRate = (link: Link, payload: Uint8Array) => perSecond(link, () => link.exchange(payload, BATCH));

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const PATHS: readonly Path[] = ["forge", "native", "no TLS"];
const EXCHANGE_PATHS: readonly Path[] = ["native", "no TLS"];
/** About a dispatcher heartbeat request or response with its gRPC framing. */
const EXCHANGE_BYTES = 200;

function main(): void {
  console.log("swarmsim record benchmark: application-data records per second, worker → manager over mTLS (TLS 1.1, AES-128-CBC-SHA) on a simulated fabric");
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`);
  const pki = makePki();
  console.log("");
  console.log(`${"record".padEnd(14)}${"forge rec/s".padStart(13)}${"native rec/s".padStart(14)}${"native/forge".padStart(14)}${"no TLS rec/s".padStart(14)}${"µs/rec forge".padStart(14)}${"µs/rec native".padStart(15)}`);
  for (const size of SIZES) {
    const payload = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
    const links = new Map(PATHS.map((path) => [path, link(pki, path)] as const));
    for (const [, l] of links) rate(l, payload); // warm-up: JIT, node:crypto, the fabric's buffers
    const rates = new Map<Path, number[]>(PATHS.map((path) => [path, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of PATHS) rates.get(path)!.push(rate(links.get(path)!, payload));
    }
    const [forgeRate, nativeRate, bareRate] = PATHS.map((path) => median(rates.get(path)!)) as [number, number, number];
    console.log(
      `${`${size} bytes`.padEnd(14)}${forgeRate.toFixed(0).padStart(13)}${nativeRate.toFixed(0).padStart(14)}${`${(nativeRate / forgeRate).toFixed(1)}×`.padStart(14)}` +
        `${bareRate.toFixed(0).padStart(14)}${(1e6 / forgeRate).toFixed(1).padStart(14)}${(1e6 / nativeRate).toFixed(1).padStart(15)}`,
    );
  }
  console.log("");
  console.log(`rounds: ${ROUNDS} × ~${ROUND_MS} ms per path and size, median; batches of ${BATCH} records per simulation run`);
  console.log("");
  console.log(`exchanges: a ${EXCHANGE_BYTES}-byte request answered by ${EXCHANGE_BYTES} bytes, one at a time on one session (a heartbeat's shape, without its RPC layer)`);
  console.log(`${"path".padEnd(14)}${"exchanges/s".padStart(13)}${"µs/exchange".padStart(14)}${"packets".padStart(10)}`);
  const payload = Uint8Array.from({ length: EXCHANGE_BYTES }, (_, i) => (i * 7) & 0xff);
  const links = new Map(EXCHANGE_PATHS.map((path) => [path, link(pki, path)] as const));
  for (const [, l] of links) exchangeRate(l, payload);
  const rates = new Map<Path, number[]>(EXCHANGE_PATHS.map((path) => [path, []]));
  const packets = new Map<Path, number>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const path of EXCHANGE_PATHS) {
      const measured = exchangeRate(links.get(path)!, payload);
      rates.get(path)!.push(measured.perSecond);
      packets.set(path, measured.packets);
    }
  }
  for (const path of EXCHANGE_PATHS) {
    const r = median(rates.get(path)!);
    console.log(`${path.padEnd(14)}${r.toFixed(0).padStart(13)}${(1e6 / r).toFixed(1).padStart(14)}${packets.get(path)!.toFixed(2).padStart(10)}`);
  }
}

main();
