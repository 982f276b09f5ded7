/**
 * Control-plane connections: mutual TLS on port 2377 carrying RPC.
 *
 * A manager listens and serves every connection with the methods it offers,
 * asking for a client certificate but accepting a caller with none (Go's
 * VerifyClientCertIfGiven: a joining node has no certificate yet), so each
 * call is authorized on its own. A node dials with the identity and trust it
 * has; calls made before the handshake completes wait for it.
 */

import type { Host, Ipv4Address } from "../net/index.js";
import type { KeyCache } from "../pki/index.js";
import type { Instant, Rng, Simulation } from "../sim/index.js";
import {
  type KeyLog,
  type PeerAuth,
  type TlsFailure,
  type TlsIdentity,
  type TlsPeer,
  TlsSession,
  type TlsSessionCache,
  TrustStore,
} from "../tls/index.js";
import { type CallOptions, type CallResult, type MethodHandler, RpcClientConnection, RpcServerConnection } from "./rpc.js";
import { GrpcCode } from "./rpc-frame.js";
import { ServedTrace } from "./served-trace.js";

/** grpc-go's ErrClientConnClosing text: what calls on a connection closed by its own side fail with. */
export const clientConnectionClosingMessage = "grpc: the client connection is closing";

/** The control-plane port (swarmkit's default listen address is 0.0.0.0:2377). */
export const controlPlanePort = 2377;

declare module "../sim/trace.js" {
  interface TraceKinds {
    /** A control-plane connection was dropped for bytes that are not RPC. */
    "rpc.drop": { remote: string; reason: string };
  }
}

/** What both ends of a control-plane connection need from the node that owns it. */
export interface ControlContext {
  readonly sim: Simulation;
  readonly host: Host;
  /** The owning node's name, for traces and random streams. */
  readonly node: string;
  /** Where the connections' random streams fork from. */
  readonly rng: Rng;
  readonly keyLog?: KeyLog;
  readonly sessionCache?: TlsSessionCache;
  /** Where the node's RSA keys (and, on init, the root CA's) are looked up before being drawn; none by default. */
  readonly keyCache?: KeyCache;
  /**
   * The node's own clock, when it is not the simulation's (a node with clock
   * skew): what it checks certificate validity against, issues certificates
   * at (as a CA) and times renewals by. Default: `sim.now`.
   */
  readonly clock?: () => Instant;
}

/** What the node's clock reads now: its own clock if it has one, else simulated time. */
export function nodeTime(context: Pick<ControlContext, "sim" | "clock">): Instant {
  return context.clock === undefined ? context.sim.now : context.clock();
}


/** Serves RPC on port 2377 until `stop()`; `current()` gives the identity and trust at each new connection. */
export function serveControlPlane(
  context: ControlContext,
  current: () => { identity: TlsIdentity; trust: TrustStore },
  methods: ReadonlyMap<string, MethodHandler<TlsPeer | null>>,
): { stop(): void } {
  let accepted = 0;
  const served = new ServedTrace(context.sim.trace, context.node);
  const binding = context.host.listen(controlPlanePort, (stream) => {
    const { identity, trust } = current();
    const session = new TlsSession({
      role: "server",
      stream,
      identity,
      trust,
      peerAuth: "if-given",
      clock: () => nodeTime(context),
      rng: context.rng.fork(`accept-${++accepted}`),
      scheduler: context.sim.scheduler,
      ...(context.sessionCache === undefined ? {} : { sessionCache: context.sessionCache }),
      ...(context.keyLog === undefined ? {} : { keyLog: context.keyLog }),
      trace: context.sim.trace,
      node: context.node,
    });
    let rpc: RpcServerConnection<TlsPeer | null> | undefined;
    session.on("secure", (handshake) => {
      const ends = { local: `${stream.localAddress}:${stream.localPort}`, remote: `${stream.remoteAddress}:${stream.remotePort}` };
      served.accepted(ends, handshake, identity, trust);
      rpc = new RpcServerConnection(
        { write: (bytes) => void session.write(bytes), close: () => session.close() },
        handshake.peer,
        served.methods(methods, ends),
        (reason) => context.sim.trace.record("rpc.drop", { remote: `${stream.remoteAddress}:${stream.remotePort}`, reason }, context.node),
        stream.remoteAddress,
      );
    });
    session.on("data", (bytes) => rpc?.receive(bytes));
    session.on("close", () => rpc?.shutdown());
    session.on("failure", () => rpc?.shutdown());
  });
  return { stop: () => binding.close() };
}

/** How to dial a manager. */
export interface DialOptions {
  readonly address: Ipv4Address;
  readonly identity?: TlsIdentity;
  readonly trust: TrustStore;
  readonly peerAuth: PeerAuth;
  /** The name the manager's certificate must carry (swarmkit dials the CA as `swarm-ca`). */
  readonly serverName?: string;
}

