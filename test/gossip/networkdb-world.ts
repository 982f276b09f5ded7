/** A networkdb world for tests: hosts on a fabric, each running networkdb over memberlist and the encrypted wire. */
import { defaultAead } from "../../src/crypto/index.js";
import { type GossipTimings, GossipWire, NetworkDb, type TableChange, gossipNodeName } from "../../src/gossip/index.js";
import { Fabric, type Host } from "../../src/net/index.js";
import { type Duration, MemorySink, Simulation, instant } from "../../src/sim/index.js";
import { testKey } from "./gossip-world.js";

export interface NetworkDbPeer {
  readonly host: Host;
  readonly wire: GossipWire;
  readonly db: NetworkDb;
  /** Every table event its watchers heard. */
  readonly heard: TableChange[];
  /** This node's own gossip keyring, primary first: replace it to rotate (the wire reads it at each use). */
  keys: Uint8Array[];
}

export interface NetworkDbWorldOptions {
  readonly seed?: number;
  /** The keyring every node starts with, primary first (each node gets its own copy); one test key unless told. */
  readonly keys?: readonly Uint8Array[];
  /** Every node's timings; the spec's unless told. */
  readonly timings?: Partial<GossipTimings>;
}

/** `count` nodes named node-1.., each with a networkdb named by a 12-hex ID, none started. */
export function networkDbWorld(count: number, options: NetworkDbWorldOptions = {}) {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  const trace = new MemorySink();
  sim.trace.addSink(trace);
  const fabric = new Fabric(sim);
  const aead = defaultAead();
  const peers: NetworkDbPeer[] = [];
  for (let i = 0; i < count; i++) {
    const host = fabric.addHost(`node-${i + 1}`);
    const rng = sim.rng.fork("gossip").fork(host.name);
    const holder = { keys: (options.keys ?? [testKey(1)]).slice() };
    const wire = new GossipWire({ sim, node: host.name, keys: () => holder.keys, crypto: { aead, nonces: rng.fork("nonces") } });
    const db = new NetworkDb({ sim, host, name: gossipNodeName(rng.fork("name")), rng, wire, timings: options.timings });
    const heard: TableChange[] = [];
    db.on("table", (change) => heard.push(change));
    peers.push({
      host,
      wire,
      db,
      heard,
      get keys() {
        return holder.keys;
      },
      set keys(ring: Uint8Array[]) {
        holder.keys = ring;
      },
    });
  }
  const run = (d: Duration) => sim.scheduler.run({ until: instant(sim.now + d) });
  /** Starts every node and has each join the cluster through node-1. */
  const startAll = () => {
    for (const p of peers) p.db.start();
    peers[0]!.db.join([]);
    for (const p of peers.slice(1)) p.db.join([peers[0]!.host.ip]);
  };
  const peer = (n: number) => peers[n - 1]!;
  return { sim, trace, fabric, peers, peer, run, startAll };
}

const text = new TextEncoder();
const untext = new TextDecoder();

/** Bytes of a short text value. */
export const bytes = (s: string) => text.encode(s);
/** The text of a value, or undefined. */
export const str = (b: Uint8Array | undefined) => (b === undefined ? undefined : untext.decode(b));
