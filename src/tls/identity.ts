/**
 * Who is at each end of a session: the identity a node presents (its
 * certificate chain and key) and the peer identity a session reports once the
 * handshake is over. Swarm authorizes every call on the peer's subject:
 * CN = node ID, OU = role, O = cluster ID (swarmkit ca/auth.go).
 */

import forge from "node-forge";
import { type Instant, instantOfDate } from "../sim/index.js";

/**
 * What a node presents: its certificate chain and the leaf's private key.
 *
 * @example
 * ```ts
 * const identity: TlsIdentity = { chainPem: [nodeCertPem], privateKey: nodeKey };
 * ```
 */
export interface TlsIdentity {
  /** The chain as PEM, leaf first, then any intermediates (the root may be left out, as swarmkit does). */
  readonly chainPem: readonly string[];
  /**
   * The leaf's RSA private key, used as given: the server decrypts the premaster
   * secret and the client signs CertificateVerify with this very object, so a key
   * whose `decrypt`/`sign` are routed to node:crypto stays routed.
   */
  readonly privateKey: forge.pki.rsa.PrivateKey;
}

/**
 * The other end of a session, as its certificate says.
 *
 * @example
 * ```ts
 * session.on("secure", ({ peer }) => {
 *   if (peer?.organizationalUnit === "swarm-manager") allowControlApi(peer.commonName);
 * });
 * ```
 */
export interface TlsPeer {
  /** The chain the peer sent, PEM, leaf first. */
  readonly chainPem: readonly string[];
  /** The leaf certificate, PEM. */
  readonly leafPem: string;
  /** Subject CN: the node ID in Swarm. */
  readonly commonName: string | undefined;
  /** Subject OU: the role, `swarm-manager` or `swarm-worker`. */
  readonly organizationalUnit: string | undefined;
  /** Subject O: the cluster ID. */
  readonly organization: string | undefined;
  /** The DNS names of the subjectAltName extension (role, node ID, `swarm-ca` for managers). */
  readonly dnsNames: readonly string[];
  /** The leaf's NotBefore, as a simulated instant. */
  readonly notBefore: Instant;
  /** The leaf's NotAfter, as a simulated instant. */
  readonly notAfter: Instant;
  /**
   * Whether the chain was verified against the trust store at simulated time.
   * False only on a client that skipped verification (the join flow's first call).
   */
  readonly verified: boolean;
}

function subjectField(cert: forge.pki.Certificate, shortName: string): string | undefined {
  const field = cert.subject.getField(shortName) as { value?: unknown } | null;
  return typeof field?.value === "string" ? field.value : undefined;
}

/** The DNS names (GeneralName type 2) of a certificate's subjectAltName. */
export function dnsNamesOf(cert: forge.pki.Certificate): string[] {
  const extension = cert.getExtension("subjectAltName") as { altNames?: Array<{ type: number; value: string }> } | undefined;
  return (extension?.altNames ?? []).filter((name) => name.type === 2).map((name) => name.value);
}

/** The peer a received chain (leaf first, non-empty) describes. */
export function peerFromChain(chain: readonly forge.pki.Certificate[], verified: boolean): TlsPeer {
  const leaf = chain[0];
  if (leaf === undefined) throw new RangeError(`"chain" expected at least one certificate, got none`);
  const chainPem = chain.map((cert) => forge.pki.certificateToPem(cert));
  return {
    chainPem,
    leafPem: chainPem[0]!,
    commonName: subjectField(leaf, "CN"),
    organizationalUnit: subjectField(leaf, "OU"),
    organization: subjectField(leaf, "O"),
    dnsNames: dnsNamesOf(leaf),
    notBefore: instantOfDate(leaf.validity.notBefore),
    notAfter: instantOfDate(leaf.validity.notAfter),
    verified,
  };
}
