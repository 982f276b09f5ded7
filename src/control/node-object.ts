/**
 * A stored node as the API carries it (api/objects.proto Node): in session
 * messages to the node itself and in the raft entries that change it.
 */

import { Availability, IssuanceState, Membership, NodeRoleCode } from "./ca-messages.js";
import type { NodeStatusName, StoredNode } from "./cluster-store.js";
import { type NodeObject, NodeStatusState, Reachability } from "./dispatcher-messages.js";

const encoder = new TextEncoder();

/** A manager's status as the leader sees it (api ManagerStatus). */
export interface ManagerStatusView {
  readonly leader: boolean;
  readonly reachable: boolean;
  /** Its raft address (the member's Addr), when the leader's raft knows it. */
  readonly addr?: string;
}

const statusCodes: Readonly<Record<NodeStatusName, number>> = NodeStatusState;

/** The API object of `node`; `manager` adds its ManagerStatus. */
export function nodeObjectOf(node: StoredNode, manager?: ManagerStatusView): NodeObject {
  const tls = node.tlsInfo;
  return {
    id: node.id,
    meta: { version: 0 },
    spec: {
      annotations: { name: "" },
      desiredRole: NodeRoleCode[node.desiredRole],
      membership: Membership[node.membership],
      availability: Availability[node.availability],
    },
    description: {
      hostname: node.hostname,
      platform: node.platform ?? { architecture: "x86_64", os: "linux" },
      ...(tls === undefined
        ? {}
        : {
            tlsInfo: {
              trustRoot: encoder.encode(tls.trustRoot),
              certIssuerSubject: base64Bytes(tls.certIssuerSubject),
              certIssuerPublicKey: base64Bytes(tls.certIssuerPublicKey),
            },
          }),
    },
    status: { state: statusCodes[node.status], message: node.statusMessage, addr: node.addr },
    ...(manager === undefined || node.raftId === undefined
      ? {}
      : {
          managerStatus: {
            raftId: node.raftId,
            addr: `${node.addr}:2377`,
            leader: manager.leader,
            reachability: manager.reachable ? Reachability.reachable : Reachability.unreachable,
          },
        }),
    certificate: {
      role: NodeRoleCode[node.certificate.role],
      csr: encoder.encode(node.certificate.csrPem),
      state: IssuanceState[node.certificate.state],
      err: node.certificate.err,
      certificate: encoder.encode(node.certificate.chainPem),
      cn: node.id,
    },
    role: NodeRoleCode[node.role],
  };
}

/** The bytes of base64 text (the API's NodeTLSInfo fields travel as bytes, the store keeps them as base64). */
export function base64Bytes(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** Bytes as base64 text. */
export function bytesBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
