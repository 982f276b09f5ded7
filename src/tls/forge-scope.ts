/**
 * Every call into a session's forge connection runs inside a scope that hands
 * forge that session's seeded randomness, the simulated clock, its private key
 * and the TLS 1.1 fix, and takes them all back afterwards.
 *
 * forge keeps these as module globals (`forge.random`, the global `Date`,
 * `forge.pki.privateKeyFromPem`, `forge.tls.SupportedVersions`), looked up at
 * each use. The simulation is single-threaded and forge's TLS engine is
 * synchronous (no callback of ours defers anything), so swapping them around
 * one call is exact: nothing else runs while they are swapped, and a nested
 * scope saves and restores the outer one's values like any other.
 */

import type forge from "node-forge";
import type { ForgeRandom } from "../crypto/index.js";
import { type Instant, unixMillisAt } from "../sim/index.js";
import { type ForgeVersion, forgePkiSlot, forgeRandomSlot, forgeTls } from "./forge-api.js";
import { simulatedDateConstructor } from "./simulated-date.js";

/** What a session lends forge for one call. */
export interface ForgeScope {
  /** Every byte forge draws: client and server randoms, premaster secret, session ID, CBC IVs, RSA padding and blinding. */
  readonly random: ForgeRandom;
  /** The simulated instant: forge's "now". */
  readonly at: Instant;
  /** The session's private key, handed to forge in place of a PEM (see `privateKeyToken`). */
  readonly privateKey: forge.pki.rsa.PrivateKey | undefined;
}

/**
 * What a server's `getPrivateKey` answers instead of a PEM. tls.js passes the
 * answer through `forge.pki.privateKeyFromPem` before decrypting the premaster
 * secret; inside a scope that function gives back the session's own key object
 * for this token. Handing over the object (not a PEM to re-parse) saves a parse
 * per handshake and keeps a key whose `decrypt`/`sign` were routed elsewhere
 * (node:crypto, say) routed.
 */
export const privateKeyToken = "swarmsim/tls: the session's private key";

/**
 * The version list the server's choice reads. tls.js handleClientHello scans
 * `SupportedVersions` from index 1, so forge's `[TLS 1.1, TLS 1.0]` makes every
 * server answer TLS 1.0. With TLS 1.1 first as well, the scan starts at 1.1.
 */
function fixedVersions(): ForgeVersion[] {
  const { TLS_1_1, TLS_1_0 } = forgeTls.Versions;
  return [TLS_1_1, TLS_1_1, TLS_1_0];
}

/**
 * Runs `call` with forge's globals lent to `scope`, and restores them after,
 * also when `call` throws.
 *
 * @example
 * ```ts
 * inForgeScope({ random, at: sim.now, privateKey }, () => connection.process(bytes));
 * ```
 */
export function inForgeScope<T>(scope: ForgeScope, call: () => T): T {
  const saved = {
    getBytes: forgeRandomSlot.getBytes,
    getBytesSync: forgeRandomSlot.getBytesSync,
    privateKeyFromPem: forgePkiSlot.privateKeyFromPem,
    date: globalThis.Date,
    versions: forgeTls.SupportedVersions.slice(),
  };
  const versions = forgeTls.SupportedVersions;
  try {
    forgeRandomSlot.getBytes = scope.random.getBytes;
    forgeRandomSlot.getBytesSync = scope.random.getBytesSync;
    forgePkiSlot.privateKeyFromPem = (pem) =>
      pem === privateKeyToken && scope.privateKey !== undefined ? scope.privateKey : saved.privateKeyFromPem(pem);
    globalThis.Date = simulatedDateConstructor(saved.date, unixMillisAt(scope.at));
    versions.splice(0, versions.length, ...fixedVersions());
    return call();
  } finally {
    forgeRandomSlot.getBytes = saved.getBytes;
    forgeRandomSlot.getBytesSync = saved.getBytesSync;
    forgePkiSlot.privateKeyFromPem = saved.privateKeyFromPem;
    globalThis.Date = saved.date;
    versions.splice(0, versions.length, ...saved.versions);
  }
}
