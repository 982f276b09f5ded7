/**
 * `npm run bench -- gossip [NODES] [DURATION] [auto|node|noble|tables|all] [NETWORKS]`: how fast the gossip plane runs.
 * NODES nodes (100 by default) on one underlay, each running networkdb over
 * memberlist over the encrypted wire, all joined through the first; every
 * node joins network A and every other node network B, and puts one
 * overlay_peer_table entry in each network it joined. Then DURATION (1 h by
 * default) of simulated time: probes every second, indirect probes, gossip of
 * queued broadcasts, push/pull every 30 s (90 s at 100 nodes), table gossip
 * and a bulk sync per network every 30 s, every packet a real version-1
 * AES-GCM frame.
 *
 * Runs the same world once per AES-GCM backend (by default `auto`, the
 * simulator's default: per-key tables for short messages and node:crypto for
 * long ones; then node:crypto alone; then noble) and reports simulated
 * seconds per wall second of each (the target: at least 300× real
 * time with node:crypto), packets and drops; the bytes are the same. NETWORKS (2
 * by default) takes 0 or 1 to leave network B, or both, out: 0 measures
 * memberlist and networkdb's upkeep alone.
 */

import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { createAead, type AeadBackend } from "../src/crypto/index.js";
import { GossipWire, NetworkDb, gossipNodeName, overlayPeerTable, encodePeerRecord, peerRecordFor, macFromIpv4 } from "../src/gossip/index.js";
import { Fabric, type Ipv4Address, attachWireDigest } from "../src/net/index.js";
import { Simulation, formatDuration, hours, instant, parseDuration, seconds } from "../src/sim/index.js";

const SEED = 1;

interface Outcome {
  readonly wall: number;
  readonly simulated: number;
  readonly packets: number;
  readonly bytes: number;
  readonly events: number;
  readonly dropped: number;
  readonly alive: number;
  /** Entries of network A the last node holds at the end (every node puts one). */
  readonly entries: number;
}

function runWorld(nodes: number, span: number, backend: AeadBackend, networkCount: number): Outcome {
  const sim = new Simulation({ seed: SEED });
  const fabric = new Fabric(sim);
  const wireDigest = attachWireDigest(fabric);
  const aead = createAead(backend);
  const key = sim.rng.fork("keys").bytes(16);
  const dbs: NetworkDb[] = [];
  const wires: GossipWire[] = [];
  for (let i = 0; i < nodes; i++) {
    const host = fabric.addHost(`node-${i + 1}`);
    const rng = sim.rng.fork("gossip").fork(host.name);
    const wire = new GossipWire({ sim, node: host.name, keys: () => [key], crypto: { aead, nonces: rng.fork("nonces") } });
    dbs.push(new NetworkDb({ sim, host, name: gossipNodeName(rng.fork("name")), rng, wire }));
    wires.push(wire);
  }
  for (const db of dbs) db.start();
  dbs[0]!.join([]);
  for (const db of dbs.slice(1)) db.join([fabric.host("node-1").ip]);
  sim.scheduler.run({ until: instant(seconds(20)) });
  dbs.forEach((db, i) => {
    const networks = (i % 2 === 0 ? ["network-a", "network-b"] : ["network-a"]).slice(0, networkCount);
    const vtep = fabric.host(`node-${i + 1}`).ip;
    for (const nid of networks) {
      db.joinNetwork(nid);
      const ip = `10.${nid === "network-a" ? 1 : 2}.${(i >> 8) & 0xff}.${(i & 0xff) + 2}`;
      const address = ip as Ipv4Address;
      const value = encodePeerRecord(peerRecordFor({ address, prefixLength: 16, mac: macFromIpv4(address), vtep }));
      db.createEntry(overlayPeerTable, nid, `endpoint-${i + 1}-${nid}`, value);
    }
  });
  // Let the joins settle before measuring.
  sim.scheduler.run({ until: instant(seconds(60)) });
  const from = { now: sim.now, events: sim.scheduler.executed, packets: wireDigest.packets, bytes: wireDigest.bytes };
  const start = performance.now();
  sim.scheduler.run({ until: instant(sim.now + span) });
  const wall = (performance.now() - start) / 1000;
  let dropped = 0;
  for (const w of wires) for (const n of Object.values(w.counters.dropped)) dropped += n;
  const alive = dbs[0]!.memberlist.members().filter((m) => m.state === "alive").length;
  const entries = dbs[dbs.length - 1]!.entries(overlayPeerTable, "network-a").length;
  return {
    wall,
    simulated: (sim.now - from.now) / 1e6,
    packets: wireDigest.packets - from.packets,
    bytes: wireDigest.bytes - from.bytes,
    events: sim.scheduler.executed - from.events,
    dropped,
    alive,
    entries,
  };
}

function main(argv: readonly string[]): void {
  const nodes = argv[0] === undefined ? 100 : Number(argv[0]);
  if (!Number.isInteger(nodes) || nodes < 2) throw new RangeError(`gossip bench: expected a node count of at least 2, got "${argv[0]}"`);
  const span = argv[1] === undefined ? hours(1) : parseDuration(argv[1]);
  const named = argv[2] === undefined || argv[2] === "all" ? undefined : argv[2];
  if (named !== undefined && !["auto", "node", "noble", "tables"].includes(named)) throw new RangeError(`gossip bench: expected auto, node, noble, tables or all, got "${named}"`);
  const backends: AeadBackend[] = named === undefined ? ["auto", "node", "noble"] : [named as AeadBackend];
  const networkCount = argv[3] === undefined ? 2 : Number(argv[3]);
  if (![0, 1, 2].includes(networkCount)) throw new RangeError(`gossip bench: expected 0, 1 or 2 networks, got "${argv[3]}"`);
  console.log(`swarmsim gossip-plane benchmark: ${nodes} nodes, ${networkCount} networks, ${formatDuration(span)} simulated after a 60 s join`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}; seed ${SEED}, 1 ms links`);
  const results: Array<[AeadBackend, Outcome]> = [];
  for (const backend of backends) {
    const r = runWorld(nodes, span, backend, networkCount);
    results.push([backend, r]);
    const ratio = r.simulated / r.wall;
    console.log(
      `${backend.padEnd(6)} ${formatDuration(span)} simulated in ${r.wall.toFixed(2)} s wall = ${ratio.toFixed(0)}× real time${backend === "node" || backend === "auto" ? " (target ≥ 300×)" : ""}; ` +
        `${r.events} events, ${r.packets} packets (${(r.packets / r.simulated).toFixed(1)}/s), ${r.bytes} bytes, ${r.dropped} dropped, ${r.alive}/${nodes} alive at node-1, ${r.entries}/${nodes} network-a entries at node-${nodes}`,
    );
  }
  const node = results.find(([b]) => b === "node")?.[1];
  for (const [backend, r] of results) {
    if (node !== undefined && backend !== "node") console.log(`${backend} / node:crypto wall time: ${(r.wall / node.wall).toFixed(2)}×`);
  }
}

main(process.argv.slice(2));
