/**
 * The roots a session trusts: in Swarm, the cluster's root CA bundle
 * (`swarm-root-ca.crt`), and during a root rotation the old and new roots both.
 */

import forge from "node-forge";

/**
 * A set of trusted root certificates, parsed once and shared by every session
 * that trusts them.
 *
 * @example
 * ```ts
 * const trust = new TrustStore([rootCaPem]);
 * new TlsSession({ role: "client", stream, trust, peerAuth: "require", ... });
 * ```
 */
export class TrustStore {
  /** A store that trusts nothing: for a client that does not verify (the join flow's first call). */
  static readonly empty = new TrustStore([]);

  /** The roots, PEM, as given. */
  readonly rootsPem: readonly string[];
  /** @internal The roots, parsed. */
  readonly roots: readonly forge.pki.Certificate[];
  /** @internal The roots as forge's CA store, for its chain check. */
  readonly caStore: forge.pki.CAStore;

  /** Parses `rootsPem`; a string that is not a PEM certificate is a mistake and throws, naming its index. */
  constructor(rootsPem: readonly string[]) {
    if (!Array.isArray(rootsPem)) throw new TypeError(`"rootsPem" expected an array of PEM strings, got ${typeof rootsPem}`);
    this.rootsPem = [...rootsPem];
    this.roots = this.rootsPem.map((pem, i) => {
      try {
        return forge.pki.certificateFromPem(pem);
      } catch (error) {
        throw new RangeError(`"rootsPem[${i}]" expected a PEM certificate, got one forge cannot read: ${(error as Error).message}`);
      }
    });
    this.caStore = forge.pki.createCaStore([...this.roots]);
    // forge keeps roots that share a subject (every swarm root is CN=swarm-ca: old and new
    // during a rotation) as an array under that subject, which its chain check handles;
    // but its server's CertificateRequest reads `.subject` of each entry, and an array has
    // none. The entry's subject is the shared one, listed once, as the DN list should be.
    const entries = (this.caStore as unknown as { certs: Record<string, forge.pki.Certificate | forge.pki.Certificate[]> }).certs;
    for (const entry of Object.values(entries)) {
      if (Array.isArray(entry)) Object.defineProperty(entry, "subject", { value: entry[0]!.subject, enumerable: false });
    }
  }

  /**
   * Whether a root valid at `now` issued `cert`: Go's chain building checks
   * every candidate authority's validity too (x509 buildChains, isValid), so a
   * root not yet valid to a node's clock signs nothing for it.
   */
  signedByValidRoot(cert: forge.pki.Certificate, now: Date): boolean {
    return this.roots.some((root) => {
      if (now < root.validity.notBefore || now > root.validity.notAfter) return false;
      try {
        return root.verify(cert);
      } catch {
        return false;
      }
    });
  }

  /** Whether one of the roots issued `cert` and its signature checks out. */
  signed(cert: forge.pki.Certificate): boolean {
    return this.roots.some((root) => {
      try {
        return root.verify(cert);
      } catch {
        return false; // forge throws when the issuer name does not match
      }
    });
  }
}
