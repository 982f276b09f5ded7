import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng, days, hours, instant, minutes, seconds } from "../../src/sim/index.js";
import {
  certificateStatusBackoff,
  forcedRenewalDelayUs,
  nextRenewalAt,
  nodeCertValidity,
  renewalBackoff,
} from "../../src/pki/index.js";
import { propertyRuns } from "../support/properties.js";

const MINUTE = 60_000_000;
const settings = (seed: number) => ({ seed, numRuns: propertyRuns(500) });

describe("nextRenewalAt (swarmkit ca/config.go calculateRandomExpiry)", () => {
  it("follows the table: NotBefore + U minutes, U in [⌊0.5·D⌋, ⌊0.8·D⌋), or ⌊0.5·D⌋ when that range is empty", () => {
    const table: Array<[lifetime: number, minU: number, maxU: number]> = [
      [hours(2161), 64_830, 103_727], // a 90-day certificate with its 1 h backdate
      [hours(2), 60, 95],
      [minutes(3), 1, 1], // ⌊1.5⌋ = 1, ⌊2.4⌋ = 2: U = 1
      [minutes(2), 1, 1], // ⌊1⌋ = ⌊1.6⌋: empty range, U = ⌊0.5·D⌋
      [seconds(90), 0, 0], // D = 1.5 min
      [minutes(1), 0, 0],
      [0, 0, 0],
    ];
    const notBefore = instant(days(3));
    for (const [lifetime, minU, maxU] of table) {
      const seen = new Set<number>();
      for (let seed = 0; seed < 200; seed++) {
        const at = nextRenewalAt(notBefore, instant(notBefore + lifetime), notBefore, Rng.root(seed));
        const u = (at - notBefore) / MINUTE;
        expect(Number.isInteger(u), `lifetime ${lifetime}`).toBe(true);
        expect(u).toBeGreaterThanOrEqual(minU);
        expect(u).toBeLessThanOrEqual(maxU);
        seen.add(u);
      }
      if (maxU - minU >= 2) expect(seen.size).toBeGreaterThan(2);
    }
  });

  it("is at once (now) if that moment has passed", () => {
    const notBefore = instant(0);
    const notAfter = instant(hours(10));
    const now = instant(hours(9));
    expect(nextRenewalAt(notBefore, notAfter, now, Rng.root(1))).toBe(now);
  });

  it("always falls in [50%, 80%) of a real certificate's lifetime (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 24 * 365 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (issuedMinutes, expiryHours, seed) => {
          const { notBefore, notAfter } = nodeCertValidity(instant(issuedMinutes * MINUTE + hours(1)), hours(expiryHours));
          const at = nextRenewalAt(notBefore, notAfter, notBefore, Rng.root(seed));
          const fraction = (at - notBefore) / (notAfter - notBefore);
          expect(fraction).toBeGreaterThanOrEqual(0.5);
          expect(fraction).toBeLessThan(0.8);
          expect((at - notBefore) % MINUTE).toBe(0);
        },
      ),
      settings(401),
    );
  });

  it("for any lifetime, stays within one minute below 50% and strictly below 80% (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: days(400) }), fc.integer({ min: 0, max: 2 ** 31 }), (lifetime, seed) => {
        const notBefore = instant(days(1));
        const at = nextRenewalAt(notBefore, instant(notBefore + lifetime), notBefore, Rng.root(seed));
        expect(at - notBefore).toBeGreaterThanOrEqual(0.5 * lifetime - MINUTE);
        expect(at - notBefore).toBeLessThanOrEqual(Math.max(0, 0.8 * lifetime));
      }),
      settings(402),
    );
  });
});

describe("backoffs (docker/go-events ExponentialBackoff)", () => {
  const boundOf = (draw: (failures: number, rng: Rng) => number, failures: number) => {
    let max = 0;
    for (let seed = 0; seed < 400; seed++) max = Math.max(max, draw(failures, Rng.root(seed)));
    return max;
  };

  it("the renewer waits 0 with no failure, then uniform in [0, 5 s + 5 s·2^(n−1)), capped at 1 h", () => {
    expect(renewalBackoff(0, Rng.root(1))).toBe(0);
    const table: Array<[failures: number, bound: number]> = [
      [1, seconds(10)],
      [2, seconds(15)],
      [3, seconds(25)],
      [10, seconds(2565)],
      [11, hours(1)],
      [40, hours(1)],
    ];
    for (const [failures, bound] of table) {
      const max = boundOf(renewalBackoff, failures);
      expect(max, `failures ${failures}`).toBeLessThan(bound);
      expect(max, `failures ${failures}`).toBeGreaterThan(bound * 0.95);
    }
  });

  it("the certificate status poll waits uniform in [0, 1 s + 1 s·2^(n−1)), capped at 30 s", () => {
    expect(certificateStatusBackoff(0, Rng.root(1))).toBe(0);
    for (const [failures, bound] of [
      [1, seconds(2)],
      [2, seconds(3)],
      [4, seconds(9)],
      [5, seconds(17)],
      [6, seconds(30)],
    ] as const) {
      const max = boundOf(certificateStatusBackoff, failures);
      expect(max).toBeLessThan(bound);
      expect(max).toBeGreaterThan(bound * 0.95);
    }
  });

  it("keeps Go's int64 overflow: from the 56th failure the product wraps to 0 and the bound falls back to the base", () => {
    // factor·2^(n−1) in nanoseconds, factor = 2^9 · odd: zero modulo 2^64 once n − 1 + 9 >= 64.
    for (let failures = 11; failures <= 55; failures++) expect(boundOf(renewalBackoff, failures)).toBeGreaterThan(hours(0.95));
    for (const failures of [56, 64, 65, 1000]) {
      expect(boundOf(renewalBackoff, failures)).toBeLessThan(seconds(5));
      expect(boundOf(renewalBackoff, failures)).toBeGreaterThan(seconds(4.5));
      expect(boundOf(certificateStatusBackoff, failures)).toBeLessThan(seconds(1));
    }
    expect(boundOf(certificateStatusBackoff, 55)).toBeGreaterThan(seconds(28));
  });

  it("is whole microseconds from the stream, so the same stream state gives the same wait", () => {
    expect(renewalBackoff(5, Rng.root(7))).toBe(renewalBackoff(5, Rng.root(7)));
    expect(() => renewalBackoff(-1, Rng.root(7))).toThrow(RangeError);
    expect(() => renewalBackoff(1.5, Rng.root(7))).toThrow(RangeError);
  });

  it("a forced renewal pauses 500 ms", () => {
    expect(forcedRenewalDelayUs).toBe(500_000);
  });
});
