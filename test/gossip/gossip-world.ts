/** A small gossip world for tests: hosts on a fabric, each running memberlist over the encrypted wire. */
import { defaultAead } from "../../src/crypto/index.js";
import { type GossipTimings, GossipWire, Memberlist, type MemberlistDelegate } from "../../src/gossip/index.js";
import { Fabric, type Host } from "../../src/net/index.js";
import { MemorySink, Simulation, type Duration, instant } from "../../src/sim/index.js";

export interface GossipPeer {
  readonly host: Host;
  readonly wire: GossipWire;
  list: Memberlist;
  keys: Uint8Array[];
}

export interface GossipWorldOptions {
  readonly seed?: number;
  /** The shared keyring, primary first; empty for plaintext. */
  readonly keys?: Uint8Array[];
  readonly delegate?: (index: number, peer: Omit<GossipPeer, "list">) => MemberlistDelegate | undefined;
  /** Every node's timings; the spec's unless told. */
  readonly timings?: Partial<GossipTimings>;
}

export const testKey = (n: number) => new Uint8Array(16).fill(n);

/** `count` nodes named node-1.., each with a memberlist named by a 12-hex ID, none started. */
export function gossipWorld(count: number, options: GossipWorldOptions = {}) {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  const trace = new MemorySink();
  sim.trace.addSink(trace);
  const fabric = new Fabric(sim);
  const aead = defaultAead();
  const peers: GossipPeer[] = [];
  for (let i = 0; i < count; i++) {
    const host = fabric.addHost(`node-${i + 1}`);
    const rng = sim.rng.fork("gossip").fork(host.name);
    const holder = { keys: (options.keys ?? [testKey(1)]).slice() };
    const wire = new GossipWire({ sim, node: host.name, keys: () => holder.keys, crypto: { aead, nonces: rng.fork("nonces") } });
    const name = [...rng.fork("name").bytes(6)].map((b) => b.toString(16).padStart(2, "0")).join("");
    const partial = { host, wire, keys: holder.keys };
    const delegate = options.delegate?.(i, partial);
    const list = new Memberlist({ sim, host, name, rng: rng.fork("memberlist"), wire, timings: options.timings, ...(delegate === undefined ? {} : { delegate }) });
    const peer: GossipPeer = {
      host,
      wire,
      list,
      get keys() {
        return holder.keys;
      },
      set keys(k: Uint8Array[]) {
        holder.keys = k;
      },
    };
    peers.push(peer);
  }
  const run = (d: Duration) => sim.scheduler.run({ until: instant(sim.now + d) });
  /** Starts every node and has each join through node-1. */
  const startAll = () => {
    for (const p of peers) p.list.start();
    for (const p of peers.slice(1)) p.list.join([peers[0]!.host.ip]);
  };
  /** What `p` thinks of every other node: name → state. */
  const view = (p: GossipPeer) => Object.fromEntries(p.list.members().map((m) => [m.name, m.state]));
  return { sim, trace, fabric, peers, run, startAll, view };
}
