/**
 * Argument checks for building a session. A bad option is a programming
 * mistake: it throws, naming the option and what arrived.
 */

import type { TlsSessionOptions } from "./session-types.js";

const PEER_AUTH = ["require", "if-given", "none"];

/** Throws a TypeError (or RangeError) naming the first bad option. */
export function checkSessionOptions(options: TlsSessionOptions): void {
  if (typeof options !== "object" || options === null) throw new TypeError(`"options" expected an object, got ${String(options)}`);
  const { role, stream, identity, peerAuth, serverName, clock, rng } = options;
  if (role !== "client" && role !== "server") throw new TypeError(`"role" expected "client" or "server", got ${String(role)}`);
  if (typeof stream?.write !== "function" || typeof stream.on !== "function") {
    throw new TypeError(`"stream" expected a net Stream, got ${typeof stream}`);
  }
  if (stream.state !== "connecting" && stream.state !== "open") {
    throw new RangeError(`"stream" expected a connecting or open stream, got one that is ${stream.state}`);
  }
  if (!PEER_AUTH.includes(peerAuth)) throw new TypeError(`"peerAuth" expected "require", "if-given" or "none", got ${String(peerAuth)}`);
  if (role === "server" && identity === undefined) throw new TypeError(`"identity" is required on a server`);
  if (identity !== undefined) {
    const { chainPem, privateKey } = identity;
    if (!Array.isArray(chainPem) || chainPem.length === 0 || chainPem.some((pem) => typeof pem !== "string")) {
      throw new TypeError(`"identity.chainPem" expected a non-empty array of PEM strings, leaf first`);
    }
    if (typeof privateKey?.decrypt !== "function" || typeof privateKey.sign !== "function") {
      throw new TypeError(`"identity.privateKey" expected a forge RSA private key, got ${typeof privateKey}`);
    }
  }
  if (serverName !== undefined) {
    if (role === "server") throw new TypeError(`"serverName" is a client option`);
    if (typeof serverName !== "string" || serverName === "") throw new TypeError(`"serverName" expected a non-empty string, got ${String(serverName)}`);
  }
  if (typeof clock !== "function") throw new TypeError(`"clock" expected a function returning the simulated instant, got ${typeof clock}`);
  const { scheduler, handshakeTimeout } = options;
  if (scheduler !== undefined && typeof scheduler.after !== "function") throw new TypeError(`"scheduler" expected the simulation's scheduler, got ${typeof scheduler}`);
  if (handshakeTimeout !== undefined && (!Number.isSafeInteger(handshakeTimeout) || handshakeTimeout <= 0)) {
    throw new RangeError(`"handshakeTimeout" expected a positive whole number of microseconds, got ${handshakeTimeout}`);
  }
  if (options.nativeRecords !== undefined && typeof options.nativeRecords !== "boolean") {
    throw new TypeError(`"nativeRecords" expected a boolean, got ${typeof options.nativeRecords}`);
  }
  if (typeof rng?.bytes !== "function") throw new TypeError(`"rng" expected a byte source (an Rng stream), got ${typeof rng}`);
}
