import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Keyring, KeyringHistory } from "../../src/gossip/keyring.js";
import { propertyRuns } from "../support/properties.js";

/** memberlist keyring_test.go TestKeys. */
const testKeys = [
  Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
  Uint8Array.from([15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]),
  Uint8Array.from([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]),
] as const;
const [k0, k1, k2] = testKeys;

function created(keys: readonly Uint8Array[], primary?: Uint8Array, history?: KeyringHistory): Keyring {
  const r = Keyring.create(keys, primary, history);
  if (!r.ok) throw new Error(r.message);
  return r.keyring;
}

describe("Keyring, as memberlist keyring_test.go checks it", () => {
  it("an empty ring holds no keys and has no primary (encryption off)", () => {
    const ring = created([]);
    expect(ring.keys()).toEqual([]);
    expect(ring.primaryKey()).toBeUndefined();
    expect(ring.size).toBe(0);
    expect(new Keyring().size).toBe(0);
  });

  it("a ring can be made from a primary key alone", () => {
    expect(created([], k0).keys()).toEqual([k0]);
  });

  it("the key named primary comes first, whatever its place in the list", () => {
    const ring = created([k0, k1, k2], k1);
    expect(ring.primaryKey()).toEqual(k1);
    expect(ring.keys()).toEqual([k1, k0, k2]);
  });

  it("add, use and remove (TestKeyring_AddRemoveUse)", () => {
    const ring = created([], k1);
    expect(ring.useKey(k2)).toEqual({ ok: false, reason: "not-installed", message: "Requested key is not in the keyring" });
    expect(ring.addKey(k2)).toEqual({ ok: true, changed: true });
    expect(ring.keys()).toEqual([k1, k2]);
    expect(ring.useKey(k2)).toEqual({ ok: true, changed: true });
    expect(ring.primaryKey()).toEqual(k2);
    expect(ring.removeKey(k2)).toEqual({ ok: false, reason: "primary-removal", message: "Removing the primary key is not allowed" });
    expect(ring.removeKey(k1)).toEqual({ ok: true, changed: true });
    expect(ring.keys()).toEqual([k2]);
  });
});

describe("Keyring details from memberlist keyring.go", () => {
  it("keys without a primary are refused with NewKeyring's text", () => {
    expect(Keyring.create([k0])).toEqual({ ok: false, reason: "empty-primary", message: "Empty primary key not allowed" });
    expect(Keyring.create([k0], new Uint8Array(0))).toMatchObject({ ok: false, reason: "empty-primary" });
  });

  it("accepts 16, 24 and 32-byte keys and refuses any other length with ValidateKey's text", () => {
    const ring = new Keyring();
    for (const n of [16, 24, 32]) expect(ring.addKey(new Uint8Array(n).fill(n))).toEqual({ ok: true, changed: true });
    for (const n of [0, 1, 15, 17, 31, 33, 64]) {
      expect(ring.addKey(new Uint8Array(n))).toEqual({ ok: false, reason: "bad-key-size", message: "key size must be 16, 24 or 32 bytes" });
    }
    expect(ring.size).toBe(3);
    expect(Keyring.create([new Uint8Array(8)], k0)).toMatchObject({ ok: false, reason: "bad-key-size" });
  });

  it("adding an installed key does nothing, and NewKeyring skips duplicates", () => {
    const ring = created([k0, k1, k0, k2, k1], k0);
    expect(ring.keys()).toEqual([k0, k1, k2]);
    expect(ring.addKey(k2.slice())).toEqual({ ok: true, changed: false });
    expect(ring.keys()).toEqual([k0, k1, k2]);
  });

  it("the first key added to an empty ring becomes the primary", () => {
    const ring = new Keyring();
    ring.addKey(k2);
    ring.addKey(k0);
    expect(ring.keys()).toEqual([k2, k0]);
  });

  it("useKey moves the key to the front and keeps the others in order", () => {
    const ring = created([k1, k2], k0);
    expect(ring.useKey(k2)).toEqual({ ok: true, changed: true });
    expect(ring.keys()).toEqual([k2, k0, k1]);
    expect(ring.useKey(k2)).toEqual({ ok: true, changed: false });
  });

  it("removing a key that is not installed is no error (RemoveKey returns nil)", () => {
    const ring = created([k1], k0);
    expect(ring.removeKey(k2)).toEqual({ ok: true, changed: false });
    expect(ring.removeKey(new Uint8Array(3))).toEqual({ ok: true, changed: false });
    expect(new Keyring().removeKey(k0)).toEqual({ ok: true, changed: false });
  });

  it("hands out copies: changing a returned or a passed key changes nothing on the ring", () => {
    const mine = k0.slice();
    const ring = created([], mine);
    mine[0] = 0xff;
    ring.keys()[0]![1] = 0xff;
    ring.primaryKey()![2] = 0xff;
    expect(ring.keys()).toEqual([k0]);
  });

  it("throws a TypeError naming the argument for a key that is not bytes", () => {
    const ring = new Keyring();
    expect(() => ring.addKey("00" as unknown as Uint8Array)).toThrow(/"key" expected Uint8Array, got type=string/);
    expect(() => Keyring.create([k0, [1] as unknown as Uint8Array], k0)).toThrow(/"keys\[1\]" expected Uint8Array/);
  });
});

