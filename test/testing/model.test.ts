/**
 * Model-based test of swarm membership and network keys: random sequences of
 * docker commands and faults run against the simulator (through the public
 * API) and against a small reference model of who is in the swarm with which
 * role; after each command, and time to converge, the two must agree, and
 * every live member must hold the leader's keys.
 *
 * Runs: SWARMSIM_PROPERTY_RUNS (`npm run test:props -- --runs N`); seed:
 * SWARMSIM_PROPERTY_SEED (`-- --seed N`). fast-check prints the seed and the
 * path of a failure, and the commands that ran, by name.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ClusterDescription, type Simulator, openScenario } from "../../src/index.js";
import { arb } from "../../src/testing/index.js";
import { propertyRuns } from "../support/properties.js";

/** The key manager's interval in these worlds: short, so a run crosses several rotations. */
const keyRotationUs = 120_000_000;
/** Time for a command's effects to reach every node: sessions, renewals, role changes (heartbeats are 5 s). */
const settleUs = 30_000_000;
/** After a crash or a restart: an election (10-20 s), sessions reopened after backoff (up to 8 s), key sets sent. */
const recoverUs = 60_000_000;
/**
 * How long past its settle time a promotion may take while a manager is down:
 * the new manager asks a manager drawn from its remotes to add it to raft, and
 * a call to a down one fails only after raft's request timeout (25 s), so it
 * may take several draws. Checked every `pollUs` until the two agree.
 */
const promotionPatienceUs = 300_000_000;
const pollUs = 5_000_000;

type Membership = "outside" | "member" | "removed";

/** One machine as the model sees it. */
interface ModelNode {
  readonly name: string;
  /** The token a spare joins with (its role in the file). */
  readonly joinRole: "manager" | "worker";
  membership: Membership;
  role: "manager" | "worker";
  crashed: boolean;
  /** The gossip key tags the swarm had when the node was removed: it may hold no newer one. */
  tagsAtRemoval: readonly number[];
}

/** The reference model: membership and roles, and what rotations must have done. */
class SwarmModel {
  readonly nodes: ModelNode[];
  constructor(cluster: ClusterDescription) {
    const nodes = cluster.nodes ?? [];
    this.nodes = nodes.map((n) => ({
      name: n.name,
      joinRole: n.role,
      membership: n.join === false ? "outside" : "member",
      role: n.role,
      crashed: false,
      tagsAtRemoval: [],
    }));
  }
  node(name: string): ModelNode {
    return this.nodes.find((n) => n.name === name)!;
  }
  /** Up and in the swarm (not removed). */
  live(): ModelNode[] {
    return this.nodes.filter((n) => n.membership === "member" && !n.crashed);
  }
  /** The manager commands run on. */
  operator(except?: string): ModelNode | undefined {
    return this.live().find((n) => n.role === "manager" && n.name !== except);
  }
  /** Members (up or down) that are managers: raft's voters. */
  managers(): ModelNode[] {
    return this.nodes.filter((n) => n.membership === "member" && n.role === "manager");
  }
}

interface Real {
  readonly world: Simulator;
  /** What each command did, in order, as resolved when it ran: said with any failure. */
  readonly log: string[];
}

const choose = <T>(items: readonly T[], pick: number): T | undefined => (items.length === 0 ? undefined : items[pick % items.length]);

/** Runs a command on `on` and fails with its output unless it exits 0. */
function docker(world: Simulator, on: string, line: string, options: { capture?: string } = {}): string {
  const out = world.docker(on, line, options);
  expect(out.exitCode, `${on}$ ${line}\n${out.stdout}${out.stderr}`).toBe(0);
  return out.stdout;
}

