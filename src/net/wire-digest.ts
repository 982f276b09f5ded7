/**
 * A digest of everything put on the wire: the SHA-256 over each sent packet's
 * time and bytes, in order. The runner writes it into the trace at the end of a
 * run, so the run's fingerprint covers the wire byte for byte without a trace
 * record per packet.
 */

import { createSha256 } from "../crypto/index.js";
import type { Fabric } from "./fabric.js";

/** The running digest of a fabric's wire. */
export interface WireDigest {
  /** Packets sent onto the wire so far. */
  readonly packets: number;
  /** Their total size in bytes, IPv4 headers included. */
  readonly bytes: number;
  /** SHA-256 (hex) over each packet's send time (8 bytes, big-endian µs) and bytes. */
  digest(): string;
  /** Stops digesting. */
  stop(): void;
}

/** Bytes of stamps and packets gathered before they go to the hash in one update: SHA-256 of the whole is the same however it is cut. */
const batchBytes = 64 * 1024;

/** Starts digesting every packet `fabric` puts on the wire from now on. */
export function attachWireDigest(fabric: Fabric): WireDigest {
  const hash = createSha256();
  const batch = new Uint8Array(batchBytes);
  const view = new DataView(batch.buffer);
  let filled = 0;
  let packets = 0;
  let bytes = 0;
  const drain = () => {
    if (filled > 0) hash.update(batch.subarray(0, filled));
    filled = 0;
  };
  const stop = fabric.addTap(
    (p) => {
      if (filled + 8 + p.bytes.length > batchBytes) drain();
      if (8 + p.bytes.length > batchBytes) {
        const stamp = new Uint8Array(8);
        new DataView(stamp.buffer).setBigUint64(0, BigInt(p.at));
        hash.update(stamp);
        hash.update(p.bytes);
      } else {
        view.setBigUint64(filled, BigInt(p.at));
        batch.set(p.bytes, filled + 8);
        filled += 8 + p.bytes.length;
      }
      packets++;
      bytes += p.bytes.length;
    },
    { outcomes: ["sent"], borrow: true },
  );
  return {
    get packets() {
      return packets;
    },
    get bytes() {
      return bytes;
    },
    digest: () => {
      drain();
      return hash.digestHex();
    },
    stop,
  };
}
