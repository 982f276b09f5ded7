/**
 * The whole swarm under random faults. For random cluster sizes (1 to 5
 * managers, 0 to 3 workers) and random schedules of crashes, isolations and
 * two-sided partitions, each undone after a random time, over three key
 * rotation intervals and one more interval after the last fault:
 *
 * - no two managers lead in the same raft term (election safety, checked on
 *   every raft state change any manager records);
 * - every key rotation is seen by every node that stayed connected:
 *   `deliveryWindow` after the rotation, such a node holds the rotation's new
 *   gossip key and its new IPsec key, and the store holds them (the rotation
 *   committed);
 * - no node ever holds more than 3 keys per subsystem (checked on every key
 *   change any node applies, and at every fault), with the one exception the
 *   simulator reproduces on purpose (see `checkKeyCount`).
 *
 * "Stayed connected" is defined conservatively. A node's part of the network is
 * the set of nodes that are up and that it can reach both ways. A node stayed
 * connected for a rotation when, from `settle` before the rotation to
 * `deliveryWindow` after it, its part never changed (no crash, restart,
 * partition or heal touched it) and held the rotating leader and a quorum of
 * the managers.
 * `settle` is longer than an election timeout, a dial to a dead address and an
 * agent's longest session backoff together, so that a node healed or restarted
 * just before a rotation is not required to have caught up yet.
 *
 * The key manager rotates every 10 simulated minutes instead of 12 h
 * (`cluster.keyRotation`), so that a run covers a few rotations in about a
 * second. Seeds are fixed; on failure fast-check prints `{ seed, path }` and
 * the counterexample, which replay it. A run is too slow to shrink in a test,
 * so the first failure is reported as found (`endOnFailure`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type KeySubsystem, type NodeKeys, keyringSize, quorumSize, subsystemGossip, subsystemIpsec } from "../../src/control/index.js";
import { type TraceRecord, instant, minutes, seconds } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";
import { type World, tokenOf, world } from "../support/swarm.js";

const interval = minutes(10);
const subsystems: readonly KeySubsystem[] = [subsystemGossip, subsystemIpsec];
/** How long after a rotation its keys must have reached the connected nodes: a heartbeat period (5 s ± 0.5 s) and the network's delay. */
const deliveryWindow = seconds(6);
/** How long before a rotation a node's part of the network must already have been as it stays. */
const settle = minutes(2);

/** Whom a crash or an isolation hits: the leader when it starts (if there is one), or a node by index. */
type Who = "leader" | number;

/** A fault in force from `start` for `lasts` seconds (counted from when the faults begin), then undone. */
type Fault =
  | { readonly kind: "crash" | "isolate"; readonly who: Who; readonly start: number; readonly lasts: number }
  | { readonly kind: "partition"; readonly sides: number; readonly start: number; readonly lasts: number };

const who: fc.Arbitrary<Who> = fc.oneof(fc.constant("leader" as const), fc.nat());
/** Over three rotation intervals; short faults, and long ones that span one or two rotations. */
const start = fc.integer({ min: 0, max: (3 * interval) / seconds(1) });
const lasts = fc.oneof(fc.integer({ min: 5, max: 120 }), fc.integer({ min: 120, max: 25 * 60 }));
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constantFrom("crash" as const, "isolate" as const), who, start, lasts }),
  fc.record({ kind: fc.constant("partition" as const), sides: fc.nat(), start, lasts }),
);

