/**
 * One end of a mutual-TLS session over a simulated stream: node-forge's TLS
 * engine, fed the stream's bytes and writing its records back onto the stream,
 * so every record crosses the simulated wire.
 *
 * Each call into forge (handshake, process, prepare, close) runs in a scope
 * that lends it the session's seeded randomness, the simulated clock, its key
 * and the TLS 1.1 fix (forge-scope.ts). forge's callbacks only collect what
 * they are told (records to send, data, completion, failure); the session acts
 * on it after forge returns, so no code of the user's (event handlers, the key
 * log's sink) runs inside forge or sees its globals lent, and a handler that
 * writes or closes starts a fresh call.
 *
 * Once the handshake is done, application data skips forge where it can: with
 * the native record layer (record-native.ts) the session seals what it writes
 * and opens the application_data records it reads itself, in forge's order of
 * sequence numbers and random draws, so the bytes are those forge would have
 * made. Any other record (an alert, a record of the wrong version or shape) is
 * handed to forge with everything after it, and forge reads on until its
 * input is empty again.
 */

import { EventEmitter } from "eventemitter3";
import { type ForgeRandom, forgeRandomFrom } from "../crypto/index.js";
import { concatBytes, copyBytes } from "../encoding/index.js";
import { type Stream, type StreamResetReason, describeEnds } from "../net/index.js";
import { type EventHandle, type Instant, type Scheduler, dateAt } from "../sim/index.js";
import { binaryToBytes, binaryToHex, bytesToBinary } from "./binary.js";
import { checkSessionOptions } from "./check-options.js";
import { cipherSuiteName, handshakeTimeoutUs, recordMaxPlaintextBytes, versionName } from "./constants.js";
import type { TlsFailure } from "./failure.js";
import type { ForgeConnection, ForgeConnectionOptions, ForgeError } from "./forge-api.js";
import { forgeTls } from "./forge-api.js";
import { failureOfForgeError } from "./forge-failure.js";
import { type ForgeScope, inForgeScope, privateKeyToken } from "./forge-scope.js";
import type { TlsIdentity, TlsPeer } from "./identity.js";
import type { KeyLog } from "./key-log.js";
import { PeerCheck } from "./peer-check.js";
import { type NativeRecords, protectRecordsNatively, recordHeaderBytes } from "./record-native.js";
import { Resumption } from "./resumption.js";
import { SessionTrace } from "./session-trace.js";
import type { PeerAuth, TlsHandshake, TlsRole, TlsSessionEvents, TlsSessionOptions, TlsSessionState } from "./session-types.js";
import { TrustStore } from "./trust-store.js";

/** What forge told the session during a call, acted on once forge has returned. */
type Pending =
  | { readonly kind: "secure"; readonly clientRandom: string; readonly masterSecret: string | null }
  | { readonly kind: "data"; readonly bytes: Uint8Array }
  | { readonly kind: "closing" }
  | { readonly kind: "failure"; readonly failure: TlsFailure; readonly secure: boolean };

/**
 * One end of a TLS session.
 *
 * @example
 * ```ts
 * manager.listen(2377, (stream) => {
 *   const server = new TlsSession({ role: "server", stream, identity, trust, peerAuth: "if-given",
 *     clock: () => sim.now, rng: tlsRng.fork(`accept-${n++}`), sessionCache, keyLog });
 *   server.on("secure", ({ peer }) => authorize(peer));
 *   server.on("data", (bytes) => handle(bytes));
 * });
 * const client = new TlsSession({ role: "client", stream: worker.connect(manager.ip, 2377),
 *   identity: workerIdentity, trust, peerAuth: "require", serverName: "swarm-manager",
 *   clock: () => sim.now, rng: tlsRng.fork("worker-1") });
 * client.write(request); // sent once the handshake completes
 * client.on("failure", (f) => console.log(f.reason, f.detail));
 * ```
 */
export class TlsSession extends EventEmitter<TlsSessionEvents> {
  /** Client or server. */
  readonly role: TlsRole;
  /** The stream the records travel on. */
  readonly stream: Stream;

