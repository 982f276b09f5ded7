/**
 * TCP sequence arithmetic (RFC 793 §3.3; RFC 1982 serial numbers).
 *
 * On the wire a sequence number is 32 bits and wraps; inside a stream the
 * model counts in whole-number offsets from the initial sequence number
 * (SYN at 0, the first data byte at 1), which never wrap in a run. These two
 * functions convert between the two views.
 */

/** The 32-bit wire sequence number `offset` places past `initial`. */
export function wireSequence(initial: number, offset: number): number {
  return (initial + (offset % 0x1_0000_0000)) % 0x1_0000_0000;
}

/**
 * The signed distance from wire sequence `b` to wire sequence `a`, taking the
 * shorter way round the 32-bit circle: positive if `a` is after `b`.
 *
 * @example
 * sequenceDistance(5, 0xfffffffe) // 7
 */
export function sequenceDistance(a: number, b: number): number {
  return (a - b) | 0;
}