/** One client connection: calls wait for the handshake; a failed handshake fails them with its reason. */
export interface ControlConnection {
  call(method: string, body: Uint8Array, done: (result: CallResult) => void, options?: CallOptions): void;
  close(): void;
  /** Whether the connection is up or still coming up (not failed, not closed). */
  readonly usable: boolean;
  /** The manager as its certificate says (once secure). */
  readonly peer: TlsPeer | null | undefined;
  /** Why the connection failed, if it did. */
  readonly failure: TlsFailure | undefined;
}

/** Opens a control-plane connection to a manager. */
export function dialControlPlane(context: ControlContext, options: DialOptions, name: string): ControlConnection {
  const stream = context.host.connect(options.address, controlPlanePort);
  const session = new TlsSession({
    role: "client",
    stream,
    ...(options.identity === undefined ? {} : { identity: options.identity }),
    trust: options.trust,
    peerAuth: options.peerAuth,
    ...(options.serverName === undefined ? {} : { serverName: options.serverName }),
    clock: () => nodeTime(context),
    rng: context.rng.fork(name),
    scheduler: context.sim.scheduler,
    ...(context.sessionCache === undefined ? {} : { sessionCache: context.sessionCache }),
    ...(context.keyLog === undefined ? {} : { keyLog: context.keyLog }),
    trace: context.sim.trace,
    node: context.node,
  });
  const rpc = new RpcClientConnection({ write: (bytes) => void session.write(bytes), close: () => session.close() });
  const queued: Array<() => void> = [];
  const sendQueued = () => {
    for (const send of queued.splice(0)) send();
  };
  let closedByUs = false;
  session.on("secure", sendQueued);
  session.on("data", (bytes) => rpc.receive(bytes));
  // However the connection ends, calls still waiting for the handshake fail rather than wait forever.
  session.on("close", () => {
    rpc.shutdown("connection closed");
    sendQueued();
  });
  session.on("failure", (f) => {
    rpc.shutdown(connectionErrorText(f, `${options.address}:${controlPlanePort}`));
    sendQueued();
  });
  return {
    call(method, body, done, options) {
      const send = () => void rpc.call(method, body, done, options);
      if (closedByUs || session.state === "secure" || session.state === "failed" || session.state === "closed") send();
      else queued.push(send);
    },
    close: () => {
      // grpc-go's ClientConn.Close: calls in flight or waiting fail with Canceled at once.
      closedByUs = true;
      rpc.shutdown(clientConnectionClosingMessage, GrpcCode.canceled);
      sendQueued();
      session.close();
    },
    get usable() {
      return session.state !== "failed" && session.state !== "closed";
    },
    get peer() {
      return session.peer;
    },
    get failure() {
      return session.failure;
    },
  };
}

/**
 * How grpc-go describes a connection that failed, as the daemon reports it:
 * a dial error for a refused or unreachable port, an authentication error in
 * crypto/x509's words for a refused certificate.
 */
export function connectionErrorText(failure: TlsFailure, target: string): string {
  const dial = (why: string) => `connection error: desc = "transport: Error while dialing: dial tcp ${target}: ${why}"`;
  const handshake = (why: string) => `connection error: desc = "transport: authentication handshake failed: ${why}"`;
  if (failure.reason === "stream-reset") {
    if (failure.streamReset === "refused") return dial("connect: connection refused");
    if (failure.streamReset === "timeout" || failure.streamReset === "host-down") return dial("i/o timeout");
    return dial("connection reset by peer");
  }
  switch (failure.reason) {
    case "unknown-ca":
      // Go says why when the only candidate root was out of its validity (verify.go UnknownAuthorityError).
      return handshake(`x509: ${failure.detail.startsWith("certificate signed by unknown authority (possibly") ? failure.detail : "certificate signed by unknown authority"}`);
    case "expired":
    case "not-yet-valid":
      return handshake(goExpiredText(failure));
    case "bad-certificate":
      return handshake(`x509: ${failure.detail}`);
    case "handshake-timeout":
      return handshake("context deadline exceeded");
    default:
      return handshake(`${failure.reason}: ${failure.detail}`);
  }
}

/**
 * crypto/x509 CertificateInvalidError for Expired, with the Detail Go has
 * added since 1.14: "current time T is after NotAfter" (or "before
 * NotBefore"), both as time.RFC3339 in UTC.
 */
function goExpiredText(failure: TlsFailure): string {
  const text = "x509: certificate has expired or is not yet valid";
  const validity = failure.validity;
  if (validity === undefined) return text;
  const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${text}: current time ${rfc3339(validity.now)} is ${failure.reason === "expired" ? "after" : "before"} ${rfc3339(validity.bound)}`;
}

/** A call result for a connection that never came up. */
export function unavailable(message: string): CallResult {
  return { ok: false, code: GrpcCode.unavailable, message };
}