  private readonly identity: TlsIdentity | undefined;
  private readonly peerAuth: PeerAuth;
  private readonly clock: () => Instant;
  private readonly random: ForgeRandom;
  private readonly keyLog: KeyLog | undefined;
  private readonly trace: SessionTrace;
  private readonly scheduler: Scheduler | undefined;
  private readonly peerCheck: PeerCheck;
  private readonly resumption: Resumption;
  private readonly connection: ForgeConnection;
  private readonly nativeRecords: boolean;
  /** The record layer on bytes, once the handshake made one (see the class comment). */
  private records: NativeRecords | undefined;
  /** The start of a record the session reads itself, whose rest has not arrived. */
  private partialRecord: Uint8Array | undefined;
  private deadline: EventHandle | undefined;

  private phase: TlsSessionState;
  /** Records to write, in order: forge's and the session's own. */
  private readonly outgoing: Uint8Array[] = [];
  private readonly pending: Pending[] = [];
  /** Application writes made before the handshake completed. */
  private readonly unsentWrites: Uint8Array[] = [];
  private flushing = false;
  private closeRequested = false;
  private closeWhenSecure = false;
  private streamClosedByUs = false;
  /** A client was asked for a certificate (and sent its own, or an empty list). */
  private askedForCertificate = false;
  private result: TlsHandshake | undefined;
  private failed: TlsFailure | undefined;
  private failedSessionId: string | undefined;

  /** Starts a session on `options.stream`; a client sends its ClientHello once the stream is open. */
  constructor(options: TlsSessionOptions) {
    super();
    checkSessionOptions(options);
    this.role = options.role;
    this.stream = options.stream;
    this.identity = options.identity;
    this.peerAuth = options.peerAuth;
    this.clock = options.clock;
    this.random = forgeRandomFrom(options.rng);
    this.keyLog = options.keyLog;
    this.nativeRecords = options.nativeRecords ?? true;
    this.trace = new SessionTrace(options.trace, options.node, this.role, this.stream);
    this.scheduler = options.scheduler;
    const trust = options.trust ?? TrustStore.empty;
    this.peerCheck = new PeerCheck(this.peerAuth, trust, options.serverName, this.clock);
    this.resumption = new Resumption({
      role: this.role,
      peerAuth: this.peerAuth,
      trust,
      clock: this.clock,
      random: this.random,
      cache: options.sessionCache,
      serverKey: this.role === "client" ? `${this.stream.remoteAddress}:${this.stream.remotePort}/${options.serverName ?? ""}` : undefined,
    });
    this.connection = inForgeScope(this.scope(), () => forgeTls.createConnection(this.forgeOptions(trust, options.serverName)));
    this.stream.on("data", (bytes) => this.receive(bytes));
    this.stream.on("end", () => this.peerEnded());
    this.stream.on("close", () => this.streamClosed());
    this.stream.on("reset", (reason) => this.streamReset(reason));
    const timeout = options.handshakeTimeout ?? handshakeTimeoutUs;
    this.deadline = this.scheduler?.after(timeout, "tls.handshake-timeout", () => this.handshakeTimedOut(timeout));
    this.phase = this.role === "server" ? "handshaking" : "connecting";
    if (this.role === "client") {
      if (this.stream.state === "open") this.startHandshake();
      else this.stream.once("connect", () => this.startHandshake());
    }
  }

  /** Where the session is. */
  get state(): TlsSessionState {
    return this.phase;
  }

  /** What the handshake established, once it completed. */
  get handshake(): TlsHandshake | undefined {
    return this.result;
  }

  /** The peer, once the handshake completed (null: it sent no certificate). */
  get peer(): TlsPeer | null | undefined {
    return this.result?.peer;
  }

  /** Why the session failed, if it did. */
  get failure(): TlsFailure | undefined {
    return this.failed;
  }

