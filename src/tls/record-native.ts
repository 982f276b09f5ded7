/**
 * forge's TLS record protection, done by node:crypto.
 *
 * Once a handshake completes, every application record goes through the
 * connection state's `cipherFunction` (tls.js createConnectionState), which for
 * the AES-CBC suites is aesCipherSuites.js: HMAC-SHA1 over
 * seq_num‖type‖version‖length‖fragment, TLS padding, AES-CBC under an explicit
 * per-record IV (TLS 1.1, RFC 4346 §6.2.3.2), all in pure JavaScript (~100 µs
 * a record). Here the current state's two cipher functions are replaced by
 * ones that do the same arithmetic in OpenSSL and give the same bytes: the
 * explicit IV and the stand-in MAC forge draws when it opens a record come from
 * `forge.random` at the same moments, the sequence numbers are forge's own, and
 * a bad MAC or bad padding answers false, so that tls.js raises the same
 * bad_record_mac alert. Where node:crypto is missing (a browser), or the
 * connection is not TLS 1.1+ with AES-CBC and HMAC-SHA1, forge's functions stay.
 *
 * Only the states that protect application data are touched: the handshake,
 * its Finished records included, runs through forge as before.
 */

import forge from "node-forge";
import { type NodeCryptoModule, nodeCrypto } from "../crypto/index.js";
import type { ForgeConnection, ForgeConnectionMode, ForgeKeyBlock, ForgeRecord } from "./forge-api.js";
import { forgeRandomSlot, forgeTls } from "./forge-api.js";

/** AES's block, and the TLS 1.1 explicit IV, which is one block (RFC 4346 §6.2.3.2). */
const blockBytes = 16;
/** HMAC-SHA1's output, the MAC every AES-CBC-SHA record carries. */
const macBytes = 20;
/** seq_num (8) ‖ type (1) ‖ version (2) ‖ length (2): what the MAC covers before the fragment (RFC 4346 §6.2.3.1). */
const macHeaderBytes = 13;

type CipherFunction = ForgeConnectionMode["cipherFunction"];
type HmacKey = ReturnType<NodeCryptoModule["createSecretKey"]>;

/** Directions whose cipher function is already native, so that a second call does not wrap it again. */
const nativeModes = new WeakSet<ForgeConnectionMode>();

/**
 * Whether records can be protected by node:crypto here.
 *
 * @example
 * ```ts
 * if (!nativeRecordsAvailable()) console.log("pure-JS record layer: ~100 µs a record");
 * ```
 */
export function nativeRecordsAvailable(): boolean {
  return nodeCrypto() !== undefined;
}

/**
 * Routes the record protection of `connection`'s current state (both
 * directions) to node:crypto, byte for byte as forge's. Call it from forge's
 * `connected` callback: the handshake has then switched both directions to the
 * negotiated keys. Returns whether it did; it leaves forge's functions where
 * node:crypto is missing or the connection is not TLS 1.1+ with AES-CBC and
 * HMAC-SHA1 (TLS 1.0 chains CBC from record to record: forge keeps that).
 *
 * @example
 * ```ts
 * connected: (c) => {
 *   protectRecordsNatively(c); // every record from here on: OpenSSL
 * },
 * ```
 */
export function protectRecordsNatively(connection: ForgeConnection): boolean {
  const crypto = nodeCrypto();
  const cipherName = nativeCipherName(connection);
  const keys = connection.session?.sp.keys as ForgeKeyBlock | null | undefined;
  if (crypto === undefined || cipherName === undefined || keys == null) return false;
  const { read, write } = connection.state.current;
  if (nativeModes.has(read) || nativeModes.has(write)) return false;
  const client = connection.entity === forgeTls.ConnectionEnd.client;
  const writeKey = client ? keys.client_write_key : keys.server_write_key;
  const readKey = client ? keys.server_write_key : keys.client_write_key;
  // tls.js createConnectionState gives each direction its MAC key from the same key block:
  // finding them where expected confirms which encryption key is which.
  const writeMacKey = client ? keys.client_write_MAC_key : keys.server_write_MAC_key;
  const readMacKey = client ? keys.server_write_MAC_key : keys.client_write_MAC_key;
  if (write.macKey !== writeMacKey || read.macKey !== readMacKey || write.cipherState === null || read.cipherState === null) return false;
  write.cipherFunction = sealer(crypto, cipherName, latin1(writeKey), crypto.createSecretKey(latin1(writeMacKey)));
  read.cipherFunction = opener(crypto, cipherName, latin1(readKey), crypto.createSecretKey(latin1(readMacKey)), read.cipherFunction);
  nativeModes.add(read);
  nativeModes.add(write);
  return true;
}

/** The OpenSSL cipher for the connection's suite, if it is one done here. */
function nativeCipherName(connection: ForgeConnection): string | undefined {
  const sp = connection.session?.sp;
  const { Versions, BulkCipherAlgorithm, CipherType, MACAlgorithm } = forgeTls;
  if (sp === undefined || connection.version.major !== Versions.TLS_1_1.major || connection.version.minor < Versions.TLS_1_1.minor) {
    return undefined;
  }
  const aesCbcSha =
    sp.bulk_cipher_algorithm === BulkCipherAlgorithm.aes &&
    sp.cipher_type === CipherType.block &&
    sp.block_length === blockBytes &&
    sp.record_iv_length === blockBytes &&
    sp.mac_algorithm === MACAlgorithm.hmac_sha1 &&
    sp.mac_length === macBytes;
  if (!aesCbcSha) return undefined;
  return sp.enc_key_length === 16 ? "aes-128-cbc" : sp.enc_key_length === 32 ? "aes-256-cbc" : undefined;
}

