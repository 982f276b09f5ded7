import { describe, expect, it } from "vitest";
import { type TraceRecord, openScenario } from "../../src/index.js";

describe("a worker promoted while a manager is down (node.go initManagerConnection, raft.go reqTimeout)", () => {
  it("keeps its session with a remote manager, and the keys of every rotation, until its raft join succeeds through a live manager", () => {
    // Three managers and a worker; manager-2 crashes, then worker-1 is promoted. Its raft join
    // (seed 11) first asks manager-2, which never answers.
    const world = openScenario({
      name: "promote-while-down",
      seed: 11,
      cluster: {
        rsaBits: 512,
        keyRotation: "2m",
        gossip: false,
        nodes: [
          { name: "manager-1", role: "manager" },
          { name: "manager-2", role: "manager" },
          { name: "manager-3", role: "manager" },
          { name: "worker-1", role: "worker" },
        ],
      },
      steps: [],
    });
    world.runFor(30_000_000);
    world.apply({ crash: "manager-2" });
    world.runFor(60_000_000);
    const seen: TraceRecord[] = [];
    world.onTrace((r) => {
      if (r.node === "worker-1" && (r.kind === "agent.session-failed" || r.kind === "net.stream.reset" || r.kind === "raft.state")) seen.push(r);
    });
    expect(world.docker("manager-1", "docker node promote worker-1").exitCode).toBe(0);

    // 20 s on, its join still waits on manager-2, and its agent still has its session.
    world.runFor(20_000_000);
    expect(world.swarm()!.members.find((m) => m.hostname === "worker-1")?.raftId).toBeUndefined();
    expect(seen).toEqual([]);

    // The join to manager-2 is given up after raft's request timeout (25 s), its SYNs with it;
    // the next draw, 2 s later, gets it in. The rotation at 2 min reaches it like every node.
    world.runFor(60_000_000);
    const givenUp = seen.filter((r) => r.kind === "net.stream.reset").map((r) => r as TraceRecord & { reason: string; remote: string });
    expect(givenUp.map((r) => [r.reason, r.remote])).toEqual([["local", "10.0.0.2:2377"]]);
    expect(seen.filter((r) => r.kind === "agent.session-failed")).toEqual([]);
    expect(world.node("worker-1").keys?.gossip.tags).toEqual(world.swarm()!.keyTags.gossip);
    expect(seen.some((r) => r.kind === "raft.state")).toBe(true);
    expect(world.swarm()!.members.find((m) => m.hostname === "worker-1")?.raftId).toBeDefined();
    expect(world.node("worker-1").role).toBe("manager");
    expect(world.docker("worker-1", "docker node ls").stdout).toMatch(/\* +worker-1 +Ready +Active +Reachable/);
  });
});
