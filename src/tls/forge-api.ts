/**
 * Typed views of the parts of node-forge this layer touches. @types/node-forge
 * leaves out much of what tls.js really has (the connection's session and
 * security parameters, `verifyOptions`, the `'optional'` client check, the
 * cache's `getSession()` without an ID), so these interfaces describe what
 * forge 1.x actually reads and writes (lib/tls.js, lib/random.js, lib/x509.js).
 * Private to src/tls.
 */

import forge from "node-forge";

/** A protocol version as forge writes it: `{major: 3, minor: 2}` is TLS 1.1. */
export interface ForgeVersion {
  major: number;
  minor: number;
}

/** forge's security parameters (tls.js createSecurityParameters); binary strings. */
export interface ForgeSecurityParameters {
  client_random: string;
  server_random: string;
  master_secret: string | null;
  keys: unknown;
  [field: string]: unknown;
}

/** The live session of a connection (tls.js `c.session`). */
export interface ForgeSession {
  id: string;
  version: ForgeVersion | null;
  resuming?: boolean;
  cipherSuite: { id: [number, number]; name: string } | null;
  sp: ForgeSecurityParameters;
  certificateRequest?: unknown;
  serverCertificate: forge.pki.Certificate | null;
  clientCertificate: forge.pki.Certificate | null;
}

/** A session as a cache holds it: what tls.js `c.close` saves. */
export interface ForgeCachedSession {
  id: string;
  version: ForgeVersion;
  sp: ForgeSecurityParameters;
}

/**
 * A session cache as tls.js uses it. forge takes any object with `getSession`,
 * `setSession` and `order` as a ready cache (tls.js createSessionCache).
 */
export interface ForgeSessionCache {
  order: unknown[];
  getSession(sessionId?: string): ForgeCachedSession | null;
  setSession(sessionId: string, session: ForgeCachedSession): void;
}

/** A TLS alert: level 1 warning, 2 fatal; the description is RFC 5246 §7.2's number. */
export interface ForgeAlert {
  level: number;
  description: number;
}

/** What forge hands its `error` callback (tls.js `c.error`). */
export interface ForgeError {
  message: string;
  origin?: "client" | "server";
  alert?: ForgeAlert;
  /** `false` for forge's non-fatal complaints (handshake() twice, handshake() on a server). */
  fatal?: boolean;
  send?: boolean;
}

/** What a `verify` callback may answer: true, forge's certificate error, an alert, or a custom alert. */
export type ForgeVerified = true | string | number | { alert?: number; message?: string };

/** The key block tls.js generateKeys derives from the master secret (`sp.keys`); binary strings. */
export interface ForgeKeyBlock {
  client_write_MAC_key: string;
  server_write_MAC_key: string;
  client_write_key: string;
  server_write_key: string;
  /** TLS 1.0 only: later versions send an explicit IV with every record. */
  client_write_IV?: string;
  server_write_IV?: string;
}

/** A record as a connection state sees it (TLSCompressed on the way in to `cipherFunction`, TLSCiphertext out). */
export interface ForgeRecord {
  type: number;
  version: ForgeVersion;
  /** The fragment's length, as the MAC covers it. */
  length: number;
  fragment: forge.util.ByteStringBuffer;
}

/** One direction of a connection state (tls.js createConnectionState's `createMode`). */
export interface ForgeConnectionMode {
  /** The record sequence number, two 32-bit halves, most significant first. */
  sequenceNumber: [number, number];
  macKey: string | null;
  macLength: number;
  /** aesCipherSuites.js: the direction's forge cipher, its key-block IV (TLS 1.0 only), and whether a record went through. */
  cipherState: { init: boolean; iv: string | undefined; cipher: unknown } | null;
  /** Protects (write) or opens (read) one record in place; false fails the connection with an alert. */
  cipherFunction: (record: ForgeRecord, mode: ForgeConnectionMode) => boolean;
  updateSequenceNumber(): void;
}

/** A connection state: both directions (RFC 5246 §6.1). */
export interface ForgeConnectionState {
  read: ForgeConnectionMode;
  write: ForgeConnectionMode;
}

