/**
 * When a node renews its certificate, and how long it waits after a failure:
 * pure functions of the certificate's validity, the failure count and a seeded
 * stream. The node's timers only call them.
 */

import { type Duration, type Instant, type Rng, duration, instant } from "../sim/index.js";
import {
  certStatusBackoffBaseUs,
  certStatusBackoffFactorUs,
  certStatusBackoffMaxUs,
  renewalBackoffBaseUs,
  renewalBackoffFactorUs,
  renewalBackoffMaxUs,
  renewalLowerFraction,
  renewalUpperFraction,
} from "./constants.js";

const MINUTE_US = 60_000_000;

/**
 * When to renew a certificate valid from `notBefore` to `notAfter`, seen at
 * `now`: NotBefore + U whole minutes, U uniform in [⌊0.5·D⌋, ⌊0.8·D⌋) with D the
 * lifetime in (fractional) minutes, U = ⌊0.5·D⌋ when that range is empty; `now`
 * if that moment has passed. swarmkit ca/config.go calculateRandomExpiry, with
 * Go's float64 arithmetic reproduced (`int(duration.Minutes() * 0.5)`).
 *
 * @example
 * ```ts
 * // A 90-day certificate (plus the 1 h backdate) renews 45.02 to 72.03 days after NotBefore.
 * const at = nextRenewalAt(info.notBefore, info.notAfter, sim.now, rng);
 * sim.scheduleAt(at, renew);
 * ```
 */
export function nextRenewalAt(notBefore: Instant, notAfter: Instant, now: Instant, rng: Rng): Instant {
  const lifetimeMinutes = goMinutes(notAfter - notBefore);
  const minValidity = Math.trunc(lifetimeMinutes * renewalLowerFraction);
  const maxValidity = Math.trunc(lifetimeMinutes * renewalUpperFraction);
  const chosen = maxValidity - minValidity < 1 ? minValidity : minValidity + rng.int(0, maxValidity - minValidity - 1);
  const at = notBefore + chosen * MINUTE_US;
  return instant(Math.max(at, now));
}

/** Go's `time.Duration.Minutes()`: whole minutes plus the remainder as a fraction. */
function goMinutes(us: number): number {
  const remainder = us % MINUTE_US; // exact, with the dividend's sign as Go's %
  return (us - remainder) / MINUTE_US + remainder / MINUTE_US;
}

/** An exponential backoff as docker/go-events ExponentialBackoffConfig describes it. */
export interface BackoffConfig {
  readonly baseUs: Duration;
  readonly factorUs: Duration;
  readonly maxUs: Duration;
}

/** The renewer's backoff. swarmkit ca/renewer.go `RenewTLSExponentialBackoff`. */
export const renewalBackoffConfig: BackoffConfig = {
  baseUs: renewalBackoffBaseUs,
  factorUs: renewalBackoffFactorUs,
  maxUs: renewalBackoffMaxUs,
};

/** The NodeCertificateStatus poll's backoff. swarmkit ca/certificates.go GetRemoteSignedCertificate. */
export const certificateStatusBackoffConfig: BackoffConfig = {
  baseUs: certStatusBackoffBaseUs,
  factorUs: certStatusBackoffFactorUs,
  maxUs: certStatusBackoffMaxUs,
};

const NS_PER_US = 1000n;

/**
 * The wait after `failures` consecutive failures: 0 with none; otherwise uniform
 * in [0, base + factor·2^(failures−1)), the bound capped at max. The bound is
 * computed in Go's int64 nanoseconds, overflow included, as docker/go-events
 * ExponentialBackoff.backoff does: a bound that wraps negative or past max
 * becomes max, and from the 56th consecutive failure factor·2^(failures−1)
 * wraps to 0 (both swarm factors are 2^9 × an odd number of nanoseconds), so the
 * bound falls back to base (5 s for the renewer, 1 s for the status poll).
 * The draw is whole microseconds.
 *
 * @example
 * ```ts
 * exponentialBackoff(renewalBackoffConfig, 3, rng); // uniform in [0 s, 25 s)
 * ```
 */
export function exponentialBackoff(config: BackoffConfig, failures: number, rng: Rng): Duration {
  if (!Number.isSafeInteger(failures) || failures < 0) {
    throw new RangeError(`"failures" expected a whole number >= 0, got ${failures}`);
  }
  if (failures === 0) return duration(0);
  const int64 = (v: bigint) => BigInt.asIntN(64, v);
  const base = BigInt(config.baseUs) * NS_PER_US;
  const factor = BigInt(config.factorUs) * NS_PER_US;
  const max = BigInt(config.maxUs) * NS_PER_US;
  const shifted = int64(1n << BigInt(Math.min(failures - 1, 64)));
  let bound = int64(base + int64(factor * shifted));
  if (bound > max || bound < 0n) bound = max;
  const boundUs = Number(bound / NS_PER_US);
  return duration(boundUs <= 0 ? 0 : rng.int(0, boundUs - 1));
}

/**
 * The renewer's wait after `failures` failed renewals (or with an expired
 * certificate): uniform in [0, 5 s + 5 s·2^(failures−1)), bound capped at 1 h.
 * swarmkit ca/renewer.go.
 *
 * @example
 * ```ts
 * renewalBackoff(1, rng); // uniform in [0 s, 10 s)
 * ```
 */
export function renewalBackoff(failures: number, rng: Rng): Duration {
  return exponentialBackoff(renewalBackoffConfig, failures, rng);
}

/**
 * The wait between NodeCertificateStatus polls after `failures` unsuccessful
 * ones: uniform in [0, 1 s + 1 s·2^(failures−1)), bound capped at 30 s. The
 * first poll that finds the certificate pending is failure 1.
 * swarmkit ca/certificates.go GetRemoteSignedCertificate.
 *
 * @example
 * ```ts
 * certificateStatusBackoff(1, rng); // uniform in [0 s, 2 s)
 * ```
 */
export function certificateStatusBackoff(failures: number, rng: Rng): Duration {
  return exponentialBackoff(certificateStatusBackoffConfig, failures, rng);
}
