import { describe, expect, it } from "vitest";
import {
  type PersistentState,
  type RaftEntry,
  type RaftMessage,
  RaftCore,
  RaftEntryType,
  RaftMessageType,
  decodeConfChange,
  electionTicks,
  quorumSize,
  randomizedElectionTimeoutTicks,
} from "../../../src/control/raft/index.js";
import { Rng } from "../../../src/sim/index.js";

const text = (s: string) => new TextEncoder().encode(s);
const textOf = (e: RaftEntry) => new TextDecoder().decode(e.data);

/**
 * An in-memory cluster: every running node ticks together, and messages are
 * delivered within the tick (latency well under the 1 s tick) unless a cut
 * between two nodes drops them. Crashing keeps a node's persistent state, as
 * its WAL would. Every ready() is checked: one leader per term, and each
 * node's committed entries run 1, 2, 3, ... and agree with every other node's.
 */
class Cluster {
  readonly nodes = new Map<number, RaftCore>();
  /** Committed entries each node delivered in its current run. */
  readonly applied = new Map<number, RaftEntry[]>();
  /** The leader seen in each term. */
  readonly leaders = new Map<number, number>();
  private readonly down = new Map<number, PersistentState>();
  private readonly cuts = new Set<string>();
  private readonly committedAt = new Map<number, string>();
  private readonly rng: Rng;

  constructor(
    readonly ids: readonly number[],
    seed = 1,
    private readonly peers: readonly number[] = ids,
  ) {
    this.rng = Rng.root(seed).fork("raft");
    for (const id of ids) this.start(id);
  }

  start(id: number, restore?: PersistentState): RaftCore {
    const node = new RaftCore({ id, peers: this.peers, rng: this.rng.fork(`node-${id}`).fork(`run-${this.nodes.size}`), restore });
    this.nodes.set(id, node);
    this.applied.set(id, []);
    this.down.delete(id);
    this.collect(id);
    return node;
  }

  node(id: number): RaftCore {
    const node = this.nodes.get(id);
    if (node === undefined || this.down.has(id)) throw new Error(`node ${id} is not running`);
    return node;
  }

  up(): number[] {
    return [...this.nodes.keys()].filter((id) => !this.down.has(id));
  }

  crash(id: number): void {
    this.down.set(id, this.node(id).persistent());
  }

  restart(id: number): RaftCore {
    const saved = this.down.get(id);
    if (saved === undefined) throw new Error(`node ${id} is not down`);
    return this.start(id, saved);
  }

  /** Drops every message between the groups (nodes in no group are cut from all). */
  partition(...groups: number[][]): void {
    this.cuts.clear();
    const groupOf = new Map(groups.flatMap((g, i) => g.map((id) => [id, i] as const)));
    for (const a of this.nodes.keys()) {
      for (const b of this.nodes.keys()) if (a !== b && (groupOf.get(a) ?? -1 - a) !== (groupOf.get(b) ?? -1 - b)) this.cuts.add(`${a}>${b}`);
    }
  }

  heal(): void {
    this.cuts.clear();
  }

  tick(ticks = 1): void {
    for (let t = 0; t < ticks; t++) {
      for (const id of this.up()) this.node(id).tick();
      this.flush();
    }
  }

  /** Ticks until `done` holds; fails after `limit` ticks. Returns the ticks taken. */
  tickUntil(done: () => boolean, limit: number): number {
    for (let t = 0; t < limit; t++) {
      if (done()) return t;
      this.tick();
    }
    if (done()) return limit;
    throw new Error(`not done after ${limit} ticks`);
  }

  /** Delivers messages until none are left. */
  flush(): void {
    let queue = this.up().flatMap((id) => this.collect(id));
    for (let round = 0; queue.length > 0; round++) {
      if (round > 1000) throw new Error("messages never settle");
      const next: RaftMessage[] = [];
      for (const m of queue) {
        if (this.down.has(m.to) || this.cuts.has(`${m.from}>${m.to}`) || !this.nodes.has(m.to)) continue;
        this.node(m.to).step(m);
        next.push(...this.collect(m.to));
      }
      queue = next;
    }
  }

