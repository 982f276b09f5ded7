/**
 * The trace records of the TLS layer, added to the kernel's `TraceKinds` by
 * declaration merging: every handshake that completes or fails and every
 * session that ends. Application records are not traced.
 */

import type { TlsFailureReason } from "./failure.js";
import type { TlsRole } from "./session-types.js";

/**
 * The TLS layer's trace kinds and their fields. `local`/`remote` are `ip:port`.
 *
 * @example
 * ```ts
 * sim.trace.record("tls.handshake.failed", { role: "server", local: "10.0.0.1:2377", remote: "10.0.0.2:32768",
 *   reason: "unknown-ca", origin: "local", alert: "unknown_ca", detail: "..." }, "manager-1");
 * ```
 */
export interface TlsTraceKinds {
  /** A handshake completed. `peerCN`/`peerOU`/`peerO` are absent when the peer sent no certificate. */
  "tls.handshake.done": {
    role: TlsRole;
    local: string;
    remote: string;
    version: string;
    cipherSuite: string;
    resumed: boolean;
    peerCN?: string;
    peerOU?: string;
    peerO?: string;
  };
  /** A handshake failed. */
  "tls.handshake.failed": {
    role: TlsRole;
    local: string;
    remote: string;
    reason: TlsFailureReason;
    origin: "local" | "peer";
    alert?: string;
    detail: string;
  };
  /** A session ended: cleanly (no `reason`), or with the failure's `reason` after its handshake had completed. */
  "tls.session.closed": {
    role: TlsRole;
    local: string;
    remote: string;
    reason?: TlsFailureReason;
    origin?: "local" | "peer";
    detail?: string;
  };
}

declare module "../sim/trace.js" {
  interface TraceKinds extends TlsTraceKinds {}
}
