/**
 * The overlay data plane. The wire layer: the container's Ethernet frame in
 * VXLAN on UDP 4789, ESP in transport mode with rfc4106 AES-GCM around it,
 * Docker's SPIs and salts, the anti-replay window, a node's SA database with
 * Docker's key rotation, and the esp_sa file that lets Wireshark decrypt a
 * capture: pure functions and plain data structures. On top of it, each
 * node's overlay driver (libnetwork drivers/overlay), which learns its peers
 * from networkdb, keeps the tunnels, sends and receives on the underlay and
 * traces what it does; and the service records a container's DNS reads.
 */
export * from "./constants.js";
export { type EthernetFrame, encodeEthernet, decodeEthernet } from "./ethernet.js";
export { type VxlanFrame, type VxlanDatagram, encodeVxlan, decodeVxlan, encodeVxlanDatagram, decodeVxlanDatagram } from "./vxlan.js";
export { overlayMtu } from "./mtu.js";
export { type ReplayRefusal, type ReplayVerdict, ReplayWindow } from "./replay.js";
export {
  type EspKeys,
  type EspInboundKeys,
  type EspFields,
  type EspPacket,
  type EspDropReason,
  type EspResult,
  seqivIv,
  espPadLength,
  encodeEsp,
  peekEspHeader,
  openEsp,
  decodeEsp,
  spiHex,
} from "./esp.js";
export { type SpiPair, spiPair, espSaltOf, espKeyMaterial } from "./spi.js";
export {
  type SaDirection,
  type SequenceExhaustion,
  type SequenceReport,
  type SequenceResult,
  type SecurityAssociationInit,
  SecurityAssociation,
} from "./sa.js";
export {
  type OverlayKey,
  type SaStep,
  type SaRefusal,
  type SaChange,
  type KeyUpdate,
  type SealResult,
  type SaDatabaseOptions,
  SaDatabase,
} from "./sa-database.js";
export { type EspSaIcvBytes, type EspSaRecord, espSaAlgorithm, espSaLine, espSaFile } from "./esp-sa-file.js";

// The per-node overlay driver on top of the wire layer: it joins endpoints to
// networks through networkdb, learns peers from overlay_peer_table, programs
// the SA database, and sends, receives, counts and traces frames.
export {
  type OverlayOs,
  type OverlayNetworkSpec,
  type OverlayEndpointSpec,
  type EndpointServiceInfo,
  type JoinResult,
  type NetworkKey,
  type NetworkKeyChange,
  type PeerView,
  overlayKeyOf,
} from "./driver-types.js";
export { type OverlayDropReason, type OverlayCounters, type SaCause, overlayDropReasons, emptyOverlayCounters } from "./driver-counters.js";
export { vxlanSourcePort } from "./driver-wire.js";
export { type SaView } from "./driver-ipsec.js";
export { type OverlayDriverOptions, OverlayDriver } from "./driver.js";
export { type ServiceRecordsOptions, ServiceRecords } from "./service-records.js";