  leadersNow(): number[] {
    return this.up().filter((id) => this.node(id).role === "leader");
  }

  leader(): RaftCore {
    const leaders = this.leadersNow();
    expect(leaders).toHaveLength(1);
    return this.node(leaders[0]!);
  }

  private collect(id: number): RaftMessage[] {
    const node = this.node(id);
    const ready = node.ready();
    if (node.role === "leader") {
      const seen = this.leaders.get(node.term);
      if (seen !== undefined && seen !== id) throw new Error(`two leaders in term ${node.term}: ${seen} and ${id}`);
      this.leaders.set(node.term, id);
    }
    const applied = this.applied.get(id)!;
    for (const e of ready.committed) {
      if (e.index !== applied.length + 1) throw new Error(`node ${id} delivered entry ${e.index} after ${applied.length}`);
      const key = `${e.term}/${e.type}/${Buffer.from(e.data).toString("hex")}`;
      const agreed = this.committedAt.get(e.index);
      if (agreed !== undefined && agreed !== key) throw new Error(`entry ${e.index} committed as ${agreed} and as ${key} on node ${id}`);
      this.committedAt.set(e.index, key);
      applied.push(e);
    }
    return ready.messages;
  }
}

/** A cluster with a settled leader. */
function electedCluster(ids: number[], seed = 1): Cluster {
  const cluster = new Cluster(ids, seed);
  cluster.tickUntil(() => cluster.leadersNow().length === 1, 10 * electionTicks);
  return cluster;
}

const proposals = (entries: readonly RaftEntry[]) => entries.filter((e) => e.type === RaftEntryType.EntryNormal && e.data.length > 0).map(textOf);

