import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { allocBytes, concatBytes, copyBytes } from "../../src/encoding/index.js";
import { propertyRuns } from "../support/properties.js";

describe("allocBytes and copyBytes", () => {
  it("give zeroed strings of the length asked that share no byte with one another", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 60 }), (lengths) => {
        const made = lengths.map((n) => allocBytes(n));
        made.forEach((bytes, i) => {
          expect(bytes.length).toBe(lengths[i]);
          expect(bytes.every((b) => b === 0)).toBe(true);
          bytes.fill(i + 1);
        });
        // Filling each with its own mark left every other one alone.
        made.forEach((bytes, i) => expect(bytes.every((b) => b === i + 1)).toBe(true));
      }),
      { seed: 71, numRuns: propertyRuns(200) },
    );
  });

  it("copy what slice copies, into a string of their own", () => {
    const source = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(Array.from(copyBytes(source, 10, 120))).toEqual(Array.from(source.slice(10, 120)));
    expect(Array.from(copyBytes(source))).toEqual(Array.from(source));
    const copy = copyBytes(source, 1);
    source[1] = 0xee;
    expect(copy[0]).toBe(1);
  });

  it("concatenate into a string of their own", () => {
    const a = Uint8Array.from({ length: 70 }, (_, i) => i);
    const b = Uint8Array.of(200, 201);
    const joined = concatBytes([a, new Uint8Array(0), b]);
    expect(Array.from(joined)).toEqual([...Array.from(a), 200, 201]);
    a[0] = 99;
    expect(joined[0]).toBe(0);
    expect(concatBytes([]).length).toBe(0);
  });

  it("carve strings of 65 to 2048 bytes out of shared slabs, and leave others their own buffer", () => {
    expect(allocBytes(64).buffer.byteLength).toBe(64);
    expect(allocBytes(2049).buffer.byteLength).toBe(2049);
    const pooled = allocBytes(100);
    expect(pooled.buffer.byteLength).toBeGreaterThan(100);
    // A view through the buffer must use the offset: it then reads the string's own bytes.
    pooled[0] = 0xab;
    expect(new DataView(pooled.buffer, pooled.byteOffset, pooled.byteLength).getUint8(0)).toBe(0xab);
  });
});
