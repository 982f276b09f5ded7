/**
 * A container's network namespace: one interface per overlay network the
 * container is on (eth0, eth1, ... in the order they were attached, as Docker
 * names them) plus loopback, each with the project's TCP stack and UDP, and
 * the IPVS table that balances connections to service VIPs.
 *
 * Packets leave as whole IPv4 packets through the interface's `EndpointLink`;
 * the overlay driver hands arriving ones to `receive`.
 */

import {
  type Binding,
  type Delivery,
  type DropCounts,
  type HostServices,
  HostUdp,
  type Ipv4Address,
  IpProtocol,
  type Stream,
  TcpStack,
  type AcceptHandler,
  type TcpSettings,
  type UdpHandler,
  decodeIpv4,
  emptyDropCounts,
  encodeIpv4,
  ipv4HeaderBytes,
  tcpHeaderBytes,
} from "../net/index.js";
import { type Rng, type Scheduler, type Trace, duration } from "../sim/index.js";
import { IpvsTable } from "./ipvs.js";
import { inSubnet, isLoopback } from "./subnet.js";
import type { EndpointLink, PacketSink, ServiceLookup } from "./types.js";

/** How to build a namespace. */
export interface NetworkNamespaceOptions {
  /** Who owns it, for traces (`node` of stream resets): the container's hostname, say. */
  readonly name: string;
  readonly scheduler: Scheduler;
  readonly trace: Trace;
  /** The stream settings the underlay hosts use; each interface lowers the MSS to fit its MTU. */
  readonly tcp: TcpSettings;
  /** Initial sequence numbers come from named forks of this stream, one per interface. */
  readonly rng: Rng;
  /** Service VIPs to balance; without it, no VIP load balancing. */
  readonly lookup?: ServiceLookup;
  /** The interfaces to start with (more may be attached later). */
  readonly links?: readonly EndpointLink[];
}

/** A stream, or why none could be opened (no interface reaches the address: ENETUNREACH). */
export type ConnectResult = { readonly ok: true; readonly stream: Stream } | { readonly ok: false; readonly reason: "unreachable" };

/** Packets the namespace sent and took, and the ones it dropped, per reason. */
export interface NamespaceCounters {
  readonly sent: number;
  readonly received: number;
  readonly dropped: Readonly<DropCounts>;
}

interface Interface {
  readonly name: string;
  readonly address: Ipv4Address;
  readonly prefixLength: number;
  /** Undefined for loopback. */
  readonly link: EndpointLink | undefined;
  readonly tcp: TcpStack;
  readonly udp: HostUdp;
}

/** A listener or UDP binding of the namespace: its handler and its binding on each interface. */
interface Registration<H> {
  readonly handler: H;
  readonly bindings: Binding[];
}

/** Closes a registration if it is still the one on `port` (a stale `close` cannot remove a later one). */
function unregister<H>(table: Map<number, Registration<H>>, port: number, entry: Registration<H>): void {
  if (table.get(port) !== entry) return;
  table.delete(port);
  for (const binding of entry.bindings) binding.close();
}

const LOOPBACK_ADDRESS = "127.0.0.1";

/** A container's IP stack. */
export class NetworkNamespace {
  /** Hand this to the overlay driver: every IPv4 packet addressed to the container. */
  readonly receive: PacketSink = (packet) => this.deliver(packet);
  private readonly interfaces: Interface[] = [];
  private readonly loopback: Interface;
  private readonly ipvs: IpvsTable | undefined;
  /** Listeners and UDP bindings by port, with what each holds on every interface. */
  private readonly listeners = new Map<number, Registration<AcceptHandler>>();
  private readonly udpHandlers = new Map<number, Registration<UdpHandler>>();
  private readonly dropped = emptyDropCounts();
  /** Streams the container's processes hold (opened or accepted), until they close or reset. */
  private readonly streams = new Set<Stream>();
  private sent = 0;
  private received = 0;
  private closed = false;
  /** eth0, eth1, ...: never reused, as the kernel numbers them. */
  private nextEth = 0;
  /** IPv4 identification: one counter for the namespace (RFC 6864 allows any value with DF set). */
  private nextIdentification = 0;

