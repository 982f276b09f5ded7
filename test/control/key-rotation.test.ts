import { describe, expect, it } from "vitest";
import { subsystemGossip, subsystemIpsec } from "../../src/control/index.js";
import { MemorySink, instant, minutes, seconds } from "../../src/sim/index.js";
import { type World, tokenOf, world } from "../support/swarm.js";

/**
 * A swarm of 3 managers and 3 workers, all joined. The key manager rotates
 * every 10 simulated minutes instead of 12 h (`cluster.keyRotation`), so that
 * the test runs in seconds: every rule here is relative to the interval.
 */
const interval = minutes(10);
function swarm(seed = 1): { w: World; sink: MemorySink } {
  const w = world({ managers: 3, workers: 3, seed, keyRotationUs: interval });
  const sink = new MemorySink();
  w.sim.trace.addSink(sink);
  expect(w.docker("m1", "docker swarm init").exitCode).toBe(0);
  const worker = tokenOf(w, "worker");
  const manager = tokenOf(w, "manager");
  for (const m of ["m2", "m3"]) expect(w.docker(m, `docker swarm join --token ${manager} m1:2377`).exitCode).toBe(0);
  for (const n of ["w1", "w2", "w3"]) expect(w.docker(n, `docker swarm join --token ${worker} m1:2377`).exitCode).toBe(0);
  return { w, sink };
}

const names = ["m1", "m2", "m3", "w1", "w2", "w3"];
const advance = (w: World, by: number) => w.sim.scheduler.run({ until: instant(w.sim.now + by) });
const storeOf = (w: World) => w.cluster.node("m1").store!;
const tagsOf = (w: World, subsystem: typeof subsystemGossip | typeof subsystemIpsec) =>
  storeOf(w).state.networkKeys.filter((k) => k.subsystem === subsystem).map((k) => k.lamportTime);
const leaderName = (w: World) => names.find((n) => w.cluster.node(n).manager?.isLeader === true);

