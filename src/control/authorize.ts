/**
 * Authorization of an authenticated control-plane call, as swarmkit's
 * ca/auth.go does it on every call: the caller's certificate must carry an
 * allowed OU, must belong to this cluster (O), and its CN (the node ID) must
 * not be on the removed-nodes list. The messages are swarmkit's, word for word
 * (including its "didn't not").
 */

import { GrpcCode } from "./rpc-frame.js";

/** The OUs swarmkit uses for roles (ca/config.go ManagerRole, WorkerRole). */
export const ManagerOu = "swarm-manager";
export const WorkerOu = "swarm-worker";

/** Who called, as the TLS handshake proved it: the peer certificate's subject, if it sent one. */
export interface PeerSubject {
  readonly commonName: string;
  readonly organizationalUnits: readonly string[];
  readonly organizations: readonly string[];
}

/** The node ID of an authorized caller, or a gRPC error for the reply. */
export type Authorization =
  | { readonly ok: true; readonly nodeId: string }
  | { readonly ok: false; readonly code: number; readonly message: string };

const denied = (message: string): Authorization => ({ ok: false, code: GrpcCode.permissionDenied, message: `Permission denied: ${message}` });

/** swarmkit ca/auth.go AuthorizeOrgAndRole. */
export function authorizeOrgAndRole(
  peer: PeerSubject | undefined,
  clusterId: string,
  removedNodes: ReadonlySet<string>,
  allowedOus: readonly string[],
): Authorization {
  if (peer === undefined) return denied("peer didn't not present valid peer certificate");
  if (!peer.organizationalUnits.some((ou) => allowedOus.includes(ou))) {
    return denied(`remote certificate not part of OUs: [${allowedOus.join(" ")}]`);
  }
  if (removedNodes.has(peer.commonName)) return denied(`node ${peer.commonName} was removed from swarm`);
  if (peer.organizations[0] !== clusterId) return denied(`remote certificate not part of organization: ${clusterId}`);
  return { ok: true, nodeId: peer.commonName };
}
