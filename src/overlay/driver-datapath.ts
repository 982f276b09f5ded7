/**
 * The overlay driver's data path: a container's IPv4 packet to an Ethernet
 * frame in VXLAN, sealed in ESP on an encrypted network; and back from the
 * wire to the container, failing closed on an encrypted network. Every drop
 * is counted and traced with its reason.
 */

import { type Host, IpProtocol, type Ipv4Address, type Ipv4Packet, encodeUdp } from "../net/index.js";
import { type Simulation, us } from "../sim/index.js";
import { vxlanUdpPort } from "./constants.js";
import type { OverlayCounters, OverlayDropReason } from "./driver-counters.js";
import type { DriverIpsec } from "./driver-ipsec.js";
import type { LocalEndpoint, NetworkState } from "./driver-state.js";
import { innerDestination, vxlanSourcePort } from "./driver-wire.js";
import { spiHex } from "./esp.js";
import { type VxlanFrame, decodeVxlan, decodeVxlanDatagram, encodeVxlan } from "./vxlan.js";

/** What the data path works with. */
export interface DataPathOptions {
  readonly sim: Simulation;
  readonly host: Host;
  /** The node's name, for the trace. */
  readonly node: string;
  readonly ipsec: DriverIpsec;
  /** The driver's counters, which the data path bumps. */
  readonly stats: OverlayCounters;
  /** The network of this node with that VNI. */
  readonly networkOf: (vni: number) => NetworkState | undefined;
}

/** Fields of a drop's trace record besides its reason. */
export interface DropFields {
  readonly network?: string;
  readonly vni?: number;
  readonly src?: string;
  readonly dst?: string;
  readonly spi?: string;
  readonly seq?: number;
  readonly detail?: string;
}

/** One node's overlay data path. */
export class DataPath {
  private readonly sim: Simulation;
  private readonly host: Host;
  private readonly node: string;
  private readonly ipsec: DriverIpsec;
  private readonly stats: OverlayCounters;
  private readonly networkOf: (vni: number) => NetworkState | undefined;

  constructor(options: DataPathOptions) {
    this.sim = options.sim;
    this.host = options.host;
    this.node = options.node;
    this.ipsec = options.ipsec;
    this.stats = options.stats;
    this.networkOf = options.networkOf;
  }

  /** A container's packet on its link. */
  send(state: NetworkState, local: LocalEndpoint, packet: Uint8Array): void {
    const network = state.spec.id;
    if (!local.joined) return this.drop("no-endpoint", { network, src: local.spec.address });
    if (!(packet instanceof Uint8Array)) throw new TypeError(`"packet" expected Uint8Array, got type=${typeof packet}`);
    if (packet.length > state.mtu) return this.drop("too-big", { network, src: local.spec.address, detail: `${packet.length} bytes over the link MTU ${state.mtu}` });
    const inner = innerDestination(packet);
    if (!inner.ok) return this.drop("malformed", { network, src: local.spec.address, detail: inner.reason });
    const peer = state.peers.lookup(inner.dst);
    if (peer === undefined) return this.drop("no-peer", { network, src: local.spec.address, dst: inner.dst });
    if (peer.vtep === undefined) return this.sendLocal(state, peer.endpointId, packet);
    const vxlan = encodeVxlan({ vni: state.spec.vni, dstMac: peer.mac, srcMac: local.mac, packet });
    const srcPort = vxlanSourcePort(packet);
    if (state.secure) {
      const sealed = this.ipsec.seal(peer.vtep, encodeUdp({ srcPort, dstPort: vxlanUdpPort, payload: vxlan }, this.host.ip, peer.vtep));
      if (sealed.ok) {
        this.stats.framesSentEncrypted++;
        return this.host.sendIp(IpProtocol.esp, peer.vtep, sealed.packet);
      }
      if (sealed.reason !== "no-policy") return this.drop(sealed.reason, { network, vni: state.spec.vni, dst: peer.vtep, detail: sealed.message });
    }
    this.stats.framesSentCleartext++;
    this.host.udp.send(srcPort, peer.vtep, vxlanUdpPort, vxlan);
  }

  /** Between two endpoints of this node: through the bridge, never on the wire; handed over as its own event. */
  private sendLocal(state: NetworkState, endpointId: string, packet: Uint8Array): void {
    const copy = packet.slice();
    this.sim.scheduler.after(us(0), "overlay.local", () => {
      const target = state.endpoints.get(endpointId);
      if (target === undefined || !target.joined || !this.host.isUp) return;
      this.stats.framesDeliveredLocally++;
      this.stats.packetsDelivered++;
      target.sink(copy);
    });
  }

  /** ESP addressed to this node (IP protocol 50). */
  receiveEsp(packet: Ipv4Packet): void {
    const opened = this.ipsec.open(packet.payload);
    if (!opened.ok) {
      const { reason, message, spi, seq } = opened;
      return this.drop(reason, { src: packet.src, ...(spi === undefined ? {} : { spi: spiHex(spi) }), ...(seq === undefined ? {} : { seq }), detail: message });
    }
    const { value } = opened;
    if (value.nextHeader !== IpProtocol.udp) return this.drop("not-vxlan", { src: packet.src, spi: spiHex(value.spi), detail: `ESP next header ${value.nextHeader}, expected UDP` });
    const datagram = decodeVxlanDatagram(value.payload, packet.src, packet.dst);
    if (!datagram.ok) return this.drop("not-vxlan", { src: packet.src, spi: spiHex(value.spi), detail: datagram.reason });
    this.stats.framesReceivedEncrypted++;
    this.receiveFrame(datagram.value.frame, true, packet.src);
  }

  /** A datagram on UDP 4789. */
  receiveCleartext(src: Ipv4Address, payload: Uint8Array): void {
    const frame = decodeVxlan(payload);
    if (!frame.ok) return this.drop("not-vxlan", { src, detail: frame.reason });
    this.stats.framesReceivedCleartext++;
    this.receiveFrame(frame.value, false, src);
  }

  private receiveFrame(frame: VxlanFrame, viaEsp: boolean, src: Ipv4Address): void {
    const vni = frame.vni;
    const state = this.networkOf(vni);
    if (state === undefined) return this.drop("unknown-vni", { vni, src });
    const network = state.spec.id;
    if (!viaEsp && state.secure) return this.drop("cleartext-on-encrypted", { network, vni, src, detail: "VXLAN of an encrypted network arrived without ESP" });
    const inner = innerDestination(frame.packet);
    if (!inner.ok) return this.drop("malformed", { network, vni, src, detail: inner.reason });
    const peer = state.peers.lookup(inner.dst);
    const target = peer === undefined || peer.vtep !== undefined ? undefined : state.endpoints.get(peer.endpointId);
    if (target === undefined || target.mac !== frame.dstMac) {
      return this.drop("unknown-endpoint", { network, vni, src, dst: inner.dst, detail: `no endpoint here with ${inner.dst} at ${frame.dstMac}` });
    }
    this.stats.packetsDelivered++;
    target.sink(frame.packet.slice());
  }

  /** Counts and traces a drop. */
  drop(reason: OverlayDropReason, fields: DropFields): void {
    this.stats.drops[reason]++;
    this.sim.trace.record("overlay.drop", { reason, ...fields }, this.node);
  }
}
