/** A small world for stream tests: a fabric, its trace, and a decoder for tapped TCP segments. */
import {
  Fabric,
  type FabricOptions,
  type Stream,
  type TapPacket,
  type TcpSegment,
  decodeIpv4,
  decodeTcp,
  describeTcpFlags,
} from "../../src/net/index.js";
import { MemorySink, Simulation } from "../../src/sim/index.js";

export function streamWorld(seed = 1, options: FabricOptions = {}) {
  const sim = new Simulation({ seed });
  const trace = new MemorySink();
  sim.trace.addSink(trace);
  const fabric = new Fabric(sim, options);
  const wire: TapPacket[] = [];
  fabric.addTap((p) => wire.push(p));
  return { sim, trace, fabric, wire };
}

/** The TCP segment inside a tapped packet. */
export function segmentOf(packet: TapPacket): TcpSegment {
  const ip = decodeIpv4(packet.bytes);
  if (!ip.ok) throw new Error(ip.reason);
  const tcp = decodeTcp(ip.value.payload, ip.value.src, ip.value.dst);
  if (!tcp.ok) throw new Error(tcp.reason);
  return tcp.value;
}

/** `a>b SYN len=0` lines for the segments sent on the wire. */
export function sentSegments(wire: readonly TapPacket[]): string[] {
  return wire
    .filter((p) => p.outcome === "sent")
    .map((p) => {
      const s = segmentOf(p);
      return `${p.src}>${p.dst} ${describeTcpFlags(s.flags)} len=${s.payload.length}`;
    });
}

/** Everything a stream reports, recorded in order. */
export function recordEvents(stream: Stream) {
  const log: string[] = [];
  const data: Uint8Array[] = [];
  stream.on("connect", () => log.push("connect"));
  stream.on("data", (bytes) => {
    data.push(bytes.slice());
    if (log[log.length - 1] !== "data") log.push("data");
  });
  stream.on("end", () => log.push("end"));
  stream.on("close", () => log.push("close"));
  stream.on("reset", (reason) => log.push(`reset:${reason}`));
  return { log, data };
}
