/**
 * The Internet checksum (RFC 1071): the ones' complement of the ones'
 * complement sum of 16-bit big-endian words. IPv4 covers its header with it;
 * UDP and TCP cover a pseudo-header (addresses, protocol, length), their own
 * header and the payload (RFC 768, RFC 793 §3.1).
 */

/** Folds carries back into the low 16 bits (end-around carry). */
function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * Adds the 16-bit words of `bytes` to `initial` (a previous partial sum) and
 * returns the folded partial sum. An odd final byte counts as the high byte of
 * a word padded with zero, so only the last part of a checksummed run may be odd.
 */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  let i = 0;
  const pairsEnd = bytes.length - 1;
  while (i < pairsEnd) {
    // Fold after each block of 32768 words, so the running sum stays below 2^31 on any length.
    const blockEnd = Math.min(pairsEnd, i + 0x10000);
    for (; i < blockEnd; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
    sum = fold(sum);
  }
  if (i < bytes.length) sum += bytes[i]! << 8;
  return fold(sum);
}

/**
 * The Internet checksum of `bytes` continuing from a partial sum. A header whose
 * checksum field is correct sums, checksum included, to a checksum of 0.
 *
 * @example
 * internetChecksum(new Uint8Array([0x45, 0x00, 0x00, 0x1c])) // 0xbae3
 */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~onesComplementSum(bytes, initial) & 0xffff;
}

/**
 * The partial sum of the IPv4 pseudo-header that UDP and TCP checksums cover:
 * source and destination address, zero, protocol, and the transport length.
 */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return fold((src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length);
}