/** One step of a random keyring history: which pool key, and what to do with it. */
type Step = { readonly op: "add" | "use" | "remove"; readonly key: number };

describe("Keyring properties", () => {
  /** Five 16-byte keys and one of a bad length, picked by index. */
  const pool = [k0, k1, k2, new Uint8Array(16).fill(0xaa), new Uint8Array(32).fill(0x55), new Uint8Array(7)];
  const steps = fc.array(
    fc.record({ op: fc.constantFrom<Step["op"]>("add", "use", "remove"), key: fc.nat({ max: pool.length - 1 }) }),
    { maxLength: 60 },
  );

  it("never removes its primary, keeps it at index 0, holds no duplicates, and matches a model of keyring.go", () => {
    fc.assert(
      fc.property(steps, (ops) => {
        const ring = new Keyring();
        let model: number[] = []; // pool indexes, primary first
        for (const { op, key } of ops) {
          const before = ring.primaryKey();
          const r = op === "add" ? ring.addKey(pool[key]!) : op === "use" ? ring.useKey(pool[key]!) : ring.removeKey(pool[key]!);
          if (op === "add" && key !== pool.length - 1 && !model.includes(key)) model = [...model, key];
          if (op === "use" && model.includes(key)) model = [key, ...model.filter((k) => k !== key)];
          if (op === "remove" && model[0] !== key) model = model.filter((k) => k !== key);
          if (op === "remove" && before !== undefined && model[0] === key) {
            expect(r).toMatchObject({ ok: false, reason: "primary-removal" });
            expect(ring.primaryKey()).toEqual(before);
          }
          const keys = ring.keys();
          expect(keys).toEqual(model.map((k) => pool[k]));
          const hex = keys.map((k) => Buffer.from(k).toString("hex"));
          expect(new Set(hex).size).toBe(hex.length);
          if (before !== undefined) expect(ring.primaryKey()).toBeDefined();
          expect(ring.primaryKey()).toEqual(keys[0]);
        }
      }),
      { seed: 7101, numRuns: propertyRuns(300) },
    );
  });

  it("a history records each key the ring installs once, in order of first installation", () => {
    fc.assert(
      fc.property(steps, (ops) => {
        const history = new KeyringHistory();
        const ring = new Keyring(history);
        const firstSeen: number[] = [];
        for (const { op, key } of ops) {
          if (op === "add") ring.addKey(pool[key]!);
          else if (op === "use") ring.useKey(pool[key]!);
          else ring.removeKey(pool[key]!);
          if (op === "add" && key !== pool.length - 1 && !firstSeen.includes(key)) firstSeen.push(key);
        }
        expect(history.keys()).toEqual(firstSeen.map((k) => pool[k]));
        for (const key of ring.keys()) expect(history.keys()).toContainEqual(key);
      }),
      { seed: 7102, numRuns: propertyRuns(300) },
    );
  });
});

describe("KeyringHistory", () => {
  it("keeps a removed key, and does not list it again when it comes back", () => {
    const history = new KeyringHistory();
    const ring = created([k1], k0, history);
    expect(history.keys()).toEqual([k0, k1]);
    ring.addKey(k2);
    ring.useKey(k2);
    ring.removeKey(k0);
    ring.addKey(k0);
    expect(ring.keys()).toEqual([k2, k1, k0]);
    expect(history.keys()).toEqual([k0, k1, k2]);
    expect(history.size).toBe(3);
    expect(history.add(k1)).toBe(false);
  });
});
