/**
 * A host on the underlay: one IPv4 address, UDP, raw IP protocols (ESP), and
 * streams. Protocol layers above see the network only through a Host.
 *
 * A host can go down (crash) and come up again. While down it neither sends
 * nor receives, and going down resets its streams (without a word on the
 * wire: a crashed machine says nothing; peers learn by timeout, or by an RST
 * once it is up again and hears from them). Bindings, listeners and IP
 * handlers survive: they stand for the services the host runs when it is up.
 * A layer that models a restart with fresh state closes and registers again.
 */

import type { Rng, Scheduler, Trace } from "../sim/index.js";
import { type Ipv4Address, ipv4ToNumber } from "./address.js";
import { IpProtocol } from "./constants.js";
import { checkField } from "./decoded.js";
import { type Binding, type Delivery, dropDelivery } from "./demux.js";
import type { HostServices } from "./host-services.js";
import { type Ipv4Packet, decodeIpv4, encodeIpv4, peekIpv4Destination } from "./ipv4.js";
import type { Stream } from "./stream.js";
import { type AcceptHandler, TcpStack } from "./tcp-stack.js";
import type { TcpSettings } from "./tcp-settings.js";
import { HostUdp } from "./udp-socket.js";

/** Called with each packet of a registered IP protocol that arrives at the host. */
export type IpHandler = (packet: Ipv4Packet) => void;

/** @internal What the fabric gives each host. */
export interface HostUplink {
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  readonly tcp: TcpSettings;
  /** The seeded stream for this host's initial sequence numbers. */
  isnRng(hostName: string): Rng;
  /** Puts an encoded IPv4 packet on the wire toward `dst` (undefined: the bytes hold no address). */
  transmit(from: Host, dst: Ipv4Address | undefined, packet: Uint8Array): void;
}

/** A host. Made by `fabric.addHost`. */
export class Host {
  /** UDP: `host.udp.bind(port, handler)`, `host.udp.send(srcPort, dstIp, dstPort, payload)`. */
  readonly udp: HostUdp;
  private readonly tcp: TcpStack;
  /** IP protocol handlers; each entry is its own object, so a stale `close` cannot remove a later one. */
  private readonly ipHandlers = new Map<number, { readonly handler: IpHandler }>();
  private running = true;
  /** IPv4 identification: a per-host counter (RFC 6864 allows any value with DF set). */
  private nextIdentification = 0;

  /** @internal Hosts are made by the fabric. */
  constructor(
    private readonly uplink: HostUplink,
    /** The host's name, unique in its fabric (trace `node`). */
    readonly name: string,
    /** The host's IPv4 address. */
    readonly ip: Ipv4Address,
  ) {
    const services: HostServices = {
      name,
      ip,
      scheduler: uplink.scheduler,
      trace: uplink.trace,
      tcp: uplink.tcp,
      isnRng: uplink.isnRng(name),
      isUp: () => this.running,
      sendIp: (protocol, dst, payload) => this.sendIp(protocol, dst, payload),
    };
    this.udp = new HostUdp(services);
    this.tcp = new TcpStack(services);
  }

  /** The stream settings of the host's stack (the fabric's), which stacks inside it start from. */
  get tcpSettings(): TcpSettings {
    return this.uplink.tcp;
  }

  /** True unless the host is down. */
  get isUp(): boolean {
    return this.running;
  }

  /**
   * Sends `payload` as an IPv4 packet of `protocol` (50 for ESP) to `dstIp`.
   *
   * @example
   * host.sendIp(IpProtocol.esp, "10.0.0.2", espPacket);
   */
  sendIp(protocol: number, dstIp: Ipv4Address, payload: Uint8Array): void {
    ipv4ToNumber(dstIp, "dstIp");
    const identification = this.nextIdentification;
    this.nextIdentification = (identification + 1) & 0xffff;
    const packet = encodeIpv4({ src: this.ip, dst: dstIp, protocol, identification, payload });
    this.uplink.transmit(this, dstIp, packet);
  }

  /**
   * Puts a whole IPv4 packet, built by the caller, on the wire as is (its source
   * address may be forged): for adversaries that inject or replay. The fabric
   * routes it by its destination address.
   */
  sendPacket(bytes: Uint8Array): void {
    this.uplink.transmit(this, peekIpv4Destination(bytes), bytes.slice());
  }

  /** Receives packets of IP `protocol` (not 6 or 17: use `listen`/`connect` and `udp`); one handler per protocol. */
  onIp(protocol: number, handler: IpHandler): Binding {
    checkField("protocol", protocol, 255);
    if (protocol === IpProtocol.tcp || protocol === IpProtocol.udp) {
      throw new RangeError(`"protocol" ${protocol} is served by the host's own stack: use listen/connect or udp`);
    }
    if (this.ipHandlers.has(protocol)) throw new Error(`IP protocol ${protocol} on ${this.name} already has a handler`);
    const entry = { handler };
    this.ipHandlers.set(protocol, entry);
    return {
      close: () => {
        if (this.ipHandlers.get(protocol) === entry) this.ipHandlers.delete(protocol);
      },
    };
  }

  /**
   * Accepts streams on `port`: `onAccept` gets each one when its handshake completes.
   *
   * @example
   * manager.listen(2377, (stream) => stream.on("data", (bytes) => handle(stream, bytes)));
   */
  listen(port: number, onAccept: AcceptHandler): Binding {
    return this.tcp.listen(port, onAccept);
  }

  /** Opens a stream to `dstIp:dstPort`; listen for `connect`, `data`, `end`, `close`, `reset`. */
  connect(dstIp: Ipv4Address, dstPort: number): Stream {
    return this.tcp.connect(dstIp, dstPort);
  }

  /** Takes the host down (a crash): it stops sending and receiving, and its streams reset with `host-down`. */
  down(): void {
    if (!this.running) return;
    this.running = false;
    this.uplink.trace.record("net.host.down", {}, this.name);
    this.tcp.abortAll("host-down");
  }

  /** Brings the host back up. Streams do not come back; bindings and listeners were kept. */
  up(): void {
    if (this.running) return;
    this.running = true;
    this.uplink.trace.record("net.host.up", {}, this.name);
  }

  /** @internal Decodes an arriving packet and finds what takes it. */
  route(bytes: Uint8Array): Delivery {
    const decoded = decodeIpv4(bytes);
    if (!decoded.ok) return dropDelivery("malformed", decoded.reason);
    const packet = decoded.value;
    if (packet.protocol === IpProtocol.udp) return this.udp.route(packet);
    if (packet.protocol === IpProtocol.tcp) return this.tcp.route(packet);
    const handler = this.ipHandlers.get(packet.protocol)?.handler;
    if (handler === undefined) return dropDelivery("no-listener", `no handler for IP protocol ${packet.protocol}`);
    return { run: () => handler(packet) };
  }
}
