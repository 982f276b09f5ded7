import { createHmac, createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HmacSha1, sha1 } from "../../src/crypto/index.js";
import { propertyRuns } from "../support/properties.js";
import { toHex as hex } from "./hex.js";

const ascii = (s: string) => new TextEncoder().encode(s);
const empty = new Uint8Array(0);

function macOf(key: Uint8Array, a: Uint8Array, b: Uint8Array): string {
  const out = new Uint8Array(20);
  new HmacSha1(key).digest(a, b, out, 0);
  return hex(out);
}

describe("SHA-1 and HMAC-SHA1", () => {
  it("gives FIPS 180's digests of \"abc\", the empty string and the two-block message", () => {
    expect(hex(sha1(ascii("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
    expect(hex(sha1(empty))).toBe("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect(hex(sha1(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")))).toBe("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  });

  it("gives RFC 2202's HMAC-SHA1 test cases 1, 2 and 6 (a key longer than a block)", () => {
    expect(macOf(new Uint8Array(20).fill(0x0b), ascii("Hi "), ascii("There"))).toBe("b617318655057264e28bc0b6fb378c8ef146be00");
    expect(macOf(ascii("Jefe"), ascii("what do ya want "), ascii("for nothing?"))).toBe("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    expect(macOf(new Uint8Array(80).fill(0xaa), ascii("Test Using Larger Than Block-Size Key - Hash Key First"), empty)).toBe(
      "aa4ae5e15272d00e95705637ce8a3b55ed402112",
    );
  });

  it("agrees with node:crypto for any key and any split of any message, one key object reused", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.array(fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 2000 })), { minLength: 1, maxLength: 5 }), (key, messages) => {
        const mac = new HmacSha1(key);
        const out = new Uint8Array(25);
        for (const [a, b] of messages) {
          mac.digest(a, b, out, 3);
          expect(hex(out.subarray(3, 23))).toBe(createHmac("sha1", key).update(a).update(b).digest("hex"));
        }
        expect(hex(sha1(messages[0]![1]))).toBe(createHash("sha1").update(messages[0]![1]).digest("hex"));
      }),
      { seed: 1402, numRuns: propertyRuns(200) },
    );
  });
});
