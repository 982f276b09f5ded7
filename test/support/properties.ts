/**
 * Property runs: a modest count in `npm test`, raised by SWARMSIM_PROPERTY_RUNS
 * for the long runs of `npm run test:props`. Seeds are fixed in each test, and
 * fast-check prints `{ seed, path }` on failure so a case can be replayed.
 */
export function propertyRuns(base: number): number {
  const override = Number(process.env.SWARMSIM_PROPERTY_RUNS ?? "");
  return Number.isSafeInteger(override) && override > 0 ? Math.max(base, override) : base;
}
