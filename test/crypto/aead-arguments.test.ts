import { describe, expect, it, vi } from "vitest";
import { type Aead, createAead, defaultAead, gcmNonceBytes } from "../../src/crypto/index.js";

const key = new Uint8Array(16);
const nonce = new Uint8Array(gcmNonceBytes);
const backends: Aead[] = [createAead("noble"), createAead("node"), createAead("tables"), createAead("auto")];

describe("choosing a backend", () => {
  it("defaults to auto: per-key tables for short messages, node:crypto for long ones", () => {
    expect(defaultAead().backend).toBe("auto");
    expect(defaultAead()).toBe(createAead("auto"));
  });

  it("names the backend it was asked for", () => {
    expect(createAead("noble").backend).toBe("noble");
    expect(createAead("node").backend).toBe("node");
    expect(createAead("tables").backend).toBe("tables");
    expect(createAead("auto").backend).toBe("auto");
  });

  it("falls back to noble where the platform offers no node:crypto (a browser)", async () => {
    const platform = process as { getBuiltinModule?: unknown };
    const saved = platform.getBuiltinModule;
    platform.getBuiltinModule = undefined;
    try {
      vi.resetModules();
      const fresh = await import("../../src/crypto/index.js");
      expect(fresh.loadNodeAead()).toBeUndefined();
      // auto seals long messages with noble there: the same bytes, without node:crypto.
      const long = new Uint8Array(4000).fill(7);
      expect(fresh.defaultAead().seal(key, nonce, long)).toEqual(fresh.createAead("noble").seal(key, nonce, long));
      expect(() => fresh.createAead("node")).toThrow(/needs node:crypto/);
    } finally {
      platform.getBuiltinModule = saved;
      vi.resetModules();
    }
  });

  it("refuses an unknown backend, naming what arrived", () => {
    expect(() => createAead("webcrypto" as never)).toThrow(
      new RangeError(`"backend" expected "auto", "noble", "node" or "tables", got "webcrypto"`),
    );
  });
});

describe.each(backends)("argument checks, backend $backend", (aead) => {
  it("names the argument and the length that arrived", () => {
    expect(() => aead.seal(key, new Uint8Array(8), new Uint8Array(0))).toThrow(
      new RangeError(`"nonce" expected Uint8Array of length 12, got length=8`),
    );
    expect(() => aead.seal(new Uint8Array(20), nonce, new Uint8Array(0))).toThrow(
      new RangeError(`"key" expected Uint8Array of length 16, 24 or 32, got length=20`),
    );
    expect(() => aead.open(key, nonce, new Uint8Array(16), undefined, 12 as never)).toThrow(
      new RangeError(`"tagLength" expected 16 or 8, got 12`),
    );
  });

  it("names the argument and the type that arrived", () => {
    expect(() => aead.seal(key, nonce, "hello" as never)).toThrow(
      new TypeError(`"plaintext" expected Uint8Array, got type=string`),
    );
    expect(() => aead.seal([1, 2] as never, nonce, new Uint8Array(0))).toThrow(
      new TypeError(`"key" expected Uint8Array, got type=Array`),
    );
    expect(() => aead.open(key, nonce, new Uint8Array(16), null as never)).toThrow(
      new TypeError(`"aad" expected Uint8Array, got null`),
    );
    expect(() => aead.open(key, nonce, undefined as never)).toThrow(
      new TypeError(`"sealed" expected Uint8Array, got type=undefined`),
    );
  });

  it("accepts 16-, 24- and 32-byte keys", () => {
    for (const length of [16, 24, 32]) {
      const k = new Uint8Array(length).fill(7);
      const sealed = aead.seal(k, nonce, Uint8Array.of(1, 2, 3));
      expect(aead.open(k, nonce, sealed)).toEqual({ ok: true, plaintext: Uint8Array.of(1, 2, 3) });
    }
  });

  it("answers bytes too short to hold a tag with a reason, never a throw", () => {
    expect(aead.open(key, nonce, new Uint8Array(15))).toEqual({ ok: false, reason: "too-short" });
    expect(aead.open(key, nonce, new Uint8Array(7), undefined, 8)).toEqual({ ok: false, reason: "too-short" });
    expect(aead.open(key, nonce, new Uint8Array(0))).toEqual({ ok: false, reason: "too-short" });
  });

  it("answers a bare tag of zeros, and random garbage, with a reason", () => {
    expect(aead.open(key, nonce, new Uint8Array(16))).toEqual({ ok: false, reason: "bad-tag" });
    expect(aead.open(key, nonce, new Uint8Array(8), undefined, 8)).toEqual({ ok: false, reason: "bad-tag" });
    const garbage = Uint8Array.from({ length: 1500 }, (_, i) => (i * 151 + 7) & 0xff);
    expect(aead.open(key, nonce, garbage, undefined, 8)).toEqual({ ok: false, reason: "bad-tag" });
  });

  it("opens a tag-only message (empty plaintext) to an empty plaintext", () => {
    for (const tagLength of [16, 8] as const) {
      const sealed = aead.seal(key, nonce, new Uint8Array(0), undefined, tagLength);
      expect(sealed.length).toBe(tagLength);
      expect(aead.open(key, nonce, sealed, undefined, tagLength)).toEqual({ ok: true, plaintext: new Uint8Array(0) });
    }
  });

  it("reads sealed bytes that are a view into a larger buffer", () => {
    const sealed = aead.seal(key, nonce, Uint8Array.of(9, 8, 7), undefined, 8);
    const frame = new Uint8Array(sealed.length + 5);
    frame.set(sealed, 5);
    expect(aead.open(key, nonce, frame.subarray(5), undefined, 8)).toEqual({ ok: true, plaintext: Uint8Array.of(9, 8, 7) });
  });

  it("returns plain Uint8Arrays that share no memory with the inputs", () => {
    const plaintext = Uint8Array.of(1, 2, 3);
    const sealed = aead.seal(key, nonce, plaintext);
    expect(Object.getPrototypeOf(sealed)).toBe(Uint8Array.prototype);
    const r = aead.open(key, nonce, sealed);
    if (!r.ok) throw new Error(r.reason);
    expect(Object.getPrototypeOf(r.plaintext)).toBe(Uint8Array.prototype);
    expect(r.plaintext.buffer).not.toBe(sealed.buffer);
  });
});
