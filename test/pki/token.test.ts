import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EPOCH, Rng } from "../../src/sim/index.js";
import { createRootCa, generateJoinToken, joinTokensEqual, parseJoinToken } from "../../src/pki/index.js";
import { propertyRuns } from "../support/properties.js";
import { testRoot } from "./fixtures.js";

const root = testRoot();
const token = generateJoinToken(root.digestHex, Rng.root(1).fork("tokens"));
const [, , digestPart, secretPart] = token.split("-") as [string, string, string, string];
const invalid = { ok: false, reason: "invalid join token" };

describe("generateJoinToken", () => {
  it("is SWMTKN-1-<50 base36 digest>-<25 base36 secret>, 85 characters", () => {
    expect(token).toMatch(/^SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    expect(token).toHaveLength(85);
  });

  it("writes the digest as the base-36 integer of the SHA-256, zero-padded (a small digest gets leading zeros)", () => {
    const small = generateJoinToken(`${"0".repeat(60)}00ff`, Rng.root(1));
    expect(small.split("-")[2]).toBe(`${"0".repeat(48)}73`);
    expect(BigInt(`0x${root.digestHex}`).toString(36).padStart(50, "0")).toBe(digestPart);
  });

  it("draws 16 secret bytes from the stream: a worker and a manager token share the digest, not the secret", () => {
    const rng = Rng.root(2);
    const worker = generateJoinToken(root.digestHex, rng);
    const manager = generateJoinToken(root.digestHex, rng);
    expect(worker.split("-")[2]).toBe(manager.split("-")[2]);
    expect(worker).not.toBe(manager);
    const bytes = Rng.root(2).bytes(16);
    const expected = BigInt(`0x${Buffer.from(bytes).toString("hex")}`).toString(36).padStart(25, "0");
    expect(worker.split("-")[3]).toBe(expected);
  });

  it("writes a v2 (FIPS) token as SWMTKN-2-1-…", () => {
    const fips = generateJoinToken(root.digestHex, Rng.root(3), { fips: true });
    expect(fips).toMatch(/^SWMTKN-2-1-[0-9a-z]{50}-[0-9a-z]{25}$/);
    expect(parseJoinToken(fips)).toMatchObject({ ok: true, version: 2, fips: true, digestHex: root.digestHex });
  });

  it("refuses a digest that is not 64 hex digits", () => {
    for (const bad of ["", "abc", "g".repeat(64), "0".repeat(63)]) expect(() => generateJoinToken(bad, Rng.root(1))).toThrow(RangeError);
  });
});

describe("parseJoinToken", () => {
  it("round-trips, and the digest it gives back is the SHA-256 of the root's PEM (property over seeds)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (seed) => {
        const ca = createRootCa(Rng.root(seed).fork("pki"), EPOCH, { bits: 512 });
        const text = generateJoinToken(ca.digestHex, Rng.root(seed).fork("tokens"));
        const parsed = parseJoinToken(text);
        expect(parsed).toEqual({ ok: true, version: 1, fips: false, digestHex: ca.digestHex, secret: text.slice(60) });
        expect(ca.digestHex).toBe(createHash("sha256").update(ca.certPem).digest("hex"));
      }),
      { seed: 501, numRuns: propertyRuns(25) },
    );
  });

  it("round-trips any digest and secret stream (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 0, max: 2 ** 40 }), (digest, seed) => {
        const hex = Buffer.from(digest).toString("hex");
        const r = parseJoinToken(generateJoinToken(hex, Rng.root(seed)));
        expect(r).toMatchObject({ ok: true, digestHex: hex });
      }),
      { seed: 502, numRuns: propertyRuns(300) },
    );
  });

  it("refuses every malformed variant with 'invalid join token'", () => {
    const variants = [
      "",
      "garbage",
      token.replace("SWMTKN", "SWMTKM"),
      token.replace("SWMTKN", "swmtkn"),
      token.replace("SWMTKN-1", "SWMTKN-3"),
      token.replace("SWMTKN-1", "SWMTKN-0"),
      `SWMTKN-1-${digestPart}`, // 3 parts
      `${token}-extra`, // 5 parts
      `SWMTKN-1-${digestPart.slice(1)}-${secretPart}`, // short digest
      `SWMTKN-1-0${digestPart}-${secretPart}`, // long digest
      `SWMTKN-1-${digestPart}-${secretPart.slice(1)}`, // short secret
      `SWMTKN-1-${digestPart}-${secretPart}0`,
      `SWMTKN-2-1-${digestPart}`, // v2 with 4 parts
      `SWMTKN-2-2-${digestPart}-${secretPart}`, // v2 with a bad FIPS flag
      `SWMTKN-1-${digestPart.slice(1)}é-${secretPart}`, // 50 characters, 51 bytes
      ` ${token}`,
    ];
    for (const text of variants) expect(parseJoinToken(text), text).toEqual(invalid);
  });

  it("reads a non-base-36 digest as Go's big.Int.SetString leaves it: the value before the bad character", () => {
    const corrupted = `SWMTKN-1-${digestPart.slice(0, 10)}!${digestPart.slice(11)}-${secretPart}`;
    const r = parseJoinToken(corrupted);
    expect(r).toMatchObject({ ok: true, digestHex: BigInt(parseInt(digestPart.slice(0, 10), 36)).toString(16).padStart(64, "0") });
    // So the join fails later, at the fingerprint check, not at parsing.
    if (r.ok) expect(r.digestHex).not.toBe(root.digestHex);
    // Upper case is a digit to Go, and a leading sign is read as a sign.
    expect(parseJoinToken(token.replace(digestPart, digestPart.toUpperCase()))).toMatchObject({ ok: true, digestHex: root.digestHex });
    const signed = `SWMTKN-1-+${digestPart.slice(1)}-${secretPart}`;
    const rest = [...digestPart.slice(1)].reduce((v, c) => v * 36n + BigInt(parseInt(c, 36)), 0n);
    expect(parseJoinToken(signed)).toMatchObject({ ok: true, digestHex: rest.toString(16).padStart(64, "0") });
  });

  it("refuses a digest beyond 256 bits with go-digest's error", () => {
    expect(parseJoinToken(`SWMTKN-1-${"z".repeat(50)}-${secretPart}`)).toEqual({ ok: false, reason: "invalid checksum digest length" });
  });

  it("does not check the secret's characters (the CA compares whole tokens)", () => {
    expect(parseJoinToken(`SWMTKN-1-${digestPart}-${"!".repeat(25)}`)).toMatchObject({ ok: true, secret: "!".repeat(25) });
  });
});

describe("joinTokensEqual", () => {
  it("is equality of the UTF-8 bytes", () => {
    expect(joinTokensEqual(token, `${token}`)).toBe(true);
    expect(joinTokensEqual(token, token.slice(0, -1) + (token.endsWith("a") ? "b" : "a"))).toBe(false);
    expect(joinTokensEqual(token, token.slice(1))).toBe(false);
    expect(joinTokensEqual("", "")).toBe(true);
    expect(joinTokensEqual("é", "e\u0301")).toBe(false);
  });
});
