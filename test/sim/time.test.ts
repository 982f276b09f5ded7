import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration, formatInstant, parseDuration, tryParseDuration } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";

describe("durations", () => {
  it.each([
    ["250ms", 250_000],
    ["12h", 12 * 3_600_000_000],
    ["90d", 90 * 86_400_000_000],
    ["1h30m", 5_400_000_000],
    ["1.5s", 1_500_000],
    ["0s", 0],
    ["7us", 7],
    ["7µs", 7],
    [" 2m ", 120_000_000],
  ])("parses %s", (text, micros) => {
    expect(parseDuration(text)).toBe(micros);
  });

  it.each(["", "12", "12x", "h", "-5s", "1.5us", "5 s", "1e3ms", "99999999999d"])("rejects %j with a reason", (text) => {
    const r = tryParseDuration(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/duration/);
    expect(() => parseDuration(text)).toThrow(RangeError);
  });

  it("formats canonically, largest unit first", () => {
    expect(formatDuration(parseDuration("90d"))).toBe("90d");
    expect(formatDuration(parseDuration("36h"))).toBe("1d12h");
    expect(formatDuration(parseDuration("1500ms"))).toBe("1s500ms");
    expect(formatDuration(0)).toBe("0s");
  });

  it("parse(format(d)) === d for every whole-microsecond duration", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (d) => parseDuration(formatDuration(d)) === d),
      { seed: 1, numRuns: propertyRuns(2000) },
    );
  });

  it("format(parse(s)) is a fixed point", () => {
    const term = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom("d", "h", "m", "s", "ms", "us"));
    fc.assert(
      fc.property(fc.array(term, { minLength: 1, maxLength: 4 }), (terms) => {
        const text = terms.map(([n, u]) => `${n}${u}`).join("");
        const once = formatDuration(parseDuration(text));
        return formatDuration(parseDuration(once)) === once;
      }),
      { seed: 2, numRuns: propertyRuns(1000) },
    );
  });

  it("formats instants as time since the epoch", () => {
    expect(formatInstant(1_250_000)).toBe("+00:00:01.250000");
    expect(formatInstant(parseDuration("1d2h3m4s5us"))).toBe("+1d02:03:04.000005");
  });
});
