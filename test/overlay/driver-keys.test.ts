/**
 * Feeding the overlay driver from a node's keys: NodeKeys.apply reports the
 * IPsec change of each session message, in libnetwork's agent.go order, and
 * the driver applies it as setKeys or updateKeys.
 */
import { describe, expect, it } from "vitest";
import { type EncryptionKey, NodeKeys, keyAlgorithm, subsystemGossip, subsystemIpsec } from "../../src/control/index.js";
import { instant, seconds } from "../../src/sim/index.js";
import { overlayWorld, secureNet } from "./driver-world.js";

const key = (subsystem: EncryptionKey["subsystem"], tag: number): EncryptionKey => ({
  subsystem,
  algorithm: keyAlgorithm,
  key: new Uint8Array(16).fill(tag & 0xff),
  lamportTime: tag,
});
/** A session message's keys: gossip tags g, IPsec tags i. */
const message = (g: number[], i: number[]) => [...g.map((t) => key(subsystemGossip, t)), ...i.map((t) => key(subsystemIpsec, t))];

describe("NodeKeys → overlay driver", () => {
  it("reports the first keys as a set, primary (the middle tag) first, and a rotation as one update", () => {
    const keys = new NodeKeys();
    const first = keys.apply(message([1, 2, 3], [11, 12, 13]), instant(0));
    expect(first.changed && first.ok).toBe(true);
    if (!first.changed || first.ipsec?.kind !== "set") throw new Error("expected a set");
    expect(first.ipsec.keys.map((k) => k.lamportTime)).toEqual([12, 11, 13]);
    expect(first.ipsec.primary?.lamportTime).toBe(12);

    const rotated = keys.apply(message([2, 3, 4], [12, 13, 14]), instant(1));
    if (!rotated.changed || rotated.ipsec?.kind !== "update") throw new Error("expected an update");
    const { newKey, primary, prune } = rotated.ipsec;
    expect([newKey?.lamportTime, primary?.lamportTime, prune?.lamportTime]).toEqual([14, 13, 11]);
    // The keys NodeKeys holds for observers are unchanged by the report.
    expect(keys.held(subsystemIpsec)).toEqual({ tags: [12, 13, 14], primary: 13 });
    expect(keys.apply(message([2, 3, 4], [12, 13, 14]), instant(2))).toEqual({ changed: false });
  });

  it("a failed change reports no IPsec change", () => {
    const keys = new NodeKeys();
    keys.apply(message([1, 2, 3], [11, 12, 13]), instant(0));
    const refused = keys.apply(message([2, 3, 4], [12, 13]), instant(1));
    expect(refused).toEqual({ changed: true, ok: false, reason: "incorrect number of keys for subsystem networking:ipsec" });
  });

  it("the driver applies the reported changes and keeps its tunnels through them", () => {
    const w = overlayWorld(2);
    const nodeKeys = [new NodeKeys(), new NodeKeys()];
    const deliver = (g: number[], i: number[]) => {
      nodeKeys.forEach((k, n) => {
        const update = k.apply(message(g, i), w.sim.now);
        if (update.changed && update.ipsec !== undefined) w.driver(n + 1).applyKeyChange(update.ipsec);
      });
    };
    deliver([1, 2, 3], [11, 12, 13]);
    expect(w.driver(1).keyTags()).toEqual([12, 11, 13]);
    w.join(1, secureNet, "10.0.1.2");
    w.join(2, secureNet, "10.0.1.3");
    w.run(seconds(5));
    deliver([2, 3, 4], [12, 13, 14]);
    for (const n of [1, 2]) {
      expect(w.driver(n).keyTags()).toEqual([13, 12, 14]);
      expect(w.driver(n).associations().map((sa) => `${sa.direction} ${sa.keyTag}`).sort()).toEqual(["in 12", "in 13", "in 14", "out 13"]);
    }
    expect(w.trace.records.filter((r) => r.kind === "overlay.keys").map((r) => `${r.node} ${r.op} ${String(r.tags)}`)).toEqual([
      "node-1 set 12,11,13",
      "node-2 set 12,11,13",
      "node-1 update 13,12,14",
      "node-2 update 13,12,14",
    ]);
  });
});
