import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EncryptionKey,
  type KeySubsystem,
  KeyManager,
  applyGossipOps,
  initialGossipKeyring,
  initialKeyOrder,
  keyChange,
  keyringSize,
  keyringUpdate,
  networkKeyBytes,
  oldestIndex,
  primaryKey,
  rotateKeys,
  rotationIntervalUs,
  subsystemGossip,
  subsystemIpsec,
} from "../../src/control/index.js";
import { type Instant, MemorySink, Rng, Scheduler, Trace, hours, instant, toHex } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";

const G = subsystemGossip;
const I = subsystemIpsec;

/** A hand-made key whose bytes name its subsystem and tag. */
function key(subsystem: KeySubsystem, lamportTime: number): EncryptionKey {
  const bytes = new Uint8Array(networkKeyBytes).fill(lamportTime & 0xff);
  bytes[0] = subsystem === G ? 0x67 : 0x69;
  return { subsystem, algorithm: "AES_128_GCM", key: bytes, lamportTime };
}
const keys = (subsystem: KeySubsystem, ...tags: number[]) => tags.map((t) => key(subsystem, t));
const tagsOf = (list: readonly EncryptionKey[], subsystem?: KeySubsystem) =>
  list.filter((k) => subsystem === undefined || k.subsystem === subsystem).map((k) => k.lamportTime);
const opsOf = (ops: readonly { op: string; key: EncryptionKey }[]) => ops.map((o) => `${o.op}(${o.key.lamportTime})`);
/** Which hand-made key each ring entry is (its tag). */
const ringTags = (ring: readonly Uint8Array[]) => ring.map((bytes) => bytes[1]!);

interface Publication {
  readonly at: Instant;
  readonly keys: readonly EncryptionKey[];
}

/** A key manager on its own scheduler, recording what it publishes. */
function leader(seed: number, interval = rotationIntervalUs) {
  const scheduler = new Scheduler();
  const sink = new MemorySink();
  const trace = new Trace(() => scheduler.now);
  trace.addSink(sink);
  const published: Publication[] = [];
  const onKeysChanged = (list: readonly EncryptionKey[]) => published.push({ at: scheduler.now, keys: list });
  const manager = new KeyManager({ rng: Rng.root(seed).fork("keymanager"), scheduler, onKeysChanged, rotationIntervalUs: interval, trace, node: "m1" });
  return { scheduler, sink, published, manager, onKeysChanged };
}

