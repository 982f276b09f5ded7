/**
 * A manager's own agent reaches its manager in-process, as swarmkit's does
 * over a local socket (node/node.go: the agent's connection broker prefers the
 * local manager). Nothing of it crosses the underlay; the calls and answers
 * still go through the RPC encoding, one scheduler step apart.
 */

import forge from "node-forge";
import type { Simulation } from "../sim/index.js";
import type { TlsPeer } from "../tls/index.js";
import type { ControlConnection } from "./endpoint.js";
import type { NodeIdentity } from "./identity.js";
import { type MethodHandler, RpcClientConnection, RpcServerConnection } from "./rpc.js";

/** The TLS peer a local caller stands for: the node's own certificate, verified. */
export function localPeerOf(identity: NodeIdentity): TlsPeer {
  const leafPem = identity.chainPem[0] ?? "";
  const leaf = forge.pki.certificateFromPem(leafPem);
  const field = (shortName: string) => leaf.subject.getField(shortName)?.value as string | undefined;
  return {
    chainPem: identity.chainPem,
    leafPem,
    commonName: field("CN"),
    organizationalUnit: field("OU"),
    organization: field("O"),
    dnsNames: [],
    notBefore: 0 as never,
    notAfter: Number.MAX_SAFE_INTEGER as never,
    verified: true,
  };
}

/** A connection to the local manager's `methods`, calling as `peer`. */
export function connectLocal(sim: Simulation, methods: ReadonlyMap<string, MethodHandler<TlsPeer | null>>, peer: TlsPeer, address: string): ControlConnection {
  let open = true;
  const later = (deliver: () => void) => void sim.scheduler.after(0 as never, "rpc.local", () => open && deliver());
  const close = () => {
    if (!open) return;
    open = false;
    server.shutdown();
    client.shutdown("connection closed");
  };
  const server: RpcServerConnection<TlsPeer | null> = new RpcServerConnection<TlsPeer | null>(
    { write: (bytes) => later(() => client.receive(bytes)), close },
    peer,
    methods,
    () => close(),
    address,
  );
  const client = new RpcClientConnection({ write: (bytes) => later(() => server.receive(bytes)), close });
  return {
    call: (method, body, done, options) => void client.call(method, body, done, options),
    close,
    get usable() {
      return open;
    },
    peer,
    failure: undefined,
  };
}