/** The simulator and the model agree: statuses, roles, the leader's member list, every live member's keys. */
function expectAgreement(model: SwarmModel, world: Simulator): void {
  const at = `at ${world.now} µs`;
  const swarm = world.swarm();
  expect(swarm, `a leader ${at}`).toBeDefined();
  const leaders = world.nodes().filter((n) => n.leader);
  expect(leaders.map((n) => n.name), `one leader ${at}`).toHaveLength(1);
  const members = model.nodes.filter((n) => n.membership === "member");
  expect(swarm!.members.map((m) => m.hostname).sort(), `the leader's member list ${at}`).toEqual(members.map((n) => n.name).sort());
  for (const m of swarm!.members) {
    expect(m.role, `${m.hostname}'s role in the store ${at}`).toBe(model.node(m.hostname).role);
    if (m.role === "manager") expect(m.raftId, `${m.hostname}'s raft ID in the store ${at}`).toBeDefined();
  }
  for (const mine of model.nodes) {
    const real = world.node(mine.name);
    const status = mine.crashed ? "down" : mine.membership === "outside" ? "outside" : "ready";
    expect(real.status, `${mine.name}'s status ${at}`).toBe(status);
    if (mine.membership === "removed") {
      expect(swarm!.removed, `${mine.name}'s ID on the removed list ${at}`).toContain(real.nodeId);
      const newer = (real.keys?.gossip.tags ?? []).filter((t) => !mine.tagsAtRemoval.includes(t));
      expect(newer, `keys ${mine.name} received after its removal ${at}`).toEqual([]);
    }
    if (mine.membership !== "member" || mine.crashed) continue;
    expect(real.role, `${mine.name}'s certificate role ${at}`).toBe(mine.role);
    expect(real.keys?.gossip.tags, `${mine.name}'s gossip keys ${at}`).toEqual(swarm!.keyTags.gossip);
    expect(real.keys?.ipsec.tags, `${mine.name}'s IPsec keys ${at}`).toEqual(swarm!.keyTags.ipsec);
    expect(real.keys?.gossip.primary, `${mine.name}'s gossip primary is the middle key ${at}`).toBe(swarm!.keyTags.gossip[1]);
  }
  expect(swarm!.keyTags.gossip, `the key manager keeps 3 gossip keys ${at}`).toHaveLength(3);
}

type SwarmCommand = fc.Command<SwarmModel, Real>;

/**
 * A command whose target is picked when it runs, from what exists then; it
 * logs what it did (fast-check shares command objects between shrinking
 * runs, so `toString` names only the kind and the pick).
 */
abstract class Step implements SwarmCommand {
  protected target = "";
  constructor(protected readonly pick: number) {}
  abstract check(model: Readonly<SwarmModel>): boolean;
  abstract act(model: SwarmModel, world: Simulator): void;
  abstract name(): string;
  /** Simulated time the command's effects take to settle. */
  settle(): number {
    return settleUs;
  }
  /** Further time the command may take to settle, as `act` found the world; polled. */
  protected patienceUs = 0;
  run(model: SwarmModel, real: Real): void {
    this.target = "";
    this.patienceUs = 0;
    const said = () => (this.target === "" ? this.name() : `${this.name()} ${this.target}`);
    try {
      this.act(model, real.world);
      real.log.push(said());
      real.world.runFor(this.settle());
      for (let waited = 0; ; waited += pollUs) {
        try {
          expectAgreement(model, real.world);
          break;
        } catch (error) {
          if (waited >= this.patienceUs) throw error;
          real.world.runFor(pollUs);
        }
      }
    } catch (error) {
      const log = real.log.at(-1) === said() ? real.log : [...real.log, said()];
      if (error instanceof Error) error.message += `\n  commands run: ${log.join(" → ")}`;
      throw error;
    }
  }
  toString(): string {
    return `${this.name()} #${this.pick}`;
  }
}

class JoinSpare extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    return m.operator() !== undefined && m.nodes.some((n) => n.membership === "outside" && !n.crashed);
  }
  name(): string {
    return "join";
  }
  act(model: SwarmModel, world: Simulator): void {
    const spare = choose(model.nodes.filter((n) => n.membership === "outside" && !n.crashed), this.pick)!;
    const operator = model.operator()!;
    this.target = `${spare.name} as ${spare.joinRole} through ${operator.name}`;
    docker(world, operator.name, `docker swarm join-token -q ${spare.joinRole}`, { capture: "TOKEN" });
    const out = docker(world, spare.name, `docker swarm join --token $TOKEN ${operator.name}:2377`);
    expect(out).toContain(`This node joined a swarm as a ${spare.joinRole}.`);
    Object.assign(spare, { membership: "member", role: spare.joinRole });
  }
}