describe("key manager on the leader (swarmkit manager/keymanager/keymanager.go)", () => {
  it("makes 3 gossip keys then 3 IPsec keys, tagged L+1..L+6 from a clock started in 0..65535, and publishes them", () => {
    const { manager, published, sink } = leader(1);
    manager.start();
    expect(published).toHaveLength(1);
    const first = published[0]!.keys;
    const L = first[0]!.lamportTime - 1;
    expect(L).toBeGreaterThanOrEqual(0);
    expect(L).toBeLessThanOrEqual(65_535);
    expect(first.map((k) => k.subsystem)).toEqual([G, G, G, I, I, I]);
    expect(tagsOf(first)).toEqual([1, 2, 3, 4, 5, 6].map((n) => L + n));
    for (const k of first) {
      expect(k.algorithm).toBe("AES_128_GCM");
      expect(k.key).toHaveLength(16);
    }
    expect(new Set(first.map((k) => toHex(k.key))).size).toBe(6);
    expect(manager.lamportClock).toBe(L + 6);
    expect(sink.records[0]).toMatchObject({ kind: "keymanager.start", node: "m1", generated: true, lamportClock: L + 6 });
  });

  it("rotates every 12 h on its own timer: each subsystem drops its oldest key and gains one with the next tag", () => {
    const { manager, published, scheduler, sink } = leader(2);
    manager.start();
    const L = manager.lamportClock - 6;
    scheduler.run({ until: instant(hours(36)) });
    expect(published.map((p) => p.at)).toEqual([0, hours(12), hours(24), hours(36)]);
    const afterFirst = published[1]!.keys;
    expect(tagsOf(afterFirst, G).slice(0, 2)).toEqual([L + 2, L + 3]);
    expect(tagsOf(afterFirst, I).slice(0, 2)).toEqual([L + 5, L + 6]);
    // The two new keys take L+7 and L+8, in the order Go's map walk visits the subsystems.
    expect([tagsOf(afterFirst, G)[2], tagsOf(afterFirst, I)[2]].sort()).toEqual([L + 7, L + 8]);
    const rotations = sink.records.filter((r) => r.kind === "keymanager.rotate");
    expect(rotations).toHaveLength(3);
    expect(rotations[2]).toMatchObject({ gossipKeys: 3, ipsecKeys: 3, lamportClock: L + 12 });
  });

  it("a new leader takes the stored keys over without rotating: its timer starts afresh, so the interval stretches (issue #530)", () => {
    const first = leader(3);
    first.manager.start();
    first.scheduler.run({ until: instant(hours(20)) }); // rotated once, at 12 h
    first.manager.stop();
    const stored = { keys: first.manager.currentKeys, lamportClock: first.manager.lamportClock };
    const second = new KeyManager({
      rng: Rng.root(3).fork("keymanager-m2"),
      scheduler: first.scheduler,
      onKeysChanged: first.onKeysChanged,
    });
    second.start(stored);
    expect(first.published.map((p) => p.at)).toEqual([0, hours(12)]); // taking over publishes nothing
    first.scheduler.run({ until: instant(hours(44)) });
    // The first leader's timer would have fired at 24 h; the second's fires 12 h after it took over.
    expect(first.published.map((p) => p.at)).toEqual([0, hours(12), hours(32), hours(44)]);
    // Tags continue from the stored clock, not from the new manager's own random start.
    expect(second.lamportClock).toBe(stored.lamportClock + 4);
  });

  it("stop() cancels the timer", () => {
    const { manager, published, scheduler } = leader(4);
    manager.start();
    manager.stop();
    scheduler.run({ until: instant(hours(48)) });
    expect(published).toHaveLength(1);
    expect(scheduler.pending).toBe(0);
  });

  it("checks its arguments", () => {
    expect(() => leader(5, hours(0))).toThrow(/"rotationIntervalUs" expected/);
    const { manager } = leader(5);
    expect(() => manager.rotate()).toThrow(/expected to be running/);
    expect(() => manager.start({ keys: [{ ...key(G, 1), key: new Uint8Array(8) }] })).toThrow(/length 16, got length=8/);
  });
});

describe("rotateKeys and oldestIndex (keymanager.go rotateKey)", () => {
  let next = 100;
  const allocate = (s: KeySubsystem) => key(s, ++next);

  it.each([
    { tags: [1, 2, 3], index: 0, why: "keys stored oldest first: the oldest" },
    { tags: [5, 3, 4], index: 1, why: "the slip lands on the oldest by chance" },
    { tags: [5, 4, 3], index: 1, why: "the slip drops 4, not the oldest 3" },
  ])("oldestIndex($tags) = $index: $why", ({ tags, index }) => {
    expect(oldestIndex(keys(G, ...tags))).toBe(index);
  });

  it("drops only from a group of exactly 3, adds to every group, and concatenates groups in map order", () => {
    next = 100;
    const rotated = rotateKeys([...keys(G, 1, 2), ...keys(I, 4, 5, 6)], [I, G], allocate);
    expect(rotated.map((k) => `${k.subsystem === G ? "g" : "i"}${k.lamportTime}`)).toEqual(["i5", "i6", "i101", "g1", "g2", "g102"]);
  });
});

describe("primaryKey (libnetwork agent.go getPrimaryKeyTag)", () => {
  it.each([
    { name: "three keys: the middle one by tag", list: [key(G, 9), key(G, 7), key(G, 8)], tag: 8 },
    { name: "two keys: the newer one", list: [key(G, 8), key(G, 7)], tag: 8 },
    { name: "other subsystems are ignored", list: [key(I, 1), key(G, 10), key(I, 2), key(G, 11), key(G, 12)], tag: 11 },
  ])("$name", ({ list, tag }) => {
    const result = primaryKey(list, G);
    expect(result.ok && result.key.lamportTime).toBe(tag);
  });

  it.each([
    { count: 1, list: [key(G, 7), key(I, 8), key(I, 9)] },
    { count: 0, list: [key(I, 8), key(I, 9)] },
  ])("$count gossip keys: no primary, libnetwork's error", ({ count, list }) => {
    expect(primaryKey(list, G)).toEqual({
      ok: false,
      reason: `no primary key found for networking:gossip subsystem: ${count} keys found on controller, expected at least 2`,
    });
  });

  it("installs keys primary first (getKeys: sorted, first two swapped)", () => {
    expect(tagsOf(initialKeyOrder([key(G, 3), key(I, 4), key(G, 1), key(G, 2)], G))).toEqual([2, 1, 3]);
    expect(ringTags(initialGossipKeyring(keys(G, 1, 2, 3)).ring)).toEqual([2, 1, 3]);
  });
});

