/**
 * Capturing a fabric to pcap: a tap that records each packet once, as it is
 * sent onto the wire (so lost and partitioned packets are in the capture, as
 * they would be on the sender's interface; loopback is not, as it never
 * touches the wire).
 */

import type { Fabric } from "./fabric.js";
import { type PcapOptions, PcapWriter } from "./pcap.js";

/** A running capture. */
export interface PcapCapture {
  /** The writer (its `records` counts packets captured). */
  readonly writer: PcapWriter;
  /** Stops capturing. */
  stop(): void;
}

/**
 * Starts capturing every packet `fabric` sends; `sink` receives the file's
 * chunks in order (the header at once).
 *
 * @example
 * const chunks: Uint8Array[] = [];
 * const capture = attachPcap(fabric, (chunk) => chunks.push(chunk));
 * sim.scheduler.run();
 * capture.stop(); // the file is the concatenation of chunks
 */
export function attachPcap(fabric: Fabric, sink: (chunk: Uint8Array) => void, options: PcapOptions = {}): PcapCapture {
  const writer = new PcapWriter(sink, options);
  const remove = fabric.addTap((packet) => writer.write(packet.at, packet.bytes), { outcomes: ["sent"] });
  return { writer, stop: remove };
}
