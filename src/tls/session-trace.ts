/** What one session writes to the trace: its handshake, its failure, its close. */

import type { StreamEnds } from "../net/index.js";
import type { Trace } from "../sim/index.js";
import type { TlsFailure } from "./failure.js";
import type { TlsHandshake, TlsRole } from "./session-types.js";
import "./trace-kinds.js";

/** @internal The trace records of one session, each with its role and `ip:port` ends. */
export class SessionTrace {
  constructor(
    private readonly trace: Trace | undefined,
    private readonly node: string | undefined,
    private readonly role: TlsRole,
    private readonly stream: StreamEnds,
  ) {}

  /** `tls.handshake.done`. */
  handshakeDone(handshake: TlsHandshake): void {
    const peer = handshake.peer;
    this.trace?.record(
      "tls.handshake.done",
      {
        ...this.ends(),
        version: handshake.version,
        cipherSuite: handshake.cipherSuite,
        resumed: handshake.resumed,
        peerCN: peer?.commonName,
        peerOU: peer?.organizationalUnit,
        peerO: peer?.organization,
      },
      this.node,
    );
  }

  /** `tls.handshake.failed`, or `tls.session.closed` with the reason once the handshake had completed. */
  failed(failure: TlsFailure, secure: boolean): void {
    const { reason, origin, detail, alert } = failure;
    if (secure) this.trace?.record("tls.session.closed", { ...this.ends(), reason, origin, detail }, this.node);
    else this.trace?.record("tls.handshake.failed", { ...this.ends(), reason, origin, alert, detail }, this.node);
  }

  /** `tls.session.closed`, cleanly. */
  closed(): void {
    this.trace?.record("tls.session.closed", this.ends(), this.node);
  }

  private ends(): { role: TlsRole; local: string; remote: string } {
    const s = this.stream;
    return { role: this.role, local: `${s.localAddress}:${s.localPort}`, remote: `${s.remoteAddress}:${s.remotePort}` };
  }
}
