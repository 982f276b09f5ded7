/** Shared helpers for the overlay tests: hex, bit flips, keys and a seeded byte source. */
import { type Aead, createAead } from "../../src/crypto/index.js";
import { type OverlayKey } from "../../src/overlay/index.js";
import { Rng } from "../../src/sim/index.js";

export const noble: Aead = createAead("noble");
export const node: Aead = createAead("node");
export const backends: readonly Aead[] = [noble, node];

export { fromHex, toHex } from "../support/bytes.js";

/** A copy of `bytes` with bit `bit` (counted over the whole array) flipped. */
export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

/** A 16-byte network key whose bytes are derived from its tag, so tests read well. */
export function overlayKey(tag: number): OverlayKey {
  return { tag, key: Uint8Array.from({ length: 16 }, (_, i) => (tag * 31 + i * 7) & 0xff) };
}

/** A seeded byte source for seqiv salts. */
export function ivSalts(seed: number, name = "ipsec"): Rng {
  return Rng.root(seed).fork(name);
}