/**
 * aesCipherSuites.js encrypt_aes_cbc_sha1 for TLS 1.1+: MAC, sequence number,
 * a fresh IV from `forge.random`, padding of n+1 bytes of value n up to the
 * block, AES-CBC, IV ‖ ciphertext.
 *
 * One cipher serves every record: CBC's state between two updates is the last
 * block written, so XORing the first plaintext block with that block and with
 * the record's IV makes the cipher start the record from the IV, as a new one
 * would, without the cost of making one.
 */
function sealer(crypto: NodeCryptoModule, cipherName: string, key: Buffer, macKey: HmacKey): CipherFunction {
  let chain = Buffer.alloc(blockBytes);
  const cipher = crypto.createCipheriv(cipherName, key, chain);
  cipher.setAutoPadding(false);
  return (record, mode) => {
    const fragment = record.fragment.bytes();
    const paddingBytes = blockBytes - ((fragment.length + macBytes) % blockBytes);
    const plain = Buffer.allocUnsafe(fragment.length + macBytes + paddingBytes);
    plain.write(fragment, 0, "latin1");
    recordMac(crypto, macKey, mode, record, plain.subarray(0, fragment.length)).copy(plain, fragment.length);
    plain.fill(paddingBytes - 1, fragment.length + macBytes);
    mode.updateSequenceNumber();
    const iv = forgeRandomSlot.getBytesSync(blockBytes);
    mode.cipherState!.init = true;
    const ivBytes = latin1(iv);
    for (let i = 0; i < blockBytes; i++) plain[i] = plain[i]! ^ ivBytes[i]! ^ chain[i]!;
    const sealed = cipher.update(plain);
    chain = sealed.subarray(sealed.length - blockBytes);
    record.fragment = forge.util.createBuffer(iv + sealed.toString("latin1"));
    record.length = record.fragment.length();
    return true;
  };
}

/**
 * aesCipherSuites.js decrypt_aes_cbc_sha1 for TLS 1.1+: AES-CBC from the
 * explicit IV, the padding check (every padding byte equal to the last; kept
 * as it is when it fails), a stand-in MAC drawn from `forge.random` for every
 * record, the fragment and the MAC split off (the stand-in when fewer than 20
 * bytes remain), the MAC checked, the sequence number advanced. False for a
 * bad MAC or padding. A record that is not whole blocks of at least IV and one
 * more goes to forge's own function, which has its own ways of refusing those.
 *
 * One decipher serves every record: the explicit IV is deciphered as a block
 * of its own and dropped, after which CBC's state is the IV itself.
 */
function opener(crypto: NodeCryptoModule, cipherName: string, key: Buffer, macKey: HmacKey, forgeOpen: CipherFunction): CipherFunction {
  const decipher = crypto.createDecipheriv(cipherName, key, Buffer.alloc(blockBytes));
  decipher.setAutoPadding(false);
  // The sealed record's bytes, reused from record to record (Buffer.from would take a fresh slice of the pool each time).
  let scratch = Buffer.allocUnsafe(1024);
  return (record, mode) => {
    const sealedBytes = record.fragment.length();
    if (sealedBytes < 2 * blockBytes || sealedBytes % blockBytes !== 0) return forgeOpen(record, mode);
    mode.cipherState!.init = true;
    if (scratch.length < sealedBytes) scratch = Buffer.allocUnsafe(Math.max(sealedBytes, 2 * scratch.length));
    scratch.write(record.fragment.getBytes(), 0, sealedBytes, "latin1");
    const opened = decipher.update(scratch.subarray(0, sealedBytes)).subarray(blockBytes);
    const unpadded = unpaddedLength(opened);
    const length = unpadded ?? opened.length;
    // forge draws a stand-in MAC for every record, to compare against when too few bytes remain.
    const standIn = forgeRandomSlot.getBytesSync(macBytes);
    const fragment = opened.subarray(0, length >= macBytes ? length - macBytes : length);
    const received = length >= macBytes ? opened.subarray(length - macBytes, length) : latin1(standIn);
    record.fragment = forge.util.createBuffer(fragment.toString("latin1"));
    record.length = fragment.length;
    const expected = recordMac(crypto, macKey, mode, record, fragment);
    mode.updateSequenceNumber();
    return crypto.timingSafeEqual(received, expected) && unpadded !== undefined;
  };
}

/**
 * The length before the padding, or undefined if the padding is bad:
 * aesCipherSuites.js decrypt_aes_cbc_sha1_padding, where the last byte n asks
 * for n more bytes of value n before it, and n+1 beyond the data is bad.
 */
function unpaddedLength(opened: Buffer): number | undefined {
  const last = opened.length - 1;
  const paddingLength = opened[last]!;
  if (paddingLength > last) return undefined;
  for (let i = last - paddingLength; i < last; i++) if (opened[i] !== paddingLength) return undefined;
  return last - paddingLength;
}

/** tls.js hmac_sha1: HMAC-SHA1 over seq_num ‖ type ‖ version ‖ length ‖ fragment, with the record's own length field. */
function recordMac(crypto: NodeCryptoModule, macKey: HmacKey, mode: ForgeConnectionMode, record: ForgeRecord, fragment: Uint8Array): Buffer {
  const header = Buffer.allocUnsafe(macHeaderBytes);
  header.writeUInt32BE(mode.sequenceNumber[0] >>> 0, 0);
  header.writeUInt32BE(mode.sequenceNumber[1] >>> 0, 4);
  header[8] = record.type;
  header[9] = record.version.major;
  header[10] = record.version.minor;
  header.writeUInt16BE(record.length & 0xffff, 11);
  return crypto.createHmac("sha1", macKey).update(header).update(fragment).digest();
}

/** A binary string's bytes. */
function latin1(binary: string): Buffer {
  return Buffer.from(binary, "latin1");
}
