import fc from "fast-check";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/index.js";
import { createRsaKey, publicKeyOf, withFastRsaVerify } from "../../src/pki/index.js";
import { propertyRuns } from "../support/properties.js";

const key = createRsaKey(Rng.root(12).fork("pki"), "k", { bits: 768 });
const forgeKey = publicKeyOf(key);
const fastKey = withFastRsaVerify(forgeKey);
const k = 96;
const binary = (bytes: Uint8Array) => String.fromCharCode(...bytes);
const settings = (seed: number) => ({ seed, numRuns: propertyRuns(60) });

function outcome(run: () => boolean): { value: boolean } | { error: string } {
  try {
    return { value: run() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** A DER DigestInfo, canonical or not, for a SHA-256 digest. */
function digestInfo(digest: string, variant: number): string {
  const { asn1 } = forge;
  const oid = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(forge.pki.oids.sha256!).getBytes());
  const nul = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, "");
  const algorithm = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, variant === 1 ? [oid] : [oid, nul]);
  const octets = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, digest);
  const der = asn1.toDer(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [algorithm, octets])).getBytes();
  return variant === 2 ? `${der}\u0000` : der; // 2: trailing garbage
}

/** A type-1 signature block around `message`, with `padding` FF bytes (the rest left as `filler`). */
function signatureBlock(message: string, padding: number, filler: number, blockType: number): string {
  const eb = new Uint8Array(k).fill(filler);
  eb[0] = 0;
  eb[1] = blockType;
  for (let i = 0; i < padding && 2 + i < k; i++) eb[2 + i] = 0xff;
  const start = k - message.length;
  if (start - 1 >= 2) eb[start - 1] = 0;
  for (let i = 0; i < message.length; i++) eb[start + i] = message.charCodeAt(i);
  return key.decrypt(binary(eb), "RAW"); // the raw private operation: its e-th power is eb
}

describe("fast RSA signature checks", () => {
  it("accept exactly what forge accepts, and fail (false or the same error) where forge fails", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom(0xff, 0xff, 0x00, 0x17),
        fc.constantFrom(0x01, 0x01, 0x00, 0x02),
        fc.boolean(),
        (digestBytes, variant, padding, filler, blockType, wrongDigest) => {
          const digest = binary(digestBytes);
          const signed = wrongDigest ? binary(digestBytes.map((b) => b ^ 1)) : digest;
          const block = signatureBlock(digestInfo(signed, variant), padding, filler, blockType);
          const expected = outcome(() => forgeKey.verify(digest, block));
          expect(outcome(() => fastKey.verify(digest, block))).toEqual(expected);
          seen.add(JSON.stringify(expected));
          const raw = signatureBlock(signed, padding, filler, blockType);
          expect(outcome(() => fastKey.verify(digest, raw, "NONE"))).toEqual(outcome(() => forgeKey.verify(digest, raw, "NONE")));
        },
      ),
      settings(201),
    );
    // Both sides of the line were crossed: accepted, refused, and forge errors.
    expect(seen).toContain(JSON.stringify({ value: true }));
    expect(seen).toContain(JSON.stringify({ value: false }));
    expect([...seen].some((s) => s.includes("error"))).toBe(true);
  });

  it("accepts real signatures and refuses a signature of the wrong length as forge does", () => {
    const md = forge.md.sha256.create().update("swarm");
    const signature = key.sign(md);
    expect(fastKey.verify(md.digest().getBytes(), signature)).toBe(true);
    expect(outcome(() => fastKey.verify(md.digest().getBytes(), signature.slice(1)))).toEqual(
      outcome(() => forgeKey.verify(md.digest().getBytes(), signature.slice(1))),
    );
  });
});
