/**
 * A host's UDP: bindings by port, and sending datagrams from any port.
 * Gossip (7946) and VXLAN (4789) ride on it.
 */

import { type Ipv4Address, ipv4ToNumber } from "./address.js";
import { IpProtocol } from "./constants.js";
import { checkField } from "./decoded.js";
import { type Binding, type Delivery, dropDelivery } from "./demux.js";
import type { HostServices } from "./host-services.js";
import type { Ipv4Packet } from "./ipv4.js";
import { decodeUdp, encodeUdp } from "./udp.js";

/** A datagram as a bound handler receives it. */
export interface UdpMessage {
  /** Sender's address (from the IPv4 header: an attacker may forge it). */
  readonly srcIp: Ipv4Address;
  /** Sender's port. */
  readonly srcPort: number;
  /** The address it was sent to (the receiving host's). */
  readonly dstIp: Ipv4Address;
  /** The bound port it arrived on. */
  readonly dstPort: number;
  /** The datagram's bytes (a view into the arrived packet). */
  readonly payload: Uint8Array;
}

/** Called with each datagram that arrives on a bound port. */
export type UdpHandler = (message: UdpMessage) => void;

/** The UDP side of one host: `host.udp`. */
export class HostUdp {
  /** Bindings by port; each entry is its own object, so a stale `close` cannot remove a later binding. */
  private readonly bindings = new Map<number, { readonly handler: UdpHandler }>();

  /** @internal Made by the host. */
  constructor(private readonly host: HostServices) {}

  /**
   * Receives datagrams sent to `port`; throws if the port is already bound.
   *
   * @example
   * host.udp.bind(7946, ({ srcIp, payload }) => gossip.receive(srcIp, payload));
   */
  bind(port: number, handler: UdpHandler): Binding {
    checkField("port", port, 0xffff);
    if (port === 0) throw new RangeError(`"port" expected 1 to 65535, got 0`);
    if (this.bindings.has(port)) throw new Error(`UDP port ${port} on ${this.host.name} is already bound`);
    const entry = { handler };
    this.bindings.set(port, entry);
    return {
      close: () => {
        if (this.bindings.get(port) === entry) this.bindings.delete(port);
      },
    };
  }

  /** True if something is bound to `port`. */
  isBound(port: number): boolean {
    return this.bindings.has(port);
  }

  /**
   * Sends one datagram. The source port need not be bound (replies to it are
   * dropped as `no-listener` unless it is). A down host sends nothing.
   *
   * @example
   * host.udp.send(4789, "10.0.0.2", 4789, vxlanFrame);
   */
  send(srcPort: number, dstIp: Ipv4Address, dstPort: number, payload: Uint8Array): void {
    ipv4ToNumber(dstIp, "dstIp");
    const datagram = encodeUdp({ srcPort, dstPort, payload }, this.host.ip, dstIp);
    this.host.sendIp(IpProtocol.udp, dstIp, datagram);
  }

  /** @internal Finds the binding for an arriving UDP packet. */
  route(packet: Ipv4Packet): Delivery {
    const decoded = decodeUdp(packet.payload, packet.src, packet.dst);
    if (!decoded.ok) return dropDelivery("malformed", decoded.reason);
    const datagram = decoded.value;
    const handler = this.bindings.get(datagram.dstPort)?.handler;
    if (handler === undefined) return dropDelivery("no-listener", `no UDP binding on port ${datagram.dstPort}`);
    const message: UdpMessage = {
      srcIp: packet.src,
      srcPort: datagram.srcPort,
      dstIp: packet.dst,
      dstPort: datagram.dstPort,
      payload: datagram.payload,
    };
    return { run: () => handler(message) };
  }
}
