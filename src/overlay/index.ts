/**
 * The overlay data plane's wire layer: the container's Ethernet frame in
 * VXLAN on UDP 4789, ESP in transport mode with rfc4106 AES-GCM around it,
 * Docker's SPIs and salts, the anti-replay window, and a node's SA database
 * with Docker's key rotation; and the esp_sa file that lets Wireshark
 * decrypt a capture. Pure functions and plain data structures: nothing here
 * schedules, sends or traces.
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
