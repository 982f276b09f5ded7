/**
 * Join tokens: `SWMTKN-1-<CA digest>-<secret>`, made, parsed and compared as
 * swarmkit does (ca/config.go GenerateJoinToken, ParseJoinToken; ca/server.go
 * IssueNodeCertificate's constant-time comparison).
 *
 * The digest is the SHA-256 of the root CA's PEM as a big integer in base 36,
 * zero-padded to 50 characters; the secret is 16 random bytes as a big integer
 * in base 36, zero-padded to 25. Manager and worker tokens share the digest.
 */

import type { Rng } from "../sim/index.js";
import { bigintFromBytes } from "./bigint.js";
import {
  invalidJoinTokenMessage,
  joinTokenBase,
  joinTokenDigestLength,
  joinTokenPrefix,
  joinTokenSecretBytes,
  joinTokenSecretLength,
} from "./constants.js";

/** How a token is written. */
export interface JoinTokenOptions {
  /** Write a v2 token `SWMTKN-2-1-…`, which marks a cluster that mandates FIPS. Default false (v1). */
  readonly fips?: boolean;
}

/**
 * A new join token for the CA whose digest is `caDigestHex` (64 hex digits),
 * its secret drawn from `rng`.
 *
 * @example
 * ```ts
 * const worker = generateJoinToken(root.digestHex, rng);
 * worker.length; // 85
 * ```
 */
export function generateJoinToken(caDigestHex: string, rng: Rng, options: JoinTokenOptions = {}): string {
  if (!/^[0-9a-fA-F]{64}$/.test(caDigestHex)) {
    throw new RangeError(`"caDigestHex" expected 64 hex digits, got ${JSON.stringify(caDigestHex)}`);
  }
  const digest = BigInt(`0x${caDigestHex}`).toString(joinTokenBase).padStart(joinTokenDigestLength, "0");
  const secret = bigintFromBytes(rng.bytes(joinTokenSecretBytes)).toString(joinTokenBase).padStart(joinTokenSecretLength, "0");
  const head = options.fips === true ? `${joinTokenPrefix}-2-1` : `${joinTokenPrefix}-1`;
  return `${head}-${digest}-${secret}`;
}

/** Why a token does not parse: swarmkit's messages. */
export type JoinTokenFailure =
  /** Wrong prefix, version or number of parts, or a digest or secret of the wrong length. */
  | "invalid join token"
  /** A 50-character digest whose value needs more than 64 hex digits (go-digest's error). */
  | "invalid checksum digest length";

/** A parsed token, or why not. */
export type JoinTokenParse =
  | {
      ok: true;
      /** 1, or 2 for a FIPS-aware token. */
      version: 1 | 2;
      /** Whether a v2 token says the cluster mandates FIPS. */
      fips: boolean;
      /** The root CA digest the joining node will demand, 64 lowercase hex digits. */
      digestHex: string;
      /** The secret part, as written. */
      secret: string;
    }
  | { ok: false; reason: JoinTokenFailure };

/**
 * Parses a join token exactly as swarmkit's ParseJoinToken: `-`-separated parts,
 * `SWMTKN`, version `1` with 4 parts or `2` with 5 parts and a FIPS flag of `0`
 * or `1`, a 50-character digest and a 25-character secret. The digest is read as
 * Go's `big.Int.SetString(s, 36)` leaves it, error ignored: an optional sign,
 * digits of either case, and at the first character that is no base-36 digit
 * the value read so far (so a corrupted digest parses, and the join fails later
 * at the fingerprint check). The secret's characters are not checked here; the
 * CA compares the whole token.
 *
 * @example
 * ```ts
 * parseJoinToken("SWMTKN-1-abc"); // { ok: false, reason: "invalid join token" }
 * const r = parseJoinToken(token);
 * if (r.ok) r.digestHex === root.digestHex;
 * ```
 */
export function parseJoinToken(text: string): JoinTokenParse {
  const invalid = { ok: false, reason: invalidJoinTokenMessage } as const;
  const parts = text.split("-");
  if (parts.length < 4 || parts[0] !== joinTokenPrefix) return invalid;
  let version: 1 | 2;
  if (parts[1] === "1") {
    if (parts.length !== 4) return invalid;
    version = 1;
  } else if (parts[1] === "2") {
    if (parts.length !== 5 || (parts[2] !== "0" && parts[2] !== "1")) return invalid;
    version = 2;
  } else {
    return invalid;
  }
  const secret = parts[parts.length - 1] as string;
  const digest = parts[parts.length - 2] as string;
  // Go's len() counts bytes.
  if (byteLength(digest) !== joinTokenDigestLength || byteLength(secret) !== joinTokenSecretLength) return invalid;
  const hex = goBase36Prefix(digest).toString(16);
  if (hex.length > 64) return { ok: false, reason: "invalid checksum digest length" };
  return { ok: true, version, fips: version === 2 && parts[2] === "1", digestHex: hex.padStart(64, "0"), secret };
}

const utf8 = new TextEncoder();

function byteLength(s: string): number {
  return utf8.encode(s).length;
}

/**
 * The value Go's `big.Int.SetString(s, 36)` leaves behind: an optional `+`/`-`,
 * then base-36 digits (either case) up to the first other character. The sign is
 * dropped: a `-` cannot occur in a part split on `-`.
 */
function goBase36Prefix(s: string): bigint {
  let i = s.startsWith("+") || s.startsWith("-") ? 1 : 0;
  let value = 0n;
  for (; i < s.length; i++) {
    const digit = parseInt(s[i] as string, 36);
    if (Number.isNaN(digit)) break;
    value = value * 36n + BigInt(digit);
  }
  return value;
}


/**
 * Whether two tokens are equal, taking the same time wherever they differ (Go's
 * `subtle.ConstantTimeCompare` on their UTF-8 bytes: only the length leaks).
 * The CA compares a presented token with the manager token, then the worker token.
 *
 * @example
 * ```ts
 * joinTokensEqual(presented, cluster.managerToken) ? "manager" : "try worker";
 * ```
 */
export function joinTokensEqual(a: string, b: string): boolean {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] as number) ^ (y[i] as number);
  return diff === 0;
}