  constructor(private readonly options: NetworkNamespaceOptions) {
    this.ipvs = options.lookup === undefined ? undefined : new IpvsTable(options.lookup);
    this.loopback = this.makeInterface("lo", LOOPBACK_ADDRESS, 8, undefined);
    for (const link of options.links ?? []) this.attach(link);
  }

  /** The endpoints attached, in order (eth0 first). */
  get endpoints(): readonly EndpointLink[] {
    return this.interfaces.map((i) => i.link!);
  }

  /** The IPVS connection table, if the namespace balances VIPs. */
  get ipvsTable(): IpvsTable | undefined {
    return this.ipvs;
  }

  /** Packets sent, taken and dropped so far. */
  get counters(): NamespaceCounters {
    return { sent: this.sent, received: this.received, dropped: { ...this.dropped } };
  }

  /** True once `close` was called. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Adds the interface of one network; throws if the namespace already has one on it. */
  attach(link: EndpointLink): void {
    if (this.interfaces.some((i) => i.link!.networkId === link.networkId)) {
      throw new Error(`"link" network ${link.networkName} (${link.networkId}) is already attached to ${this.options.name}`);
    }
    const iface = this.makeInterface(`eth${this.nextEth++}`, link.address, link.prefixLength, link);
    for (const [port, entry] of this.listeners) entry.bindings.push(iface.tcp.listen(port, entry.handler));
    for (const [port, entry] of this.udpHandlers) entry.bindings.push(iface.udp.bind(port, entry.handler));
    this.interfaces.push(iface);
  }

  /** Removes the interface of `networkId` (docker network disconnect): its streams reset. */
  detach(networkId: string): void {
    const at = this.interfaces.findIndex((i) => i.link!.networkId === networkId);
    if (at < 0) return;
    const [iface] = this.interfaces.splice(at, 1);
    iface!.tcp.abortAll("host-down");
  }

  /** Opens a stream from the interface whose subnet holds `dstIp` (else eth0). */
  connect(dstIp: Ipv4Address, dstPort: number): ConnectResult {
    const iface = this.routeTo(dstIp);
    if (iface === undefined) return { ok: false, reason: "unreachable" };
    return { ok: true, stream: this.hold(iface.tcp.connect(dstIp, dstPort)) };
  }

  /** Accepts streams on `port` on every interface, present and future (0.0.0.0); throws if the port is taken. */
  listen(port: number, onAccept: AcceptHandler): Binding {
    if (this.listeners.has(port)) throw new Error(`port ${port} in ${this.options.name} already has a listener`);
    const accept: AcceptHandler = (stream) => onAccept(this.hold(stream));
    const entry = { handler: accept, bindings: this.allInterfaces().map((i) => i.tcp.listen(port, accept)) };
    this.listeners.set(port, entry);
    return { close: () => unregister(this.listeners, port, entry) };
  }

  /** Receives UDP datagrams on `port` on every interface; throws if the port is bound. */
  udpBind(port: number, handler: UdpHandler): Binding {
    if (this.udpHandlers.has(port)) throw new Error(`UDP port ${port} in ${this.options.name} is already bound`);
    const entry = { handler, bindings: this.allInterfaces().map((i) => i.udp.bind(port, handler)) };
    this.udpHandlers.set(port, entry);
    return { close: () => unregister(this.udpHandlers, port, entry) };
  }

  /** Sends one UDP datagram from the interface that reaches `dstIp`; false if none does. */
  udpSend(srcPort: number, dstIp: Ipv4Address, dstPort: number, payload: Uint8Array): boolean {
    const iface = this.routeTo(dstIp);
    if (iface === undefined) return false;
    iface.udp.send(srcPort, dstIp, dstPort, payload);
    return true;
  }

  /**
   * The processes exited: the kernel closes their sockets. Listeners and UDP
   * bindings go (a SYN now gets an RST), and each open stream closes (a FIN
   * after what was written). The namespace itself stays until `close`.
   */
  releaseSockets(): void {
    for (const entry of [...this.listeners.values()]) for (const binding of entry.bindings) binding.close();
    this.listeners.clear();
    for (const entry of [...this.udpHandlers.values()]) for (const binding of entry.bindings) binding.close();
    this.udpHandlers.clear();
    for (const stream of [...this.streams]) stream.close();
  }

