/**
 * Who made a control-plane call: the TLS peer, or, when a manager forwarded
 * the call to the leader, the caller it forwarded for (swarmkit ca/forward.go
 * and ca/auth.go RemoteNode: forwarded fields count only when the direct peer
 * is a manager of the cluster).
 */

import type { TlsPeer } from "../tls/index.js";
import { ManagerOu, type PeerSubject } from "./authorize.js";
import type { ForwardedFor } from "./rpc-frame.js";

/** The subject of a verified TLS peer; none for a caller without a (verified) certificate. */
export function subjectOf(peer: TlsPeer | null | undefined): PeerSubject | undefined {
  if (peer === null || peer === undefined || !peer.verified) return undefined;
  return {
    commonName: peer.commonName ?? "",
    organizationalUnits: peer.organizationalUnit === undefined ? [] : [peer.organizationalUnit],
    organizations: peer.organization === undefined ? [] : [peer.organization],
  };
}

/**
 * The caller a handler authorizes: the forwarded caller if a manager of
 * `clusterId` forwarded the call (none if that caller had no certificate),
 * else the TLS peer itself.
 */
export function callerOf(peer: TlsPeer | null | undefined, forwarded: ForwardedFor | undefined, clusterId: string): PeerSubject | undefined {
  const direct = subjectOf(peer);
  if (forwarded === undefined || direct === undefined) return direct;
  const fromManager = direct.organizationalUnits.includes(ManagerOu) && direct.organizations[0] === clusterId;
  if (!fromManager) return direct;
  if (forwarded.commonName === "") return undefined;
  return { commonName: forwarded.commonName, organizationalUnits: [forwarded.organizationalUnit], organizations: [forwarded.organization] };
}

/** The caller's address: the forwarded one when a manager of `clusterId` forwarded the call, else the connection's. */
export function remoteAddressOf(peer: TlsPeer | null | undefined, forwarded: ForwardedFor | undefined, remoteAddress: string, clusterId: string): string {
  const direct = subjectOf(peer);
  const fromManager = direct !== undefined && direct.organizationalUnits.includes(ManagerOu) && direct.organizations[0] === clusterId;
  return fromManager && forwarded !== undefined && forwarded.remoteAddress !== "" ? forwarded.remoteAddress : remoteAddress;
}

/** What a forwarding manager sends for `caller` at `remoteAddress` (empty fields for a caller without a certificate). */
export function forwardedFor(caller: PeerSubject | undefined, remoteAddress: string): ForwardedFor {
  return {
    commonName: caller?.commonName ?? "",
    organizationalUnit: caller?.organizationalUnits[0] ?? "",
    organization: caller?.organizations[0] ?? "",
    remoteAddress,
  };
}
