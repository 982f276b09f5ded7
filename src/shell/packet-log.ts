/**
 * The shell's capture: the last packets put on the underlay, kept in one
 * ring per path, so `capture` can show what an eavesdropper just saw
 * without keeping a run's millions of gossip packets, and a few ESP packets
 * are not pushed out by the gossip that follows them.
 */

import { type Fabric, type WirePath, wirePathOf, wirePaths } from "../net/index.js";
import { formatInstant } from "../sim/index.js";
import { type CapturedPacket, readPacket } from "./packet-view.js";

/** Packets kept per path: the last few seconds of a small swarm's gossip. */
const RING_SIZE = 256;
/** Bytes kept of each packet: a full Ethernet MTU's worth, so a handshake's certificates stay readable. */
const BYTES_KEPT = 1600;

/** The last packets of one path. */
class Ring {
  readonly packets: CapturedPacket[] = [];
  private next = 0;

  add(packet: CapturedPacket): void {
    if (this.packets.length < RING_SIZE) this.packets.push(packet);
    else this.packets[this.next] = packet;
    this.next = (this.next + 1) % RING_SIZE;
  }

  /** Oldest first. */
  ordered(): CapturedPacket[] {
    return this.packets.length < RING_SIZE ? this.packets : [...this.packets.slice(this.next), ...this.packets.slice(0, this.next)];
  }
}

/** Which packets `last` returns. */
export interface PacketFilter {
  /** To or from this machine. */
  readonly node?: string;
  /** Of this path only. */
  readonly path?: WirePath;
}

/** The last packets on a fabric's wire. */
export class PacketLog {
  private readonly rings = new Map<WirePath, Ring>(wirePaths.map((p) => [p, new Ring()]));

  /** Taps `fabric`'s sent packets (each packet once). */
  constructor(fabric: Fabric) {
    let order = 0;
    fabric.addTap(
      (p) => {
        const bytes = p.bytes.slice(0, BYTES_KEPT);
        this.rings.get(wirePathOf(bytes))!.add({ at: p.at, order: order++, src: p.src, dst: p.dst, length: p.bytes.length, bytes });
      },
      { outcomes: ["sent"], borrow: true },
    );
  }

  /** The last `count` packets that pass `filter`, oldest first. */
  last(count: number, filter: PacketFilter = {}): CapturedPacket[] {
    const paths = filter.path === undefined ? wirePaths : [filter.path];
    const node = filter.node;
    const wanted = paths.flatMap((path) => this.rings.get(path)!.ordered().filter((p) => node === undefined || p.src === node || p.dst === node));
    return wanted.sort((a, b) => a.order - b.order).slice(-count);
  }
}

/**
 * One packet on one line: when, path, who to whom, length, and what its
 * payload shows: `+00:00:31.002000  esp      worker-1 → manager-1   150 B  ciphertext  SPI 0x... seq 3`.
 *
 * @example
 * ```ts
 * log.last(10).map(packetLine).join("\n");
 * ```
 */
export function packetLine(packet: CapturedPacket): string {
  const reading = readPacket(packet.bytes);
  const route = `${packet.src} → ${packet.dst}`;
  return `${formatInstant(packet.at)}  ${reading.path.padEnd(8)} ${route.padEnd(24)} ${`${packet.length} B`.padStart(7)}  ${reading.verdict.padEnd(10)}  ${reading.detail}`.trimEnd();
}
