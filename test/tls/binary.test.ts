/** forge's binary strings from bytes: Node's latin1 decoding, and the fallback where there is no Buffer. */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { bytesToBinaryString } from "../../src/crypto/index.js";
import { binaryToBytes, bytesToBinary } from "../../src/tls/binary.js";
import { propertyRuns } from "../support/properties.js";

const arbBytes = fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 8000, maxLength: 20_000 }));

describe("bytesToBinary", () => {
  it("gives what bytesToBinaryString gives, views into larger buffers included", () => {
    fc.assert(
      fc.property(arbBytes, fc.nat(7), (bytes, skip) => {
        const view = bytes.subarray(Math.min(skip, bytes.length));
        const binary = bytesToBinary(view);
        expect(binary).toBe(bytesToBinaryString(view));
        expect(binaryToBytes(binary)).toEqual(view);
      }),
      { seed: 7, numRuns: propertyRuns(100) },
    );
  });

  it("gives the same without a Buffer (a browser)", async () => {
    vi.stubGlobal("Buffer", undefined);
    vi.resetModules();
    const { bytesToBinary: withoutBuffer } = await import("../../src/tls/binary.js");
    vi.unstubAllGlobals();
    const bytes = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 131) & 0xff);
    expect(withoutBuffer(bytes)).toBe(bytesToBinaryString(bytes));
    expect(withoutBuffer(bytes.subarray(3, 3))).toBe("");
  });
});