const scenario = fc.record({
  managers: fc.integer({ min: 1, max: 5 }),
  workers: fc.integer({ min: 0, max: 3 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  faults: fc.array(fault, { minLength: 1, maxLength: 6 }),
});

/** Who is up and which nodes each can reach both ways, from `at` until the next snapshot. */
interface Snapshot {
  readonly at: number;
  /** The part of the network each node is in (itself included), its names joined in a fixed order; undefined while it is down. */
  readonly parts: ReadonlyMap<string, string | undefined>;
}

/** A swarm of `managers` and `workers`, joined, with the checks wired to its trace. */
class Run {
  readonly w: World;
  readonly managers: readonly string[];
  readonly names: readonly string[];
  /** Every violation seen, as it was seen; the property asserts there are none. */
  readonly problems: string[] = [];
  /** Raft term → the leader of that term (node and raft ID). */
  private readonly leaders = new Map<number, string>();
  private readonly history: Snapshot[] = [];
  /** Rotations checked, and how many nodes each was checked on. */
  readonly checked: { at: number; nodes: number }[] = [];
  /** Tags of every key the key managers made, by subsystem. */
  private readonly tags = { [subsystemGossip]: new Set<number>(), [subsystemIpsec]: new Set<number>() };
  /** Each membership's keys that have had their first set. */
  private readonly initialized = new WeakSet<NodeKeys>();
  /** Each membership's keys that took a change skipping a rotation (two or more new keys in a subsystem at once). */
  private readonly skipped = new WeakSet<NodeKeys>();
  /** Times a node that skipped a rotation held more than 3 keys in a subsystem (libnetwork's gap, see `checkKeyCount`). */
  knownGap = 0;

  constructor(managers: number, workers: number, seed: number) {
    this.w = world({ seed, managers, workers, keyRotationUs: interval });
    this.managers = Array.from({ length: managers }, (_, i) => `m${i + 1}`);
    this.names = [...this.managers, ...Array.from({ length: workers }, (_, i) => `w${i + 1}`)];
    this.w.sim.trace.addSink({ write: (record) => this.observe(record) });
    const { w } = this;
    expect(w.docker("m1", "docker swarm init").exitCode).toBe(0);
    const managerToken = tokenOf(w, "manager");
    const workerToken = tokenOf(w, "worker");
    for (const m of this.managers.slice(1)) expect(w.docker(m, `docker swarm join --token ${managerToken} m1:2377`).exitCode, m).toBe(0);
    for (const n of this.names.slice(managers)) expect(w.docker(n, `docker swarm join --token ${workerToken} m1:2377`).exitCode, n).toBe(0);
    this.advance(seconds(30));
    // Every manager is a raft voter before the faults begin, so a quorum is a majority of `managers`.
    for (const m of this.managers) expect(w.cluster.node(m).manager?.raft, `${m} runs raft`).toBeDefined();
    this.snapshot();
  }

  /** Runs simulated time forward by `by`, then checks every node's keys. */
  advance(by: number): void {
    this.w.sim.scheduler.run({ until: instant(this.w.sim.now + by) });
    for (const name of this.names) this.checkKeyCount(name);
  }

  leader(): string | undefined {
    return this.managers.find((m) => this.w.cluster.node(m).manager?.isLeader === true);
  }

  /**
   * Runs the faults: at each start or end, the nodes whose crashes are all over
   * restart, newly crashed ones go down, and the network is rebuilt from the
   * isolations and partitions in force. Ends when the last fault is undone.
   */
  runFaults(faults: readonly Fault[]): void {
    const { cluster } = this.w;
    const begin = this.w.sim.now;
    const edges = faults.flatMap((f, i) => [
      { at: f.start, i, on: true },
      { at: f.start + f.lasts, i, on: false },
    ]);
    edges.sort((a, b) => a.at - b.at || a.i - b.i);
    /** What each fault in force hits: a node name, or two sides. */
    const active = new Map<number, string | readonly (readonly string[])[] | undefined>();
    for (let e = 0; e < edges.length; ) {
      const at = edges[e]!.at;
      this.advance(begin + seconds(at) - this.w.sim.now);
      let network = false;
      for (; e < edges.length && edges[e]!.at === at; e++) {
        const { i, on } = edges[e]!;
        const f = faults[i]!;
        network ||= f.kind !== "crash";
        if (!on) active.delete(i);
        else if (f.kind === "partition") {
          // Two sides by the bits of `sides`.
          active.set(i, [0, 1].map((side) => this.names.filter((_, n) => Math.floor(f.sides / 2 ** n) % 2 === side)).filter((g) => g.length > 0));
        } else active.set(i, f.who === "leader" ? this.leader() : this.names[f.who % this.names.length]);
      }
      for (const name of this.names) {
        const down = [...active].some(([i, hit]) => faults[i]!.kind === "crash" && hit === name);
        if (down && !cluster.node(name).crashed) cluster.crashNode(name);
        else if (!down && cluster.node(name).crashed) cluster.restartNode(name);
      }
      if (network) {
        cluster.fabric.heal();
        for (const [i, hit] of active) {
          if (faults[i]!.kind === "isolate" && typeof hit === "string") cluster.fabric.isolate(hit);
          else if (faults[i]!.kind === "partition" && typeof hit === "object") cluster.fabric.partition(hit);
        }
      }
      this.snapshot();
    }
  }

  private snapshot(): void {
    const { cluster } = this.w;
    const up = this.names.filter((n) => !cluster.node(n).crashed);
    const parts = new Map<string, string | undefined>();
    for (const n of this.names) {
      if (cluster.node(n).crashed) parts.set(n, undefined);
      else parts.set(n, up.filter((m) => m === n || (cluster.fabric.canReach(n, m) && cluster.fabric.canReach(m, n))).join(","));
    }
    this.history.push({ at: this.w.sim.now, parts });
  }

  /** The node's part of the network if it stayed the same through [from, to], else undefined. */
  private steadyPart(name: string, from: number, to: number): string | undefined {
    let part: string | undefined;
    let first = true;
    for (let i = 0; i < this.history.length; i++) {
      const s = this.history[i]!;
      const end = this.history[i + 1]?.at ?? Number.POSITIVE_INFINITY;
      // Snapshot i is in force over [s.at, end); changes at the very edges of the span count too.
      if (end < from || s.at > to) continue;
      const p = s.parts.get(name);
      if (p === undefined) return undefined;
      if (first) part = p;
      else if (p !== part) return undefined;
      first = false;
    }
    return first ? undefined : part;
  }

  private observe(record: TraceRecord): void {
    if (record.kind === "raft.state" && record.role === "leader") {
      const term = Number(record.term);
      const who = `${record.node} (raft ${record.raftId})`;
      const seen = this.leaders.get(term);
      if (seen === undefined) this.leaders.set(term, who);
      else if (seen !== who) this.problems.push(`t=${record.t}: two leaders in term ${term}: ${seen} and ${who}`);
    } else if (record.kind === "agent.keys" && record.node !== undefined) {
      this.followKeys(record.node);
      this.checkKeyCount(record.node);
    } else if (record.kind === "keymanager.start" || record.kind === "keymanager.rotate") {
      for (const tag of record.gossipTags as number[]) this.tags[subsystemGossip].add(tag);
      for (const tag of record.ipsecTags as number[]) this.tags[subsystemIpsec].add(tag);
    }
    if (record.kind === "keymanager.rotate" && record.node !== undefined) {
      const rotation = { t: record.t, leader: record.node, gossip: record.gossipTags as number[], ipsec: record.ipsecTags as number[] };
      this.w.sim.scheduler.after(deliveryWindow, "test.rotation-check", () => this.checkRotation(rotation));
    }
  }

  /** A node just applied a key set: notes whether it skipped a rotation (it arrived with two or more keys new to this node in a subsystem). */
  private followKeys(name: string): void {
    const keys = this.w.cluster.node(name).keys;
    if (keys === undefined) return;
    if (!this.initialized.has(keys)) {
      this.initialized.add(keys);
      return;
    }
    const now = this.w.sim.now;
    for (const tags of Object.values(this.tags)) {
      if ([...tags].filter((t) => keys.arrivedAt(t) === now).length > 1) this.skipped.add(keys);
    }
  }

  /**
   * At most 3 keys per subsystem. One exception, which the simulator reproduces
   * on purpose: libnetwork's handleKeyChange passes on only the last added and
   * the last removed key per subsystem, and memberlist refuses to remove its
   * primary key, so a node that skipped a rotation (a worker cut off across two
   * of them, then healed) can keep stale keys and hold 4 gossip keys. That case
   * is counted in `knownGap`, not reported; every other node must hold at most 3.
   */
  private checkKeyCount(name: string): void {
    const keys = this.w.cluster.node(name).keys;
    if (keys === undefined) return;
    for (const subsystem of subsystems) {
      const held = keys.held(subsystem).tags;
      if (held.length <= keyringSize) continue;
      if (this.skipped.has(keys)) this.knownGap++;
      else this.problems.push(`t=${this.w.sim.now}: ${name} holds ${held.length} ${subsystem} keys: [${held.join(", ")}]`);
    }
  }

  /** `deliveryWindow` after a rotation: every node that stayed connected holds its new keys. */
  private checkRotation(rotation: { t: number; leader: string; gossip: number[]; ipsec: number[] }): void {
    const from = rotation.t - settle;
    const to = this.w.sim.now;
    const part = this.steadyPart(rotation.leader, from, to);
    if (part === undefined) return;
    const members = part.split(",");
    if (members.filter((n) => this.managers.includes(n)).length < quorumSize(this.managers.length)) return;
    const newGossip = Math.max(...rotation.gossip);
    const newIpsec = Math.max(...rotation.ipsec);
    const at = `rotation by ${rotation.leader} at t=${rotation.t} (gossip [${rotation.gossip.join(", ")}], ipsec [${rotation.ipsec.join(", ")}])`;
    const stored = this.w.cluster.node(rotation.leader).store?.state.networkKeys.map((k) => k.lamportTime) ?? [];
    if (!stored.includes(newGossip) || !stored.includes(newIpsec)) this.problems.push(`${at}: not committed with a quorum connected; store holds [${stored.join(", ")}]`);
    let nodes = 0;
    for (const name of members) {
      if (this.steadyPart(name, from, to) !== part) continue;
      nodes++;
      const keys = this.w.cluster.node(name).keys;
      const gossip = keys?.held(subsystemGossip).tags ?? [];
      const ipsec = keys?.held(subsystemIpsec).tags ?? [];
      if (!gossip.includes(newGossip) || !ipsec.includes(newIpsec)) {
        this.problems.push(`${at}: ${name} stayed connected but holds gossip [${gossip.join(", ")}], ipsec [${ipsec.join(", ")}] at t=${to}`);
      }
    }
    this.checked.push({ at: rotation.t, nodes });
  }
}

const runs = propertyRuns(16);
/** A run takes one to three seconds of wall time; long runs (`npm run test:props`) get the time they need. */
const timeoutMs = Math.max(120_000, runs * 10_000);

describe("the swarm under random crashes and partitions", () => {
  it("elects at most one leader per term, delivers every rotation to the nodes that stayed connected, and never holds more than 3 keys per subsystem", () => {
    let rotationsChecked = 0;
    let partialChecks = 0;
    fc.assert(
      fc.property(scenario, ({ managers, workers, seed, faults }) => {
        const run = new Run(managers, workers, seed);
        run.runFaults(faults);
        expect(run.problems).toEqual([]);
        // Then one more interval with every node up and connected, so that a rotation usually follows the faults.
        run.advance(interval + deliveryWindow);
        expect(run.problems).toEqual([]);
        rotationsChecked += run.checked.length;
        partialChecks += run.checked.filter((c) => c.nodes < run.names.length).length;
      }),
      { seed: 4242, numRuns: runs, verbose: true, endOnFailure: true },
    );
    // The property is not vacuous: rotations were checked, some with part of the swarm cut off.
    expect(rotationsChecked).toBeGreaterThan(0);
    expect(partialChecks).toBeGreaterThan(0);
  }, timeoutMs);
});
