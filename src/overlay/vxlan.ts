/**
 * VXLAN (RFC 7348) as Docker's overlay uses it, as pure functions: an 8-byte
 * header (flags 0x08, 24 reserved bits, the 24-bit VNI, 8 reserved bits) in
 * a UDP datagram to port 4789, then the container's Ethernet II frame (no
 * FCS) around its IPv4 packet. VNIs from 4096 upward are Docker's
 * (ovmanager.go vxlanIDStart); lower ones decode all the same.
 *
 * Receiving follows the Linux vxlan driver that Docker programs, not the RFC's
 * letter: a header with any bit set besides the I flag and the VNI is dropped
 * (drivers/net/vxlan vxlan_rcv: "This behavior diverges from VXLAN RFC
 * (RFC7348) which stipulates that bits in reserved fields are to be
 * ignored"). Only IPv4 frames are carried: Docker's VXLAN device answers ARP
 * itself (`proxy`, ov_utils.go createVxlan), and IPv6 is not modelled.
 *
 * The UDP checksum is computed (src/net encodeUdp): the VXLAN devices Docker
 * makes checksum their datagrams on current kernels, which is why encrypted
 * overlays behind NAT broke after Linux 4.4 until `noudpcsum` was set by hand
 * (moby#37115). The source port is the caller's choice; Linux derives it
 * from a hash of the inner flow within the ephemeral port range.
 */

import { type Decoded, type Ipv4Address, type MacAddress, decodeUdp, encodeUdp } from "../net/index.js";
import { etherTypeIpv4, vniMax, vxlanFlagVni, vxlanHeaderBytes, vxlanUdpPort } from "./constants.js";
import { decodeEthernet, encodeEthernet } from "./ethernet.js";

/** One container packet on an overlay network, as VXLAN carries it. */
export interface VxlanFrame {
  /** The network's VXLAN Network Identifier (24 bits; Docker's start at 4096). */
  readonly vni: number;
  /** The destination container's MAC. */
  readonly dstMac: MacAddress;
  /** The source container's MAC. */
  readonly srcMac: MacAddress;
  /** The container's IPv4 packet (a view into the decoded bytes, not a copy). */
  readonly packet: Uint8Array;
}

/** A VXLAN frame with the UDP ports it travelled between. */
export interface VxlanDatagram {
  /** The sender's UDP source port. */
  readonly srcPort: number;
  /** The UDP destination port: 4789. */
  readonly dstPort: number;
  readonly frame: VxlanFrame;
}

/**
 * Encodes the UDP payload: VXLAN header ‖ Ethernet header ‖ IPv4 packet.
 *
 * @example
 * ```ts
 * encodeVxlan({ vni: 4096, dstMac: "02:42:0a:00:01:04", srcMac: "02:42:0a:00:01:03", packet });
 * // 08 00 00 00 00 10 00 00, then 02 42 0a 00 01 04 02 42 0a 00 01 03 08 00, then the packet
 * ```
 */
export function encodeVxlan(frame: VxlanFrame): Uint8Array {
  if (!Number.isInteger(frame.vni) || frame.vni < 0 || frame.vni > vniMax) {
    throw new RangeError(`"vni" expected a whole number from 0 to ${vniMax}, got ${frame.vni}`);
  }
  const ethernet = encodeEthernet({ dst: frame.dstMac, src: frame.srcMac, etherType: etherTypeIpv4, payload: frame.packet });
  const out = new Uint8Array(vxlanHeaderBytes + ethernet.length);
  out[0] = vxlanFlagVni;
  out[4] = frame.vni >>> 16;
  out[5] = (frame.vni >>> 8) & 0xff;
  out[6] = frame.vni & 0xff;
  out.set(ethernet, vxlanHeaderBytes);
  return out;
}

/**
 * Decodes a UDP payload as VXLAN, refusing what Linux's vxlan_rcv drops
 * (no I flag, reserved bits set) and frames that are not IPv4.
 *
 * @example
 * ```ts
 * const r = decodeVxlan(udp.payload);
 * if (r.ok && encryptedVnis.has(r.value.vni)) dropCleartext();
 * ```
 */
export function decodeVxlan(bytes: Uint8Array): Decoded<VxlanFrame> {
  if (bytes.length < vxlanHeaderBytes) {
    return { ok: false, reason: `truncated VXLAN header: ${bytes.length} bytes, need ${vxlanHeaderBytes}` };
  }
  if ((bytes[0]! & vxlanFlagVni) === 0) return { ok: false, reason: `VXLAN without the I flag: flags ${hex8(bytes[0]!)}` };
  const reserved = (bytes[0]! & ~vxlanFlagVni) | bytes[1]! | bytes[2]! | bytes[3]! | bytes[7]!;
  if (reserved !== 0) return { ok: false, reason: "VXLAN reserved bits set (Linux drops these, RFC 7348 would ignore them)" };
  const ethernet = decodeEthernet(bytes.subarray(vxlanHeaderBytes));
  if (!ethernet.ok) return ethernet;
  if (ethernet.value.etherType !== etherTypeIpv4) {
    return { ok: false, reason: `inner frame is not IPv4: EtherType 0x${ethernet.value.etherType.toString(16).padStart(4, "0")}` };
  }
  const vni = (bytes[4]! << 16) | (bytes[5]! << 8) | bytes[6]!;
  const frame: VxlanFrame = { vni, dstMac: ethernet.value.dst, srcMac: ethernet.value.src, packet: ethernet.value.payload };
  return { ok: true, value: frame };
}

/**
 * Encodes the UDP datagram from `src` to `dst` (the VTEPs, the hosts'
 * underlay addresses) to port 4789: what goes into the outer IPv4 packet in
 * cleartext, or into ESP on an encrypted network.
 *
 * @example
 * ```ts
 * const udp = encodeVxlanDatagram({ srcPort: 40123, frame }, "10.0.0.1", "10.0.0.2");
 * encodeIpv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: IpProtocol.udp, identification: 7, payload: udp });
 * ```
 */
export function encodeVxlanDatagram(datagram: { readonly srcPort: number; readonly frame: VxlanFrame }, src: Ipv4Address, dst: Ipv4Address): Uint8Array {
  return encodeUdp({ srcPort: datagram.srcPort, dstPort: vxlanUdpPort, payload: encodeVxlan(datagram.frame) }, src, dst);
}

/**
 * Decodes a UDP datagram that came from `src` to `dst` as VXLAN: the UDP
 * length and checksum must hold, the destination port must be 4789.
 *
 * @example
 * ```ts
 * const r = decodeVxlanDatagram(ipv4.payload, ipv4.src, ipv4.dst);
 * ```
 */
export function decodeVxlanDatagram(bytes: Uint8Array, src: Ipv4Address, dst: Ipv4Address): Decoded<VxlanDatagram> {
  const udp = decodeUdp(bytes, src, dst);
  if (!udp.ok) return udp;
  if (udp.value.dstPort !== vxlanUdpPort) return { ok: false, reason: `not VXLAN: UDP destination port ${udp.value.dstPort}, expected ${vxlanUdpPort}` };
  const frame = decodeVxlan(udp.value.payload);
  if (!frame.ok) return frame;
  return { ok: true, value: { srcPort: udp.value.srcPort, dstPort: udp.value.dstPort, frame: frame.value } };
}

function hex8(value: number): string {
  return `0x${value.toString(16).padStart(2, "0")}`;
}
