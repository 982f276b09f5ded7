/**
 * The TLS layer's constants, read as the spec: the version and cipher suite
 * node-forge speaks for the control plane, and why they differ from Swarm's.
 */

import { type Duration, seconds } from "../sim/index.js";

/**
 * The protocol version both ends negotiate: TLS 1.1 (`0x0302` on the wire).
 * swarmkit asks for TLS 1.2 at least (`ca/config.go`, `MinVersion:
 * tls.VersionTLS12`); node-forge implements TLS 1.0 and 1.1 only, so 1.1 is
 * the closest the model comes.
 */
export const tlsVersion = { major: 3, minor: 2 } as const;

/** The name of `tlsVersion`, as traces and handshake reports give it. */
export const tlsVersionName = "TLS 1.1";

/**
 * The name of a protocol version.
 *
 * @example
 * ```ts
 * versionName(tlsVersion); // "TLS 1.1"
 * ```
 */
export function versionName(version: { readonly major: number; readonly minor: number }): string {
  if (version.major === 3 && version.minor >= 1 && version.minor <= 4) return `TLS 1.${version.minor - 1}`;
  return `version ${version.major}.${version.minor}`;
}

/**
 * The one cipher suite offered and accepted: TLS_RSA_WITH_AES_128_CBC_SHA
 * (0x002F), RSA key transport, AES-128-CBC, HMAC-SHA1. forge knows only this
 * and its AES-256 sibling; AES-128 is the one RFC 5246 §9 makes mandatory, and
 * swarmkit's Go stack also prefers AES-128 (in GCM, with ECDHE) over AES-256.
 * Offering a single suite also keeps a resumed session on the suite it was
 * made with: forge's server does not check that itself (tls.js handleClientHello).
 */
export const cipherSuiteName = "TLS_RSA_WITH_AES_128_CBC_SHA";

/** The two-byte identifier of `cipherSuiteName`. */
export const cipherSuiteId = 0x002f;

/**
 * Largest plaintext forge puts in one record: 2^14 − 1024 bytes (forge's
 * `tls.MaxFragment`, kept under the 2^14 of RFC 5246 §6.2.1 so a record with
 * its MAC and padding stays under the limit). Longer writes span records.
 */
export const recordMaxPlaintextBytes = 15_360;

/**
 * How long a handshake may take before the session gives up, when it is given
 * a scheduler: grpc-go's server connection timeout (server.go
 * `defaultServerOptions.connectionTimeout`, 120 s), which bounds the TLS
 * handshake of every connection swarmkit's gRPC servers accept. Without it a
 * peer that announces a record and never sends it holds the session forever.
 */
export const handshakeTimeoutUs: Duration = seconds(120);

/** Sessions a cache keeps before it forgets the least recently used: forge's default capacity (tls.js createSessionCache). */
export const sessionCacheCapacity = 100;

/** The name of the NSS key log file a run writes (interop.md: Wireshark's `tls.keylog_file`). */
export const keyLogFileName = "tls-keylog.txt";
