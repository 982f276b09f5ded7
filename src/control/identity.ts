/**
 * What a node holds once it belongs to a swarm: its certificate and key, the
 * roots it trusts, and where its managers are; and what it reports about them.
 */

import forge from "node-forge";
import type { NodeRole, RsaPrivateKey } from "../pki/index.js";
import type { Ipv4Address } from "../net/index.js";
import { type TlsIdentity, TlsSessionCache, TrustStore } from "../tls/index.js";
import type { NodeTlsInfo } from "./cluster-store.js";

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

/** TLS sessions made with each node key: a new identity never resumes a session made with the one before. */
const sessionCaches = new WeakMap<RsaPrivateKey, TlsSessionCache>();

/**
 * The control context for connections made as `identity`: its TLS session
 * cache belongs to the identity's key, so a renewed or rejoined node presents
 * its new certificate instead of resuming a session of its old one.
 */
export function contextFor<C extends { readonly sessionCache?: TlsSessionCache }>(context: C, identity: NodeIdentity): C {
  let cache = sessionCaches.get(identity.key);
  if (cache === undefined) {
    cache = new TlsSessionCache();
    sessionCaches.set(identity.key, cache);
  }
  return { ...context, sessionCache: cache };
}

/** The TLS identity a node presents. */
export function tlsIdentityOf(identity: NodeIdentity): TlsIdentity {
  return { chainPem: identity.chainPem, privateKey: identity.key };
}

/** The trust store of a node's roots. */
export function trustOf(identity: NodeIdentity): TrustStore {
  return new TrustStore(identity.rootsPem);
}

/** Who issued a certificate, as swarmkit compares issuers (ca/certificates.go IssuerInfo): base64 DER. */
export interface IssuerInfo {
  /** The issuer's raw subject. */
  readonly subject: string;
  /** The issuer's raw SubjectPublicKeyInfo. */
  readonly publicKey: string;
}

/**
 * The issuer a certificate stands for when it signs: its subject and public
 * key. A root and the same root cross-signed by another give the same answer,
 * which is why leaves signed during a rotation count as issued by the new root.
 *
 * @example
 * ```ts
 * issuerInfoOf(newRoot.certPem); // equal to issuerInfoOf(crossSignedPem)
 * ```
 */
export function issuerInfoOf(certPem: string): IssuerInfo {
  const cert = forge.pki.certificateFromPem(certPem);
  const subject = forge.asn1.toDer(forge.pki.distinguishedNameToAsn1(cert.subject)).getBytes();
  const publicKey = forge.asn1.toDer(forge.pki.publicKeyToAsn1(cert.publicKey)).getBytes();
  return { subject: forge.util.encode64(subject), publicKey: forge.util.encode64(publicKey) };
}

/**
 * What a node reports in its description (api NodeTLSInfo): its roots, and the
 * issuer of its leaf: the intermediate it was sent with, else the trusted root
 * that signed it. swarmkit node/node.go, from the security config's IssuerInfo.
 *
 * @example
 * ```ts
 * stored.tlsInfo = tlsInfoOf(identity);
 * ```
 */
export function tlsInfoOf(identity: NodeIdentity): NodeTlsInfo {
  const issuerPem = identity.chainPem[1] ?? signingRootOf(identity.chainPem[0] ?? "", identity.rootsPem) ?? identity.rootsPem[0] ?? "";
  const issuer = issuerPem === "" ? { subject: "", publicKey: "" } : issuerInfoOf(issuerPem);
  return { trustRoot: identity.rootsPem.join(""), certIssuerSubject: issuer.subject, certIssuerPublicKey: issuer.publicKey };
}

/**
 * The identity trusting `rootsPem` instead: what a node does with a new root
 * from its session. A chain whose intermediate no trusted root signed any
 * more (the cross-signed root, once a rotation is over) is presented without
 * it: Go builds the path leaf → new root and ignores that intermediate, but
 * node-forge checks a chain as sent, so the model leaves it out.
 *
 * @example
 * ```ts
 * const after = withRoots(identity, [newRoot.certPem]); // chainPem: [leaf]
 * ```
 */
export function withRoots(identity: NodeIdentity, rootsPem: readonly string[]): NodeIdentity {
  const chainPem = identity.chainPem.length > 1 && !topSignedBy(identity.chainPem, rootsPem) ? identity.chainPem.slice(0, 1) : identity.chainPem;
  return { ...identity, rootsPem: [...rootsPem], chainPem };
}

function topSignedBy(chainPem: readonly string[], rootsPem: readonly string[]): boolean {
  try {
    return new TrustStore(rootsPem).signed(forge.pki.certificateFromPem(chainPem[chainPem.length - 1] ?? ""));
  } catch {
    return false;
  }
}

function signingRootOf(leafPem: string, rootsPem: readonly string[]): string | undefined {
  try {
    const leaf = forge.pki.certificateFromPem(leafPem);
    return rootsPem.find((pem) => new TrustStore([pem]).signed(leaf));
  } catch {
    return undefined;
  }
}
