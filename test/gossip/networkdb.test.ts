import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { endpointTable, reapEntryIntervalUs } from "../../src/gossip/index.js";
import { canonicalJson, minutes, seconds } from "../../src/sim/index.js";
import { bytes, networkDbWorld, str } from "./networkdb-world.js";

const table = endpointTable;

/** Six nodes: 1-4 in net-a, 5 in net-b, 6 in none. */
function sixNodes(seed = 1) {
  const w = networkDbWorld(6, { seed });
  w.startAll();
  w.run(seconds(5));
  for (const n of [1, 2, 3, 4]) w.peer(n).db.joinNetwork("net-a");
  w.peer(5).db.joinNetwork("net-b");
  w.run(seconds(5));
  return w;
}

/** The live entries of a table as key → value text. */
const view = (db: { entries: (t: string, n: string) => { key: string; value: Uint8Array }[] }, nid: string) =>
  Object.fromEntries(db.entries(table, nid).map((e) => [e.key, str(e.value)]));

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

describe("networkdb", () => {
  it("an entry reaches every node of its network, no other node, and never crosses the wire in clear", () => {
    const w = sixNodes();
    const key = "ep-0123456789abcdef";
    let clearSightings = 0;
    w.fabric.addTap((p) => (contains(p.bytes, bytes(key)) ? clearSightings++ : 0), { outcomes: ["sent"], borrow: true });
    expect(w.peer(2).db.createEntry(table, "net-a", key, bytes("10.0.1.2"))).toEqual({ ok: true });
    w.run(seconds(5));
    for (const n of [1, 2, 3, 4]) expect(str(w.peer(n).db.getEntry(table, "net-a", key)), `node-${n}`).toBe("10.0.1.2");
    for (const n of [5, 6]) {
      const p = w.peer(n);
      expect(p.db.tableEntry(table, "net-a", key), `node-${n}`).toBeUndefined();
      expect(p.heard).toEqual([]);
      expect(p.db.counters.tableEventsReceived).toBe(0);
    }
    expect(w.peer(3).heard).toEqual([{ event: "create", table, nid: "net-a", key, value: bytes("10.0.1.2"), owner: w.peer(2).db.name }]);
    expect(clearSightings).toBe(0);
    const names = [1, 2, 3, 4].map((n) => w.peer(n).db.name).sort();
    expect([...w.peer(1).db.peers("net-a")].sort()).toEqual(names);
    expect(w.peer(6).db.networks()).toEqual([]);
    expect(w.peer(5).db.peers("net-a").sort()).toEqual(names);
  });

  it("updates and deletes reach every node of the network", () => {
    const w = sixNodes();
    const owner = w.peer(1).db;
    owner.createEntry(table, "net-a", "ep-1", bytes("v1"));
    w.run(seconds(3));
    expect(owner.updateEntry(table, "net-a", "ep-1", bytes("v2"))).toEqual({ ok: true });
    w.run(seconds(3));
    for (const n of [2, 3, 4]) expect(str(w.peer(n).db.getEntry(table, "net-a", "ep-1")), `node-${n}`).toBe("v2");
    expect(owner.deleteEntry(table, "net-a", "ep-1")).toEqual({ ok: true });
    expect(owner.deleteEntry(table, "net-a", "ep-1").ok).toBe(false);
    w.run(seconds(3));
    for (const n of [1, 2, 3, 4]) {
      const db = w.peer(n).db;
      expect(db.getEntry(table, "net-a", "ep-1"), `node-${n}`).toBeUndefined();
      expect(db.entries(table, "net-a")).toEqual([]);
      expect(db.tableEntry(table, "net-a", "ep-1")?.deleting).toBe(true);
    }
    for (const n of [2, 3, 4]) expect(w.peer(n).heard.map((c) => `${c.event}:${str(c.value)}`), `node-${n}`).toEqual(["create:v1", "update:v2", "delete:v2"]);
  });

  it("a deleted entry is reaped 30 min after the delete, on every node of the network", () => {
    const w = sixNodes();
    w.peer(2).db.createEntry(table, "net-a", "ep-1", bytes("v1"));
    w.run(seconds(3));
    w.peer(2).db.deleteEntry(table, "net-a", "ep-1");
    const deletedAt = w.sim.now;
    w.run(minutes(29));
    for (const n of [1, 2, 3, 4]) expect(w.peer(n).db.tableEntry(table, "net-a", "ep-1")?.deleting, `node-${n}`).toBe(true);
    w.run(minutes(2));
    for (const n of [1, 2, 3, 4]) expect(w.peer(n).db.tableEntry(table, "net-a", "ep-1"), `node-${n}`).toBeUndefined();
    const reaps = w.trace.records.filter((r) => r.kind === "gossip.table" && r.event === "reap" && r.key === "ep-1");
    expect(reaps.map((r) => r.node).sort()).toEqual(["node-1", "node-2", "node-3", "node-4"]);
    for (const r of reaps) expect(Math.abs(r.t - deletedAt - reapEntryIntervalUs)).toBeLessThanOrEqual(seconds(15));
  });

  it("a node that joins a network later gets its entries by bulk sync", () => {
    const w = sixNodes();
    for (const n of [1, 2, 3]) w.peer(n).db.createEntry(table, "net-a", `ep-${n}`, bytes(`v${n}`));
    w.run(seconds(60));
    const late = w.peer(5).db;
    let syncedAt: number | undefined;
    late.joinNetwork("net-a", () => (syncedAt = w.sim.now));
    const joinedAt = w.sim.now;
    w.run(seconds(2));
    expect(syncedAt).toBeDefined();
    expect(syncedAt! - joinedAt).toBeLessThan(seconds(2));
    expect(view(late, "net-a")).toEqual({ "ep-1": "v1", "ep-2": "v2", "ep-3": "v3" });
    expect(late.counters.bulkSyncsSent).toBeGreaterThanOrEqual(4);
    expect(late.counters.bulkSyncsAcked).toBe(late.counters.bulkSyncsSent);
    expect(late.networks().find((n) => n.nid === "net-a")?.inSync).toBe(true);
    // Its own entries reach the others, and its other network stays its own.
    late.createEntry(table, "net-a", "ep-5", bytes("v5"));
    w.run(seconds(3));
    expect(str(w.peer(1).db.getEntry(table, "net-a", "ep-5"))).toBe("v5");
  });

  it("a crashed node's peers mark it failed and drop its entries", () => {
    const w = sixNodes();
    const victim = w.peer(4);
    victim.db.createEntry(table, "net-a", "ep-4", bytes("v4"));
    w.run(seconds(3));
    victim.db.stop();
    victim.host.down();
    w.run(seconds(20));
    for (const n of [1, 2, 3, 5, 6]) {
      const p = w.peer(n);
      expect(p.db.nodeState(victim.db.name), `node-${n}`).toBe("failed");
      expect(p.db.tableEntry(table, "net-a", "ep-4"), `node-${n}`).toBeUndefined();
    }
    for (const n of [1, 2, 3]) {
      expect(w.peer(n).heard.at(-1), `node-${n}`).toMatchObject({ event: "delete", key: "ep-4", owner: victim.db.name });
      expect(w.peer(n).db.peers("net-a")).not.toContain(victim.db.name);
    }
    // The failed node is retried every second meanwhile.
    expect(w.peer(1).db.counters.reconnectAttempts).toBeGreaterThan(0);
    expect(w.peer(1).db.counters.reconnects).toBe(0);
  });

  it("a node that leaves the cluster gossips its leave first, and its entries are dropped everywhere", () => {
    const w = sixNodes();
    const leaver = w.peer(4);
    leaver.db.createEntry(table, "net-a", "ep-4", bytes("v4"));
    w.run(seconds(3));
    leaver.db.leave();
    w.run(seconds(6));
    expect(leaver.db.isRunning).toBe(false);
    leaver.host.down();
    w.run(seconds(30));
    const states = [1, 2, 3, 5, 6].map((n) => w.peer(n).db.nodeState(leaver.db.name));
    // A peer whose push/pull with the leaver came after the leave took the leave's clock time
    // from it (delegate.go MergeRemoteState), ignores the leave event as old, and marks the
    // node failed once memberlist declares it dead: Go does the same.
    expect(states.filter((s) => s === "left").length).toBeGreaterThanOrEqual(3);
    expect(states.every((s) => s === "left" || s === "failed")).toBe(true);
    for (const n of [1, 2, 3, 5, 6]) expect(w.peer(n).db.tableEntry(table, "net-a", "ep-4"), `node-${n}`).toBeUndefined();
  });

  it("a node isolated for minutes rejoins after the heal, and the tables converge", () => {
    const w = networkDbWorld(5, { seed: 3 });
    w.startAll();
    w.run(seconds(5));
    for (const p of w.peers) p.db.joinNetwork("net-a");
    w.run(seconds(5));
    w.peers.forEach((p, i) => p.db.createEntry(table, "net-a", `ep-${i + 1}`, bytes(`v${i + 1}`)));
    w.run(seconds(10));
    const cut = w.peer(3);
    w.fabric.isolate(cut.host.name);
    w.run(seconds(30));
    w.peer(1).db.createEntry(table, "net-a", "ep-during-1", bytes("d1"));
    cut.db.createEntry(table, "net-a", "ep-during-3", bytes("d3"));
    w.peer(2).db.deleteEntry(table, "net-a", "ep-2");
    w.run(minutes(5));
    for (const p of w.peers) {
      if (p === cut) continue;
      expect(p.db.nodeState(cut.db.name), p.host.name).toBe("failed");
      expect(cut.db.nodeState(p.db.name), `cut's view of ${p.host.name}`).toBe("failed");
    }
    expect(view(cut.db, "net-a")).toEqual({ "ep-during-3": "d3", "ep-3": "v3" });
    w.fabric.heal();
    w.run(minutes(3));
    const expected = { "ep-1": "v1", "ep-3": "v3", "ep-4": "v4", "ep-5": "v5", "ep-during-1": "d1", "ep-during-3": "d3" };
    for (const p of w.peers) {
      expect(view(p.db, "net-a"), p.host.name).toEqual(expected);
      expect(p.db.clusterNodes("active"), p.host.name).toHaveLength(5);
      expect(p.db.clusterNodes("failed"), p.host.name).toEqual([]);
    }
    expect(w.peers.reduce((sum, p) => sum + p.db.counters.reconnects, 0)).toBeGreaterThan(0);
  });

  it("leaving a network marks the node's entries deleting everywhere", () => {
    const w = sixNodes();
    w.peer(3).db.createEntry(table, "net-a", "ep-3", bytes("v3"));
    w.peer(1).db.createEntry(table, "net-a", "ep-1", bytes("v1"));
    w.run(seconds(3));
    expect(w.peer(3).db.leaveNetwork("net-a")).toEqual({ ok: true });
    w.run(seconds(5));
    for (const n of [1, 2, 4]) {
      expect(w.peer(n).db.tableEntry(table, "net-a", "ep-3")?.deleting, `node-${n}`).toBe(true);
      expect(w.peer(n).db.peers("net-a")).not.toContain(w.peer(3).db.name);
    }
    // The leaver keeps its own entries as deletes and drops the others'.
    expect(w.peer(3).db.tableEntry(table, "net-a", "ep-3")?.deleting).toBe(true);
    expect(w.peer(3).db.tableEntry(table, "net-a", "ep-1")).toBeUndefined();
    expect(w.peer(3).db.networks()).toMatchObject([{ nid: "net-a", leaving: true }]);
  });

  it("the same seed gives the same trace", () => {
    const scenario = (seed: number) => {
      const w = networkDbWorld(4, { seed });
      w.startAll();
      w.run(seconds(3));
      for (const p of w.peers) p.db.joinNetwork("net-a");
      w.run(seconds(2));
      w.peers.forEach((p, i) => p.db.createEntry(table, "net-a", `ep-${i}`, bytes(`v${i}`)));
      w.run(seconds(5));
      w.fabric.isolate("node-2");
      w.run(seconds(40));
      w.fabric.heal();
      w.run(seconds(40));
      return { json: canonicalJson(w.trace.records), fingerprint: w.sim.trace.fingerprint() };
    };
    const a = scenario(11);
    const b = scenario(11);
    expect(a.json).toContain("gossip.table");
    expect(b.json).toBe(a.json);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(scenario(12).fingerprint).not.toBe(a.fingerprint);
  });

  it("garbage user messages from a node holding the key are dropped and counted, and the tables still converge", () => {
    const w = sixNodes(3);
    const [sender, target] = [w.peer(1).db, w.peer(2).db];
    const to = sender.memberlist.member(target.name)!;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), fc.boolean(), (payload, stream) => {
        if (stream) sender.memberlist.sendToTcp(to, payload);
        else sender.memberlist.sendToUdp(to, payload);
        w.run(seconds(0.05));
      }),
      { seed: 23, numRuns: 200, endOnFailure: true },
    );
    expect(target.counters.messagesDropped).toBeGreaterThan(0);
    sender.createEntry(table, "net-a", "after", bytes("still works"));
    w.run(seconds(3));
    expect(str(target.getEntry(table, "net-a", "after"))).toBe("still works");
  });
});