describe("applying a key change on a node (agent.go handleKeyChange, networkdb, memberlist)", () => {
  const initial = [...keys(G, 1, 2, 3), ...keys(I, 4, 5, 6)];

  it("one rotation: add(new) → setPrimary(middle) → remove(old), and the ring matches the leader's", () => {
    const next = [...keys(G, 2, 3, 7), ...keys(I, 5, 6, 8)];
    expect(opsOf(keyringUpdate(initial, next, G))).toEqual(["add(7)", "setPrimary(3)", "remove(1)"]);
    expect(opsOf(keyringUpdate(initial, next, I))).toEqual(["add(8)", "setPrimary(6)", "remove(4)"]);
    const ring = applyGossipOps(initialGossipKeyring(initial), keyringUpdate(initial, next, G));
    expect(ringTags(ring.ring)).toEqual([3, 2, 7]);
    expect(ringTags(ring.configKeys)).toEqual([2, 3, 7]);
  });

  it("known gap: a node that missed two rotations ends with a gossip ring that lacks the cluster's primary and sends with a dropped key", () => {
    // The leader rotated twice while the node was away: gossip 3, 7, 9 (primary 7); IPsec 6, 8, 10 (primary 8).
    const leaderKeys = [...keys(G, 3, 7, 9), ...keys(I, 6, 8, 10)];
    const change = keyChange(initial, leaderKeys);
    if (!change.ok) throw new Error(change.reason);
    // Only the last added (9) and last removed (2) gossip keys reach networkdb; 7 was never added,
    // so SetPrimaryKey(7) does nothing, and memberlist refuses to remove its primary 2.
    expect(opsOf(change.gossip)).toEqual(["add(9)", "setPrimary(7)", "remove(2)"]);
    const ring = applyGossipOps(initialGossipKeyring(initial), change.gossip);
    expect(ringTags(ring.ring)).toEqual([2, 1, 3, 9]);
    expect(ringTags(ring.ring)).not.toContain(7); // cannot read what the other nodes send
    expect(ring.ring[0]![1]).toBe(2); // sends with a key every other node dropped
    expect(ringTags(ring.configKeys)).toEqual([1, 3, 9]); // networkdb and memberlist disagree
    // The removal loop skipped IPsec key 5 (swapped into a removed key's place), so the node
    // keeps it and picks 6 as IPsec primary instead of the leader's 8.
    expect(tagsOf(change.controllerKeys)).toEqual([3, 5, 6, 7, 8, 9, 10]);
    expect(opsOf(change.ipsec)).toEqual(["add(10)", "setPrimary(6)", "remove(4)"]);
  });

  it("refuses a set with other than 3 keys for a subsystem, changing nothing (controller.go SetKeys)", () => {
    const change = keyChange(initial, [...keys(G, 2, 3), ...keys(I, 5, 6, 8)]);
    expect(change).toMatchObject({ ok: false, reason: "incorrect number of keys for subsystem networking:gossip", gossip: [] });
    expect(change.controllerKeys).toBe(initial);
  });
});

