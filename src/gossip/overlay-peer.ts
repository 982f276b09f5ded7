/**
 * The values libnetwork stores in networkdb tables, encoded as gogoproto's
 * generated marshalers write them (fields in number order, empty strings and
 * zero scalars left out, every element of a repeated field written):
 *
 * - `overlay_peer_table` (drivers/overlay peerdb.go ovPeerTable): one
 *   PeerRecord per container endpoint, keyed by endpoint ID, written by the
 *   overlay driver's Join (joinleave.go) and read by its EventNotify to
 *   program the VXLAN FDB, ARP and IPsec state towards the peer's host.
 * - `endpoint_table` (agent.go libnetworkEPTable): one EndpointRecord per
 *   endpoint, keyed by endpoint ID, for service discovery and load balancing.
 *
 * Both are proto3 messages of strings, so the addresses are text, in the forms
 * Go's String methods print: see `peerRecordFor` and EndpointRecord.
 * Only IPv4 is modelled.
 */

import { type Decoded, ProtoWriter } from "../encoding/index.js";
import { type Ipv4Address, formatMac, parseIpv4, parseMac } from "../net/index.js";
import { type GossipFieldReader, decodeGossipFields } from "./networkdb-messages.js";

/** networkdb table of the overlay driver's peers (drivers/overlay peerdb.go ovPeerTable). */
export const overlayPeerTable = "overlay_peer_table";
/** networkdb table of libnetwork's service discovery records (agent.go libnetworkEPTable). */
export const endpointTable = "endpoint_table";

/** overlay.proto PeerRecord { string endpoint_ip = 1; string endpoint_mac = 2; string tunnel_endpoint_ip = 3; }. */
export interface PeerRecord {
  /** The container's address on the overlay with its prefix length, as netip.Prefix prints it: `"10.0.1.3/24"`. */
  readonly endpointIp: string;
  /** The container's MAC, as net.HardwareAddr prints it: `"02:42:0a:00:01:03"`. */
  readonly endpointMac: string;
  /** The host's advertise address, the VXLAN tunnel endpoint (VTEP): `"192.168.1.10"`. */
  readonly tunnelEndpointIp: string;
}

/**
 * Encodes a PeerRecord: the value of an `overlay_peer_table` entry.
 *
 * @example
 * encodePeerRecord({ endpointIp: "10.0.1.3/24", endpointMac: "02:42:0a:00:01:03", tunnelEndpointIp: "192.168.1.10" })
 * // 0a 0b "10.0.1.3/24" 12 11 "02:42:0a:00:01:03" 1a 0c "192.168.1.10"
 */
export function encodePeerRecord(record: PeerRecord): Uint8Array {
  return new ProtoWriter().string(1, record.endpointIp).string(2, record.endpointMac).string(3, record.tunnelEndpointIp).finish();
}

/**
 * Decodes a PeerRecord; the strings are not checked (Go's proto.Unmarshal does
 * not check them either; `parsePeerRecord` does what EventNotify does).
 *
 * @example
 * decodePeerRecord(new Uint8Array([0x1a, 0x01, 0x31])) // { ok: true, value: { endpointIp: "", endpointMac: "", tunnelEndpointIp: "1" } }
 */
export function decodePeerRecord(bytes: Uint8Array): Decoded<PeerRecord> {
  return decodeGossipFields(bytes, "PeerRecord", (r) => ({ endpointIp: r.string(1), endpointMac: r.string(2), tunnelEndpointIp: r.string(3) }));
}

/** A container endpoint on an overlay network, as the overlay driver holds it. */
export interface OverlayPeer {
  /** The container's IPv4 address on the overlay. */
  readonly address: Ipv4Address;
  /** The overlay subnet's prefix length, 0 to 32. */
  readonly prefixLength: number;
  /** The container's 6-byte MAC. */
  readonly mac: Uint8Array;
  /** The host's advertise address (the VTEP). */
  readonly vtep: Ipv4Address;
}

/**
 * The PeerRecord the overlay driver's Join writes for `peer` (joinleave.go:
 * `ep.addr.String()`, `ep.mac.String()`, `d.advertiseAddress.String()`).
 *
 * @example
 * peerRecordFor({ address: "10.0.1.3", prefixLength: 24, mac: macFromIpv4("10.0.1.3"), vtep: "192.168.1.10" })
 * // { endpointIp: "10.0.1.3/24", endpointMac: "02:42:0a:00:01:03", tunnelEndpointIp: "192.168.1.10" }
 */