describe("the key manager over raft, the dispatcher and the agents", () => {
  it("after each rotation every node holds the same 3 keys per subsystem within a heartbeat period, and the primary is the middle tag", () => {
    const { w, sink } = swarm();
    let previous = Math.max(...tagsOf(w, subsystemGossip), ...tagsOf(w, subsystemIpsec));
    for (let k = 0; k < 3; k++) {
      advance(w, interval);
      const rotation = sink.records.filter((r) => r.kind === "keymanager.rotate").at(-1)!;
      // Within one heartbeat period (5.5 s) plus the network's delay of the rotation.
      w.sim.scheduler.run({ until: instant(rotation.t + seconds(6)) });
      const gossip = tagsOf(w, subsystemGossip);
      const ipsec = tagsOf(w, subsystemIpsec);
      expect(Math.min(...gossip, ...ipsec)).toBeGreaterThan(previous - 6);
      expect(Math.max(...gossip, ...ipsec)).toBeGreaterThan(previous);
      previous = Math.max(...gossip, ...ipsec);
      for (const name of names) {
        const keys = w.cluster.node(name).keys!;
        expect(keys.held(subsystemGossip).tags, name).toEqual(gossip);
        expect(keys.held(subsystemIpsec).tags, name).toEqual(ipsec);
        expect(keys.held(subsystemGossip).primary, name).toBe(gossip[1]);
        expect(keys.held(subsystemIpsec).primary, name).toBe(ipsec[1]);
      }
    }
    expect(sink.records.filter((r) => r.kind === "keymanager.rotate")).toHaveLength(3);
  });

  it("key tags strictly increase from rotation to rotation", () => {
    const { w, sink } = swarm(3);
    advance(w, interval * 4 + minutes(1));
    const rotations = sink.records.filter((r) => r.kind === "keymanager.rotate") as unknown as Array<{ gossipTags: number[]; ipsecTags: number[] }>;
    expect(rotations).toHaveLength(4);
    let last = -1;
    // Each rotation adds one key per subsystem with the next Lamport times.
    for (const r of rotations) {
      const newest = Math.max(...r.gossipTags, ...r.ipsecTags);
      expect(newest).toBeGreaterThan(last);
      last = newest;
    }
  });

  it("a worker partitioned across one rotation catches up when healed", () => {
    const { w } = swarm(5);
    w.cluster.fabric.isolate("w3");
    advance(w, interval + minutes(1));
    const gossip = tagsOf(w, subsystemGossip);
    expect(w.cluster.node("w3").keys!.held(subsystemGossip).tags).not.toEqual(gossip);
    expect(w.docker("m1", "docker node ls").stdout).toMatch(/w3 +Down/);
    w.cluster.fabric.heal();
    advance(w, seconds(30));
    expect(w.cluster.node("w3").keys!.held(subsystemGossip).tags).toEqual(gossip);
    expect(w.cluster.node("w3").keys!.held(subsystemGossip).primary).toBe(gossip[1]);
    expect(w.docker("m1", "docker node ls").stdout).toMatch(/w3 +Ready/);
  });

  it("a worker that misses two rotations ends with the inconsistent gossip keyring libnetwork leaves", () => {
    const { w } = swarm(7);
    w.cluster.fabric.isolate("w3");
    advance(w, 2 * interval + minutes(1));
    w.cluster.fabric.heal();
    advance(w, seconds(30));
    const gossip = tagsOf(w, subsystemGossip);
    const held = w.cluster.node("w3").keys!.held(subsystemGossip);
    // handleKeyChange adds only the last new key and removes only the last old one: a stale key stays in the ring.
    expect(held.tags).not.toEqual(gossip);
    expect(held.tags.filter((t) => !gossip.includes(t)).length).toBeGreaterThan(0);
  });

  it("a leader crash elects a new leader, and the next rotation comes one interval after the election, not on the old schedule", () => {
    const { w, sink } = swarm(9);
    advance(w, interval / 2);
    const old = leaderName(w)!;
    w.cluster.crashNode(old);
    advance(w, seconds(30));
    const elected = sink.records.filter((r) => r.kind === "manager.leadership" && r.leader === true).at(-1)!;
    const leader = leaderName(w);
    expect(leader).toBeDefined();
    expect(leader).not.toBe(old);
    expect(elected.node).toBe(leader);
    const terms = sink.records.filter((r) => r.kind === "raft.state" && r.role === "leader").map((r) => r.term);
    expect(new Set(terms).size).toBe(terms.length);
    expect(w.docker(leader!, "docker node ls").stdout).toMatch(new RegExp(`${old} +(Down|Unknown) +Active +Unreachable`));
    // The old leader's timer would have fired at `interval`; the new one's fires `interval` after the election.
    advance(w, interval / 2 + minutes(1));
    expect(sink.records.filter((r) => r.kind === "keymanager.rotate")).toHaveLength(0);
    advance(w, interval / 2);
    const rotation = sink.records.find((r) => r.kind === "keymanager.rotate")!;
    expect(rotation.node).toBe(leader);
    expect(rotation.t - elected.t).toBe(interval);
  });

  it("a leader that crashes as it rotates: its successor starts from the rotated keys and continues their Lamport clock", () => {
    const { w, sink } = swarm(9);
    // Run to the first rotation and crash the leader at that instant: its entry is in the
    // followers' logs, not yet committed; the new leader commits it in its own term.
    while (!sink.records.some((r) => r.kind === "keymanager.rotate")) w.sim.scheduler.step();
    const first = sink.records.find((r) => r.kind === "keymanager.rotate")!;
    w.cluster.crashNode(first.node!);
    advance(w, interval + minutes(1));
    const rotations = sink.records.filter((r) => r.kind === "keymanager.rotate");
    expect(rotations).toHaveLength(2);
    const [before, after] = rotations.map((r) => r.gossipTags as number[]) as [number[], number[]];
    // raft.go signals leadership only once caught up: the key manager starts from the committed rotation.
    expect(after.slice(0, 2)).toEqual(before.slice(1));
    expect(Math.min(...after.slice(2))).toBeGreaterThan(Math.max(...before, ...(rotations[0]!.ipsecTags as number[])));
    advance(w, seconds(15));
    for (const n of names.filter((n) => n !== first.node)) expect(w.cluster.node(n).keys?.held(subsystemGossip).tags, n).toEqual(after);
  });

  it("a restarted manager rejoins from its raft log; a partitioned minority cannot change the store", () => {
    const { w } = swarm(11);
    const leader = leaderName(w)!;
    const followers = ["m1", "m2", "m3"].filter((m) => m !== leader);
    w.cluster.fabric.partition([[leader], [...followers, "w1", "w2", "w3"]]);
    advance(w, seconds(30));
    expect(w.cluster.node(leader).manager!.isLeader).toBe(false);
    expect(w.docker(leader, "docker swarm join-token --rotate worker").stderr).toContain("The swarm does not have a leader");
    w.cluster.fabric.heal();
    w.cluster.crashNode(followers[0]!);
    advance(w, seconds(30));
    w.cluster.restartNode(followers[0]!);
    advance(w, seconds(30));
    expect(w.docker(followers[0]!, "docker node ls").stdout).toMatch(/Leader/);
    expect(w.docker(followers[0]!, "docker node ls").stdout).not.toMatch(/Unreachable/);
  });

  it("promote and demote change the role, the certificate's OU and MANAGER STATUS; the last manager cannot be demoted", () => {
    const w = world({ managers: 1, workers: 2 });
    w.docker("m1", "docker swarm init");
    for (const n of ["w1", "w2"]) w.docker(n, `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
    expect(w.docker("m1", "docker node demote m1").stderr).toBe(
      "Error response from daemon: rpc error: code = FailedPrecondition desc = attempting to demote the last manager of the swarm\n",
    );
    expect(w.docker("m1", "docker node promote w1").stdout).toBe("Node w1 promoted to a manager in the swarm.\n");
    advance(w, seconds(20));
    expect(w.cluster.node("w1").identity!.role).toBe("manager");
    expect(w.docker("m1", "docker node ls").stdout).toMatch(/w1 +Ready +Active +Reachable/);
    expect(w.docker("w1", "docker node ls").exitCode).toBe(0);
    expect(w.docker("m1", "docker node promote w1").stdout).toBe("Node w1 is already a manager.\n");
    expect(w.docker("m1", "docker node demote w1").stdout).toBe("Manager w1 demoted in the swarm.\n");
    advance(w, seconds(20));
    expect(w.cluster.node("w1").identity!.role).toBe("worker");
    expect(w.docker("w1", "docker node ls").stderr).toContain("Worker nodes can't be used to view or modify cluster state");
    expect(w.docker("m1", "docker node ls").stdout).toMatch(/w1 +Ready +Active +28/);
  });
});