  /** Tears the namespace down (the daemon released the sandbox): streams reset without a word, arriving packets drop. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const i of this.allInterfaces()) i.tcp.abortAll("host-down");
  }

  /** Remembers a stream a process holds, until it ends. */
  private hold(stream: Stream): Stream {
    this.streams.add(stream);
    const forget = (): void => {
      this.streams.delete(stream);
    };
    stream.once("close", forget);
    stream.once("reset", forget);
    return stream;
  }

  private allInterfaces(): Interface[] {
    return [this.loopback, ...this.interfaces];
  }

  /** The interface a packet to `ip` leaves by: loopback, the one on its subnet, else eth0 (the default route). */
  private routeTo(ip: Ipv4Address): Interface | undefined {
    if (isLoopback(ip)) return this.loopback;
    return this.interfaces.find((i) => inSubnet(ip, i.address, i.prefixLength)) ?? this.interfaces[0];
  }

  private makeInterface(name: string, address: Ipv4Address, prefixLength: number, link: EndpointLink | undefined): Interface {
    // No MSS option on the wire: each side sends segments that fit its own MTU, as Linux's MSS would make it.
    const mssBytes = link === undefined ? this.options.tcp.mssBytes : Math.min(this.options.tcp.mssBytes, link.mtu - ipv4HeaderBytes - tcpHeaderBytes);
    const services: HostServices = {
      name: this.options.name,
      ip: address,
      scheduler: this.options.scheduler,
      trace: this.options.trace,
      tcp: { ...this.options.tcp, mssBytes },
      isnRng: this.options.rng.fork(`isn-${link?.networkId ?? name}`),
      isUp: () => !this.closed,
      sendIp: (protocol, dst, payload) => this.send(iface, protocol, dst, payload),
    };
    const iface: Interface = { name, address, prefixLength, link, tcp: new TcpStack(services), udp: new HostUdp(services) };
    return iface;
  }

  private send(iface: Interface, protocol: number, dst: Ipv4Address, payload: Uint8Array): void {
    if (this.closed) return;
    let target = { dst, segment: payload };
    if (protocol === IpProtocol.tcp && iface.link !== undefined && this.ipvs !== undefined) {
      target = this.ipvs.outbound(iface.link.networkId, iface.address, dst, payload);
    }
    const identification = this.nextIdentification;
    this.nextIdentification = (identification + 1) & 0xffff;
    const packet = encodeIpv4({ src: iface.address, dst: target.dst, protocol, identification, payload: target.segment });
    this.sent++;
    if (this.isLocal(target.dst)) {
      // Loopback: delivered by the kernel at once, after the sender's call returns.
      this.options.scheduler.after(duration(0), "workload.netns.loopback", () => this.deliver(packet));
    } else if (iface.link === undefined) {
      this.dropped["no-route"]++;
    } else {
      iface.link.send(packet);
    }
  }

  private isLocal(ip: Ipv4Address): boolean {
    return isLoopback(ip) || this.interfaces.some((i) => i.address === ip);
  }

  private deliver(bytes: Uint8Array): void {
    if (this.closed) {
      this.dropped["host-down"]++;
      return;
    }
    const decoded = decodeIpv4(bytes);
    if (!decoded.ok) {
      this.dropped.malformed++;
      return;
    }
    const packet = decoded.value;
    const iface = isLoopback(packet.dst) ? this.loopback : this.interfaces.find((i) => i.address === packet.dst);
    let delivery: Delivery;
    if (iface === undefined) delivery = { drop: "no-route" };
    else if (packet.protocol === IpProtocol.tcp) delivery = iface.tcp.route(this.ipvs?.inbound(packet) ?? packet);
    else if (packet.protocol === IpProtocol.udp) delivery = iface.udp.route(packet);
    else delivery = { drop: "no-listener" };
    if (delivery.drop !== undefined) this.dropped[delivery.drop]++;
    else this.received++;
    delivery.run?.();
  }
}
