/**
 * The baseline the scheduler is measured against: a bare struct-of-arrays
 * binary heap ordered by (time, sequence), with an integer payload and nothing
 * else: no handlers, no slot table, no cancel, no growth. It is the floor for
 * what a heap-based scheduler in JavaScript can cost, so the ratio
 * scheduler/bare is the price of the scheduler's features.
 */
export class BareHeap {
  private readonly times: Float64Array;
  private readonly seqs: Float64Array;
  private readonly payloads: Int32Array;
  private nextSeq = 0;
  size = 0;

  constructor(capacity: number) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.payloads = new Int32Array(capacity);
  }

  /** The earliest time in the heap (the heap must not be empty). */
  topTime(): number {
    return this.times[0]!;
  }

  push(time: number, payload: number): void {
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const seq = this.nextSeq++;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      payloads[i] = payloads[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    payloads[i] = payload;
  }

  /** Removes the earliest entry and returns its payload. */
  popTop(): number {
    const times = this.times;
    const seqs = this.seqs;
    const payloads = this.payloads;
    const top = payloads[0]!;
    const n = --this.size;
    if (n === 0) return top;
    const time = times[n]!;
    const seq = seqs[n]!;
    const payload = payloads[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && (times[right]! < times[child]! || (times[right] === times[child] && seqs[right]! < seqs[child]!))) {
        child = right;
      }
      const ct = times[child]!;
      if (time < ct || (time === ct && seq < seqs[child]!)) break;
      times[i] = ct;
      seqs[i] = seqs[child]!;
      payloads[i] = payloads[child]!;
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    payloads[i] = payload;
    return top;
  }
}
