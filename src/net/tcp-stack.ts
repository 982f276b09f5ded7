/**
 * A host's TCP stack: listeners, the connection table, ephemeral ports, and
 * the answers RFC 793 gives to segments that belong to no connection.
 */

import { duration } from "../sim/index.js";
import { type Ipv4Address, ipv4ToNumber } from "./address.js";
import { IpProtocol, ephemeralPortFirst, ephemeralPortLast } from "./constants.js";
import { checkField } from "./decoded.js";
import { type Binding, type Delivery, dropDelivery } from "./demux.js";
import type { HostServices } from "./host-services.js";
import type { Ipv4Packet } from "./ipv4.js";
import { Stream } from "./stream.js";
import type { StreamEnvironment } from "./stream-environment.js";
import type { StreamEnds, StreamResetReason } from "./stream-events.js";
import { type TcpSegment, TcpFlag, decodeTcp, encodeTcp } from "./tcp-segment.js";

/** Called with each stream a listener accepts, once its handshake completed. */
export type AcceptHandler = (stream: Stream) => void;

const EMPTY = new Uint8Array(0);

function connectionKey(localPort: number, remoteAddress: Ipv4Address, remotePort: number): string {
  return `${localPort}|${remoteAddress}|${remotePort}`;
}

function keyOf(stream: StreamEnds): string {
  return connectionKey(stream.localPort, stream.remoteAddress, stream.remotePort);
}

/** One host's streams. */
export class TcpStack {
  /** Listeners by port; each entry is its own object, so a stale `close` cannot remove a later listener. */
  private readonly listeners = new Map<number, { readonly onAccept: AcceptHandler }>();
  private readonly connections = new Map<string, Stream>();
  /** Local ports held by connections, with how many hold each. */
  private readonly portUse = new Map<number, number>();
  /** Server streams mid-handshake, with the listener that will take them. */
  private readonly acceptors = new Map<Stream, AcceptHandler>();
  /** Where the search for a free ephemeral port starts: ports are handed out in order, deterministically. */
  private nextEphemeral = ephemeralPortFirst;
  private readonly env: StreamEnvironment;

  constructor(private readonly host: HostServices) {
    this.env = {
      scheduler: host.scheduler,
      settings: host.tcp,
      send: (stream, segment) => this.sendSegment(stream, segment),
      accepted: (stream) => {
        const onAccept = this.acceptors.get(stream);
        this.acceptors.delete(stream);
        onAccept?.(stream);
      },
      released: (stream) => this.forget(stream),
      traceReset: (stream, reason) =>
        host.trace.record(
          "net.stream.reset",
          {
            reason,
            local: `${stream.localAddress}:${stream.localPort}`,
            remote: `${stream.remoteAddress}:${stream.remotePort}`,
          },
          host.name,
        ),
    };
  }

  /** Accepts streams on `port`; throws if the port already has a listener. */
  listen(port: number, onAccept: AcceptHandler): Binding {
    checkField("port", port, 0xffff);
    if (port === 0) throw new RangeError(`"port" expected 1 to 65535, got 0`);
    if (this.listeners.has(port)) throw new Error(`port ${port} on ${this.host.name} already has a listener`);
    const entry = { onAccept };
    this.listeners.set(port, entry);
    return {
      close: () => {
        if (this.listeners.get(port) === entry) this.listeners.delete(port);
      },
    };
  }

  /** Opens a stream to `dstIp:dstPort` from the next free ephemeral port. */
  connect(dstIp: Ipv4Address, dstPort: number): Stream {
    ipv4ToNumber(dstIp, "dstIp");
    checkField("dstPort", dstPort, 0xffff);
    const ends = { localAddress: this.host.ip, localPort: this.ephemeralPort(), remoteAddress: dstIp, remotePort: dstPort };
    const stream = new Stream(this.env, ends, this.host.isnRng.uint32(), { role: "client" });
    if (!this.host.isUp()) {
      // A down host cannot open anything; say so after the caller attached its handlers.
      this.host.scheduler.after(duration(0), "net.tcp.host-down", () => stream.abort("host-down"));
      return stream;
    }
    this.remember(stream);
    stream.start();
    return stream;
  }

