/**
 * Which captured packets an active attack re-sends: those of one path
 * toward one node, optionally from one node, the last N or all of them.
 */

import { IpProtocol, type WirePath, wirePaths } from "../net/index.js";
import type { CapturedPacket } from "./capture.js";

/**
 * Which captured packets to re-send.
 *
 * @example
 * ```ts
 * const selection: PacketSelection = { path: "gossip", to: "w1", from: "m1", transport: "udp", last: 10 };
 * ```
 */
export interface PacketSelection {
  /** What they carry: `"esp"`, `"gossip"`, `"control"`, `"vxlan"` (or `"other"`). */
  readonly path: WirePath;
  /** The host they were sent to: re-sent bytes go where their destination address says. */
  readonly to: string;
  /** Only packets this host sent (default: any sender). */
  readonly from?: string;
  /** Only packets over this transport: gossip runs over both, UDP packets and TCP streams (default: either). */
  readonly transport?: "udp" | "tcp" | "esp";
  /** Only the last N that match, oldest first (default: every one). */
  readonly last?: number;
}

/** IANA protocol numbers of the transports a selection names. */
const transportProtocol = { tcp: IpProtocol.tcp, udp: IpProtocol.udp, esp: IpProtocol.esp } as const;

/**
 * The captured packets `selection` names, oldest first; packets sent by
 * `attacker` itself are never chosen, so a replay does not replay replays.
 *
 * @example
 * ```ts
 * selectPackets(eve.packets, { path: "esp", to: "w1", from: "w2", last: 5 }, "adversary"); // up to 5 packets
 * selectPackets(eve.packets, { path: "gossip", to: "w1", transport: "udp" }); // memberlist's UDP packets to w1
 * ```
 */
export function selectPackets(packets: readonly CapturedPacket[], selection: PacketSelection, attacker?: string): CapturedPacket[] {
  checkSelection(selection);
  const { path, to, from, last } = selection;
  const protocol = selection.transport === undefined ? undefined : transportProtocol[selection.transport];
  const chosen = packets.filter(
    (p) => p.path === path && p.dst === to && (from === undefined || p.src === from) && (protocol === undefined || p.bytes[9] === protocol) && p.src !== attacker,
  );
  return last === undefined ? chosen : chosen.slice(Math.max(0, chosen.length - last));
}

function checkSelection(selection: PacketSelection): void {
  if (!(wirePaths as readonly string[]).includes(selection.path)) {
    throw new RangeError(`"path" expected one of ${wirePaths.join(", ")}, got "${String(selection.path)}"`);
  }
  if (typeof selection.to !== "string" || selection.to === "") throw new TypeError(`"to" expected a host name, got ${JSON.stringify(selection.to)}`);
  if (selection.from !== undefined && (typeof selection.from !== "string" || selection.from === "")) {
    throw new TypeError(`"from" expected a host name, got ${JSON.stringify(selection.from)}`);
  }
  if (selection.transport !== undefined && !Object.hasOwn(transportProtocol, selection.transport)) {
    throw new RangeError(`"transport" expected "udp", "tcp" or "esp", got ${JSON.stringify(selection.transport)}`);
  }
  const last = selection.last;
  if (last !== undefined && (!Number.isSafeInteger(last) || last < 1)) throw new RangeError(`"last" expected a whole number >= 1, got ${last}`);
}
