/**
 * A small world for workload tests: containers on one /24 whose endpoint
 * links hand each other's packets over through the scheduler after a fixed
 * delay (no overlay), a wire log of every packet sent, and a service-lookup
 * stub with names and VIPs.
 */
import { type Ipv4Address, decodeIpv4, decodeTcp, defaultTcpSettings, IpProtocol, type TcpSegment } from "../../src/net/index.js";
import { type Instant, MemorySink, Simulation, ms } from "../../src/sim/index.js";
import { type Container, type EndpointLink, type PacketSink, type ServiceLookup, createContainer } from "../../src/workload/index.js";

export const networkId = "qc9kq3v0rz8m1x7n2w4p6t5ya";
export const linkDelay = ms(1);

/** One packet as it crossed the wire. */
export interface WirePacket {
  readonly at: Instant;
  readonly bytes: Uint8Array;
}

/** A decoded TCP packet from the wire. */
export interface WireSegment {
  readonly src: Ipv4Address;
  readonly dst: Ipv4Address;
  readonly segment: TcpSegment;
}

export function workloadWorld(seed = 1) {
  const sim = new Simulation({ seed });
  const trace = new MemorySink();
  sim.trace.addSink(trace);
  const wire: WirePacket[] = [];
  const sinks = new Map<Ipv4Address, PacketSink>();
  const names = new Map<string, Ipv4Address[]>();
  const vips = new Map<Ipv4Address, Ipv4Address[]>();
  const turns = new Map<Ipv4Address, number>();
  let nextEndpoint = 0;

  const lookup: ServiceLookup = {
    resolve: (name, networks) => (networks.includes(networkId) ? [...(names.get(name) ?? [])] : []),
    backendFor: (vip, network) => {
      const backends = vips.get(vip);
      if (network !== networkId || backends === undefined || backends.length === 0) return undefined;
      const turn = turns.get(vip) ?? 0;
      turns.set(vip, turn + 1);
      return backends[turn % backends.length];
    },
  };

  function link(address: Ipv4Address): EndpointLink {
    return {
      networkId,
      networkName: "appnet",
      endpointId: (nextEndpoint++).toString(16).padStart(64, "e"),
      address,
      prefixLength: 24,
      mtu: 1450,
      send: (packet) => {
        const bytes = packet.slice();
        wire.push({ at: sim.now, bytes });
        const ip = decodeIpv4(bytes);
        if (!ip.ok) return;
        sim.scheduler.after(linkDelay, "test.wire", () => sinks.get(ip.value.dst)?.(bytes));
      },
    };
  }

  /** Makes and starts a container at `address`. */
  function run(image: string, argv: readonly string[], address: Ipv4Address): Container {
    const made = createContainer({ image, argv, rng: sim.rng.fork(`container-${address}`), scheduler: sim.scheduler, trace: sim.trace, tcp: defaultTcpSettings, lookup });
    if (!made.ok) throw new Error(made.error);
    made.container.attach(link(address));
    sinks.set(address, made.container.receive);
    const started = made.container.start();
    if (!started.ok) throw new Error(started.error);
    return made.container;
  }

  /** The TCP segments on the wire, decoded (checksums checked). */
  function segments(): WireSegment[] {
    return wire.flatMap(({ bytes }) => {
      const ip = decodeIpv4(bytes);
      if (!ip.ok || ip.value.protocol !== IpProtocol.tcp) return [];
      const tcp = decodeTcp(ip.value.payload, ip.value.src, ip.value.dst);
      if (!tcp.ok) throw new Error(tcp.reason);
      return [{ src: ip.value.src, dst: ip.value.dst, segment: tcp.value }];
    });
  }

  return { sim, trace, wire, names, vips, lookup, run, segments };
}

/** What a container wrote to `stream`, lines joined with newlines. */
export function output(container: Container, stream: "stdout" | "stderr"): string {
  return container.logs
    .filter((l) => l.stream === stream)
    .map((l) => `${l.text}\n`)
    .join("");
}

/** The bytes a TCP connection's side carried, in sequence order, retransmissions dropped. */
export function streamBytes(segments: readonly WireSegment[], src: Ipv4Address, dst: Ipv4Address): string {
  const seen = new Map<number, Uint8Array>();
  for (const s of segments) if (s.src === src && s.dst === dst && s.segment.payload.length > 0) seen.set(s.segment.seq, s.segment.payload);
  return [...seen.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, p]) => Buffer.from(p).toString("latin1"))
    .join("");
}
