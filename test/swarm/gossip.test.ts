import { describe, expect, it } from "vitest";
import { subsystemGossip } from "../../src/control/index.js";
import { defaultAead } from "../../src/crypto/index.js";
import { MessageType, decryptPayload, encodeGossipMessage, gossipDropReasons, gossipKeyFileName, overlayPeerTable } from "../../src/gossip/index.js";
import { MemorySink, instant, minutes, seconds, toHex } from "../../src/sim/index.js";
import { type World, tokenOf, world } from "../support/swarm.js";

/** A swarm of 1 manager and 3 workers running the gossip plane, keys rotating every 10 min. */
const interval = minutes(10);
function swarm(options: { seed?: number; keyDelayUs?: number } = {}): { w: World; sink: MemorySink } {
  const w = world({ managers: 1, workers: 3, seed: options.seed ?? 1, keyRotationUs: interval, gossip: true, ...(options.keyDelayUs === undefined ? {} : { keyDelayUs: options.keyDelayUs }) });
  const sink = new MemorySink();
  w.sim.trace.addSink(sink);
  expect(w.docker("m1", "docker swarm init").exitCode).toBe(0);
  const token = tokenOf(w, "worker");
  for (const n of ["w1", "w2", "w3"]) expect(w.docker(n, `docker swarm join --token ${token} m1:2377`).exitCode).toBe(0);
  return { w, sink };
}

const names = ["m1", "w1", "w2", "w3"];
const advance = (w: World, by: number) => w.sim.scheduler.run({ until: instant(w.sim.now + by) });
const dropsOf = (w: World, name: string, reason: (typeof gossipDropReasons)[number]) => w.cluster.node(name).gossip!.wire.counters.dropped[reason];

describe("the gossip plane of a swarm", () => {
  it("every node starts networkdb with its first keys and sees the others alive", () => {
    const { w } = swarm();
    advance(w, seconds(10));
    for (const name of names) {
      const gossip = w.cluster.node(name).gossip!;
      expect(gossip.db.name).toMatch(/^[0-9a-f]{12}$/);
      const members = gossip.db.memberlist.members();
      expect(members.map((m) => m.state)).toEqual(["alive", "alive", "alive", "alive"]);
      expect(gossip.wire.counters.framesReceived).toBeGreaterThan(0);
    }
  });

  it("after each rotation every node seals its frames with the store's middle gossip key, and no frame is dropped for want of a key", () => {
    const { w } = swarm({ keyDelayUs: minutes(3) });
    const start = w.sim.now;
    const ping = encodeGossipMessage({ type: MessageType.ping, SeqNo: 1, Node: "x" });
    for (let k = 1; k <= 4; k++) {
      // Past the k-th rotation and the longest key delay.
      w.sim.scheduler.run({ until: instant(start + k * interval + minutes(4)) });
      const keys = w.cluster.node("m1").store!.state.networkKeys.filter((key) => key.subsystem === subsystemGossip);
      const [oldest, middle, newest] = keys.slice().sort((a, b) => a.lamportTime - b.lamportTime);
      for (const name of names) {
        const frame = w.cluster.node(name).gossip!.wire.packet([ping], false);
        expect(decryptPayload([middle!.key], frame, new Uint8Array(0), defaultAead()).ok, `${name} after rotation ${k}`).toBe(true);
        expect(decryptPayload([oldest!.key, newest!.key], frame, new Uint8Array(0), defaultAead()).ok, name).toBe(false);
      }
    }
    for (const name of names) expect(dropsOf(w, name, "no-key"), name).toBe(0);
  });

  it("table entries reach the nodes of the network over the swarm's gossip", () => {
    const { w } = swarm();
    advance(w, seconds(5));
    const [m1, w1, w2] = ["m1", "w1", "w2"].map((n) => w.cluster.node(n).gossip!.db);
    for (const db of [m1!, w1!]) db.joinNetwork("net-a");
    advance(w, seconds(2));
    m1!.createEntry(overlayPeerTable, "net-a", "10.0.1.2", new TextEncoder().encode("peer"));
    advance(w, seconds(3));
    expect(w1!.getEntry(overlayPeerTable, "net-a", "10.0.1.2")).toBeDefined();
    expect(w2!.getEntry(overlayPeerTable, "net-a", "10.0.1.2")).toBeUndefined();
  });

  it("a crashed worker is declared dead by every other node", () => {
    const { w, sink } = swarm();
    advance(w, seconds(10));
    const victim = w.cluster.node("w3").gossip!.db.name;
    w.cluster.crashNode("w3");
    advance(w, seconds(20));
    for (const name of ["m1", "w1", "w2"]) {
      expect(w.cluster.node(name).gossip!.db.memberlist.member(victim)?.state, name).toBe("dead");
    }
    expect(sink.records.some((r) => r.kind === "gossip.member" && r.member === victim && r.state === "dead")).toBe(true);
  });

  it("gossip-keys.txt lists every gossip key any node held, oldest first, one hex key per line", () => {
    const { w } = swarm();
    advance(w, interval * 2 + minutes(1));
    const text = w.cluster.keyFiles().get(gossipKeyFileName)!;
    const lines = text.split("\n");
    expect(lines.pop()).toBe("");
    // 3 initial keys and one per rotation.
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^[0-9a-f]{32}$/);
    const held = w.cluster.node("w1").keys!.gossipKeysSeen().map((k) => toHex(k.key));
    expect(lines).toEqual(held);
  });

  it("a restarted worker gossips again under a new name, and a worker that leaves is marked left, not failed", () => {
    const { w, sink } = swarm();
    advance(w, seconds(10));
    const before = w.cluster.node("w3").gossip!.db.name;
    w.cluster.crashNode("w3");
    advance(w, seconds(30));
    w.cluster.restartNode("w3");
    advance(w, seconds(30));
    const after = w.cluster.node("w3").gossip!.db.name;
    expect(after).not.toBe(before);
    for (const name of ["m1", "w1", "w2"]) expect(w.cluster.node(name).gossip!.db.memberlist.member(after)?.state, name).toBe("alive");
    const leaver = w.cluster.node("w2").gossip!.db.name;
    expect(w.docker("w2", "docker swarm leave").exitCode).toBe(0);
    advance(w, seconds(10));
    for (const name of ["m1", "w1", "w3"]) expect(w.cluster.node(name).gossip!.db.nodeState(leaver), name).toBe("left");
    expect(sink.records.some((r) => r.kind === "gossip.node" && r.peer === leaver && r.state === "left")).toBe(true);
  });

  it("docker swarm leave returns once the gossip plane has stopped, so a join right after finds port 7946 free", () => {
    const { w } = swarm();
    const token = tokenOf(w, "worker");
    const leftAt = w.sim.now;
    expect(w.docker("w2", "docker swarm leave").stdout).toBe("Node left the swarm.\n");
    // networkdb's leave is gossiped first (up to its broadcast timeout), as the daemon's AgentStopWait waits for.
    expect(w.sim.now).toBeGreaterThan(leftAt);
    expect(w.docker("w2", `docker swarm join --token ${token} ${w.cluster.node("m1").host.ip}:2377`).stdout).toBe("This node joined a swarm as a worker.\n");
    advance(w, seconds(30));
    expect(w.cluster.node("w2").gossip?.db.memberlist.members().filter((m) => m.state === "alive").length).toBe(4);
  });
});
