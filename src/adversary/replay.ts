/**
 * Replay: the attacker re-sends packets it captured, byte for byte, source
 * address and all, from its own host on the underlay. Nothing in the bytes
 * says they were sent before, so what happens is up to each protocol's own
 * defence:
 *
 * - ESP: Docker programs its SAs with no anti-replay window (replay window
 *   0), so a replayed packet opens and its VXLAN frame is delivered again:
 *   the overlay driver counts it in `framesReceivedEncrypted`. With a window
 *   (the driver's `replayWindow`, 64 say) the copy is refused as `replay`
 *   before its ICV is checked, as Linux's xfrm_input does.
 * - gossip over UDP: memberlist's envelope has no sequence number, so a
 *   replayed frame opens under any key still in the ring and memberlist
 *   handles its messages again (an old ping is acked, an old alive is
 *   ignored by its incarnation number).
 * - TCP (control plane, gossip streams): the copy carries sequence numbers
 *   the receiver has already passed, so its stream discards it as a
 *   duplicate before TLS or memberlist sees it; to a stream that has closed
 *   it is `no-listener`, answered with a reset.
 * - cleartext VXLAN: delivered again, nothing checks.
 */

import type { Capture } from "./capture.js";
import { type InjectionReport, type Injector, reportOf } from "./injector.js";
import { type PacketSelection, selectPackets } from "./selection.js";

/**
 * Re-sends the captured packets `selection` names, now, oldest first, from
 * `attacker`'s host, and reports what went out. Each is traced as
 * `adversary.inject` with `how: "replay"`.
 *
 * @example
 * ```ts
 * const report = replay(attacker, eve, { path: "esp", to: "w1", last: 10 });
 * report.byPath.esp; // 10, if the capture held that many ESP packets to w1
 * ```
 */
export function replay(attacker: Injector, capture: Capture, selection: PacketSelection): InjectionReport {
  // Chosen before sending: the eavesdropper may be capturing the replays as they go.
  const chosen = selectPackets(capture.packets, selection, attacker.name);
  return reportOf(
    "replay",
    chosen.map((packet) => attacker.inject("replay", packet, packet.bytes)),
    0,
  );
}
