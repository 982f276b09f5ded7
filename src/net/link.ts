/**
 * Link models: how long a packet takes between two hosts and how often it is lost.
 *
 * Pure: the fabric keeps the settings and the random streams, these functions
 * check a setting and draw from it. Loss is an integer rate in parts per million
 * so one `chance(ppm, 1e6)` decides it, with no float in the decision.
 */

import { type Duration, type Rng, duration, formatDuration } from "../sim/index.js";
import { defaultLatencyUs, lossDenominatorPpm } from "./constants.js";

/**
 * One-way latency of a link.
 * - `fixed`: every packet takes `latency`; packets between a pair stay in order.
 * - `uniform`: a whole number of microseconds drawn from [min, max], both inclusive.
 * - `exponential`: drawn with mean `mean` (memoryless queueing delay).
 * Random latencies reorder packets, as a real network may.
 */
export type LatencyModel =
  | { readonly kind: "fixed"; readonly latency: Duration }
  | { readonly kind: "uniform"; readonly min: Duration; readonly max: Duration }
  | { readonly kind: "exponential"; readonly mean: Duration };

/** The behaviour of a directed link. */
export interface LinkSpec {
  /** How long a packet takes. */
  readonly latency: LatencyModel;
  /** Packets lost, in parts per million (0 to 1 000 000): 20 000 is 2 %. */
  readonly lossPpm: number;
}

/** The default link: 1 ms fixed latency, no loss. */
export const defaultLink: LinkSpec = {
  latency: { kind: "fixed", latency: defaultLatencyUs },
  lossPpm: 0,
};

/** A fixed latency. */
export function fixedLatency(latency: Duration): LatencyModel {
  return { kind: "fixed", latency };
}

/** A uniform latency in [min, max] microseconds. */
export function uniformLatency(min: Duration, max: Duration): LatencyModel {
  return { kind: "uniform", min, max };
}

/** An exponentially distributed latency with the given mean. */
export function exponentialLatency(mean: Duration): LatencyModel {
  return { kind: "exponential", mean };
}

/** Converts a loss rate in [0, 1] (e.g. 0.02) to parts per million, rounding to the nearest. */
export function lossRateToPpm(rate: number): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`"rate" expected a number from 0 to 1, got ${rate}`);
  return Math.round(rate * lossDenominatorPpm);
}

function checkMicros(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`"${name}" expected a whole number of microseconds >= 0, got ${value}`);
  }
}

/** Throws a RangeError naming the field if a link setting is not usable. */
export function checkLink(link: LinkSpec): void {
  const latency = link.latency;
  switch (latency.kind) {
    case "fixed":
      checkMicros("latency.latency", latency.latency);
      break;
    case "uniform":
      checkMicros("latency.min", latency.min);
      checkMicros("latency.max", latency.max);
      if (latency.max < latency.min) {
        throw new RangeError(`"latency.max" expected at least latency.min (${latency.min}), got ${latency.max}`);
      }
      break;
    case "exponential":
      checkMicros("latency.mean", latency.mean);
      break;
    default:
      throw new RangeError(`"latency.kind" expected fixed, uniform or exponential, got ${String((latency as { kind: unknown }).kind)}`);
  }
  if (!Number.isInteger(link.lossPpm) || link.lossPpm < 0 || link.lossPpm > lossDenominatorPpm) {
    throw new RangeError(`"lossPpm" expected a whole number from 0 to ${lossDenominatorPpm}, got ${link.lossPpm}`);
  }
}

/** Draws one packet's latency. A fixed latency draws nothing, so it never moves the stream. */
export function drawLatency(latency: LatencyModel, rng: Rng): Duration {
  switch (latency.kind) {
    case "fixed":
      return latency.latency;
    case "uniform":
      return duration(rng.int(latency.min, latency.max));
    case "exponential":
      return duration(rng.exponential(latency.mean));
  }
}

/** Decides whether one packet is lost. A loss-free link draws nothing. */
export function drawLoss(lossPpm: number, rng: Rng): boolean {
  return lossPpm > 0 && rng.chance(lossPpm, lossDenominatorPpm);
}

/** A short human form of a latency for traces: `"1ms"`, `"1ms..5ms"`, `"exp(2ms)"`. */
export function describeLatency(latency: LatencyModel): string {
  switch (latency.kind) {
    case "fixed":
      return formatDuration(latency.latency);
    case "uniform":
      return `${formatDuration(latency.min)}..${formatDuration(latency.max)}`;
    case "exponential":
      return `exp(${formatDuration(latency.mean)})`;
  }
}
