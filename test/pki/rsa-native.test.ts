import fc from "fast-check";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/index.js";
import {
  createRsaKey,
  isNativeRsaKey,
  nativeRsaAvailable,
  privateKeyFromPemNative,
  withNativeRsa,
} from "../../src/pki/index.js";
import { propertyRuns } from "../support/properties.js";

// 768 bits: the smallest size that still holds a SHA-512 DigestInfo, so forge's pure path stays quick.
const pure = createRsaKey(Rng.root(11).fork("pki"), "k", { bits: 768, backend: "pure" });
const native = withNativeRsa(pure);
const publicKey = forge.pki.setRsaPublicKey(pure.n, pure.e);
const k = Math.ceil(pure.n.bitLength() / 8);
const settings = (seed: number) => ({ seed, numRuns: propertyRuns(60) });

/** What a call did: its result, or the message of what it threw. */
function outcome(run: () => string): { value: string } | { error: string } {
  try {
    return { value: run() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const binary = (bytes: Uint8Array) => String.fromCharCode(...bytes);

describe("native RSA private operation", () => {
  it("is in use under Node, and leaves the original key as it was", () => {
    expect(nativeRsaAvailable()).toBe(true);
    expect(isNativeRsaKey(native)).toBe(true);
    expect(isNativeRsaKey(pure)).toBe(false);
    expect(native).not.toBe(pure);
  });

  it("signs PKCS#1 v1.5 with DigestInfo byte for byte as forge, for every digest forge signs with", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom("md5", "sha1", "sha256", "sha384", "sha512"), (data, alg) => {
        const md = (forge.md as unknown as Record<string, { create(): forge.md.MessageDigest }>)[alg]!.create();
        md.update(binary(data));
        expect(native.sign(md)).toBe(pure.sign(md));
        expect(native.sign(md, "RSASSA-PKCS1-V1_5")).toBe(pure.sign(md));
      }),
      settings(101),
    );
  });

  it("signs raw bytes with scheme NONE (TLS 1.0/1.1 CertificateVerify) as forge, and refuses too long a message alike", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: k - 11 }), (data) => {
        expect(native.sign(binary(data), null)).toBe(pure.sign(binary(data), null));
        expect(native.sign(binary(data), "NONE")).toBe(pure.sign(binary(data), "NONE"));
      }),
      settings(102),
    );
    const tooLong = "x".repeat(k - 10);
    expect(outcome(() => native.sign(tooLong, null))).toEqual(outcome(() => pure.sign(tooLong, null)));
    expect(outcome(() => native.sign(tooLong, null))).toEqual({ error: "Message is too long for PKCS#1 v1.5 padding." });
  });

  it("falls back to forge for PSS and gives the same signature", () => {
    const md = forge.md.sha256.create().update("swarm");
    const pss = () => forge.pss.create({ md: forge.md.sha256.create(), mgf: forge.mgf.mgf1.create(forge.md.sha256.create()), saltLength: 0 });
    expect(native.sign(md, pss())).toBe(pure.sign(md, pss()));
  });
});

/** An RSAES-PKCS1-v1_5 block, well or badly formed, as an attacker might send. */
const block = fc
  .record({
    blockType: fc.constantFrom(0x02, 0x02, 0x02, 0x00, 0x01, 0x03),
    padding: fc.uint8Array({ minLength: 0, maxLength: 16 }).map((b) => b.map((x) => x || 1)),
    separator: fc.boolean(),
    message: fc.uint8Array({ minLength: 0, maxLength: k - 2, size: "max" }),
    filler: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ blockType, padding, separator, message, filler }) => {
    const eb = new Uint8Array(k).fill(filler);
    eb[0] = 0;
    eb[1] = blockType;
    const tail = [...(separator ? [0] : []), ...message];
    eb.set(padding.subarray(0, Math.max(0, k - 2 - tail.length)), 2);
    eb.set(tail, k - tail.length);
    return binary(eb);
  });

describe("native RSA decryption", () => {
  it("decrypts RSAES-PKCS1-v1_5 as forge, and throws forge's error on every malformed block", () => {
    const kinds = new Set<string>();
    fc.assert(
      fc.property(block, (eb) => {
        const ciphertext = publicKey.encrypt(eb, "RAW");
        const expected = outcome(() => pure.decrypt(ciphertext));
        expect(outcome(() => native.decrypt(ciphertext))).toEqual(expected);
        kinds.add("error" in expected ? expected.error : "decrypted");
        expect(outcome(() => native.decrypt(ciphertext, "RAW"))).toEqual(outcome(() => pure.decrypt(ciphertext, "RAW")));
      }),
      settings(103),
    );
    expect([...kinds].sort()).toEqual(["Encryption block is invalid.", "decrypted"]);
  });

  it("decrypts what forge encrypts (a TLS premaster secret) to the same bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 48, maxLength: 48 }), (premaster) => {
        const ciphertext = publicKey.encrypt(binary(premaster));
        expect(native.decrypt(ciphertext)).toBe(binary(premaster));
        expect(native.decrypt(ciphertext)).toBe(pure.decrypt(ciphertext));
      }),
      settings(104),
    );
  });

  it("decrypts OAEP as forge", () => {
    const ciphertext = publicKey.encrypt("secret", "RSA-OAEP");
    expect(native.decrypt(ciphertext, "RSA-OAEP")).toBe("secret");
    expect(native.decrypt(ciphertext, "RSA-OAEP")).toBe(pure.decrypt(ciphertext, "RSA-OAEP"));
  });

  it("refuses a ciphertext of the wrong length or not below the modulus with forge's errors", () => {
    for (const bad of ["\u0001".repeat(k - 1), "\u0001".repeat(k + 1), "\u00ff".repeat(k), ""]) {
      expect(outcome(() => native.decrypt(bad))).toEqual(outcome(() => pure.decrypt(bad)));
    }
    expect(outcome(() => native.decrypt("\u00ff".repeat(k)))).toEqual({ error: "Encrypted message is invalid." });
  });

  it("a block with fewer than 8 padding bytes or no separator is refused", () => {
    const eb = (padding: number, separator: boolean) =>
      publicKey.encrypt(binary(Uint8Array.from({ length: k }, (_, i) => (i === 1 ? 2 : i === 0 ? 0 : i === padding + 2 && separator ? 0 : 7))), "RAW");
    expect(outcome(() => native.decrypt(eb(7, true)))).toEqual({ error: "Encryption block is invalid." });
    expect(outcome(() => native.decrypt(eb(8, true)))).toEqual({ value: "\u0007".repeat(k - 11) });
    expect(outcome(() => native.decrypt(eb(0, false)))).toEqual({ error: "Encryption block is invalid." });
  });
});

describe("privateKeyFromPemNative", () => {
  it("parses a PEM once and hands back the same native key", () => {
    const pem = forge.pki.privateKeyToPem(pure);
    const first = privateKeyFromPemNative(pem);
    expect(privateKeyFromPemNative(pem)).toBe(first);
    expect(isNativeRsaKey(first)).toBe(true);
    expect(first.n.equals(pure.n)).toBe(true);
  });
});
