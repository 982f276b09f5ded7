/**
 * What the overlay driver counts and traces: frames sent and received,
 * encrypted or not, and every frame it drops, by reason. Delivered frames are
 * counted, not traced (a run carries many); drops, SA changes, key changes,
 * peers and warnings are traced.
 */

import type { EspDropReason } from "./esp.js";
import type { SaStep } from "./xfrm-tables.js";

/**
 * Why the driver dropped a frame. Append-only: traces and scenario
 * expectations name these.
 *
 * Sending: `"no-endpoint"` (the link's endpoint has left), `"too-big"` (larger
 * than the link MTU), `"malformed"` (not an IPv4 packet), `"no-peer"` (no
 * endpoint with that address on the network: the neighbour table has no
 * entry), `"no-outbound-sa"` and `"seq-exhausted"` (the kernel's
 * XfrmOutNoStates and XfrmOutStateSeqError).
 *
 * Receiving: ESP's own reasons (`"too-short"`, `"unknown-spi"`, `"replay"`,
 * `"bad-icv"`, `"bad-padding"`), `"not-vxlan"` (not UDP to 4789 or a VXLAN
 * header the Linux driver refuses), `"cleartext-on-encrypted"` (VXLAN of an
 * encrypted network that arrived without ESP: the INPUT rule's DROP),
 * `"unknown-vni"` (no network of this node has that VNI), `"unknown-endpoint"`
 * (no endpoint here has that address and MAC).
 */
export type OverlayDropReason =
  | "no-endpoint"
  | "too-big"
  | "malformed"
  | "no-peer"
  | "no-outbound-sa"
  | "seq-exhausted"
  | EspDropReason
  | "not-vxlan"
  | "cleartext-on-encrypted"
  | "unknown-vni"
  | "unknown-endpoint";

/** Every drop reason, in a fixed order (for counters and reports). */
export const overlayDropReasons: readonly OverlayDropReason[] = [
  "no-endpoint",
  "too-big",
  "malformed",
  "no-peer",
  "no-outbound-sa",
  "seq-exhausted",
  "too-short",
  "unknown-spi",
  "replay",
  "bad-icv",
  "bad-padding",
  "not-vxlan",
  "cleartext-on-encrypted",
  "unknown-vni",
  "unknown-endpoint",
];

/** The counts one node's overlay driver keeps. */
export interface OverlayCounters {
  /** VXLAN frames sent inside ESP. */
  framesSentEncrypted: number;
  /** VXLAN frames sent in cleartext (plain networks, Windows nodes, or no policy towards the peer). */
  framesSentCleartext: number;
  /** ESP packets that opened and carried VXLAN. */
  framesReceivedEncrypted: number;
  /** Cleartext VXLAN datagrams received. */
  framesReceivedCleartext: number;
  /** Packets between two endpoints of this node, which never touch the wire. */
  framesDeliveredLocally: number;
  /** Packets handed to a container, from the wire or from this node. */
  packetsDelivered: number;
  /** Frames dropped, by reason. */
  readonly drops: Record<OverlayDropReason, number>;
}

/** Zeroed counters. */
export function emptyOverlayCounters(): OverlayCounters {
  const drops = Object.fromEntries(overlayDropReasons.map((r) => [r, 0])) as Record<OverlayDropReason, number>;
  return {
    framesSentEncrypted: 0,
    framesSentCleartext: 0,
    framesReceivedEncrypted: 0,
    framesReceivedCleartext: 0,
    framesDeliveredLocally: 0,
    packetsDelivered: 0,
    drops,
  };
}

/** Why the SA database changed: the first keys, a tunnel set up or torn down, a key rotation. */
export type SaCause = "set-keys" | "setup" | "remove" | "update-keys";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** The overlay driver dropped a frame; `spi`/`seq` for ESP, `vni` once read. */
    "overlay.drop": { reason: OverlayDropReason; network?: string; vni?: number; src?: string; dst?: string; spi?: string; seq?: number; detail?: string };
    /** One kernel operation on the SA database or the policies (`spi` as 0x%08x). */
    "overlay.sa": { op: SaStep["op"]; direction?: "in" | "out"; remote: string; spi: string; keyTag: number; cause: SaCause };
    /** The driver took keys: its key tags afterwards, primary first; a refused update says why. */
    "overlay.keys": { op: "set" | "update"; tags: number[]; newKey?: number; primary?: number; prune?: number; ok: boolean; reason?: string };
    /** An outbound SA's sequence counter wrapped (IVs repeat under one key) or is used up (nothing more goes out). */
    "overlay.seq": { event: "wrapped" | "exhausted"; remote: string; spi: string; sent: number; headroom: number };
    /** A container endpoint joined or left a network here, or was refused. */
    "overlay.endpoint": { event: "join" | "leave" | "refused"; network: string; endpoint: string; address: string; error?: string };
    /** A remote endpoint was learned from, or forgotten by, overlay_peer_table. */
    "overlay.peer": { event: "add" | "remove"; network: string; endpoint: string; address: string; vtep: string };
    /** Something Docker does silently that the simulator points out. */
    "overlay.warning": { network: string; message: string };
  }
}