class Promote extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    return m.operator() !== undefined && m.live().some((n) => n.role === "worker");
  }
  name(): string {
    return "promote";
  }
  act(model: SwarmModel, world: Simulator): void {
    const worker = choose(model.live().filter((n) => n.role === "worker"), this.pick)!;
    this.target = worker.name;
    docker(world, model.operator()!.name, `docker node promote ${worker.name}`);
    worker.role = "manager";
    if (model.managers().some((n) => n.crashed)) this.patienceUs = promotionPatienceUs;
  }
}

class Demote extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    const managers = m.managers();
    return managers.length >= 2 && managers.every((n) => !n.crashed);
  }
  name(): string {
    return "demote";
  }
  act(model: SwarmModel, world: Simulator): void {
    const manager = choose(model.managers(), this.pick);
    if (manager === undefined) return;
    this.target = manager.name;
    docker(world, model.operator(manager.name)!.name, `docker node demote ${manager.name}`);
    manager.role = "worker";
  }
}

class RemoveForce extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    return m.operator() !== undefined && m.nodes.some((n) => n.membership === "member" && n.role === "worker");
  }
  name(): string {
    return "node rm --force";
  }
  act(model: SwarmModel, world: Simulator): void {
    const worker = choose(model.nodes.filter((n) => n.membership === "member" && n.role === "worker"), this.pick)!;
    this.target = worker.name;
    docker(world, model.operator()!.name, `docker node rm --force ${worker.name}`);
    worker.membership = "removed";
    worker.tagsAtRemoval = world.swarm()?.keyTags.gossip ?? [];
  }
}

class LeaveRemoved extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    return m.nodes.some((n) => n.membership === "removed" && !n.crashed);
  }
  name(): string {
    return "swarm leave";
  }
  act(model: SwarmModel, world: Simulator): void {
    const removed = choose(model.nodes.filter((n) => n.membership === "removed" && !n.crashed), this.pick)!;
    this.target = removed.name;
    expect(docker(world, removed.name, "docker swarm leave --force")).toContain("Node left the swarm.");
    Object.assign(removed, { membership: "outside", tagsAtRemoval: [] });
  }
}

class Crash extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    return m.nodes.some((n) => !n.crashed && mayCrash(m, n));
  }
  name(): string {
    return "crash";
  }
  override settle(): number {
    return recoverUs;
  }
  act(model: SwarmModel, world: Simulator): void {
    const node = choose(model.nodes.filter((n) => !n.crashed && mayCrash(model, n)), this.pick)!;
    this.target = node.name;
    world.apply({ crash: node.name });
    node.crashed = true;
  }
}

/** Whether `node` can go down with a majority of the managers still up. */
function mayCrash(model: Readonly<SwarmModel>, node: ModelNode): boolean {
  if (node.membership !== "member" || node.role !== "manager") return true;
  const managers = model.managers();
  return managers.filter((n) => !n.crashed).length - 1 > managers.length / 2;
}

class Restart extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    return m.nodes.some((n) => n.crashed);
  }
  name(): string {
    return "restart";
  }
  override settle(): number {
    return recoverUs;
  }
  act(model: SwarmModel, world: Simulator): void {
    const node = choose(model.nodes.filter((n) => n.crashed), this.pick)!;
    this.target = node.name;
    world.apply({ restart: node.name });
    node.crashed = false;
  }
}

