/**
 * Durations as docker prints them for people: go-units HumanDuration
 * (`3 months`, `About an hour`), used by `docker info`'s CA expiry.
 */

const SECOND = 1_000_000;

/** go-units HumanDuration, for a duration in microseconds. */
export function humanDuration(micros: number): string {
  const seconds = Math.trunc(micros / SECOND);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const exactHours = micros / (3_600 * SECOND);
  const hours = Math.trunc(exactHours + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(exactHours) / 24 / 365)} years`;
}
