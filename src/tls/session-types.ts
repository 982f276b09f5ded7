/**
 * The vocabulary of a TLS session: how it is built, what it reports, and the
 * events it emits.
 */

import type { ByteSource } from "../crypto/index.js";
import type { Stream } from "../net/index.js";
import type { Duration, Instant, Scheduler, Trace } from "../sim/index.js";
import type { TlsFailure } from "./failure.js";
import type { TlsIdentity, TlsPeer } from "./identity.js";
import type { KeyLog } from "./key-log.js";
import type { TlsSessionCache } from "./session-cache.js";
import type { TrustStore } from "./trust-store.js";

/** Which end of the handshake a session plays. */
export type TlsRole = "client" | "server";

/**
 * How a session treats the peer's certificate, after Go's crypto/tls modes
 * that swarmkit picks from (ca/config.go):
 * - `require`: the peer must present a chain that verifies against the trust
 *   store at simulated time (a server: RequireAndVerifyClientCert; a client:
 *   the default).
 * - `if-given`: a server asks for a client certificate, accepts a client with
 *   none, and verifies one that is given: VerifyClientCertIfGiven, what every
 *   swarmkit server uses, because new nodes reach the CA before they have a
 *   certificate; calls are then authorized one by one. On a client it is `require`.
 * - `none`: a server does not ask; a client does not verify the server at all
 *   (InsecureSkipVerify), as a joining node does when it first fetches the
 *   root CA, which it then pins by the join token's digest.
 *
 * @example
 * ```ts
 * const manager = { role: "server", peerAuth: "if-given" } as const; // every swarmkit server
 * const joining = { role: "client", peerAuth: "none", identity: undefined } as const; // GetRootCACertificate
 * ```
 */
export type PeerAuth = "require" | "if-given" | "none";

/**
 * How to build a session.
 *
 * @example
 * ```ts
 * const options: TlsSessionOptions = {
 *   role: "server", stream, identity, trust, peerAuth: "if-given",
 *   clock: () => sim.now, rng: sim.rng.fork("tls").fork("manager-1").fork(`conn-${n}`),
 *   sessionCache, keyLog, trace: sim.trace, node: "manager-1",
 * };
 * ```
 */
export interface TlsSessionOptions {
  /** Client (sends ClientHello once the stream connects) or server (answers one). */
  readonly role: TlsRole;
  /** The stream to run over: from `host.connect` (client) or a listener's `onAccept` (server); connecting or open. */
  readonly stream: Stream;
  /** The chain and key to present. Required on a server; a client without one sends an empty Certificate when asked. */
  readonly identity?: TlsIdentity;
  /** The roots a peer's chain must lead to (default: none). */
  readonly trust?: TrustStore;
  /** How to treat the peer's certificate. */
  readonly peerAuth: PeerAuth;
  /**
   * Client only: the name the server's certificate must carry as a DNS
   * subjectAltName (swarmkit: `swarm-manager`, or `swarm-ca` for the CA); also
   * sent as SNI. Not checked with `peerAuth: "none"`.
   */
  readonly serverName?: string;
  /** The simulated clock: certificate validity and the randoms' time are judged by it. */
  readonly clock: () => Instant;
  /** Every random byte of the session (a `Rng` stream of its own). */
  readonly rng: ByteSource;
  /** The simulation's scheduler, for the handshake deadline (none: no deadline). */
  readonly scheduler?: Scheduler;
  /** How long the handshake may take from the session's start, with a scheduler (default 120 s, grpc-go's). */
  readonly handshakeTimeout?: Duration;
  /** Where sessions are kept for resumption (none: every handshake is full). */
  readonly sessionCache?: TlsSessionCache;
  /** Where the session's secrets are logged for Wireshark. */
  readonly keyLog?: KeyLog;
  /** Where handshakes, failures and closes are recorded. */
  readonly trace?: Trace;
  /** The node name trace records carry. */
  readonly node?: string;
  /**
   * Whether records after the handshake are encrypted and MACed by node:crypto
   * where it is available (default true), byte for byte as forge's own
   * JavaScript does it, only faster (record-native.ts). false keeps forge's.
   */
  readonly nativeRecords?: boolean;
}

/**
 * What a completed handshake established.
 *
 * @example
 * ```ts
 * session.on("secure", (h) => console.log(h.version, h.cipherSuite, h.resumed, h.peer?.commonName));
 * // TLS 1.1 TLS_RSA_WITH_AES_128_CBC_SHA false 3n8d...
 * ```
 */
export interface TlsHandshake {
  /** `TLS 1.1`. */
  readonly version: string;
  /** `TLS_RSA_WITH_AES_128_CBC_SHA`. */
  readonly cipherSuite: string;
  /** Whether the session was resumed (abbreviated handshake, no certificates on the wire). */
  readonly resumed: boolean;
  /** The session ID, hex. */
  readonly sessionId: string;
  /** The peer, or null if it sent no certificate (a joining node; a server that was not asked). */
  readonly peer: TlsPeer | null;
}

/**
 * Where a session is: `connecting` (a client waiting for its stream),
 * `handshaking`, `secure`, `closing` (close_notify sent or received),
 * `closed`, or `failed`.
 *
 * @example
 * ```ts
 * if (session.state === "secure") session.write(heartbeat);
 * ```
 */
export type TlsSessionState = "connecting" | "handshaking" | "secure" | "closing" | "closed" | "failed";

/**
 * The events of a session (eventemitter3 style). Every session ends with
 * exactly one of `close` or `failure`.
 *
 * @example
 * ```ts
 * session.on("secure", (handshake) => {});
 * session.on("data", (bytes) => {});
 * session.on("close", () => {});
 * session.on("failure", (failure) => {});
 * ```
 */
export interface TlsSessionEvents {
  /** The handshake completed: application data may flow. */
  secure: [handshake: TlsHandshake];
  /** Application bytes from the peer, decrypted, in order. */
  data: [bytes: Uint8Array];
  /** The session ended cleanly: close_notify exchanged (or the peer closed), the stream closed. */
  close: [];
  /** The session failed; the stream is closed (after an alert) or reset. No more events follow. */
  failure: [failure: TlsFailure];
}
