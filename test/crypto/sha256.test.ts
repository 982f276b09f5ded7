import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createSha256 } from "../../src/crypto/index.js";
import { propertyRuns } from "../support/properties.js";

describe("running SHA-256", () => {
  it.each(["auto", "noble"] as const)("gives FIPS 180-2's digest of \"abc\" on the %s backend, and reads it without finishing", (backend) => {
    const h = createSha256(backend);
    expect(h.digestHex()).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    h.update(new TextEncoder().encode("abc"));
    expect(h.digestHex()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(h.digestHex()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("both backends agree on any sequence of updates, read at any point", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 8 }), (chunks) => {
        const fast = createSha256("auto");
        const pure = createSha256("noble");
        return chunks.every((c) => {
          fast.update(c);
          pure.update(c);
          return fast.digestHex() === pure.digestHex();
        });
      }),
      { seed: 51, numRuns: propertyRuns(100) },
    );
  });
});
