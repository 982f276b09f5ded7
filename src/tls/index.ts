/**
 * Mutual TLS on the control plane (port 2377): node-forge's TLS over the
 * simulated streams, every record on the wire, deterministic for a seed and
 * judged at simulated time; session resumption, and an NSS key log so tshark
 * can decrypt the capture. forge speaks TLS 1.1 with
 * TLS_RSA_WITH_AES_128_CBC_SHA where Swarm speaks TLS 1.2+ with ECDHE and
 * AES-GCM (docs/fidelity.md).
 */
export { TlsSession } from "./session.js";
export {
  type TlsRole,
  type PeerAuth,
  type TlsSessionOptions,
  type TlsHandshake,
  type TlsSessionState,
  type TlsSessionEvents,
} from "./session-types.js";
export { type TlsIdentity, type TlsPeer } from "./identity.js";
export { TrustStore } from "./trust-store.js";
export { TlsSessionCache } from "./session-cache.js";
export { KeyLog, nssKeyLogLine } from "./key-log.js";
export { type TlsFailure, type TlsFailureReason, AlertDescription, alertName } from "./failure.js";
export {
  tlsVersion,
  tlsVersionName,
  cipherSuiteName,
  cipherSuiteId,
  recordMaxPlaintextBytes,
  handshakeTimeoutUs,
  sessionCacheCapacity,
  keyLogFileName,
} from "./constants.js";
export { type TlsTraceKinds } from "./trace-kinds.js";