  /** Resets every stream without a word on the wire (the host went down). */
  abortAll(reason: StreamResetReason): void {
    for (const stream of [...this.connections.values()]) stream.abort(reason);
  }

  /** Finds the stream, listener or refusal for an arriving TCP packet. */
  route(packet: Ipv4Packet): Delivery {
    const decoded = decodeTcp(packet.payload, packet.src, packet.dst);
    if (!decoded.ok) return dropDelivery("malformed", decoded.reason);
    const segment = decoded.value;
    const stream = this.connections.get(connectionKey(segment.dstPort, packet.src, segment.srcPort));
    if (stream !== undefined) return { run: () => stream.receive(segment) };
    if ((segment.flags & TcpFlag.RST) !== 0) return dropDelivery("no-listener", "RST for no connection");
    const onAccept = this.listeners.get(segment.dstPort)?.onAccept;
    if (onAccept !== undefined && (segment.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN) {
      return { run: () => this.acceptSyn(packet.src, segment, onAccept) };
    }
    const detail = onAccept === undefined ? `no listener on port ${segment.dstPort}` : "segment for no connection";
    return dropDelivery("no-listener", detail, () => this.refuse(packet.src, segment));
  }

  private acceptSyn(src: Ipv4Address, syn: TcpSegment, onAccept: AcceptHandler): void {
    const ends = { localAddress: this.host.ip, localPort: syn.dstPort, remoteAddress: src, remotePort: syn.srcPort };
    const stream = new Stream(this.env, ends, this.host.isnRng.uint32(), { role: "server", peerIsn: syn.seq });
    this.remember(stream);
    this.acceptors.set(stream, onAccept);
    stream.start();
  }

  /** RFC 793 §3.4 "Reset Generation": answer a segment for no connection with an RST it will believe. */
  private refuse(src: Ipv4Address, segment: TcpSegment): void {
    const acked = (segment.flags & TcpFlag.ACK) !== 0;
    const length =
      segment.payload.length + ((segment.flags & TcpFlag.SYN) !== 0 ? 1 : 0) + ((segment.flags & TcpFlag.FIN) !== 0 ? 1 : 0);
    const rst: TcpSegment = {
      srcPort: segment.dstPort,
      dstPort: segment.srcPort,
      seq: acked ? segment.ack : 0,
      ack: acked ? 0 : (segment.seq + length) % 0x1_0000_0000,
      flags: acked ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK,
      window: 0,
      payload: EMPTY,
    };
    this.host.sendIp(IpProtocol.tcp, src, encodeTcp(rst, this.host.ip, src));
  }

  private sendSegment(stream: Stream, segment: TcpSegment): void {
    this.host.sendIp(IpProtocol.tcp, stream.remoteAddress, encodeTcp(segment, stream.localAddress, stream.remoteAddress));
  }

  private remember(stream: Stream): void {
    this.connections.set(keyOf(stream), stream);
    this.portUse.set(stream.localPort, (this.portUse.get(stream.localPort) ?? 0) + 1);
  }

  private forget(stream: Stream): void {
    this.acceptors.delete(stream);
    const key = keyOf(stream);
    if (this.connections.get(key) !== stream) return;
    this.connections.delete(key);
    const use = (this.portUse.get(stream.localPort) ?? 1) - 1;
    if (use === 0) this.portUse.delete(stream.localPort);
    else this.portUse.set(stream.localPort, use);
  }

  /** The next ephemeral port no connection or listener holds, in order, wrapping at the end of the range. */
  private ephemeralPort(): number {
    const span = ephemeralPortLast - ephemeralPortFirst + 1;
    for (let tried = 0; tried < span; tried++) {
      const port = this.nextEphemeral;
      this.nextEphemeral = port === ephemeralPortLast ? ephemeralPortFirst : port + 1;
      if (!this.portUse.has(port) && !this.listeners.has(port)) return port;
    }
    throw new Error(`no free ephemeral port on ${this.host.name}: all ${span} are in use`);
  }
}