describe("raft spec functions", () => {
  it("a quorum is a strict majority", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(quorumSize)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });

  it("randomized election timeouts cover [electionTicks, 2 * electionTicks) and nothing else", () => {
    const rng = Rng.root(5).fork("timeouts");
    const seen = new Set(Array.from({ length: 500 }, () => randomizedElectionTimeoutTicks(10, rng)));
    expect([...seen].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it("refuses nonsense options, naming them", () => {
    const rng = Rng.root(1);
    expect(() => new RaftCore({ id: 0, peers: [1], rng })).toThrow(/"id"/);
    expect(() => new RaftCore({ id: 1, peers: [1], rng, electionTicks: 1, heartbeatTicks: 1 })).toThrow(/"electionTicks"/);
    const entries = [{ term: 1, index: 2, type: RaftEntryType.EntryNormal, data: new Uint8Array(0) }];
    expect(() => new RaftCore({ id: 1, peers: [1], rng, restore: { term: 1, vote: 0, commit: 0, entries } })).toThrow(/"restore.entries"/);
  });
});

describe("raft elections", () => {
  it("a single-voter cluster elects itself on campaign() and commits proposals at once", () => {
    const node = new RaftCore({ id: 7, peers: [7], rng: Rng.root(1) });
    node.campaign();
    expect([node.role, node.term, node.leaderId]).toEqual(["leader", 1, 7]);
    expect(node.propose(text("a"))).toEqual({ ok: true, index: 2, term: 1 });
    const ready = node.ready();
    expect(ready.roleChanged).toBe(true);
    expect(ready.messages).toEqual([]);
    expect(ready.committed.map((e) => e.index)).toEqual([1, 2]);
    expect(node.commitIndex).toBe(2);
  });

  it("a 3-node cluster elects exactly one leader, which every node follows, and keeps it", () => {
    const cluster = electedCluster([1, 2, 3]);
    const leader = cluster.leader();
    for (const id of cluster.ids) expect([cluster.node(id).term, cluster.node(id).leaderId]).toEqual([leader.term, cluster.leadersNow()[0]]);
    const term = leader.term;
    cluster.tick(100);
    expect(cluster.leader().term).toBe(term);
  });

  it("after the leader crashes, the other two elect a new leader in a higher term", () => {
    const cluster = electedCluster([1, 2, 3]);
    const [old] = cluster.leadersNow();
    const oldTerm = cluster.node(old!).term;
    cluster.crash(old!);
    const ticks = cluster.tickUntil(() => cluster.leadersNow().length === 1, 4 * electionTicks);
    const leader = cluster.leader();
    expect(leader.term).toBeGreaterThan(oldTerm);
    expect(cluster.leadersNow()[0]).not.toBe(old);
    expect(ticks).toBeGreaterThanOrEqual(electionTicks);
  });

  it("a candidate gets no vote from a node whose log is more up-to-date", () => {
    const node = new RaftCore({ id: 1, peers: [1, 2], rng: Rng.root(1) });
    const restore = { term: 2, vote: 0, commit: 0, entries: [{ term: 2, index: 1, type: RaftEntryType.EntryNormal, data: new Uint8Array(0) }] };
    const voter = new RaftCore({ id: 2, peers: [1, 2], rng: Rng.root(2), restore });
    node.campaign();
    node.campaign();
    node.campaign();
    voter.step(node.ready().messages.at(-1)!);
    const [answer] = voter.ready().messages;
    expect(answer).toMatchObject({ type: RaftMessageType.MsgVoteResp, to: 1, term: 3, reject: true });
  });

  it("a follower in contact with its leader ignores a higher-term vote and keeps its term (leader lease)", () => {
    const cluster = electedCluster([1, 2, 3]);
    const leaderId = cluster.leadersNow()[0]!;
    const [followerId, candidateId] = cluster.ids.filter((id) => id !== leaderId) as [number, number];
    const follower = cluster.node(followerId);
    const term = follower.term;
    const vote: RaftMessage = {
      type: RaftMessageType.MsgVote,
      to: followerId,
      from: candidateId,
      term: term + 5,
      logTerm: term + 4,
      index: 99,
      entries: [],
      commit: 0,
      reject: false,
      rejectHint: 0,
    };
    follower.step(vote);
    expect([follower.term, follower.leaderId]).toEqual([term, leaderId]);
    expect(follower.ready().messages).toEqual([]);
    // Once the lease has run out (nothing heard from the leader for an election timeout), the same vote is granted.
    for (let t = 0; t < electionTicks; t++) follower.tick();
    follower.ready();
    follower.step(vote);
    expect(follower.term).toBe(term + 5);
    expect(follower.ready().messages).toMatchObject([{ type: RaftMessageType.MsgVoteResp, to: candidateId, term: term + 5, reject: false }]);
  });

  it("a node whose term rose while cut off rejoins: the stale leader learns the term and a new leader emerges", () => {
    const cluster = electedCluster([1, 2, 3]);
    const leaderId = cluster.leadersNow()[0]!;
    const loner = cluster.ids.find((id) => id !== leaderId)!;
    cluster.partition(cluster.ids.filter((id) => id !== loner), [loner]);
    cluster.tick(10 * electionTicks);
    expect(cluster.node(loner).term).toBeGreaterThan(cluster.node(leaderId).term);
    cluster.heal();
    cluster.tickUntil(() => cluster.leadersNow().length === 1 && cluster.ids.every((id) => cluster.node(id).term === cluster.leader().term), 10 * electionTicks);
    const result = cluster.leader().propose(text("after"));
    expect(result.ok).toBe(true);
    cluster.tick(2);
    for (const id of cluster.ids) expect(proposals(cluster.applied.get(id)!)).toEqual(["after"]);
  });
});

describe("raft replication", () => {
  it("a proposal commits only once a quorum holds it, and every node delivers the same entries once, in order", () => {
    const cluster = electedCluster([1, 2, 3]);
    const leaderId = cluster.leadersNow()[0]!;
    const [a, b] = cluster.ids.filter((id) => id !== leaderId);
    cluster.partition([leaderId], [a!], [b!]);
    const before = cluster.node(leaderId).commitIndex;
    const proposed = cluster.node(leaderId).propose(text("p0"));
    expect(proposed).toMatchObject({ ok: true, index: before + 1 });
    cluster.tick(3);
    expect(cluster.node(leaderId).commitIndex).toBe(before);
    cluster.partition([leaderId, a!], [b!]);
    cluster.tick(1);
    expect(cluster.node(leaderId).commitIndex).toBe(before + 1);
    cluster.heal();
    for (let i = 1; i <= 20; i++) {
      expect(cluster.leader().propose(text(`p${i}`)).ok).toBe(true);
      if (i % 3 === 0) cluster.tick(1);
    }
    cluster.tick(3);
    const expected = Array.from({ length: 21 }, (_, i) => `p${i}`);
    for (const id of cluster.ids) expect(proposals(cluster.applied.get(id)!)).toEqual(expected);
    for (const id of cluster.ids) expect(cluster.applied.get(id)!.map((e) => e.index)).toEqual(cluster.applied.get(leaderId)!.map((e) => e.index));
  });

  it("a leader never commits an earlier term's entry by counting replicas, only through one of its own (Raft §5.4.2)", () => {
    const entry = (term: number, index: number): RaftEntry => ({ term, index, type: RaftEntryType.EntryNormal, data: text(`t${term}`) });
    const restore = { term: 2, vote: 0, commit: 1, entries: [entry(1, 1), entry(2, 2)] };
    const leader = new RaftCore({ id: 1, peers: [1, 2, 3], rng: Rng.root(1), restore });
    leader.campaign();
    const reply = (fields: Partial<RaftMessage> & Pick<RaftMessage, "type">): RaftMessage => ({
      to: 1, from: 2, term: 3, logTerm: 0, index: 0, entries: [], commit: 0, reject: false, rejectHint: 0, ...fields,
    });
    leader.step(reply({ type: RaftMessageType.MsgVoteResp }));
    expect([leader.role, leader.term, leader.lastIndex]).toEqual(["leader", 3, 3]);
    // Node 2 acknowledges index 2 (of term 2): a quorum holds it, but it is not of term 3.
    leader.step(reply({ type: RaftMessageType.MsgAppResp, index: 2 }));
    expect(leader.commitIndex).toBe(1);
    leader.step(reply({ type: RaftMessageType.MsgAppResp, index: 3 }));
    expect(leader.commitIndex).toBe(3);
    expect(leader.ready().committed.map((e) => e.index)).toEqual([1, 2, 3]);
  });

  it("a follower refuses proposals: swarmkit does not forward them", () => {
    const cluster = electedCluster([1, 2, 3]);
    const follower = cluster.ids.find((id) => cluster.node(id).role === "follower")!;
    expect(cluster.node(follower).propose(text("x"))).toEqual({ ok: false, reason: "not-leader" });
  });

  it("a 2-of-5 minority cannot elect or commit; the majority can; healing discards the minority's uncommitted entry", () => {
    const cluster = electedCluster([1, 2, 3, 4, 5]);
    const oldLeader = cluster.leadersNow()[0]!;
    const minority = [oldLeader, cluster.ids.find((id) => id !== oldLeader)!];
    const majority = cluster.ids.filter((id) => !minority.includes(id));
    cluster.partition(minority, majority);
    const stale = cluster.node(oldLeader).propose(text("lost"));
    expect(stale.ok).toBe(true);
    const commitBefore = cluster.node(oldLeader).commitIndex;
    for (let t = 0; t < 10 * electionTicks; t++) {
      cluster.tick();
      for (const id of minority) expect(cluster.node(id).commitIndex).toBe(commitBefore);
      if (t >= 2 * electionTicks) expect(minority.filter((id) => cluster.node(id).role === "leader")).toEqual([]);
    }
    const majorityLeaders = majority.filter((id) => cluster.node(id).role === "leader");
    expect(majorityLeaders).toHaveLength(1);
    expect(cluster.node(majorityLeaders[0]!).propose(text("kept")).ok).toBe(true);
    cluster.tick(2);
    cluster.heal();
    cluster.tickUntil(() => cluster.ids.every((id) => proposals(cluster.applied.get(id)!).includes("kept")), 10 * electionTicks);
    for (const id of cluster.ids) expect(proposals(cluster.applied.get(id)!)).toEqual(["kept"]);
  });

  it("CheckQuorum makes an isolated leader step down within 2 election timeouts", () => {
    const cluster = electedCluster([1, 2, 3]);
    const leaderId = cluster.leadersNow()[0]!;
    cluster.partition([leaderId], cluster.ids.filter((id) => id !== leaderId));
    const ticks = cluster.tickUntil(() => cluster.node(leaderId).role !== "leader", 2 * electionTicks);
    expect(ticks).toBeLessThanOrEqual(2 * electionTicks);
    expect(cluster.node(leaderId).leaderId).toBe(0);
  });

  it("a restored node keeps its term, vote and log, delivers its committed entries again, and catches up", () => {
    const cluster = electedCluster([1, 2, 3]);
    for (let i = 0; i < 5; i++) cluster.leader().propose(text(`e${i}`));
    cluster.tick(2);
    const follower = cluster.ids.find((id) => cluster.node(id).role === "follower")!;
    const before = cluster.node(follower).persistent();
    cluster.crash(follower);
    cluster.leader().propose(text("while-down"));
    cluster.tick(2);
    const restarted = cluster.restart(follower);
    expect(restarted.persistent()).toEqual(before);
    expect([restarted.term, restarted.lastIndex, restarted.commitIndex, restarted.role]).toEqual([before.term, before.entries.length, before.commit, "follower"]);
    expect(proposals(cluster.applied.get(follower)!)).toEqual(["e0", "e1", "e2", "e3", "e4"]);
    cluster.tick(2);
    expect(proposals(cluster.applied.get(follower)!)).toEqual(["e0", "e1", "e2", "e3", "e4", "while-down"]);
  });
});

describe("raft membership", () => {
  it("removing a member shrinks the quorum and stops it counting; adding one makes it count", () => {
    const cluster = new Cluster([1, 2, 3], 3);
    cluster.tickUntil(() => cluster.leadersNow().length === 1, 10 * electionTicks);
    const leaderId = cluster.leadersNow()[0]!;
    const [x, removed] = cluster.ids.filter((id) => id !== leaderId) as [number, number];
    expect(cluster.leader().proposeConfChange({ type: "remove", nodeId: removed })).toMatchObject({ ok: true });
    expect(cluster.leader().proposeConfChange({ type: "add", nodeId: 9 })).toEqual({ ok: false, reason: "conf-change-pending" });
    cluster.tick(2);
    for (const id of cluster.ids) expect(cluster.node(id).voters).toEqual([leaderId, x].sort());
    expect(cluster.node(removed).propose(text("x"))).toEqual({ ok: false, reason: "stopped" });
    // The removed member no longer counts: the leader alone is 1 of 2, short of a quorum.
    cluster.partition([leaderId, removed], [x]);
    const stuck = cluster.leader().propose(text("needs-x"));
    cluster.tick(3);
    expect(cluster.leader().commitIndex).toBeLessThan((stuck as { index: number }).index);
    cluster.heal();
    cluster.tick(2);
    expect(cluster.leader().commitIndex).toBeGreaterThanOrEqual((stuck as { index: number }).index);

    // A joining manager starts from the bootstrap members and learns the rest from the log.
    const joined = cluster.start(4);
    expect(joined.voters).toEqual([1, 2, 3]);
    expect(cluster.leader().proposeConfChange({ type: "add", nodeId: 4, context: text("addr") })).toMatchObject({ ok: true });
    cluster.tick(3);
    for (const id of [leaderId, x, 4]) expect(cluster.node(id).voters).toEqual([leaderId, x, 4].sort());
    const added = cluster.applied.get(4)!.filter((e) => e.type === RaftEntryType.EntryConfChange).map((e) => decodeConfChange(e.data));
    expect(added.at(-1)).toEqual({ ok: true, value: { id: 0, type: 0, nodeId: 4, context: text("addr") } });
    // With the new member, the leader and node 4 are a quorum of 3 even with x cut off.
    cluster.partition([leaderId, 4], [x, removed]);
    const withNew = cluster.leader().propose(text("with-4"));
    cluster.tick(2);
    expect(cluster.leader().commitIndex).toBeGreaterThanOrEqual((withNew as { index: number }).index);
  });

  it("a leader whose own removal commits steps down, and the others elect a new one", () => {
    const cluster = electedCluster([1, 2, 3], 4);
    const leaderId = cluster.leadersNow()[0]!;
    expect(cluster.leader().proposeConfChange({ type: "remove", nodeId: leaderId }).ok).toBe(true);
    cluster.tick(1);
    expect(cluster.node(leaderId).role).toBe("follower");
    cluster.tickUntil(() => cluster.leadersNow().length === 1, 10 * electionTicks);
    const rest = cluster.ids.filter((id) => id !== leaderId);
    expect(rest).toContain(cluster.leadersNow()[0]);
    for (const id of rest) expect(cluster.node(id).voters).toEqual(rest);
    cluster.tick(5 * electionTicks);
    expect(cluster.node(leaderId).role).toBe("follower");
  });
});

describe("raft leadership transfer (etcd MsgTransferLeader, swarmkit TransferLeadership)", () => {
  it("hands leadership to an up-to-date follower within the lease: MsgTimeoutNow, then a transfer campaign the others grant", () => {
    const cluster = electedCluster([1, 2, 3], 5);
    const leader = cluster.leader();
    const from = cluster.leadersNow()[0]!;
    const to = cluster.ids.find((id) => id !== from)!;
    const term = leader.term;
    leader.transferLeadership(to);
    expect(leader.transferee).toBe(to);
    const sent = leader.ready().messages;
    expect(sent).toMatchObject([{ type: RaftMessageType.MsgTimeoutNow, to, term }]);
    cluster.node(to).step(sent[0]!);
    const votes = cluster.node(to).ready().messages;
    expect(votes.map((m) => [m.type, m.term, new TextDecoder().decode(m.context)])).toEqual(
      cluster.ids.filter((id) => id !== to).map(() => [RaftMessageType.MsgVote, term + 1, "CampaignTransfer"]),
    );
    for (const vote of votes) cluster.node(vote.to).step(vote);
    cluster.flush();
    // No tick passed: every follower was within its lease, and still granted the transfer's votes.
    expect(cluster.leadersNow()).toEqual([to]);
    expect(cluster.node(to).term).toBe(term + 1);
    expect(cluster.node(from).leaderId).toBe(to);
  });

  it("brings a lagging transferee up to date first, and refuses proposals meanwhile", () => {
    const cluster = electedCluster([1, 2, 3], 6);
    const from = cluster.leadersNow()[0]!;
    const [to, other] = cluster.ids.filter((id) => id !== from) as [number, number];
    cluster.partition([from, other], [to]);
    expect(cluster.leader().propose(text("while cut off")).ok).toBe(true);
    cluster.flush();
    cluster.heal();
    const leader = cluster.leader();
    leader.transferLeadership(to);
    expect(leader.ready().messages).toMatchObject([{ type: RaftMessageType.MsgApp, to }]);
    expect(leader.propose(text("during the transfer"))).toEqual({ ok: false, reason: "transferring" });
    cluster.tickUntil(() => cluster.leadersNow().length === 1 && cluster.leadersNow()[0] === to, 2);
    expect(proposals(cluster.applied.get(to)!)).toEqual(["while cut off"]);
  });

  it("gives up after an election timeout when the transferee never answers, and leads on", () => {
    const cluster = electedCluster([1, 2, 3], 7);
    const from = cluster.leadersNow()[0]!;
    const to = cluster.ids.find((id) => id !== from)!;
    cluster.partition([from, ...cluster.ids.filter((id) => id !== from && id !== to)], [to]);
    cluster.leader().transferLeadership(to);
    cluster.flush();
    expect(cluster.leader().propose(text("x")).ok).toBe(false);
    cluster.tick(electionTicks);
    expect(cluster.leadersNow()).toEqual([from]);
    expect(cluster.leader().transferee).toBe(0);
    expect(cluster.leader().propose(text("after")).ok).toBe(true);
  });
});
