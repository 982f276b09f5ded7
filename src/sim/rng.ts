/**
 * Named seeded random streams.
 *
 * One master seed; every component forks a stream by name
 * (`rng.fork("pki").fork("node-3")`). A stream's generator is seeded from the
 * master seed and its full path alone, so forking never draws from the parent:
 * adding a stream, or a draw in one stream, never shifts another's draws.
 * Draws are integers with inclusive bounds (TigerBeetle's rule: no floats where
 * an integer says it exactly). The generator is seedrandom's Alea: fast, with
 * state that can be saved and restored.
 */

import seedrandom from "seedrandom";

type AleaState = seedrandom.State.Alea;
type Generator = seedrandom.StatefulPRNG<AleaState>;

/** A saved stream: its path and its generator state. Plain data (JSON-safe). */
export interface RngState {
  readonly seed: number;
  readonly path: string;
  readonly state: Readonly<AleaState>;
}

const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;

/** Checks a master seed: a whole number from 0 to 2^53 - 1. */
export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`"seed" expected a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got ${seed}`);
  }
}

/** A seeded random stream. */
export class Rng {
  private constructor(
    /** The master seed of the run. */
    readonly seed: number,
    /** The stream's name from the root, `""` for the root itself: `"pki/node-3"`. */
    readonly path: string,
    private readonly gen: Generator,
  ) {}

  /** The root stream of a run. */
  static root(seed: number): Rng {
    checkSeed(seed);
    return new Rng(seed, "", seedrandom.alea(streamSeed(seed, ""), { state: true }));
  }

  /** Rebuilds a stream at exactly the state it was saved in. */
  static restore(saved: RngState): Rng {
    checkSeed(saved.seed);
    return new Rng(saved.seed, saved.path, seedrandom.alea("", { state: { ...saved.state } }));
  }

  /** A new independent stream named `name` under this one. Draws nothing from this stream. */
  fork(name: string): Rng {
    if (name === "" || name.includes("/")) {
      throw new RangeError(`"name" expected a non-empty stream name without "/", got "${name}"`);
    }
    const path = this.path === "" ? name : `${this.path}/${name}`;
    return new Rng(this.seed, path, seedrandom.alea(streamSeed(this.seed, path), { state: true }));
  }

  /** The stream's state, to `restore` later. */
  save(): RngState {
    return { seed: this.seed, path: this.path, state: this.gen.state() };
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    return this.gen.int32() >>> 0;
  }

  /** A uniform integer in [min, max], both inclusive; the span may be up to 2^53. */
  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RangeError(`"min"/"max" expected whole numbers with min <= max, got ${min}, ${max}`);
    }
    const range = max - min + 1;
    if (range <= TWO_32) {
      const limit = TWO_32 - (TWO_32 % range);
      let u = this.uint32();
      while (u >= limit) u = this.uint32();
      return min + (u % range);
    }
    if (range > TWO_53) throw new RangeError(`"max - min" expected at most 2^53 - 1, got ${max - min}`);
    const limit = TWO_53 - (TWO_53 % range);
    let u = this.uint53();
    while (u >= limit) u = this.uint53();
    return min + (u % range);
  }

  /** True with probability num/den (whole numbers, 0 <= num <= den, den >= 1). */
  chance(num: number, den: number): boolean {
    if (!Number.isSafeInteger(num) || !Number.isSafeInteger(den) || den < 1 || num < 0 || num > den) {
      throw new RangeError(`"num"/"den" expected 0 <= num <= den and den >= 1, got ${num}/${den}`);
    }
    return this.int(0, den - 1) < num;
  }

  /** A uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError(`"items" expected a non-empty array, got length=0`);
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A shuffled copy of `items` (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** `n` random bytes (key material, nonces, IDs). */
  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`"n" expected a whole number >= 0, got ${n}`);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let u = this.uint32();
      for (let k = 0; k < 4 && i + k < n; k++) {
        out[i + k] = u & 0xff;
        u >>>= 8;
      }
    }
    return out;
  }

  /** A uniform float in [0, 1) with 53 bits; for continuous distributions only. */
  float(): number {
    return this.uint53() / TWO_53;
  }

  /**
   * An exponentially distributed whole number of microseconds with the given mean
   * (at least 0). For latency models and the benchmark's hold model.
   */
  exponential(mean: number): number {
    if (!(mean >= 0)) throw new RangeError(`"mean" expected a number >= 0, got ${mean}`);
    return Math.round(-mean * Math.log(1 - this.float()));
  }

  private uint53(): number {
    const high = this.uint32() >>> 11; // 21 bits
    return high * TWO_32 + this.uint32();
  }
}

function streamSeed(seed: number, path: string): string {
  return `swarmsim:${seed}:${path}`;
}
