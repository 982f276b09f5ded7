/**
 * The clock forge reads while it works for a session: a stand-in for the
 * global `Date` whose "now" is the simulated instant.
 *
 * node-forge reads the wall clock on the TLS path in two places:
 * - tls.js `createRandom` (the first four bytes of every client and server
 *   random): `d = new Date(); utc = +d + d.getTimezoneOffset() * 60000`,
 *   written with `putInt32`. It is a private function of tls.js, so it cannot
 *   be replaced: the clock it reads can.
 * - x509.js `verifyCertificateChain` when no `validityCheckDate` is given.
 *   This layer always gives one (the simulated date), so forge never falls back.
 * asn1.js also calls `new Date()` while parsing certificates, but then sets
 * every field from the encoded time, so the clock it read does not matter.
 *
 * RFC 5246 §7.4.1.2 wants `gmt_unix_time` in seconds; forge writes
 * milliseconds (truncated to 32 bits). `getTimezoneOffset` is read only by
 * `createRandom` (and forge's unused http.js), so the stand-in's "now" answers
 * an offset that turns forge's milliseconds into the simulated Unix seconds,
 * while its time value stays the true simulated milliseconds for every other
 * reader. The extra half second keeps `putInt32`'s truncation on the right
 * second whatever the floating-point rounding.
 */

/**
 * A `Date` constructor whose argument-less construction and `now` both give `unixMs`; with
 * arguments it builds ordinary dates.
 *
 * @example
 * ```ts
 * const Simulated = simulatedDateConstructor(Date, unixMillisAt(sim.now));
 * new Simulated().getTime() === unixMillisAt(sim.now); // true
 * ```
 */
export function simulatedDateConstructor(real: DateConstructor, unixMs: number): DateConstructor {
  const unixSeconds = Math.floor(unixMs / 1_000);
  const createRandomOffsetMinutes = (unixSeconds + 0.5 - unixMs) / 60_000;
  const getTimezoneOffset = (): number => createRandomOffsetMinutes;

  function SimulatedDate(this: unknown, ...args: unknown[]): unknown {
    // `Date()` called as a function gives the time as text.
    if (new.target === undefined) return new real(unixMs).toString(); // tidy-allow: simulated-clock
    if (args.length > 0) return Reflect.construct(real, args, new.target) as Date;
    const now = new real(unixMs); // tidy-allow: simulated-clock
    Object.defineProperty(now, "getTimezoneOffset", { value: getTimezoneOffset });
    return now;
  }
  SimulatedDate.prototype = real.prototype;
  Object.setPrototypeOf(SimulatedDate, real); // Date.UTC, Date.parse
  Object.defineProperty(SimulatedDate, "now", { value: (): number => unixMs });
  return SimulatedDate as unknown as DateConstructor;
}
