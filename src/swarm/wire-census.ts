/**
 * What an eavesdropper on the underlay saw, by path: every packet put on the
 * wire is classed by what it carries (ESP, cleartext VXLAN, gossip, the
 * control plane, other), counted, and searched for the strings a scenario
 * names, so a run can show that a page crossed an encrypted overlay only as
 * ESP, and an unencrypted one in clear. The search reads the packet's whole
 * bytes (IPv4 header to the last payload byte): nothing is decoded first.
 */

import { type Fabric, type WirePath, indexOfBytes, wirePathOf, wirePaths } from "../net/index.js";
import { formatTable } from "./docker/table.js";

// The path classes and the byte search live with the wire (src/net wire-path.ts); re-exported for the census's readers.
export { type WirePath, indexOfBytes, wirePathOf, wirePaths } from "../net/index.js";

const encoder = new TextEncoder();

/** Counts of one path. */
interface PathCount {
  packets: number;
  bytes: number;
}

/** Watches every packet a fabric puts on the wire, from when it is made. */
export class WireCensus {
  private readonly paths = new Map<WirePath, PathCount>(wirePaths.map((p) => [p, { packets: 0, bytes: 0 }]));
  /** Per search string, per path: the packets that held it. */
  private readonly found = new Map<string, Map<WirePath, number>>();
  private readonly needles: Array<{ text: string; bytes: Uint8Array }>;

  /** Taps `fabric` (sent packets only: each is counted once); `search` are the strings to look for. */
  constructor(fabric: Fabric, search: readonly string[] = []) {
    this.needles = [...new Set(search)].map((text) => ({ text, bytes: encoder.encode(text) }));
    for (const { text } of this.needles) this.found.set(text, new Map(wirePaths.map((p) => [p, 0])));
    fabric.addTap((packet) => this.see(packet.bytes), { outcomes: ["sent"], borrow: true });
  }

  private see(bytes: Uint8Array): void {
    const path = wirePathOf(bytes);
    const count = this.paths.get(path)!;
    count.packets++;
    count.bytes += bytes.length;
    for (const needle of this.needles) {
      if (indexOfBytes(bytes, needle.bytes) < 0) continue;
      const byPath = this.found.get(needle.text)!;
      byPath.set(path, byPath.get(path)! + 1);
    }
  }

  /** Packets seen on `path` so far. */
  packets(path: WirePath): number {
    return this.paths.get(path)!.packets;
  }

  /** Packets on `path` that held `text` (0 for a string not searched for). */
  packetsHolding(text: string, path: WirePath): number {
    return this.found.get(text)?.get(path) ?? 0;
  }

  /**
   * The `show: wire` table: packets and bytes per path, then, for each string
   * searched for (or only `only`), how many packets of each path held it in clear.
   */
  table(only?: readonly string[]): string {
    const counts = formatTable(
      ["PATH", "PACKETS", "BYTES"],
      wirePaths.map((p) => [p, String(this.paths.get(p)!.packets), String(this.paths.get(p)!.bytes)]),
    );
    const texts = only ?? this.needles.map((n) => n.text);
    if (texts.length === 0) return counts;
    const rows = texts.map((text) => [JSON.stringify(text), ...wirePaths.map((p) => String(this.packetsHolding(text, p)))]);
    return `${counts}\n${formatTable(["IN CLEAR", ...wirePaths.map((p) => p.toUpperCase())], rows)}`;
  }
}
