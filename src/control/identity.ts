/**
 * What a node holds once it belongs to a swarm: its certificate and key, the
 * root it trusts, and where its managers are.
 */

import type { NodeRole, RsaPrivateKey } from "../pki/index.js";
import type { Ipv4Address } from "../net/index.js";
import { type TlsIdentity, TrustStore } from "../tls/index.js";

/** A node's swarm identity (swarmkit keeps it as swarm-node.crt/.key and swarm-root-ca.crt). */
export interface NodeIdentity {
  readonly nodeId: string;
  readonly role: NodeRole;
  readonly clusterId: string;
  /** The certificate chain the CA issued, leaf first. */
  readonly chainPem: readonly string[];
  readonly key: RsaPrivateKey;
  /** The root certificates this node trusts (one, or two during a root rotation). */
  readonly rootsPem: readonly string[];
  /** A manager's address to reach the control plane. */
  readonly managerAddr: Ipv4Address;
}

/** The TLS identity a node presents. */
export function tlsIdentityOf(identity: NodeIdentity): TlsIdentity {
  return { chainPem: identity.chainPem, privateKey: identity.key };
}

/** The trust store of a node's roots. */
export function trustOf(identity: NodeIdentity): TrustStore {
  return new TrustStore(identity.rootsPem);
}
