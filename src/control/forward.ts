/**
 * A follower passes leader-only calls on to the leader (swarmkit's raft proxy,
 * protobuf/plugin/raftproxy, with ca/forward.go's metadata): over its own
 * mutual-TLS connection to the leader, naming the caller it forwards for, and
 * relaying the answer, or each message of a stream.
 */

import type { Ipv4Address } from "../net/index.js";
import type { TlsIdentity, TlsPeer, TrustStore } from "../tls/index.js";
import { callerOf, forwardedFor, remoteAddressOf } from "./caller.js";
import { type ControlConnection, type ControlContext, dialControlPlane } from "./endpoint.js";
import type { MethodHandler, Reply } from "./rpc.js";
import { type ForwardedFor, GrpcCode } from "./rpc-frame.js";
import { noLeaderReason } from "./store.js";

/** What a forwarder needs from its manager. */
export interface ForwarderOptions {
  /** The manager's control context for a new connection (its session cache follows its identity). */
  readonly context: () => ControlContext;
  readonly tls: () => { identity: TlsIdentity; trust: TrustStore };
  /** The leader's address as this manager's raft knows it; none without a leader. */
  readonly leaderAddress: () => Ipv4Address | undefined;
  readonly clusterId: () => string;
}

/** One manager's forwarder: one connection to the current leader, re-dialed when the leader changes. */
export class Forwarder {
  private upstream: { address: Ipv4Address; connection: ControlConnection } | undefined;
  private dials = 0;

  constructor(private readonly options: ForwarderOptions) {}

  /** A handler that forwards `method` to the leader. */
  handler(method: string): MethodHandler<TlsPeer | null> {
    return (peer, body, reply, forwarded, remoteAddress) => this.forward(method, { peer, forwarded, remoteAddress }, body, reply);
  }

  /** Forwards one call. */
  forward(method: string, from: { peer: TlsPeer | null; forwarded: ForwardedFor | undefined; remoteAddress: string }, body: Uint8Array, reply: Reply): void {
    const { peer, forwarded } = from;
    const address = this.options.leaderAddress();
    if (address === undefined) return reply.error(GrpcCode.unavailable, noLeaderReason);
    const connection = this.connectionTo(address);
    const clusterId = this.options.clusterId();
    const caller = forwardedFor(callerOf(peer, forwarded, clusterId), remoteAddressOf(peer, forwarded, from.remoteAddress, clusterId));
    connection.call(
      method,
      body,
      (result) => {
        if (!result.ok && result.code === GrpcCode.unavailable) this.drop(connection);
        if (result.ok) reply.ok(result.body);
        else reply.error(result.code, result.message);
      },
      { forwarded: caller, onMessage: (message) => reply.message(message) },
    );
  }

  /** Closes the connection to the leader (the manager stops). */
  stop(): void {
    this.upstream?.connection.close();
    this.upstream = undefined;
  }

  private connectionTo(address: Ipv4Address): ControlConnection {
    if (this.upstream !== undefined && this.upstream.address === address && this.upstream.connection.usable) return this.upstream.connection;
    this.upstream?.connection.close();
    const { identity, trust } = this.options.tls();
    const connection = dialControlPlane(
      this.options.context(),
      { address, identity, trust, peerAuth: "require", serverName: "swarm-manager" },
      `forward-${++this.dials}`,
    );
    this.upstream = { address, connection };
    return connection;
  }

  private drop(connection: ControlConnection): void {
    if (this.upstream?.connection !== connection) return;
    this.upstream = undefined;
    connection.close();
  }
}
