/**
 * LZW as Go's compress/lzw does it with `lzw.LSB` and a literal width of 8,
 * the only setting memberlist uses (util.go compressPayload/decompressBuffer,
 * `lzwLitWidth = 8`). Codes start 9 bits wide and grow to 12; 256 is the
 * clear code, 257 end of data, new entries from 258.
 *
 * The compressor writes what Go (1.17 and later) writes for one `Write` and a
 * `Close` (writer.go): a clear code first, then greedy longest matches; after
 * each emitted code the next free code `hi` grows, the width grows when `hi`
 * reaches 1<<width, and when `hi` reaches 4095 a clear code is sent and the
 * dictionary starts over; `Close` writes the pending code, end of data, and
 * the last partial byte. The decompressor follows reader.go, including its
 * acceptance of streams without a leading clear code (Go before 1.17).
 */

import { copyBytes } from "./bytes.js";
import type { Decoded } from "./protobuf.js";

const litWidth = 8;
const clearCode = 1 << litWidth;
const eofCode = clearCode + 1;
const maxCode = (1 << 12) - 1;
const maxWidth = 12;
/**
 * The compressor's dictionary as writer.go keeps it: a hash table four times
 * the code space, linear probing, entries key<<12 | code with key = prefix
 * code<<8 | byte (codes are 258 and up, so 0 is an empty slot). It is shared
 * by every call (they never overlap) and fits in a core's cache, which makes
 * it faster than a table indexed by key.
 */
const tableSize = 4 << 12;
const tableMask = tableSize - 1;
const table = new Uint32Array(tableSize);
/** Slots filled since the table was last cleared: starting over clears only those. */
const filled = new Uint16Array(1 << maxWidth);
let filledCount = 0;

function clearTable(): void {
  for (let i = 0; i < filledCount; i++) table[filled[i]!] = 0;
  filledCount = 0;
}

/** Where the compressor writes before the result is copied out (grown when an input needs more). */
let compressScratch = new Uint8Array(4096);

/**
 * Compresses `data` byte for byte as Go's `lzw.NewWriter(w, lzw.LSB, 8)` followed by one `Write` and `Close`.
 *
 * @example
 * ```ts
 * lzwCompress(new Uint8Array(0)); // Uint8Array [0x00, 0x03, 0x02]: clear, end of data
 * ```
 */
export function lzwCompress(data: Uint8Array): Uint8Array {
  // Every code is at most 12 bits and stands for at least one byte; clear codes come at most once per 3838 codes.
  const bound = 2 * data.length + 16;
  if (compressScratch.length < bound) compressScratch = new Uint8Array(Math.max(bound, 2 * compressScratch.length));
  const out = compressScratch;
  let length = 0;
  // The bit writer, LSB first: `nBits` pending bits in `bits`, codes `width` bits wide; a clear code first.
  let bits = clearCode;
  let nBits = litWidth + 1;
  let width = litWidth + 1;
  // The next implied code, whose width grows at `overflow`.
  let hi = clearCode + 1;
  let overflow = clearCode << 1;
  clearTable();
  if (data.length > 0) {
    // The longest match so far; at the end, Close writes it as the loop would.
    let code = data[0]!;
    for (let i = 1; ; i++) {
      let literal = 0;
      let key = 0;
      let hash = 0;
      if (i < data.length) {
        literal = data[i]!;
        key = (code << 8) | literal;
        hash = ((key >>> 12) ^ key) & tableMask;
        let t = table[hash]!;
        while (t !== 0 && t >>> 12 !== key) {
          hash = (hash + 1) & tableMask;
          t = table[hash]!;
        }
        if (t !== 0) {
          code = t & maxCode;
          continue;
        }
      }
      // Emit the match, then writer.go incHi: the next implied code; at 4095 a clear code follows and all starts over.
      for (let emitting = code; ; emitting = clearCode) {
        bits |= emitting << nBits;
        nBits += width;
        while (nBits >= 8) {
          out[length++] = bits;
          bits >>>= 8;
          nBits -= 8;
        }
        if (emitting === clearCode) {
          width = litWidth + 1;
          hi = clearCode + 1;
          overflow = clearCode << 1;
          clearTable();
          break;
        }
        hi++;
        if (hi === overflow) {
          width++;
          overflow <<= 1;
        }
        if (hi !== maxCode) break;
      }
      if (i >= data.length) break;
      code = literal;
      // Just started over: nothing to add to the dictionary.
      if (hi === clearCode + 1) continue;
      table[hash] = ((key << 12) | hi) >>> 0;
      filled[filledCount++] = hash;
    }
  }
  // End of data, then the last partial byte.
  bits |= eofCode << nBits;
  nBits += width;
  while (nBits > 0) {
    out[length++] = bits;
    bits >>>= 8;
    nBits -= 8;
  }
  return copyBytes(out, 0, length);
}