  /**
   * Sends `bytes` (copied) as application data: at once when the session is
   * secure, after the handshake otherwise; records hold at most 15 360 bytes,
   * so a long write spans several. Returns false, sending nothing, once the
   * session has failed or the peer closed it. Writing after `close()` is a
   * programming mistake and throws.
   */
  write(bytes: Uint8Array): boolean {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`"bytes" expected a Uint8Array, got ${typeof bytes}`);
    if (this.closeRequested) throw new Error(`write after close on TLS session ${describeEnds(this.stream)}`);
    switch (this.phase) {
      case "connecting":
      case "handshaking":
        this.unsentWrites.push(copyBytes(bytes));
        return true;
      case "secure":
        if (bytes.length > 0) this.sendApplicationData(bytes);
        return true;
      default:
        return false;
    }
  }

  /**
   * Closes the session: close_notify, then the stream's FIN. Writes made before
   * the handshake completed are sent first. `close` follows once the stream has
   * closed. Idempotent.
   */
  close(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    if (this.phase === "connecting") {
      // A dial given up before the connection is up: the socket, still in SYN-SENT, is dropped
      // without a segment (RFC 793 CLOSE in SYN-SENT; Linux tcp_close), so no more SYNs go out.
      this.phase = "closing";
      this.streamClosedByUs = true;
      this.stream.reset();
    } else if (this.phase === "handshaking" && this.unsentWrites.length > 0) {
      this.closeWhenSecure = true;
    } else {
      this.shutdown();
    }
  }

  // --- driving forge ---

  private scope(): ForgeScope {
    return { random: this.random, at: this.clock(), privateKey: this.identity?.privateKey };
  }

  /** One call into forge, in scope; then acts on what forge said. forge throwing is a failure, not an exception. */
  private call(action: (connection: ForgeConnection) => void): void {
    const scope = this.scope();
    // x509.js verifyCertificateChain falls back to the wall clock without a date: never let it.
    this.connection.verifyOptions = { validityCheckDate: dateAt(scope.at) };
    try {
      inForgeScope(scope, () => action(this.connection));
    } catch (error) {
      this.fail({ reason: "internal-error", origin: "local", detail: `forge threw: ${(error as Error)?.message ?? String(error)}` });
    }
    this.flush();
  }

  private startHandshake(): void {
    if (this.phase !== "connecting") return; // closed before the stream connected
    this.phase = "handshaking";
    this.call((c) => c.handshake());
  }

  private receive(bytes: Uint8Array): void {
    // After a failure or close, forge has reset itself; what the peer still sends is dropped.
    if (this.phase !== "handshaking" && this.phase !== "secure") return;
    if (this.phase === "secure" && this.records !== undefined && (this.partialRecord !== undefined || this.forgeIdle())) {
      this.readRecords(this.records, bytes);
    } else {
      this.call((c) => c.process(bytesToBinary(bytes)));
    }
  }

  /** Whether forge holds no part of a record: what arrives next starts a record, and the session may read it. */
  private forgeIdle(): boolean {
    const c = this.connection;
    return c.input.length() === 0 && (c.record === null || (c.record.ready && c.record.fragment.isEmpty()));
  }

  /** tls.js prepare for application data, on the native record layer when there is one: forge's records, cut as tls.queue cuts them. */
  private sendApplicationData(bytes: Uint8Array): void {
    const records = this.records;
    if (records === undefined) {
      this.call((c) => c.prepare(bytesToBinary(bytes)));
      return;
    }
    const applicationData = forgeTls.ContentType.application_data;
    if (bytes.length <= recordMaxPlaintextBytes) {
      this.outgoing.push(records.seal(applicationData, bytes));
    } else {
      // tls.flush writes all the records of one prepare at once.
      const sealed: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += recordMaxPlaintextBytes) {
        sealed.push(records.seal(applicationData, bytes.subarray(at, at + recordMaxPlaintextBytes)));
      }
      this.outgoing.push(concatBytes(sealed));
    }
    this.flush();
  }

  /**
   * tls.js process for what arrives once the session is secure: each whole
   * application_data record opened here, every one of this delivery before
   * any is acted on (as forge opens them all within one process call); the
   * first other record, and all after it, go to forge.
   */
  private readRecords(records: NativeRecords, bytes: Uint8Array): void {
    const input = this.partialRecord === undefined ? bytes : concatBytes([this.partialRecord, bytes]);
    this.partialRecord = undefined;
    const c = this.connection;
    const applicationData = forgeTls.ContentType.application_data;
    let at = 0;
    while (input.length - at >= recordHeaderBytes) {
      const type = input[at]!;
      const major = input[at + 1]!;
      const minor = input[at + 2]!;
      const length = (input[at + 3]! << 8) | input[at + 4]!;
      if (type !== applicationData || major !== c.version.major || minor !== c.version.minor) break;
      if (input.length - at < recordHeaderBytes + length) {
        this.partialRecord = copyBytes(input, at);
        at = input.length;
        break;
      }
      const body = input.subarray(at + recordHeaderBytes, at + recordHeaderBytes + length);
      const opened = records.open(type, major, minor, body);
      if (opened === "forge") break;
      at += recordHeaderBytes + length;
      if (opened === "refused") {
        // tls.js state.read.update's answer to a record that does not open.
        this.call((connection) =>
          connection.error(connection, {
            message: "Could not decrypt record or bad MAC.",
            send: true,
            alert: { level: forgeTls.Alert.Level.fatal, description: forgeTls.Alert.Description.bad_record_mac },
          }),
        );
        return;
      }
      if (opened.length > 0) this.pending.push({ kind: "data", bytes: opened });
    }
    if (at < input.length) {
      const rest = input.subarray(at);
      this.call((connection) => connection.process(bytesToBinary(rest)));
    } else {
      this.flush();
    }
  }

  /** Sends close_notify and closes the stream. */
  private shutdown(): void {
    if (this.phase !== "handshaking" && this.phase !== "secure") return;
    this.call((c) => c.close());
    // forge reports `closed` only for a connection it had opened (a server before ClientHello has not).
    if (this.phase === "handshaking" || this.phase === "secure") {
      this.phase = "closing";
      this.closeStream();
    }
  }

  private forgeOptions(trust: TrustStore, serverName: string | undefined): ForgeConnectionOptions {
    const server = this.role === "server";
    const suite = forgeTls.CipherSuites[cipherSuiteName];
    if (suite === undefined) throw new Error(`node-forge lacks ${cipherSuiteName}`);
    const identity = this.identity;
    return {
      server,
      caStore: trust.caStore,
      sessionCache: this.resumption.forgeCache(),
      cipherSuites: [suite],
      virtualHost: serverName ?? null,
      verifyClient: !server || this.peerAuth === "none" ? false : this.peerAuth === "require" ? true : "optional",
      verify: (_c, verified, depth, certs) => this.peerCheck.verify(verified, depth, certs),
      getCertificate: () => this.certificateToSend(),
      ...(server ? { getPrivateKey: () => privateKeyToken } : {}),
      ...(!server && identity !== undefined
        ? { getSignature: (c, bytes, done) => done(c, identity.privateKey.sign(bytes, null)) }
        : {}),
      connected: (c) => this.handshakeCompleted(c),
      tlsDataReady: (c) => {
        const records = c.tlsData.getBytes();
        if (records.length > 0) this.outgoing.push(binaryToBytes(records));
      },
      dataReady: (c) => {
        const data = c.data.getBytes();
        if (data.length > 0) this.pending.push({ kind: "data", bytes: binaryToBytes(data) });
      },
      closed: () => this.forgeClosed(),
      error: (_c, error) => this.forgeFailed(error),
    };
  }

  // --- forge's callbacks: they only record ---

  private certificateToSend(): string[] | null {
    if (this.role === "client") this.askedForCertificate = true;
    return this.identity === undefined ? null : [...this.identity.chainPem];
  }

  private handshakeCompleted(c: ForgeConnection): void {
    const session = c.session!;
    const resumed = session.resuming === true;
    if (this.nativeRecords) this.records = protectRecordsNatively(c, this.random);
    // forge's resumed session carries no certificate: its identity is the one the session was made with.
    const established = resumed ? this.resumption.resumedPeer() : { peer: this.peerCheck.peer(), chain: this.peerCheck.chain ?? [] };
    this.resumption.remember(session, c.version, established);
    this.result = {
      version: versionName(c.version),
      cipherSuite: session.cipherSuite?.name ?? "unknown",
      resumed,
      sessionId: binaryToHex(session.id),
      peer: established.peer,
    };
    this.phase = "secure";
    this.cancelDeadline();
    this.pending.push({ kind: "secure", clientRandom: session.sp.client_random, masterSecret: session.sp.master_secret });
  }

  private forgeClosed(): void {
    if (this.phase !== "handshaking" && this.phase !== "secure") return; // a failure already closed it
    this.phase = "closing";
    this.pending.push({ kind: "closing" });
  }

  private forgeFailed(error: ForgeError): void {
    if (error.fatal === false) return; // forge's complaints about misuse (handshake() twice), which this class never makes
    this.fail(
      failureOfForgeError(error, {
        role: this.role,
        secure: this.phase === "secure",
        certificateProblem: this.peerCheck.problem,
        sentNoCertificate: this.askedForCertificate && this.identity === undefined,
      }),
    );
  }

  private fail(failure: TlsFailure): void {
    if (this.phase !== "connecting" && this.phase !== "handshaking" && this.phase !== "secure") return;
    const secure = this.phase === "secure";
    this.failed = failure;
    this.failedSessionId = this.connection?.session?.id;
    this.phase = "failed";
    this.cancelDeadline();
    this.pending.push({ kind: "failure", failure, secure });
  }

  // --- acting on it, outside forge ---

  /** Writes forge's records and delivers what forge said, in order. A call made meanwhile adds to the same queues. */
  private flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        if (this.outgoing.length > 0) this.writeRecords();
        const next = this.pending.shift();
        if (next === undefined) break;
        this.deliver(next);
      }
    } finally {
      this.flushing = false;
    }
  }

  private writeRecords(): void {
    const records = this.outgoing.splice(0);
    if (this.streamClosedByUs || this.stream.state === "reset" || this.stream.state === "closed") return;
    for (const record of records) this.stream.write(record);
  }

  private deliver(event: Pending): void {
    switch (event.kind) {
      case "secure":
        if (event.masterSecret !== null) this.keyLog?.add(binaryToBytes(event.clientRandom), binaryToBytes(event.masterSecret));
        return this.announceSecure();
      case "data":
        this.emit("data", event.bytes);
        return;
      case "closing":
        return this.closeStream();
      case "failure":
        return this.announceFailure(event.failure, event.secure);
    }
  }

  private announceSecure(): void {
    const handshake = this.result!;
    for (const bytes of this.unsentWrites.splice(0)) {
      if (this.phase === "secure") this.sendApplicationData(bytes);
    }
    this.trace.handshakeDone(handshake);
    if (this.closeWhenSecure) {
      this.closeWhenSecure = false;
      this.shutdown();
    }
    this.emit("secure", handshake);
  }

  private announceFailure(failure: TlsFailure, secure: boolean): void {
    // RFC 5246 §7.2.2: a session ended by a fatal alert must not be resumed.
    if (this.failedSessionId !== undefined && failure.reason !== "stream-reset" && failure.reason !== "peer-closed") {
      this.resumption.forget(this.failedSessionId);
    }
    this.trace.failed(failure, secure);
    const reason = failure.reason;
    if (reason === "internal-error") this.stream.reset();
    else if (reason !== "stream-reset") this.closeStream(); // after the alert, so the peer reads it
    this.emit("failure", failure);
  }

  private closeStream(): void {
    if (this.streamClosedByUs) return;
    this.streamClosedByUs = true;
    this.stream.close();
  }

  private handshakeTimedOut(timeout: number): void {
    this.deadline = undefined;
    this.fail({ reason: "handshake-timeout", origin: "local", detail: `no handshake within ${timeout / 1_000_000} s` });
    this.flush();
  }

  private cancelDeadline(): void {
    if (this.deadline !== undefined) this.scheduler?.cancel(this.deadline);
    this.deadline = undefined;
  }

  // --- the stream's events ---

  private peerEnded(): void {
    if (this.phase === "handshaking") {
      this.fail({ reason: "peer-closed", origin: "peer", detail: "the peer closed the connection during the handshake" });
      this.flush();
    } else if (this.phase === "secure") {
      // The peer closed without close_notify; Go reads that as the end of the connection, and so does this.
      this.shutdown();
    }
  }

  private streamClosed(): void {
    if (this.phase === "failed" || this.phase === "closed") return;
    this.finishClosed();
  }

  private streamReset(reason: StreamResetReason): void {
    if (this.phase === "closing") {
      this.finishClosed(); // close_notify was already sent or received: the session itself ended cleanly
      return;
    }
    const origin = reason === "peer-reset" || reason === "refused" ? "peer" : "local";
    this.fail({ reason: "stream-reset", origin, detail: `the stream reset (${reason})`, streamReset: reason });
    this.flush();
  }

  private finishClosed(): void {
    this.phase = "closed";
    this.cancelDeadline();
    this.trace.closed();
    this.emit("close");
  }
}
