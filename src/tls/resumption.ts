/**
 * One session's side of resumption: which cached session it offers (client)
 * or accepts (server), what forge is handed, and keeping the session once its
 * handshake completes, with the peer identity forge's resumed session lacks.
 */

import type forge from "node-forge";
import type { ForgeRandom } from "../crypto/index.js";
import { type Instant, dateAt, unixSecondsAt } from "../sim/index.js";
import { binaryToHex } from "./binary.js";
import type { ForgeSession, ForgeSessionCache, ForgeVersion } from "./forge-api.js";
import type { TlsPeer } from "./identity.js";
import { type CachedSession, type TlsSessionCache, forgeCacheView, forgeCopy } from "./session-cache.js";
import type { PeerAuth, TlsRole } from "./session-types.js";
import type { TrustStore } from "./trust-store.js";
import { chainVerifiesAt } from "./verify.js";

/** @internal What resumption needs to know about its session. */
export interface ResumptionConfig {
  readonly role: TlsRole;
  readonly peerAuth: PeerAuth;
  readonly trust: TrustStore;
  readonly clock: () => Instant;
  readonly random: ForgeRandom;
  readonly cache: TlsSessionCache | undefined;
  /** A client's sessions are kept per server address and server name; undefined on a server. */
  readonly serverKey: string | undefined;
}

/** @internal The identity a completed handshake established. */
export interface EstablishedPeer {
  readonly peer: TlsPeer | null;
  readonly chain: readonly forge.pki.Certificate[];
}

/** @internal Resumption for one session. */
export class Resumption {
  /** The cached session forge was given: offered (client) or resumed (server). */
  private handedOver: CachedSession | undefined;

  constructor(private readonly config: ResumptionConfig) {}

  /**
   * The session cache forge gets: none for a client without a cache, always
   * one for a server. Without one, forge's server echoes the session ID a client
   * offers (tls.js handleClientHello replaces it only when a cache lookup fails),
   * and the client takes the full handshake that follows for a resumption and fails.
   */
  forgeCache(): ForgeSessionCache | null {
    const { role, cache } = this.config;
    if (cache === undefined && role === "client") return null;
    return forgeCacheView(
      (sessionId) => {
        if (cache === undefined) return undefined;
        const entry = role === "client" ? cache.latestFor(this.config.serverKey!) : cache.byId(sessionId ?? "");
        return entry !== undefined && this.mayResume(entry) ? entry : undefined;
      },
      (entry) => {
        this.handedOver = entry;
        // forge's server resumes with the cached server random (tls.js handleClientHello keeps `sp`
        // and replaces only the client random); RFC 5246 §7.4.1.3 wants a fresh one in every
        // ServerHello, else a recorded resumption could be replayed to the server as it was.
        return role === "server" ? forgeCopy(entry, this.freshRandom()) : forgeCopy(entry);
      },
    );
  }

  /** The identity of a resumed session: the one it was made with, as forge keeps none. */
  resumedPeer(): EstablishedPeer {
    return { peer: this.handedOver?.peer ?? null, chain: this.handedOver?.peerChain ?? [] };
  }

  /** Keeps a session whose handshake just completed (full or resumed), as the most recently used. */
  remember(session: ForgeSession, version: ForgeVersion, established: EstablishedPeer): void {
    if (this.config.cache === undefined || session.id.length === 0) return;
    const resumed = session.resuming === true;
    this.config.cache.remember({
      id: session.id,
      version: { ...version },
      sp: { ...session.sp, keys: null },
      peer: established.peer,
      peerChain: established.chain,
      serverKey: this.config.serverKey,
      verifiedBy: resumed ? this.handedOver?.verifiedBy : established.peer?.verified ? this.config.trust : undefined,
    });
  }

  /** Forgets a session (binary ID): RFC 5246 §7.2.2, one ended by a fatal alert must not be resumed. */
  forget(sessionId: string): void {
    this.config.cache?.forget(binaryToHex(sessionId));
  }

  /**
   * Whether a cached session may be resumed here. A resumed handshake shows no
   * certificate, so the one the session was made with must still satisfy this
   * session's policy, now: as Go does, a session made without verifying (or
   * without a client certificate) is not resumed where verification is
   * required, nor one whose chain has expired or no longer leads to a trusted root.
   */
  private mayResume(entry: CachedSession): boolean {
    const { role, peerAuth, trust, clock } = this.config;
    if (peerAuth === "none") return true;
    if (entry.peer === null) return role === "server" && peerAuth === "if-given";
    if (!entry.peer.verified) return false;
    const now = dateAt(clock());
    // Verified under this very store: the signatures still hold, only the dates can have run out.
    if (entry.verifiedBy === trust) return entry.peerChain.every((cert) => now >= cert.validity.notBefore && now <= cert.validity.notAfter);
    return chainVerifiesAt(entry.peerChain, trust, now);
  }

  /** A TLS Random as tls.js createRandom makes one: the Unix time in seconds, then 28 random bytes. */
  private freshRandom(): string {
    const seconds = unixSecondsAt(this.config.clock());
    const time = String.fromCharCode((seconds >>> 24) & 0xff, (seconds >>> 16) & 0xff, (seconds >>> 8) & 0xff, seconds & 0xff);
    return time + this.config.random.getBytesSync(28);
  }
}