/**
 * The decompressor's dictionary, shared by every call (they never overlap;
 * every entry read is written first): each code's expansion as a place in
 * the output already written, since an entry is the previous code's
 * expansion followed by the first byte of the next one, which is exactly
 * where the two were written one after the other.
 */
const entryStart = new Int32Array(1 << maxWidth);
/** Where the decompressor writes before the result is copied out; kept up to `keptScratchBytes`. */
let decompressScratch = new Uint8Array(4096);
const keptScratchBytes = 1 << 20;
const entryLength = new Uint16Array(1 << maxWidth);

/**
 * Decompresses an LSB, literal-width-8 LZW stream as Go's `lzw.NewReader`
 * read to the end; more than `limitBytes` of output is refused, as memberlist
 * refuses an oversized decompressed message.
 *
 * @example
 * ```ts
 * lzwDecompress(Uint8Array.of(0x00, 0xc3, 0x04, 0x04), 1024); // { ok: true, value: Uint8Array [0x61] } ("a")
 * ```
 */
export function lzwDecompress(data: Uint8Array, limitBytes: number): Decoded<Uint8Array> {
  if (!Number.isSafeInteger(limitBytes) || limitBytes < 0) throw new RangeError(`"limitBytes" expected a whole number ≥ 0, got ${limitBytes}`);
  // Written in a scratch buffer, grown as needed (never past the limit), and copied out at the end.
  let out = decompressScratch;
  let length = 0;
  let width = litWidth + 1;
  let hi = eofCode;
  let overflow = 1 << width;
  let last = -1;
  // Where the previous code's expansion was written, and its length.
  let lastStart = 0;
  let lastLength = 0;
  let bits = 0;
  let nBits = 0;
  let at = 0;
  for (;;) {
    while (nBits < width) {
      if (at >= data.length) return { ok: false, reason: "lzw: unexpected EOF" };
      bits |= data[at++]! << nBits;
      nBits += 8;
    }
    const code = bits & ((1 << width) - 1);
    bits >>>= width;
    nBits -= width;
    if (code === clearCode) {
      width = litWidth + 1;
      hi = eofCode;
      overflow = 1 << width;
      last = -1;
      continue;
    }
    if (code === eofCode) break;
    if (code > hi) return { ok: false, reason: "lzw: invalid code" };
    // reader.go decode: a literal, a known entry, or code == hi, the KwKwK case: the last expansion and its own first byte.
    const kwkwk = code === hi && last !== -1;
    const n = code < clearCode ? 1 : kwkwk ? lastLength + 1 : entryLength[code]!;
    if (length + n > limitBytes) return { ok: false, reason: `decompressed message is larger than limit (${limitBytes})` };
    if (length + n > out.length) {
      const grown = new Uint8Array(Math.min(Math.max(2 * out.length, length + n), limitBytes + 1));
      grown.set(out.subarray(0, length));
      out = grown;
      if (grown.length <= keptScratchBytes) decompressScratch = grown;
    }
    const start = length;
    if (code < clearCode) out[length++] = code;
    else {
      // Entries lie wholly in what is written; the KwKwK copy reads its own first byte last, written by then.
      const from = kwkwk ? lastStart : entryStart[code]!;
      if (n > 16 && !kwkwk) out.copyWithin(length, from, from + n);
      else for (let k = 0; k < n; k++) out[length + k] = out[from + k]!;
      length += n;
    }
    if (last !== -1) {
      entryStart[hi] = lastStart;
      entryLength[hi] = lastLength + 1;
    }
    last = code;
    lastStart = start;
    lastLength = n;
    hi++;
    if (hi >= overflow) {
      if (width === maxWidth) {
        // Out of codes without a clear: stop saving entries (reader.go).
        last = -1;
        hi--;
      } else {
        width++;
        overflow = 1 << width;
      }
    }
  }
  return { ok: true, value: copyBytes(out, 0, length) };
}
