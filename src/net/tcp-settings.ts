/**
 * The knobs of the TCP-like streams. Defaults come from constants.ts; a
 * fabric may override them (tests shorten the retry budget to see a timeout
 * sooner, scenarios may model a slower stack).
 */

import type { Duration } from "../sim/index.js";
import {
  tcpMaxRetransmits,
  tcpMssBytes,
  tcpRtoInitialUs,
  tcpRtoMaxUs,
  tcpRtoMinUs,
  tcpTimeWaitUs,
  tcpWindowBytes,
} from "./constants.js";
import { tcpMaxPayloadBytes } from "./tcp-segment.js";

/** Stream settings shared by every host of a fabric. */
export interface TcpSettings {
  /** Largest payload per segment. */
  readonly mssBytes: number;
  /** Bytes a sender may have unacknowledged; also the window every receiver advertises. */
  readonly windowBytes: number;
  /** Retransmission timeout before any round trip is measured. */
  readonly rtoInitialUs: Duration;
  /** Floor of the measured timeout. */
  readonly rtoMinUs: Duration;
  /** Ceiling of the backed-off timeout. */
  readonly rtoMaxUs: Duration;
  /** Retransmissions of the oldest unacknowledged segment before the stream resets with `timeout`. */
  readonly maxRetransmits: number;
  /** How long the side that closed first lingers to re-acknowledge a retransmitted FIN. */
  readonly timeWaitUs: Duration;
}

/** The defaults: MSS 1460, window 65535, RTO 200 ms doubling to 60 s, 6 retransmissions, TIME-WAIT 60 s. */
export const defaultTcpSettings: TcpSettings = {
  mssBytes: tcpMssBytes,
  windowBytes: tcpWindowBytes,
  rtoInitialUs: tcpRtoInitialUs,
  rtoMinUs: tcpRtoMinUs,
  rtoMaxUs: tcpRtoMaxUs,
  maxRetransmits: tcpMaxRetransmits,
  timeWaitUs: tcpTimeWaitUs,
};

function checkWhole(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`"tcp.${name}" expected a whole number from ${min} to ${max}, got ${value}`);
  }
}

/** The defaults with `overrides` applied, checked; throws a RangeError naming a bad field. */
export function tcpSettings(overrides: Partial<TcpSettings> = {}): TcpSettings {
  const settings = { ...defaultTcpSettings, ...overrides };
  checkWhole("mssBytes", settings.mssBytes, 1, tcpMaxPayloadBytes);
  checkWhole("windowBytes", settings.windowBytes, settings.mssBytes, 0xffff);
  checkWhole("rtoMinUs", settings.rtoMinUs, 1, Number.MAX_SAFE_INTEGER);
  checkWhole("rtoMaxUs", settings.rtoMaxUs, settings.rtoMinUs, Number.MAX_SAFE_INTEGER);
  checkWhole("rtoInitialUs", settings.rtoInitialUs, settings.rtoMinUs, settings.rtoMaxUs);
  checkWhole("maxRetransmits", settings.maxRetransmits, 0, 1000);
  checkWhole("timeWaitUs", settings.timeWaitUs, 0, Number.MAX_SAFE_INTEGER);
  return settings;
}