/** A forge TLS connection (tls.js createConnection), the members used here. */
export interface ForgeConnection {
  /** `forgeTls.ConnectionEnd.client` or `.server`. */
  entity: number;
  version: ForgeVersion;
  /** The connection states: `current` protects the records, `pending` is being negotiated. */
  state: { pending: ForgeConnectionState | null; current: ForgeConnectionState };
  session: ForgeSession | null;
  peerCertificate: forge.pki.Certificate | null;
  verifyOptions: { validityCheckDate?: Date };
  tlsData: forge.util.ByteStringBuffer;
  data: forge.util.ByteStringBuffer;
  /** Bytes given to `process` and not yet read into a record. */
  input: forge.util.ByteStringBuffer;
  /** The record being read: its header is in, its fragment filling; `ready` once whole (and emptied as it is handled). */
  record: { ready: boolean; fragment: forge.util.ByteStringBuffer } | null;
  open: boolean;
  isConnected: boolean;
  fail: boolean;
  handshake(sessionId?: string | null): void;
  process(data: string): number;
  prepare(data: string): boolean;
  close(clearFail?: boolean): void;
  /** Raises `error` as tls.js does: sends the alert if asked, fails the connection when fatal, closes it. */
  error(connection: ForgeConnection, error: ForgeError): void;
}

/** The options of tls.js createConnection that this layer sets. */
export interface ForgeConnectionOptions {
  server: boolean;
  caStore: forge.pki.CAStore;
  sessionCache: ForgeSessionCache | null;
  cipherSuites: Array<{ id: [number, number]; name: string }>;
  virtualHost: string | null;
  /** Server: `true` requires a client certificate, `'optional'` asks for one, `false` does not ask. */
  verifyClient: boolean | "optional";
  verify(connection: ForgeConnection, verified: ForgeVerified, depth: number, certs: forge.pki.Certificate[]): ForgeVerified;
  getCertificate(connection: ForgeConnection, hint: unknown): string[] | null;
  getPrivateKey?: (connection: ForgeConnection, certificate: forge.pki.Certificate) => string;
  getSignature?: (connection: ForgeConnection, bytes: string, done: (connection: ForgeConnection, signature: string) => void) => void;
  connected(connection: ForgeConnection): void;
  tlsDataReady(connection: ForgeConnection): void;
  dataReady(connection: ForgeConnection): void;
  closed(connection: ForgeConnection): void;
  error(connection: ForgeConnection, error: ForgeError): void;
}

/** `forge.tls` as tls.js exports it (only its non-function members and createConnection). */
export interface ForgeTls {
  /** The list whose index 1 onwards the server's version choice scans (tls.js handleClientHello). Shared with tls.js by reference. */
  SupportedVersions: ForgeVersion[];
  Versions: { TLS_1_0: ForgeVersion; TLS_1_1: ForgeVersion; TLS_1_2: ForgeVersion };
  CipherSuites: Record<string, { id: [number, number]; name: string }>;
  /** The enums of RFC 5246 §6.1's security parameters, as tls.js numbers them. */
  ConnectionEnd: { server: number; client: number };
  BulkCipherAlgorithm: { aes: number };
  CipherType: { block: number };
  MACAlgorithm: { hmac_sha1: number };
  ContentType: { change_cipher_spec: number; alert: number; handshake: number; application_data: number };
  Alert: { Level: { warning: number; fatal: number }; Description: { bad_record_mac: number } };
  createConnection(options: ForgeConnectionOptions): ForgeConnection;
}

/** `forge.random`, whose two draws tls.js, aesCipherSuites.js, rsa.js and pkcs1.js look up at each call. */
export interface ForgeRandomSlot {
  getBytes: (count: number, callback?: (err: Error | null, bytes: string) => void) => string;
  getBytesSync: (count: number) => string;
}

/** The members of `forge.pki` looked up at call time on the TLS path. */
export interface ForgePkiSlot {
  privateKeyFromPem: (pem: string) => forge.pki.rsa.PrivateKey;
  certificateError: Record<string, string>;
}

/** forge's TLS module. */
export const forgeTls = forge.tls as unknown as ForgeTls;
/** forge's shared random source. */
export const forgeRandomSlot = forge.random as unknown as ForgeRandomSlot;
/** forge's PKI module, as a mutable slot. */
export const forgePkiSlot = forge.pki as unknown as ForgePkiSlot;
