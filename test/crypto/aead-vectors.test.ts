import { describe, expect, it } from "vitest";
import { type Aead, type TagLength, createAead, espIcvBytes, gossipTagBytes } from "../../src/crypto/index.js";
import { type EspVectorCase, concat, fromHex, readVectors, toHex } from "./hex.js";

interface GcmCase {
  name: string;
  key: string;
  iv: string;
  plaintext: string;
  aad: string;
  ciphertext: string;
  tag: string;
}


const gcmCases = readVectors<{ cases: GcmCase[] }>("gcm-spec.json").cases;
const espCases = readVectors<{ cases: EspVectorCase[] }>("esp-rfc4106.json").cases;
const backends: Aead[] = [createAead("noble"), createAead("node"), createAead("tables"), createAead("auto")];

describe.each(backends)("AES-GCM backend $backend", (aead) => {
  describe("McGrew-Viega GCM test cases", () => {
    it.each(gcmCases)("$name: seals to the published ciphertext and tag", (v) => {
      const sealed = aead.seal(fromHex(v.key), fromHex(v.iv), fromHex(v.plaintext), fromHex(v.aad));
      expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
    });

    it.each(gcmCases)("$name: opens the published ciphertext and tag", (v) => {
      const r = aead.open(fromHex(v.key), fromHex(v.iv), fromHex(v.ciphertext + v.tag), fromHex(v.aad));
      expect(r.ok && toHex(r.plaintext)).toBe(v.plaintext);
    });
  });

  describe("draft-mcgrew-gcm-test-01 ESP packets (rfc4106: nonce = salt ‖ IV, AAD = SPI ‖ seq)", () => {
    const cases = espCases.flatMap((v) =>
      ([gossipTagBytes, espIcvBytes] as TagLength[]).map((icvBytes) => ({ ...v, icvBytes })),
    );

    it.each(cases)("$name, $icvBytes-byte ICV: seals and opens the packet", (v) => {
      const key = fromHex(v.key);
      const nonce = concat(fromHex(v.salt), fromHex(v.iv));
      const aad = concat(fromHex(v.spi), fromHex(v.seq));
      const icv = v.icv16.slice(0, 2 * v.icvBytes); // a shorter ICV is the leading bytes of the tag
      const sealed = aead.seal(key, nonce, fromHex(v.plaintext), aad, v.icvBytes);
      expect(toHex(sealed)).toBe(v.ciphertext + icv);
      const r = aead.open(key, nonce, fromHex(v.ciphertext + icv), aad, v.icvBytes);
      expect(r.ok && toHex(r.plaintext)).toBe(v.plaintext);
    });

    it.each(cases)("$name, $icvBytes-byte ICV: refuses the packet under the wrong SPI", (v) => {
      const nonce = concat(fromHex(v.salt), fromHex(v.iv));
      const otherSpi = fromHex(v.spi);
      otherSpi[3]! ^= 1;
      const aad = concat(otherSpi, fromHex(v.seq));
      const icv = v.icv16.slice(0, 2 * v.icvBytes);
      const r = aead.open(fromHex(v.key), nonce, fromHex(v.ciphertext + icv), aad, v.icvBytes);
      expect(r).toEqual({ ok: false, reason: "bad-tag" });
    });
  });
});