describe("key manager properties", () => {
  /** Publications of a leader run for `rotations` intervals. */
  const history = (seed: number, rotations: number) => {
    const run = leader(seed);
    run.manager.start();
    run.scheduler.run({ until: instant(rotations * rotationIntervalUs) });
    return { published: run.published, clockStart: run.published[0]!.keys[0]!.lamportTime - 1 };
  };

  it("after any number of rotations: 3 keys per subsystem, oldest first, unique tags, the newest two from the latest rotation, primary the middle", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 0, max: 30 }), (seed, rotations) => {
        const { published, clockStart } = history(seed, rotations);
        expect(published).toHaveLength(rotations + 1);
        const last = published.at(-1)!.keys;
        const clock = clockStart + 6 + 2 * rotations;
        expect(new Set(tagsOf(last)).size).toBe(6);
        for (const s of [G, I] as const) {
          const tags = tagsOf(last, s);
          expect(tags).toHaveLength(keyringSize);
          expect(tags).toEqual(tags.slice().sort((a, b) => a - b));
          const primary = primaryKey(last, s);
          expect(primary.ok && primary.key.lamportTime).toBe(tags[1]);
          if (rotations > 0) expect([clock - 1, clock]).toContain(tags[2]);
        }
        if (rotations > 0) expect(Math.max(...tagsOf(last))).toBe(clock);
      }),
      { seed: 530, numRuns: propertyRuns(60) },
    );
  });

  it("every rotated-in key is installed a full interval before it is primary and removed a full interval after", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), (seed) => {
        const { published } = history(seed, 12);
        const lifetimes = new Map<number, { installed: number; primary: number[]; removed?: number }>();
        for (const [index, { keys: list }] of published.entries()) {
          for (const k of list) if (!lifetimes.has(k.lamportTime)) lifetimes.set(k.lamportTime, { installed: index, primary: [] });
          for (const s of [G, I] as const) {
            const primary = primaryKey(list, s);
            if (primary.ok) lifetimes.get(primary.key.lamportTime)!.primary.push(index);
          }
          for (const [tag, life] of lifetimes) {
            if (life.removed === undefined && !list.some((k) => k.lamportTime === tag)) life.removed = index;
          }
        }
        for (const life of lifetimes.values()) {
          if (life.installed === 0 || life.removed === undefined) continue; // initial keys, or still held
          expect(life.primary).toEqual([life.installed + 1]);
          expect(life.removed).toBe(life.installed + 3);
        }
      }),
      { seed: 12, numRuns: propertyRuns(40) },
    );
  });

  it("same seed, same keys; different seeds, different keys", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (a, b) => {
        const hex = (seed: number) => history(seed, 3).published.map((p) => p.keys.map((k) => `${k.lamportTime}:${toHex(k.key)}`).join(","));
        expect(hex(a)).toEqual(hex(a));
        if (a !== b) expect(hex(a)).not.toEqual(hex(b));
      }),
      { seed: 65_535, numRuns: propertyRuns(30) },
    );
  });

  it("a node that gets every update keeps the leader's gossip keys with the leader's primary first", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 1, max: 20 }), (seed, rotations) => {
        const { published } = history(seed, rotations);
        let held = published[0]!.keys;
        let ring = initialGossipKeyring(held);
        for (const { keys: next } of published.slice(1)) {
          const change = keyChange(held, next);
          if (!change.ok) throw new Error(change.reason);
          ring = applyGossipOps(ring, change.gossip);
          held = change.controllerKeys;
          const primary = primaryKey(next, G);
          expect(primary.ok && toHex(ring.ring[0]!)).toBe(primary.ok && toHex(primary.key.key));
          expect(ring.ring.map(toHex).sort()).toEqual(next.filter((k) => k.subsystem === G).map((k) => toHex(k.key)).sort());
          expect(tagsOf(held)).toEqual(tagsOf(next).sort((x, y) => x - y));
        }
      }),
      { seed: 3, numRuns: propertyRuns(40) },
    );
  });

  it("a node that misses two rotations in a row never holds the cluster's new primary gossip key", () => {
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.integer({ min: 0, max: 10 }), (seed, before) => {
        const { published } = history(seed, before + 2);
        const held = published[before]!.keys;
        const next = published[before + 2]!.keys;
        const change = keyChange(held, next);
        const ring = applyGossipOps(initialGossipKeyring(held), change.gossip);
        const primary = primaryKey(next, G);
        expect(primary.ok).toBe(true);
        if (primary.ok) expect(ring.ring.map(toHex)).not.toContain(toHex(primary.key.key));
      }),
      { seed: 2, numRuns: propertyRuns(40) },
    );
  });
});
