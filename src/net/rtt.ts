/**
 * The retransmission timeout (RFC 6298), as pure functions over whole microseconds.
 *
 * Before any round trip is measured the timeout is the initial value; each
 * measurement (never of a retransmitted segment: Karn's rule) updates the smoothed
 * round trip and its variation; each expiry doubles the timeout up to the ceiling.
 */

import { type Duration, duration } from "../sim/index.js";

/** The timer settings: initial, floor and ceiling of the timeout. */
export interface RtoLimits {
  readonly rtoInitialUs: Duration;
  readonly rtoMinUs: Duration;
  readonly rtoMaxUs: Duration;
}

/** A stream's round-trip estimate. */
export interface RttEstimate {
  /** Smoothed round trip (SRTT), undefined until the first measurement. */
  readonly srttUs: number | undefined;
  /** Round-trip variation (RTTVAR). */
  readonly rttvarUs: number;
  /** The current retransmission timeout. */
  readonly rtoUs: Duration;
}

function clamp(value: number, limits: RtoLimits): Duration {
  return duration(Math.min(limits.rtoMaxUs, Math.max(limits.rtoMinUs, Math.round(value))));
}

/** The estimate before any measurement (RFC 6298 §2.1). */
export function initialRtt(limits: RtoLimits): RttEstimate {
  return { srttUs: undefined, rttvarUs: 0, rtoUs: limits.rtoInitialUs };
}

/** The estimate after measuring one round trip of `sampleUs` (RFC 6298 §2.2, §2.3; alpha 1/8, beta 1/4, K 4). */
export function measureRtt(estimate: RttEstimate, sampleUs: number, limits: RtoLimits): RttEstimate {
  if (estimate.srttUs === undefined) {
    const rttvarUs = sampleUs / 2;
    return { srttUs: sampleUs, rttvarUs, rtoUs: clamp(sampleUs + Math.max(1, 4 * rttvarUs), limits) };
  }
  const rttvarUs = 0.75 * estimate.rttvarUs + 0.25 * Math.abs(estimate.srttUs - sampleUs);
  const srttUs = 0.875 * estimate.srttUs + 0.125 * sampleUs;
  return { srttUs, rttvarUs, rtoUs: clamp(srttUs + Math.max(1, 4 * rttvarUs), limits) };
}

/** The estimate after the timer expired: the timeout doubles (RFC 6298 §5.5), up to the ceiling. */
export function backOff(estimate: RttEstimate, limits: RtoLimits): RttEstimate {
  return { ...estimate, rtoUs: duration(Math.min(limits.rtoMaxUs, estimate.rtoUs * 2)) };
}
