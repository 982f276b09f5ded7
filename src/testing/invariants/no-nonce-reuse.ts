/**
 * No AES-GCM (key, nonce) pair sealed two different messages, in gossip or
 * ESP. Under GCM a repeated nonce leaks the XOR of the two plaintexts and
 * lets anyone forge tags under that key, so a single reuse is a break.
 *
 * Every captured frame is opened with the keys the nodes held
 * (sealed-frames.ts): gossip's nonce is the 12 bytes after the envelope's
 * version byte (memberlist draws it at random per message); ESP's is the
 * SA's salt (its SPI) and the packet's 8-byte IV (seqiv: the sequence number
 * XOR a per-SA salt). Two frames under one key and nonce whose sealed bytes
 * differ are a reuse; the same bytes twice are one message sent or replayed
 * again, not a reuse. Frames no known key opens cannot be judged and are counted.
 */

import type { FinishedRun } from "../run.js";
import { keyLabel } from "./network-keys.js";
import { type SealedFrame, sealedFrames } from "./sealed-frames.js";
import { type Verdict, timeOf, verdictOf } from "./verdict.js";
import { sameBytes } from "../../encoding/index.js";

/**
 * Checks that no key and nonce sealed two different messages.
 *
 * @example
 * ```ts
 * invariants.noNonceReuse(run); // { ok: true, info: { frames: 5306, repeats: 12, unopened: 0 } }
 * ```
 */
export function noNonceReuse(run: FinishedRun): Verdict {
  const firstBy = new Map<string, SealedFrame[]>();
  const violations: object[] = [];
  let unopened = 0;
  let opened = 0;
  let repeats = 0;
  for (const frame of sealedFrames(run)) {
    if (frame.key === undefined) {
      unopened++;
      continue;
    }
    opened++;
    const id = `${frame.key.subsystem}|${frame.key.hex}|${frame.nonce}`;
    const seen = firstBy.get(id);
    if (seen === undefined) {
      firstBy.set(id, [frame]);
      continue;
    }
    if (seen.some((earlier) => sameBytes(earlier.sealed, frame.sealed))) {
      repeats++;
      continue;
    }
    violations.push(reuseOf(seen[0]!, frame));
    seen.push(frame);
  }
  return verdictOf("a key and nonce sealed two different messages", violations, { frames: opened, repeats, unopened });
}

function reuseOf(first: SealedFrame, again: SealedFrame): object {
  const side = (frame: SealedFrame) => ({ packet: frame.packets[0], kind: frame.kind, src: frame.src, dst: frame.dst, ...timeOf(frame.at) });
  return { key: keyLabel(first.key!), nonce: first.nonce, first: side(first), again: side(again) };
}

