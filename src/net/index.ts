/**
 * The underlay: hosts on an IPv4 fabric with latency, loss, partitions and traffic rules;
 * UDP datagrams, raw IP protocols (ESP) and TCP-like streams, every packet as
 * real bytes; taps; and a pcap writer so real tools can read the wire.
 */
export { type Ipv4Address, parseIpv4, formatIpv4 } from "./address.js";
export { type MacAddress, macBytes, formatMac, parseMac } from "./mac.js";
export { internetChecksum, onesComplementSum, pseudoHeaderSum } from "./checksum.js";
export {
  IpProtocol,
  ipDefaultTtl,
  ipv4HeaderBytes,
  udpHeaderBytes,
  tcpHeaderBytes,
  tcpMssBytes,
  tcpWindowBytes,
  ephemeralPortFirst,
  ephemeralPortLast,
} from "./constants.js";
export { type Decoded } from "./decoded.js";
export { type Ipv4Packet, type Ipv4PacketInit, encodeIpv4, decodeIpv4 } from "./ipv4.js";
export { type UdpDatagram, udpMaxPayloadBytes, encodeUdp, decodeUdp } from "./udp.js";
export {
  type TcpSegment,
  TcpFlag,
  tcpMaxPayloadBytes,
  describeTcpFlags,
  encodeTcp,
  decodeTcp,
} from "./tcp-segment.js";
export {
  type LatencyModel,
  type LinkSpec,
  defaultLink,
  fixedLatency,
  uniformLatency,
  exponentialLatency,
  lossRateToPpm,
  describeLatency,
} from "./link.js";
export { type DropReason, type DropCounts, dropReasons } from "./drops.js";
export { type TrafficMatch, type TrafficRuleSpec, type TrafficRule } from "./traffic-rules.js";
export { type Tap, type TapPacket, type TapOutcome, type TapOptions } from "./tap.js";
export { type FabricOptions, type FabricCounters, type LinkDirection, Fabric } from "./fabric.js";
export { type IpHandler, Host } from "./host.js";
export { type UdpMessage, type UdpHandler, HostUdp } from "./udp-socket.js";
export { type Binding } from "./demux.js";
export { Stream } from "./stream.js";
export {
  type StreamEnds,
  type StreamEvents,
  type StreamResetReason,
  type StreamState,
  describeEnds,
} from "./stream-events.js";
export { type AcceptHandler } from "./tcp-stack.js";
export { type TcpSettings, defaultTcpSettings } from "./tcp-settings.js";
export {
  type PcapOptions,
  PcapLinkType,
  PcapWriter,
  pcapMagic,
  encodePcapHeader,
  encodePcapRecord,
} from "./pcap.js";
export { type PcapCapture, attachPcap } from "./pcap-capture.js";
export { type NetTraceKinds } from "./trace-kinds.js";
export { type WireDigest, attachWireDigest } from "./wire-digest.js";
export { type WirePath, wirePaths, wirePathOf, indexOfBytes } from "./wire-path.js";
// For stacks that live outside a fabric host (a container's network namespace):
// the host-side services a TCP stack needs, the stack itself, and what routing yields.
export { type HostServices } from "./host-services.js";
export { TcpStack } from "./tcp-stack.js";
export { type Delivery } from "./demux.js";
export { emptyDropCounts } from "./drops.js";
