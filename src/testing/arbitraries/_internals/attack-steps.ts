/** Attack intents resolved against the sketch. */

import type { AttackStepDescription } from "../../../api/index.js";
import type { AttackIntent } from "./intents.js";
import { type Sketch, choose } from "./sketch.js";

/**
 * The step `intent` resolves to now. Replays and bit flips may aim at any
 * machine (none may be selected: nothing is sent); a key is leaked only from
 * a live member, which holds keys once its first session message arrived.
 */
export function attackSteps(sketch: Sketch, intent: AttackIntent): AttackStepDescription[] {
  if (intent.kind === "leak-key") {
    const node = choose(sketch.live(), intent.pick);
    return node === undefined ? [] : [{ "leak-key": { node: node.name, subsystem: intent.ipsec ? "ipsec" : "gossip" } }];
  }
  const to = choose(sketch.nodes, intent.pick);
  if (to === undefined) return [];
  const select = { to: to.name, path: intent.path, last: intent.last };
  if (intent.kind === "replay") return [{ replay: select }];
  return [{ "bit-flip": { ...select, ...(intent.transportPayload ? { region: "transport-payload" as const } : {}) } }];
}
