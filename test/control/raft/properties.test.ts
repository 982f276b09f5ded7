/**
 * Raft under random faults, in the manner of TigerBeetle's VOPR: a safety phase
 * of crashes, restarts, partitions, heals and message drops over random
 * durations, with the safety properties checked after every delivery; then a
 * liveness phase that heals everything and demands a leader and a commit.
 * Seeds are fixed; fast-check prints `{ seed, path }` on failure to replay it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PersistentState, type RaftEntry, type RaftMessage, RaftCore, electionTicks } from "../../../src/control/raft/index.js";
import { Rng } from "../../../src/sim/index.js";
import { propertyRuns } from "../../support/properties.js";

/** One fault or action of the safety phase, followed by `ticks` ticks. */
type Fault =
  | { readonly kind: "crash"; readonly pick: number; readonly ticks: number }
  | { readonly kind: "crash-leader"; readonly ticks: number }
  | { readonly kind: "isolate-leader"; readonly ticks: number }
  | { readonly kind: "restart"; readonly pick: number; readonly ticks: number }
  | { readonly kind: "partition"; readonly sides: number; readonly ticks: number }
  | { readonly kind: "heal"; readonly ticks: number }
  | { readonly kind: "drops"; readonly percent: number; readonly ticks: number }
  | { readonly kind: "propose"; readonly count: number; readonly ticks: number }
  | { readonly kind: "transfer"; readonly pick: number; readonly ticks: number };

const ticks = fc.integer({ min: 0, max: 3 * electionTicks });
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constant("crash" as const), pick: fc.nat(), ticks }),
  fc.record({ kind: fc.constant("crash-leader" as const), ticks }),
  fc.record({ kind: fc.constant("isolate-leader" as const), ticks }),
  fc.record({ kind: fc.constant("restart" as const), pick: fc.nat(), ticks }),
  fc.record({ kind: fc.constant("partition" as const), sides: fc.nat(), ticks }),
  fc.record({ kind: fc.constant("heal" as const), ticks }),
  fc.record({ kind: fc.constant("drops" as const), percent: fc.integer({ min: 0, max: 40 }), ticks }),
  fc.record({ kind: fc.constant("propose" as const), count: fc.integer({ min: 1, max: 5 }), ticks }),
  fc.record({ kind: fc.constant("transfer" as const), pick: fc.nat(), ticks }),
);

const scenario = fc.record({
  size: fc.integer({ min: 1, max: 7 }),
  /** Raft IDs are arbitrary 64-bit numbers in swarmkit; here anything up to 2^53-1. */
  idBase: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER - 3 * 7 })),
  seed: fc.nat(),
  faults: fc.array(fault, { minLength: 8, maxLength: 40 }),
});

const keyOf = (e: RaftEntry) => `${e.term}/${e.type}/${Buffer.from(e.data).toString("hex")}`;

/**
 * Running nodes, crashed nodes' WALs, and an unreliable network: messages are
 * shuffled, some held to the next tick, some dropped, none cross a partition.
 */
class FaultyCluster {
  readonly nodes = new Map<number, RaftCore>();
  readonly down = new Map<number, PersistentState>();
  /** Every (term, leader) ever seen. */
  readonly leaders = new Map<number, number>();
  /** The entry committed at each index, as first delivered by any node. */
  readonly committedAt = new Map<number, string>();
  readonly applied = new Map<number, RaftEntry[]>();
  dropPercent = 0;
  private side = new Map<number, number>();
  private held: RaftMessage[] = [];
  private runs = 0;
  private readonly net: Rng;

  constructor(
    readonly ids: readonly number[],
    private readonly rng: Rng,
  ) {
    this.net = rng.fork("network");
    for (const id of ids) this.start(id);
  }

  start(id: number, restore?: PersistentState): void {
    const node = new RaftCore({ id, peers: this.ids, rng: this.rng.fork(`node-${id}-run-${this.runs++}`), restore });
    this.nodes.set(id, node);
    this.down.delete(id);
    this.applied.set(id, []);
    this.held.push(...this.collect(id, node));
  }

  crash(id: number): void {
    const node = this.nodes.get(id);
    if (node === undefined) return;
    this.down.set(id, node.persistent());
    this.nodes.delete(id);
  }

  /** Splits the nodes in two by the bits of `sides`. */
  partition(sides: number): void {
    this.side = new Map(this.ids.map((id, i) => [id, Math.floor(sides / 2 ** i) % 2]));
  }

  /** Cuts the current leader off from everyone else. */
  isolateLeader(): void {
    const leader = [...this.nodes].find(([, n]) => n.role === "leader")?.[0];
    if (leader !== undefined) this.side = new Map(this.ids.map((id) => [id, id === leader ? 1 : 0]));
  }

  heal(): void {
    this.side.clear();
    this.dropPercent = 0;
  }

  /** One tick of every running node, then delivery until the network is quiet. */
  tick(): void {
    let queue = this.held;
    this.held = [];
    for (const [id, node] of this.nodes) {
      node.tick();
      queue.push(...this.collect(id, node));
    }
    for (let round = 0; queue.length > 0; round++) {
      if (round > 1000) throw new Error("messages never settle");
      queue = this.deliver(this.net.shuffle(queue));
    }
  }

