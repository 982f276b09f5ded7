import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type TagLength, createAead } from "../../src/crypto/index.js";
import { propertyRuns } from "../support/properties.js";

const noble = createAead("noble");
const node = createAead("node");
const tables = createAead("tables");
const auto = createAead("auto");
const others = [node, tables, auto];

/** One sealing job: everything an AEAD call takes. */
const job = fc.record({
  key: fc.oneof(...[16, 24, 32].map((length) => fc.uint8Array({ minLength: length, maxLength: length }))),
  nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  aad: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 1, maxLength: 64, size: "max" })),
  // size "max": lengths spread over the whole range, not fast-check's default of a few bytes.
  plaintext: fc.uint8Array({ minLength: 0, maxLength: 2000, size: "max" }),
  tagLength: fc.constantFrom<TagLength>(16, 8),
});

const settings = (seed: number) => ({ seed, numRuns: propertyRuns(300) });

/** A copy of `bytes` with bit `bit` (counted over the whole array) flipped. */
function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

describe("AES-GCM backends agree", () => {
  it("node:crypto, the tables and auto seal to noble's bytes, and each opens the others'", () => {
    fc.assert(
      fc.property(job, ({ key, nonce, aad, plaintext, tagLength }) => {
        const fromNoble = noble.seal(key, nonce, plaintext, aad, tagLength);
        expect(fromNoble.length).toBe(plaintext.length + tagLength);
        for (const other of others) {
          const fromOther = other.seal(key, nonce, plaintext, aad, tagLength);
          expect(fromOther).toEqual(fromNoble);
          expect(noble.open(key, nonce, fromOther, aad, tagLength)).toEqual({ ok: true, plaintext });
          expect(other.open(key, nonce, fromNoble, aad, tagLength)).toEqual({ ok: true, plaintext });
        }
      }),
      settings(42),
    );
  });

  it("an empty AAD and no AAD are the same", () => {
    fc.assert(
      fc.property(job, ({ key, nonce, plaintext, tagLength }) => {
        for (const aead of [noble, ...others]) {
          expect(aead.seal(key, nonce, plaintext, undefined, tagLength)).toEqual(
            aead.seal(key, nonce, plaintext, new Uint8Array(0), tagLength),
          );
        }
      }),
      settings(43),
    );
  });
});

describe("AES-GCM refuses altered input", () => {
  it("flipping any one bit of the sealed bytes makes every backend refuses with a reason", () => {
    fc.assert(
      fc.property(job, fc.nat(), ({ key, nonce, aad, plaintext, tagLength }, bitSeed) => {
        const sealed = noble.seal(key, nonce, plaintext, aad, tagLength);
        const tampered = flipBit(sealed, bitSeed % (sealed.length * 8));
        for (const aead of [noble, ...others]) {
          expect(aead.open(key, nonce, tampered, aad, tagLength)).toEqual({ ok: false, reason: "bad-tag" });
        }
      }),
      settings(44),
    );
  });

  it("flipping any one bit of the nonce or the AAD makes every backend refuses with a reason", () => {
    fc.assert(
      fc.property(job, fc.nat(), fc.boolean(), ({ key, nonce, aad, plaintext, tagLength }, bitSeed, inNonce) => {
        const sealed = node.seal(key, nonce, plaintext, aad, tagLength);
        const alterNonce = inNonce || aad.length === 0;
        const badNonce = alterNonce ? flipBit(nonce, bitSeed % 96) : nonce;
        const badAad = alterNonce ? aad : flipBit(aad, bitSeed % (aad.length * 8));
        for (const aead of [noble, ...others]) {
          expect(aead.open(key, badNonce, sealed, badAad, tagLength)).toEqual({ ok: false, reason: "bad-tag" });
        }
      }),
      settings(45),
    );
  });

  it("a short message is refused at every one of its bits, under both tag lengths", () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i);
    const nonce = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
    const aad = Uint8Array.of(0, 0, 0x43, 0x21, 0, 0, 0, 1);
    const plaintext = new TextEncoder().encode("vxlan frame");
    for (const tagLength of [16, 8] as const) {
      const sealed = node.seal(key, nonce, plaintext, aad, tagLength);
      for (let bit = 0; bit < sealed.length * 8; bit++) {
        const tampered = flipBit(sealed, bit);
        for (const aead of [noble, ...others]) expect(aead.open(key, nonce, tampered, aad, tagLength).ok).toBe(false);
      }
    }
  });

  it("a message sealed under one key is refused under another", () => {
    fc.assert(
      fc.property(job, fc.nat({ max: 127 }), ({ key, nonce, aad, plaintext, tagLength }, bit) => {
        const sealed = noble.seal(key, nonce, plaintext, aad, tagLength);
        const otherKey = flipBit(key, bit);
        for (const aead of [noble, ...others]) {
          expect(aead.open(otherKey, nonce, sealed, aad, tagLength)).toEqual({ ok: false, reason: "bad-tag" });
        }
      }),
      settings(46),
    );
  });
});

describe("the table-driven backend's per-key state", () => {
  it("notices a key array changed in place, and a key that comes back after others", () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => 3 * i);
    const nonce = new Uint8Array(12).fill(9);
    const plaintext = new TextEncoder().encode("a gossip packet of a few dozen bytes");
    const first = tables.seal(key, nonce, plaintext);
    expect(first).toEqual(noble.seal(key, nonce, plaintext));
    key[5]! ^= 0x40;
    expect(tables.seal(key, nonce, plaintext)).toEqual(noble.seal(key, nonce, plaintext));
    // More distinct keys than the cache keeps, then the first again.
    for (let k = 0; k < 80; k++) tables.seal(new Uint8Array(16).fill(k), nonce, plaintext);
    key[5]! ^= 0x40;
    expect(tables.seal(key.slice(), nonce, plaintext)).toEqual(first);
    expect(tables.seal(key, nonce, plaintext)).toEqual(first);
  });
});
