/**
 * What a manager's control-plane listener writes to the trace for those who
 * audit it afterwards (`invariants.mutualAuthOnly`): once per accepted
 * connection, both certificates of its handshake (subject, validity, and the
 * root each leads to); once per call it served, the method and, for a call a
 * manager forwarded, the caller it named. Calls refused with an error are not
 * "served" and are not recorded; their refusal is the handler's to report.
 */

import forge from "node-forge";
import { caDigest, readCertificate } from "../pki/index.js";
import type { Trace } from "../sim/index.js";
import type { TlsHandshake, TlsIdentity, TrustStore } from "../tls/index.js";
import type { MethodHandler, Reply } from "./rpc.js";

declare module "../sim/trace.js" {
  interface TraceKinds {
    /**
     * A manager accepted a control-plane connection (`local`/`remote` are `ip:port`).
     * `peer*` describe the client's leaf (absent: it sent none); `self*` the
     * manager's own. `*Root` is the digest (`caDigest`) of the trusted root the
     * chain leads to: absent when none of the roots the manager trusted signed it.
     */
    "rpc.accepted": {
      local: string;
      remote: string;
      resumed: boolean;
      peerCN?: string;
      peerOU?: string;
      peerO?: string;
      peerNotBefore?: number;
      peerNotAfter?: number;
      peerRoot?: string;
      selfCN: string;
      selfOU: string;
      selfO: string;
      selfNotBefore: number;
      selfNotAfter: number;
      selfRoot?: string;
    };
    /** A manager served a call on a connection (its first answer or stream message was not an error); `for*`: the caller a manager forwarded it for. */
    "rpc.served": { method: string; local: string; remote: string; forCN?: string; forOU?: string; forO?: string };
  }
}

/**
 * A connection's two ends, `ip:port`, as the TLS records write them.
 *
 * @example
 * ```ts
 * const ends: ServedEnds = { local: "10.0.0.1:2377", remote: "10.0.0.2:32768" };
 * ```
 */
export interface ServedEnds {
  readonly local: string;
  readonly remote: string;
}

/** Certificates met before, by PEM and roots: a node reconnects with the same leaf many times. */
const cacheLimit = 256;

/**
 * @internal The tracing of one manager's listener.
 *
 * @example
 * ```ts
 * const served = new ServedTrace(sim.trace, "manager-1");
 * session.on("secure", (handshake) => {
 *   served.accepted(ends, handshake, identity, trust);
 *   rpc = new RpcServerConnection(channel, handshake.peer, served.methods(methods, ends), onError);
 * });
 * ```
 */
export class ServedTrace {
  private readonly roots = new Map<string, string | undefined>();

  constructor(
    private readonly trace: Trace,
    private readonly node: string,
  ) {}

  /** `rpc.accepted` for a handshake that completed on `ends`. */
  accepted(ends: ServedEnds, handshake: TlsHandshake, identity: TlsIdentity, trust: TrustStore): void {
    const self = readCertificate(identity.chainPem[0] ?? "");
    const peer = handshake.peer;
    this.trace.record(
      "rpc.accepted",
      {
        ...ends,
        resumed: handshake.resumed,
        ...(peer === null
          ? {}
          : {
              peerCN: peer.commonName ?? "",
              peerOU: peer.organizationalUnit ?? "",
              peerO: peer.organization ?? "",
              peerNotBefore: peer.notBefore,
              peerNotAfter: peer.notAfter,
              peerRoot: this.rootOf(peer.chainPem, trust),
            }),
        selfCN: self.ok ? self.info.nodeId : "",
        selfOU: self.ok ? self.info.organizationalUnit : "",
        selfO: self.ok ? self.info.clusterId : "",
        selfNotBefore: self.ok ? self.info.notBefore : 0,
        selfNotAfter: self.ok ? self.info.notAfter : 0,
        selfRoot: this.rootOf(identity.chainPem, trust),
      },
      this.node,
    );
  }

  /** `methods`, each recording `rpc.served` on `ends` when it first answers without an error. */
  methods<Peer>(methods: ReadonlyMap<string, MethodHandler<Peer>>, ends: ServedEnds): Map<string, MethodHandler<Peer>> {
    const traced = new Map<string, MethodHandler<Peer>>();
    for (const [method, handler] of methods) {
      traced.set(method, (peer, body, reply, forwarded, remoteAddress) => {
        const served = () =>
          this.trace.record(
            "rpc.served",
            {
              method,
              ...ends,
              ...(forwarded === undefined ? {} : { forCN: forwarded.commonName, forOU: forwarded.organizationalUnit, forO: forwarded.organization }),
            },
            this.node,
          );
        handler(peer, body, onFirstAnswer(reply, served), forwarded, remoteAddress);
      });
    }
    return traced;
  }

  /** The digest of the trusted root that signed a certificate of `chainPem`, walking up from the leaf. */
  private rootOf(chainPem: readonly string[], trust: TrustStore): string | undefined {
    const key = `${trust.rootsPem.join("")}|${chainPem.join("")}`;
    if (this.roots.has(key)) return this.roots.get(key);
    if (this.roots.size >= cacheLimit) this.roots.clear();
    const root = signingRoot(chainPem, trust);
    this.roots.set(key, root);
    return root;
  }
}

function signingRoot(chainPem: readonly string[], trust: TrustStore): string | undefined {
  for (const pem of chainPem) {
    let cert: forge.pki.Certificate;
    try {
      cert = forge.pki.certificateFromPem(pem);
    } catch {
      return undefined;
    }
    const index = trust.roots.findIndex((root) => {
      try {
        return root.verify(cert);
      } catch {
        return false; // forge throws when the issuer name does not match
      }
    });
    if (index >= 0) return caDigest(trust.rootsPem[index]!);
  }
  return undefined;
}

/** `reply`, running `served` once, just before its first answer or stream message that is not an error. */
function onFirstAnswer(reply: Reply, served: () => void): Reply {
  let first = true;
  const before = () => {
    if (first && !reply.done) served();
    first = false;
  };
  return {
    ok: (body) => {
      before();
      reply.ok(body);
    },
    error: (code, message) => {
      first = false;
      reply.error(code, message);
    },
    message: (body) => {
      before();
      reply.message(body);
    },
    onCancel: (cancelled) => reply.onCancel(cancelled),
    get done() {
      return reply.done;
    },
  };
}
