/**
 * swarmkit's CA service messages (api/ca.proto, api/types.proto), encoded as
 * protocol buffers with their real field numbers, so a capture decrypted with
 * the TLS key log shows the bytes a real manager and node exchange.
 */

import { type Decoded, ProtoWriter, decodeMessage } from "../encoding/index.js";

/** api/types.proto NodeRole. */
export const NodeRoleCode = { worker: 0, manager: 1 } as const;
/** api/types.proto IssuanceStatus.State. */
export const IssuanceState = { unknown: 0, renew: 1, pending: 2, issued: 3, failed: 4, rotate: 5 } as const;
/** api/specs.proto NodeSpec.Membership. */
export const Membership = { pending: 0, accepted: 1 } as const;
/** api/specs.proto NodeSpec.Availability. */
export const Availability = { active: 0, pause: 1, drain: 2 } as const;

/** The RPC methods of the CA and NodeCA services, by their gRPC paths. */
export const CaMethod = {
  getRootCACertificate: "/docker.swarmkit.v1.CA/GetRootCACertificate",
  issueNodeCertificate: "/docker.swarmkit.v1.NodeCA/IssueNodeCertificate",
  nodeCertificateStatus: "/docker.swarmkit.v1.NodeCA/NodeCertificateStatus",
} as const;

/** GetRootCACertificateResponse { bytes certificate = 1; } */
export interface GetRootCACertificateResponse {
  readonly certificate: Uint8Array;
}
export const encodeGetRootCACertificateResponse = (m: GetRootCACertificateResponse) => new ProtoWriter().bytes(1, m.certificate).finish();
export const decodeGetRootCACertificateResponse = (b: Uint8Array) => decodeMessage(b, (r) => ({ certificate: r.bytes(1) }));

/** IssueNodeCertificateRequest { NodeRole role = 1 (deprecated); bytes csr = 2; string token = 3; Availability availability = 4; } */
export interface IssueNodeCertificateRequest {
  readonly csr: Uint8Array;
  readonly token: string;
  readonly availability: number;
}
export const encodeIssueNodeCertificateRequest = (m: IssueNodeCertificateRequest) =>
  new ProtoWriter().bytes(2, m.csr).string(3, m.token).uint(4, m.availability).finish();
export const decodeIssueNodeCertificateRequest = (b: Uint8Array) =>
  decodeMessage(b, (r) => ({ csr: r.bytes(2), token: r.string(3), availability: r.uint(4) }));

/** IssueNodeCertificateResponse { string node_id = 1; Membership node_membership = 2; } */
export interface IssueNodeCertificateResponse {
  readonly nodeId: string;
  readonly membership: number;
}
export const encodeIssueNodeCertificateResponse = (m: IssueNodeCertificateResponse) =>
  new ProtoWriter().string(1, m.nodeId).uint(2, m.membership).finish();
export const decodeIssueNodeCertificateResponse = (b: Uint8Array) =>
  decodeMessage(b, (r) => ({ nodeId: r.string(1), membership: r.uint(2) }));

/** NodeCertificateStatusRequest { string node_id = 1; } */
export interface NodeCertificateStatusRequest {
  readonly nodeId: string;
}
export const encodeNodeCertificateStatusRequest = (m: NodeCertificateStatusRequest) => new ProtoWriter().string(1, m.nodeId).finish();
export const decodeNodeCertificateStatusRequest = (b: Uint8Array) => decodeMessage(b, (r) => ({ nodeId: r.string(1) }));

/** Certificate { NodeRole role = 1; bytes csr = 2; IssuanceStatus status = 3; bytes certificate = 4; string cn = 5; } */
export interface CertificateMessage {
  readonly role: number;
  readonly csr: Uint8Array;
  readonly state: number;
  readonly err: string;
  readonly certificate: Uint8Array;
  readonly cn: string;
}

const encodeStatus = (state: number, err: string) => new ProtoWriter().uint(1, state).string(2, err).finish();

/** NodeCertificateStatusResponse { IssuanceStatus status = 1; Certificate certificate = 2; } */
export interface NodeCertificateStatusResponse {
  readonly state: number;
  readonly err: string;
  readonly certificate?: CertificateMessage;
}
export function encodeNodeCertificateStatusResponse(m: NodeCertificateStatusResponse): Uint8Array {
  const w = new ProtoWriter().message(1, encodeStatus(m.state, m.err));
  const c = m.certificate;
  if (c !== undefined) {
    const cert = new ProtoWriter()
      .uint(1, c.role)
      .bytes(2, c.csr)
      .message(3, encodeStatus(c.state, c.err))
      .bytes(4, c.certificate)
      .string(5, c.cn)
      .finish();
    w.message(2, cert);
  }
  return w.finish();
}
export function decodeNodeCertificateStatusResponse(b: Uint8Array): Decoded<NodeCertificateStatusResponse> {
  const top = decodeMessage(b, (r) => ({ status: r.bytes(1), certificate: r.has(2) ? r.bytes(2) : undefined }));
  if (!top.ok) return top;
  const status = decodeMessage(top.value.status, (r) => ({ state: r.uint(1), err: r.string(2) }));
  if (!status.ok) return status;
  if (top.value.certificate === undefined) return { ok: true, value: status.value };
  const cert = decodeMessage(top.value.certificate, (r) => ({ role: r.uint(1), csr: r.bytes(2), status: r.bytes(3), certificate: r.bytes(4), cn: r.string(5) }));
  if (!cert.ok) return cert;
  const certStatus = decodeMessage(cert.value.status, (r) => ({ state: r.uint(1), err: r.string(2) }));
  if (!certStatus.ok) return certStatus;
  const { status: _raw, ...rest } = cert.value;
  return { ok: true, value: { ...status.value, certificate: { ...rest, ...certStatus.value } } };
}
