import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";

const draws = (r: Rng, n: number) => Array.from({ length: n }, () => r.uint32());

describe("seeded random streams", () => {
  it("the same seed and path give the same draws", () => {
    expect(draws(Rng.root(42).fork("pki"), 8)).toEqual(draws(Rng.root(42).fork("pki"), 8));
    expect(draws(Rng.root(42).fork("pki"), 8)).not.toEqual(draws(Rng.root(43).fork("pki"), 8));
  });

  it("a new fork, or draws in a sibling, never shift another stream's draws", () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.constantFrom("a", "b", "c", "net", "pki"), { maxLength: 6 }),
        fc.nat({ max: 50 }),
        (seed, extraForks, siblingDraws) => {
          const quiet = Rng.root(seed);
          const expected = draws(quiet.fork("gossip"), 10);
          const busy = Rng.root(seed);
          busy.uint32();
          for (const name of extraForks) draws(busy.fork(name), siblingDraws);
          const sibling = busy.fork("pki");
          draws(sibling, siblingDraws);
          return JSON.stringify(draws(busy.fork("gossip"), 10)) === JSON.stringify(expected);
        },
      ),
      { seed: 3, numRuns: propertyRuns(200) },
    );
  });

  it("nested forks are named by their full path", () => {
    const r = Rng.root(1);
    expect(r.fork("pki").fork("node-3").path).toBe("pki/node-3");
    expect(draws(r.fork("pki").fork("node-3"), 4)).not.toEqual(draws(r.fork("pki/node-3".split("/")[0]!), 4));
    expect(() => r.fork("a/b")).toThrow(/"name"/);
  });

  it("int draws stay within inclusive bounds and hit both ends", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 6 }), (seed, min, span) => {
        const r = Rng.root(seed);
        const seen = new Set<number>();
        for (let i = 0; i < 400; i++) {
          const v = r.int(min, min + span);
          if (v < min || v > min + span || !Number.isInteger(v)) return false;
          seen.add(v);
        }
        return seen.size === span + 1;
      }),
      { seed: 4, numRuns: propertyRuns(200) },
    );
    const r = Rng.root(9);
    for (let i = 0; i < 100; i++) {
      const v = r.int(0, 2 ** 53 - 2);
      expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
    }
    expect(() => r.int(3, 2)).toThrow(RangeError);
  });

  it("chance, pick, shuffle and bytes behave", () => {
    const r = Rng.root(5);
    expect(Array.from({ length: 50 }, () => r.chance(0, 10)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 50 }, () => r.chance(10, 10)).every(Boolean)).toBe(true);
    const hits = Array.from({ length: 10_000 }, () => r.chance(1, 4)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2200);
    expect(hits).toBeLessThan(2800);
    expect(["x", "y"]).toContain(r.pick(["x", "y"]));
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const shuffled = r.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.bytes(13)).toHaveLength(13);
    expect(() => r.pick([])).toThrow(/"items"/);
  });

  it("a saved state restores the exact continuation", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat({ max: 100 }), (seed, skip) => {
        const r = Rng.root(seed).fork("s");
        draws(r, skip);
        const saved = JSON.parse(JSON.stringify(r.save()));
        const ahead = draws(r, 20);
        return JSON.stringify(draws(Rng.restore(saved), 20)) === JSON.stringify(ahead);
      }),
      { seed: 6, numRuns: propertyRuns(100) },
    );
  });
});