  leaderNow(): RaftCore | undefined {
    return [...this.nodes.values()].find((n) => n.role === "leader");
  }

  private deliver(queue: readonly RaftMessage[]): RaftMessage[] {
    const next: RaftMessage[] = [];
    for (const m of queue) {
      const to = this.nodes.get(m.to);
      if (to === undefined || (this.side.get(m.from) ?? 0) !== (this.side.get(m.to) ?? 0)) continue;
      if (this.dropPercent > 0 && this.net.chance(this.dropPercent, 100)) continue;
      if (this.dropPercent > 0 && this.net.chance(1, 10)) {
        this.held.push(m);
        continue;
      }
      to.step(m);
      next.push(...this.collect(m.to, to));
    }
    return next;
  }

  /** Drains a node's ready() and checks election safety, log matching of committed entries, and delivery order. */
  private collect(id: number, node: RaftCore): RaftMessage[] {
    const ready = node.ready();
    if (node.role === "leader") this.checkLeader(id, node);
    const applied = this.applied.get(id)!;
    for (const e of ready.committed) {
      expect(e.index, `node ${id} delivers entries in order, once each`).toBe(applied.length + 1);
      const agreed = this.committedAt.get(e.index);
      if (agreed === undefined) this.committedAt.set(e.index, keyOf(e));
      else expect(keyOf(e), `state machine safety at index ${e.index}, node ${id}`).toBe(agreed);
      applied.push(e);
    }
    return ready.messages;
  }

  /** At most one leader per term; a new leader's log holds every entry committed so far (leader completeness). */
  private checkLeader(id: number, node: RaftCore): void {
    const seen = this.leaders.get(node.term);
    if (seen !== undefined) {
      expect(seen, `election safety in term ${node.term}`).toBe(id);
      return;
    }
    this.leaders.set(node.term, id);
    const log = node.persistent().entries;
    for (const [index, key] of this.committedAt) expect(log[index - 1] && keyOf(log[index - 1]!), `leader ${id} of term ${node.term} holds entry ${index}`).toBe(key);
  }
}

/** Runs the faults, checking safety throughout. */
function safetyPhase(cluster: FaultyCluster, faults: readonly Fault[]): void {
  let proposal = 0;
  for (const f of faults) {
    if (f.kind === "crash") cluster.crash(cluster.ids[f.pick % cluster.ids.length]!);
    else if (f.kind === "crash-leader") cluster.crash([...cluster.nodes].find(([, n]) => n.role === "leader")?.[0] ?? 0);
    else if (f.kind === "isolate-leader") cluster.isolateLeader();
    else if (f.kind === "restart") {
      const id = cluster.ids[f.pick % cluster.ids.length]!;
      const saved = cluster.down.get(id);
      if (saved !== undefined) cluster.start(id, saved);
    } else if (f.kind === "partition") cluster.partition(f.sides);
    else if (f.kind === "heal") cluster.heal();
    else if (f.kind === "drops") cluster.dropPercent = f.percent;
    else if (f.kind === "transfer") cluster.leaderNow()?.transferLeadership(cluster.ids[f.pick % cluster.ids.length]!);
    else {
      for (let i = 0; i < f.count; i++) cluster.leaderNow()?.propose(new TextEncoder().encode(`safety-${proposal++}`));
    }
    for (let t = 0; t < f.ticks; t++) cluster.tick();
  }
}

/** Heals and restarts everything; within a bound, a leader must exist and a proposal commit on every node. Returns the ticks taken. */
function livenessPhase(cluster: FaultyCluster): number {
  cluster.heal();
  for (const [id, saved] of [...cluster.down]) cluster.start(id, saved);
  const payload = new TextEncoder().encode("liveness");
  const limit = 30 * electionTicks;
  let proposedIn = -1;
  for (let t = 0; t < limit; t++) {
    const leader = cluster.leaderNow();
    // A proposal is lost if its leader is deposed before it commits; propose again to each new leader.
    if (leader !== undefined && leader.term !== proposedIn && leader.propose(payload).ok) proposedIn = leader.term;
    cluster.tick();
    const done = cluster.ids.every((id) => cluster.applied.get(id)!.some((e) => keyOf(e).endsWith(Buffer.from(payload).toString("hex"))));
    if (done) return t + 1;
  }
  throw new Error(`no leader committed a proposal on every node within ${limit} ticks after healing`);
}

describe("raft under random faults", () => {
  it("keeps election safety, leader completeness and state machine safety, and recovers once healed", () => {
    let worstRecovery = 0;
    fc.assert(
      fc.property(scenario, ({ size, idBase, seed, faults }) => {
        const ids = Array.from({ length: size }, (_, i) => idBase + i * 3);
        const cluster = new FaultyCluster(ids, Rng.root(seed).fork("raft-vopr"));
        safetyPhase(cluster, faults);
        worstRecovery = Math.max(worstRecovery, livenessPhase(cluster));
      }),
      { seed: 7201, numRuns: propertyRuns(300) },
    );
    expect(worstRecovery).toBeLessThan(30 * electionTicks);
  });
});
