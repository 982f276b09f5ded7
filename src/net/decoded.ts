/**
 * The result of decoding bytes that came off the wire.
 *
 * Decoders never throw on hostile input: a packet that is short, mangled or
 * checksummed wrong is a protocol outcome, not a programming mistake, so it
 * comes back as a value with a reason the fabric can count and trace.
 */

/** A decoded value, or why the bytes do not decode. */
export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Wraps a successfully decoded value. */
export function decoded<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

/** Says why bytes did not decode. */
export function rejected<T>(reason: string): Decoded<T> {
  return { ok: false, reason };
}

/** Throws a RangeError unless `value` is a whole number in [0, max]; for encoder arguments. */
export function checkField(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`"${name}" expected a whole number from 0 to ${max}, got ${value}`);
  }
}

/** Lowercase hex of a 16-bit value, `0x1a2b`, for reasons that quote a field. */
export function hex16(value: number): string {
  return `0x${value.toString(16).padStart(4, "0")}`;
}
