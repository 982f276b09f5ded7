/**
 * Session resumption (RFC 5246 §7.3, session IDs): a client that reconnects to
 * a server it has a session with offers the session's ID, and if the server
 * still has it both skip the certificate exchange and the RSA operations.
 *
 * forge's own cache (tls.js createSessionCache) does not fit a node with many
 * peers: a client asking it for "a session" gets the first entry, whatever the
 * server, and so does a server asked with an empty session ID, which then
 * tries to resume a session the client never offered. This cache keys a
 * client's sessions by the server it reached, answers a server by ID only, and
 * keeps with each session the peer identity it was made with, because forge's
 * resumed session carries no peer certificate.
 */

import type forge from "node-forge";
import { binaryToHex } from "./binary.js";
import { sessionCacheCapacity } from "./constants.js";
import type { ForgeCachedSession, ForgeSecurityParameters, ForgeSessionCache, ForgeVersion } from "./forge-api.js";
import type { TlsPeer } from "./identity.js";
import type { TrustStore } from "./trust-store.js";

/** @internal A session as the cache keeps it. */
export interface CachedSession {
  /** The session ID, binary string. */
  readonly id: string;
  readonly version: Readonly<ForgeVersion>;
  /** forge's security parameters: randoms and the master secret (a copy, without derived keys). */
  readonly sp: Readonly<ForgeSecurityParameters>;
  /** The peer identity the full handshake established, or null if the peer sent no certificate. */
  readonly peer: TlsPeer | null;
  /** The peer's chain, parsed, to check again before resuming. */
  readonly peerChain: readonly forge.pki.Certificate[];
  /**
   * The trust store the chain's signatures were verified against in the full
   * handshake. Stores are immutable, so under the same store only the dates
   * need checking again before resuming.
   */
  readonly verifiedBy: TrustStore | undefined;
  /** On a client: which server (and server name) the session is with. */
  readonly serverKey: string | undefined;
}

/**
 * Sessions a node may resume, least recently used forgotten first. Give one
 * cache to all of a node's client sessions and one to its server sessions (or
 * one to both: client entries are keyed by server, server entries by ID).
 *
 * @example
 * ```ts
 * const cache = new TlsSessionCache();
 * const first = new TlsSession({ role: "client", stream: a, sessionCache: cache, ... });
 * // ... after `first` completed its handshake:
 * const second = new TlsSession({ role: "client", stream: b, sessionCache: cache, ... });
 * second.on("secure", ({ resumed }) => resumed); // true
 * ```
 */
export class TlsSessionCache {
  private readonly entries = new Map<string, CachedSession>();

  /** `capacity`: sessions kept at most (default 100, forge's). */
  constructor(readonly capacity: number = sessionCacheCapacity) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`"capacity" expected a whole number >= 1, got ${capacity}`);
    }
  }

  /** Sessions held. */
  get size(): number {
    return this.entries.size;
  }

  /** Forgets the session with this ID (hex); true if it was there. */
  forget(sessionIdHex: string): boolean {
    return this.entries.delete(sessionIdHex);
  }

  /** Forgets every session (a node that restarts loses its cache). */
  clear(): void {
    this.entries.clear();
  }

  /** @internal Keeps a session that just completed a handshake, as the most recently used. */
  remember(session: CachedSession): void {
    const key = binaryToHex(session.id);
    this.entries.delete(key);
    this.entries.set(key, session);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** @internal The session with this ID (binary string). */
  byId(id: string): CachedSession | undefined {
    return id.length === 0 ? undefined : this.entries.get(binaryToHex(id));
  }

  /** @internal The most recent session with this server. */
  latestFor(serverKey: string): CachedSession | undefined {
    let latest: CachedSession | undefined;
    for (const entry of this.entries.values()) if (entry.serverKey === serverKey) latest = entry;
    return latest;
  }
}

/**
 * @internal A fresh copy of a cached session for forge to use (and mutate: it
 * writes the new client random into `sp`), with the server random given.
 */
export function forgeCopy(entry: CachedSession, serverRandom: string = entry.sp.server_random): ForgeCachedSession {
  return { id: entry.id, version: { ...entry.version }, sp: { ...entry.sp, server_random: serverRandom, keys: null } };
}

/**
 * @internal The cache as forge sees it from one session. `find` picks the
 * session to offer (client, called without an ID) or resume (server, with the
 * client's ID); `handOver` makes forge's copy of it and learns which one forge
 * was given. Storing is done by the session itself when a handshake completes
 * (as OpenSSL and Go add a session then), so forge's own `setSession` at close
 * is ignored.
 */
export function forgeCacheView(
  find: (sessionId: string | undefined) => CachedSession | undefined,
  handOver: (entry: CachedSession) => ForgeCachedSession,
): ForgeSessionCache {
  return {
    order: [],
    getSession(sessionId?: string) {
      const entry = find(sessionId);
      return entry === undefined ? null : handOver(entry);
    },
    setSession() {},
  };
}
