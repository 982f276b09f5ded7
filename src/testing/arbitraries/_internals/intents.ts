/**
 * Intents: what a generated step means to do, with every choice of node,
 * network or service left as an index (`pick`) that the sketch resolves
 * against what exists when the step comes. Indexes shrink towards 0, arrays
 * of intents towards none, and each `oneof` towards its first (simplest) kind:
 * a wait, a `docker node ls`, no fault.
 */

import fc from "fast-check";

/** An index into whatever candidates exist when the intent is resolved. */
const pick = () => fc.nat({ max: 63 });

/** A docker command (or a wait) an operator might run. */
export type DockerIntent =
  | { readonly kind: "wait"; readonly seconds: number }
  | { readonly kind: "node-ls" }
  | { readonly kind: "network-create"; readonly encrypted: boolean }
  | { readonly kind: "network-rm"; readonly pick: number }
  | { readonly kind: "service-create"; readonly busybox: boolean; readonly replicas: number; readonly network: number | null }
  | { readonly kind: "service-scale"; readonly pick: number; readonly replicas: number }
  | { readonly kind: "service-rm"; readonly pick: number }
  | { readonly kind: "join"; readonly pick: number }
  | { readonly kind: "stale-join"; readonly pick: number; readonly token: number }
  | { readonly kind: "promote"; readonly pick: number }
  | { readonly kind: "demote"; readonly pick: number }
  | { readonly kind: "node-rm"; readonly pick: number }
  | { readonly kind: "leave"; readonly pick: number }
  | { readonly kind: "rotate-token"; readonly manager: boolean }
  | { readonly kind: "rotate-root" }
  | { readonly kind: "wait-rotation" };

/** A wait of 1 s to 2 min; shrinks towards 1 s. */
export function waitIntent(): fc.Arbitrary<Extract<DockerIntent, { kind: "wait" }>> {
  return fc.record({ kind: fc.constant("wait" as const), seconds: fc.integer({ min: 1, max: 120 }) });
}

/** Docker intents; a wait first, so shrinking ends on waits. */
export function dockerIntent(): fc.Arbitrary<DockerIntent> {
  return fc.oneof(
    { withCrossShrink: true },
    { arbitrary: waitIntent(), weight: 3 },
    fc.constant({ kind: "node-ls" as const }),
    { arbitrary: fc.record({ kind: fc.constant("network-create" as const), encrypted: fc.boolean() }), weight: 2 },
    fc.record({ kind: fc.constant("network-rm" as const), pick: pick() }),
    { arbitrary: fc.record({ kind: fc.constant("service-create" as const), busybox: fc.boolean(), replicas: fc.integer({ min: 1, max: 3 }), network: fc.option(pick()) }), weight: 2 },
    fc.record({ kind: fc.constant("service-scale" as const), pick: pick(), replicas: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ kind: fc.constant("service-rm" as const), pick: pick() }),
    { arbitrary: fc.record({ kind: fc.constant("join" as const), pick: pick() }), weight: 2 },
    fc.record({ kind: fc.constant("stale-join" as const), pick: pick(), token: pick() }),
    fc.record({ kind: fc.constant("promote" as const), pick: pick() }),
    fc.record({ kind: fc.constant("demote" as const), pick: pick() }),
    fc.record({ kind: fc.constant("node-rm" as const), pick: pick() }),
    fc.record({ kind: fc.constant("leave" as const), pick: pick() }),
    fc.record({ kind: fc.constant("rotate-token" as const), manager: fc.boolean() }),
    fc.constant({ kind: "rotate-root" as const }),
    fc.constant({ kind: "wait-rotation" as const }),
  );
}

/** A fault put on the cluster or the underlay (or lifted). */
export type FaultIntent =
  | { readonly kind: "crash"; readonly pick: number }
  | { readonly kind: "restart"; readonly pick: number }
  | { readonly kind: "partition"; readonly picks: readonly number[] }
  | { readonly kind: "isolate"; readonly pick: number }
  | { readonly kind: "block"; readonly from: number; readonly to: number }
  | { readonly kind: "heal" }
  | { readonly kind: "link"; readonly from: number; readonly to: number; readonly latencyMs: number | null; readonly lossPermille: number | null }
  | { readonly kind: "link-reset"; readonly pick: number }
  | { readonly kind: "control-plane"; readonly pick: number; readonly delayMs: number | null; readonly loss: "drop" | number | null }
  | { readonly kind: "control-plane-clear"; readonly pick: number }
  | { readonly kind: "clock"; readonly pick: number; readonly skewMinutes: number };

/** Fault intents; a restart (the mildest) first. */
export function faultIntent(): fc.Arbitrary<FaultIntent> {
  return fc.oneof(
    { withCrossShrink: true },
    fc.record({ kind: fc.constant("restart" as const), pick: pick() }),
    fc.constant({ kind: "heal" as const }),
    { arbitrary: fc.record({ kind: fc.constant("crash" as const), pick: pick() }), weight: 3 },
    { arbitrary: fc.record({ kind: fc.constant("partition" as const), picks: fc.array(pick(), { minLength: 1, maxLength: 3 }) }), weight: 2 },
    fc.record({ kind: fc.constant("isolate" as const), pick: pick() }),
    fc.record({ kind: fc.constant("block" as const), from: pick(), to: pick() }),
    fc.record({
      kind: fc.constant("link" as const),
      from: pick(),
      to: pick(),
      latencyMs: fc.option(fc.integer({ min: 1, max: 200 })),
      lossPermille: fc.option(fc.integer({ min: 1, max: 100 })),
    }),
    fc.record({ kind: fc.constant("link-reset" as const), pick: pick() }),
    fc.record({
      kind: fc.constant("control-plane" as const),
      pick: pick(),
      delayMs: fc.option(fc.integer({ min: 1, max: 5000 })),
      loss: fc.option(fc.oneof({ withCrossShrink: true }, fc.integer({ min: 1, max: 99 }), fc.constant("drop" as const))),
    }),
    fc.record({ kind: fc.constant("control-plane-clear" as const), pick: pick() }),
    fc.record({ kind: fc.constant("clock" as const), pick: pick(), skewMinutes: fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 180 })).map(([behind, m]) => (behind ? -m : m)) }),
  );
}

/** Paths an attack may select packets of. */
export const attackPaths = ["esp", "gossip", "control", "vxlan", "other"] as const;

/** An attack from the eavesdropper's host. */
export type AttackIntent =
  | { readonly kind: "replay"; readonly pick: number; readonly path: (typeof attackPaths)[number]; readonly last: number }
  | { readonly kind: "bit-flip"; readonly pick: number; readonly path: (typeof attackPaths)[number]; readonly last: number; readonly transportPayload: boolean }
  | { readonly kind: "leak-key"; readonly pick: number; readonly ipsec: boolean };

/** Attack intents; a short replay first. */
export function attackIntent(): fc.Arbitrary<AttackIntent> {
  const path = fc.constantFrom(...attackPaths);
  const last = fc.integer({ min: 1, max: 20 });
  return fc.oneof(
    { withCrossShrink: true },
    fc.record({ kind: fc.constant("replay" as const), pick: pick(), path, last }),
    fc.record({ kind: fc.constant("bit-flip" as const), pick: pick(), path, last, transportPayload: fc.boolean() }),
    fc.record({ kind: fc.constant("leak-key" as const), pick: pick(), ipsec: fc.boolean() }),
  );
}
