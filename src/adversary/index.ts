/**
 * The attacker on the underlay: an eavesdropper that keeps every packet on
 * the wire and searches it for plaintext; an attacker's host that replays
 * captured packets or re-sends them with a bit flipped; and a network key
 * leaked from a live node, with what it opens in the capture and over what
 * window of time. Library functions: scenario steps and invariants build on them.
 */
export { type CapturedPacket, type Capture } from "./capture.js";
export { type EavesdropperOptions, Eavesdropper, defaultCaptureLimit } from "./eavesdropper.js";
export {
  type Secret,
  type PlaintextOptions,
  type PlaintextHit,
  type PlaintextFinding,
  type PlaintextVerdict,
  findPlaintext,
  secretLabel,
  defaultEvidenceHits,
} from "./plaintext.js";
export { type PacketSelection, selectPackets } from "./selection.js";
export { type InjectionKind, type InjectorOptions, type Injected, type InjectionReport, Injector, defaultAttackerName } from "./injector.js";
export { replay } from "./replay.js";
export { type FlipRegion, type BitFlipSelection, type BitFlip, flipBit, injectBitFlips } from "./bit-flip.js";
export { type LeakSubsystem, type LeakedKey, type LeakResult, leakKey } from "./key-leak.js";
export { type OpenedKind, type CapturedFrame, type OpenedFrame, type KeyExposure, keyExposure } from "./key-exposure.js";
export { type OpenedStreamMessage, openCapturedEsp, openCapturedGossip, openStreamMessages } from "./open-captured.js";
export { type StreamPiece, type CapturedStream, capturedStreams, packetsCarrying } from "./tcp-flows.js";