/** Rotates the worker token; a spare that tries the old one is refused, and stays outside. */
class RotateJoinToken extends Step {
  check(m: Readonly<SwarmModel>): boolean {
    return m.operator() !== undefined;
  }
  name(): string {
    return "join-token --rotate worker";
  }
  act(model: SwarmModel, world: Simulator): void {
    const on = model.operator()!.name;
    docker(world, on, "docker swarm join-token -q worker", { capture: "OLD_TOKEN" });
    expect(docker(world, on, "docker swarm join-token --rotate worker")).toContain("Successfully rotated worker join token.");
    const spare = choose(model.nodes.filter((n) => n.membership === "outside" && !n.crashed), this.pick);
    if (spare === undefined) return;
    this.target = `(old token tried by ${spare.name})`;
    const refused = world.docker(spare.name, `docker swarm join --token $OLD_TOKEN ${on}:2377`);
    expect(refused.exitCode, refused.stdout).toBe(1);
    expect(refused.stderr).toContain("A valid join token is necessary to join this cluster");
  }
}

/** Lets a rotation interval pass: the leader's newest key is newer, and (checked after) every live member holds the new set. */
class AdvanceAcrossRotation extends Step {
  check(): boolean {
    return true;
  }
  name(): string {
    return "wait across a key rotation";
  }
  override settle(): number {
    return 0;
  }
  act(_model: SwarmModel, world: Simulator): void {
    const before = world.swarm()!.keyTags.gossip;
    world.runFor(keyRotationUs + settleUs);
    const after = world.swarm()!.keyTags.gossip;
    expect(after[2]!, `a rotation within ${keyRotationUs + settleUs} µs`).toBeGreaterThan(before[2]!);
  }
}

const pick = fc.nat({ max: 7 });
// Crashes, restarts and joins are listed twice: drawn twice as often.
const commands = fc.commands(
  [
    pick.map((p) => new JoinSpare(p)),
    pick.map((p) => new JoinSpare(p)),
    pick.map((p) => new Crash(p)),
    pick.map((p) => new Restart(p)),
    pick.map((p) => new Promote(p)),
    pick.map((p) => new Demote(p)),
    pick.map((p) => new RemoveForce(p)),
    pick.map((p) => new LeaveRemoved(p)),
    pick.map((p) => new Crash(p)),
    pick.map((p) => new Restart(p)),
    pick.map((p) => new RotateJoinToken(p)),
    fc.constant(new AdvanceAcrossRotation(0)),
  ],
  { maxCommands: 16, size: "+1" },
);

/** Small worlds: up to 3 managers and 2 workers, up to 2 spares; 512-bit keys, no gossip plane (keys travel in session messages). */
const clusters = arb.cluster({
  managers: { max: 3 },
  workers: { max: 2 },
  maxSpares: 2,
  windows: false,
  availability: false,
  rsaBits: [512],
  keyRotationMinutes: { min: keyRotationUs / 60_000_000, max: keyRotationUs / 60_000_000 },
  gossip: false,
}).map(({ managers, workers, ...rest }): ClusterDescription => ({ ...rest, nodes: rest.nodes ?? expand(managers, workers) }));

/** The node list counts stand for (the model reads names and roles from it). */
function expand(managers = 1, workers = 0): ClusterDescription["nodes"] {
  return [
    ...Array.from({ length: managers }, (_, i) => ({ name: `manager-${i + 1}`, role: "manager" as const })),
    ...Array.from({ length: workers }, (_, i) => ({ name: `worker-${i + 1}`, role: "worker" as const })),
  ];
}

const seed = Number(process.env.SWARMSIM_PROPERTY_SEED ?? 1207);
const runs = propertyRuns(16);
/** A run takes about a second of wall time (less on a quiet machine); long runs get the time they need. */
const timeoutMs = Math.max(120_000, runs * 15_000);

describe("swarm membership and keys against a reference model", () => {
  it("agrees after every join, promote, demote, rm --force, leave, crash, restart, token rotation and key rotation", () => {
    fc.assert(
      fc.property(clusters, arb.seed(), commands, (cluster, worldSeed, cmds) => {
        const world = openScenario({ name: "model", seed: worldSeed, cluster, steps: [] });
        const model = new SwarmModel(cluster);
        world.runFor(settleUs);
        expectAgreement(model, world);
        fc.modelRun(() => ({ model, real: { world, log: [] } }), cmds);
      }),
      { seed, numRuns: runs },
    );
  }, timeoutMs);
});
