/**
 * The sender's queue of stream bytes not yet acknowledged.
 *
 * Writes append copies (the caller may reuse its buffer); segments read any
 * range from the front, again and again while retransmitting; acknowledgements
 * drop from the front. Chunks are kept as written, so a write is never copied
 * twice and a drop costs nothing but index moves.
 */

import { allocBytes, copyBytes } from "../encoding/index.js";

export class ByteQueue {
  private chunks: Uint8Array[] = [];
  /** Index of the first chunk still queued (earlier ones are acknowledged). */
  private head = 0;
  /** Bytes of `chunks[head]` already dropped. */
  private headOffset = 0;
  /** Bytes queued. */
  length = 0;

  /** Appends a copy of `bytes`. */
  append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(copyBytes(bytes));
    this.length += bytes.length;
  }

  /** A copy of `count` bytes starting `offset` bytes after the front. */
  read(offset: number, count: number): Uint8Array {
    if (!(offset >= 0 && count >= 0 && offset + count <= this.length)) {
      throw new RangeError(`"offset"/"count" expected a range within ${this.length} bytes, got ${offset}+${count}`);
    }
    const out = allocBytes(count);
    let skip = offset + this.headOffset;
    let filled = 0;
    for (let i = this.head; filled < count; i++) {
      const chunk = this.chunks[i]!;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      const take = Math.min(chunk.length - skip, count - filled);
      out.set(chunk.subarray(skip, skip + take), filled);
      filled += take;
      skip = 0;
    }
    return out;
  }

  /** Drops `count` bytes from the front (they were acknowledged). */
  drop(count: number): void {
    if (!(count >= 0 && count <= this.length)) {
      throw new RangeError(`"count" expected 0 to ${this.length}, got ${count}`);
    }
    this.length -= count;
    let rest = count + this.headOffset;
    while (this.head < this.chunks.length && rest >= this.chunks[this.head]!.length) {
      rest -= this.chunks[this.head]!.length;
      this.head++;
    }
    this.headOffset = rest;
    // Compact once the dead prefix dominates, so drops stay O(1) amortised.
    if (this.head > 32 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}