export function peerRecordFor(peer: OverlayPeer): PeerRecord {
  parseIpv4Argument("address", peer.address);
  parseIpv4Argument("vtep", peer.vtep);
  if (!Number.isInteger(peer.prefixLength) || peer.prefixLength < 0 || peer.prefixLength > 32) {
    throw new RangeError(`"prefixLength" expected a whole number from 0 to 32, got ${peer.prefixLength}`);
  }
  return { endpointIp: `${peer.address}/${peer.prefixLength}`, endpointMac: formatMac(peer.mac), tunnelEndpointIp: peer.vtep };
}

function parseIpv4Argument(name: string, text: string): number {
  const parsed = parseIpv4(text);
  if (!parsed.ok) throw new RangeError(`"${name}" ${parsed.reason}`);
  return parsed.value;
}

const prefixLengthText = /^(?:0|[1-9]\d?)$/;

/**
 * Reads a PeerRecord's strings as the overlay driver's EventNotify does
 * (netip.ParsePrefix, net.ParseMAC, netip.ParseAddr); a record it would log
 * and ignore is refused with the same reason.
 *
 * @example
 * parsePeerRecord({ endpointIp: "10.0.1.3/24", endpointMac: "02:42:0a:00:01:03", tunnelEndpointIp: "192.168.1.10" }).ok // true
 * parsePeerRecord({ endpointIp: "10.0.1.3", endpointMac: "02:42:0a:00:01:03", tunnelEndpointIp: "192.168.1.10" })
 * // { ok: false, reason: 'Invalid peer IP 10.0.1.3: no "/"' }
 */
export function parsePeerRecord(record: PeerRecord): Decoded<OverlayPeer> {
  const slash = record.endpointIp.indexOf("/");
  if (slash < 0) return { ok: false, reason: `Invalid peer IP ${record.endpointIp}: no "/"` };
  const address = record.endpointIp.slice(0, slash);
  const bits = record.endpointIp.slice(slash + 1);
  const parsedAddress = parseIpv4(address);
  if (!parsedAddress.ok) return { ok: false, reason: `Invalid peer IP ${record.endpointIp}: ${parsedAddress.reason}` };
  if (!prefixLengthText.test(bits) || Number(bits) > 32) return { ok: false, reason: `Invalid peer IP ${record.endpointIp}: bad bits after slash: "${bits}"` };
  const mac = parseMac(record.endpointMac);
  if (!mac.ok) return { ok: false, reason: `Invalid mac ${record.endpointMac}: ${mac.reason}` };
  const vtep = parseIpv4(record.tunnelEndpointIp);
  if (!vtep.ok) return { ok: false, reason: `Invalid VTEP ${record.tunnelEndpointIp}: ${vtep.reason}` };
  return { ok: true, value: { address, prefixLength: Number(bits), mac: mac.value, vtep: record.tunnelEndpointIp } };
}

/**
 * The MAC the overlay driver gives an endpoint that has none (ov_endpoint.go
 * CreateEndpoint, netutils.GenerateMACFromIP): `02:42` (locally administered,
 * unicast) followed by the four bytes of its IPv4 address.
 *
 * @example
 * formatMac(macFromIpv4("10.0.1.3")) // "02:42:0a:00:01:03"
 */
export function macFromIpv4(address: Ipv4Address): Uint8Array {
  const value = parseIpv4Argument("address", address);
  return Uint8Array.of(0x02, 0x42, value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

// ---------------------------------------------------------------------------
// endpoint_table: agent.proto EndpointRecord

/** agent.proto PortConfig.Protocol. */
export const PortProtocol = { tcp: 0, udp: 1, sctp: 2 } as const;

/** agent.proto PortConfig { string name = 1; Protocol protocol = 2; uint32 target_port = 3; uint32 published_port = 4; }. */
export interface PortConfig {
  readonly name: string;
  /** A PortProtocol. */
  readonly protocol: number;
  /** The port the task listens on. */
  readonly targetPort: number;
  /** The port published on every node through the ingress network. */
  readonly publishedPort: number;
}

/**
 * agent.proto EndpointRecord { string name = 1; string service_name = 2; string service_id = 3;
 * string virtual_ip = 4; string endpoint_ip = 5; repeated PortConfig ingress_ports = 6;
 * repeated string aliases = 7; repeated string task_aliases = 8; bool service_disabled = 9; }.
 * Fields 7-9 were added after the first release; older peers leave them out.
 */
export interface EndpointRecord {
  /** The container's name (for an anonymous endpoint, its first alias). */
  readonly name: string;
  /** The service's name, empty for a container on an attachable network. */
  readonly serviceName: string;
  readonly serviceId: string;
  /**
   * The service's virtual IP without prefix, as net.IP prints it; `"<nil>"`
   * when the endpoint has none (agent.go writes `ep.virtualIP.String()` of a nil IP).
   */
  readonly virtualIp: string;
  /** The endpoint's IP without prefix (`ep.Iface().Address().IP.String()`). */
  readonly endpointIp: string;
  /** The service's published ports; gossiped on the ingress network only. */
  readonly ingressPorts: readonly PortConfig[];
  /** The service's network aliases. */
  readonly aliases: readonly string[];
  /** The task's own aliases. */
  readonly taskAliases: readonly string[];
  /** Set while the service is disabled in service discovery; agent.go writes false. */
  readonly serviceDisabled: boolean;
}

const uint32Max = 0xffff_ffff;
const utf8 = new TextEncoder();

function checkPort(name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`"${name}" expected a whole number from 0 to ${max}, got ${value}`);
}

function encodePortConfig(port: PortConfig): Uint8Array {
  checkPort("protocol", port.protocol, 0x7fff_ffff);
  checkPort("targetPort", port.targetPort, uint32Max);
  checkPort("publishedPort", port.publishedPort, uint32Max);
  return new ProtoWriter().string(1, port.name).uint(2, port.protocol).uint(3, port.targetPort).uint(4, port.publishedPort).finish();
}

function readUint32(r: GossipFieldReader, field: number): number {
  const value = r.uint(field);
  if (value <= uint32Max) return value;
  r.problem ??= `field ${field}: ${value} is out of uint32 range`;
  return 0;
}

const readPortConfig = (r: GossipFieldReader): PortConfig => ({
  name: r.string(1),
  protocol: r.int32(2),
  targetPort: readUint32(r, 3),
  publishedPort: readUint32(r, 4),
});

/**
 * Encodes an EndpointRecord: the value of an `endpoint_table` entry.
 *
 * @example
 * encodeEndpointRecord({ name: "web.1", serviceName: "", serviceId: "", virtualIp: "<nil>", endpointIp: "10.0.1.3",
 *   ingressPorts: [], aliases: [], taskAliases: [], serviceDisabled: false })
 * // 0a 05 "web.1" 22 05 "<nil>" 2a 08 "10.0.1.3"
 */
export function encodeEndpointRecord(record: EndpointRecord): Uint8Array {
  const w = new ProtoWriter()
    .string(1, record.name)
    .string(2, record.serviceName)
    .string(3, record.serviceId)
    .string(4, record.virtualIp)
    .string(5, record.endpointIp);
  for (const port of record.ingressPorts) w.message(6, encodePortConfig(port));
  for (const alias of record.aliases) w.message(7, utf8.encode(alias));
  for (const alias of record.taskAliases) w.message(8, utf8.encode(alias));
  return w.uint(9, record.serviceDisabled).finish();
}

/**
 * Decodes an EndpointRecord; the addresses are not checked (agent.go parses
 * them with net.ParseIP and ignores a record without name or IP).
 *
 * @example
 * decodeEndpointRecord(new Uint8Array([0x48, 0x01])).ok // true, serviceDisabled: true
 */
export function decodeEndpointRecord(bytes: Uint8Array): Decoded<EndpointRecord> {
  return decodeGossipFields(bytes, "EndpointRecord", (r) => ({
    name: r.string(1),
    serviceName: r.string(2),
    serviceId: r.string(3),
    virtualIp: r.string(4),
    endpointIp: r.string(5),
    ingressPorts: r.messages(6, "ingress_ports", readPortConfig),
    aliases: r.repeatedStrings(7),
    taskAliases: r.repeatedStrings(8),
    serviceDisabled: r.bool(9),
  }));
}
