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
 *
 * Beyond forge's hooks, the same arithmetic is offered on bytes
 * (`NativeRecords`): a session that owns the connection seals and opens its
 * application_data records with it directly, without forge's binary strings,
 * buffers and record objects, and leaves every other record to forge. Both
 * ways advance forge's own sequence numbers and draw from the same random
 * source in the same order, so a record is the same whichever way it went.
 */

import forge from "node-forge";
import { type ForgeRandom, HmacSha1, type NodeCryptoModule, nodeCrypto, sha1Bytes } from "../crypto/index.js";
import { allocBytes } from "../encoding/index.js";
import { binaryToBytes } from "./binary.js";
import type { ForgeConnection, ForgeConnectionMode, ForgeKeyBlock, ForgeRecord } from "./forge-api.js";
import { forgeRandomSlot, forgeTls } from "./forge-api.js";

/** AES's block, and the TLS 1.1 explicit IV, which is one block (RFC 4346 §6.2.3.2). */
const blockBytes = 16;
/** HMAC-SHA1's output, the MAC every AES-CBC-SHA record carries. */
const macBytes = sha1Bytes;
/** seq_num (8) ‖ type (1) ‖ version (2) ‖ length (2): what the MAC covers before the fragment (RFC 4346 §6.2.3.1). */
const macHeaderBytes = 13;
/** type (1) ‖ version (2) ‖ length (2): a record's header on the wire (RFC 4346 §6.2.1). */
export const recordHeaderBytes = 5;

type CipherFunction = ForgeConnectionMode["cipherFunction"];
/** Where a direction draws its random bytes: forge's slot as lent in a scope, or the session's source. */
type Draw = (count: number) => Uint8Array;

/** Directions whose cipher function is already native, so that a second call does not wrap it again. */
const nativeModes = new WeakSet<ForgeConnectionMode>();

/**
 * A connection's record protection on bytes, for the session that owns it
 * (see the module's comment). Records of any type may be sealed; forge's
 * functions on the same connection stay in step with these.
 *
 * @example
 * ```ts
 * const records = protectRecordsNatively(connection, random);
 * stream.write(records!.seal(23, request)); // header ‖ IV ‖ AES-CBC(request ‖ MAC ‖ padding)
 * ```
 */
export interface NativeRecords {
  /**
   * One whole record of `type` carrying `fragment` (at most forge's
   * `MaxFragment` bytes, as `tls.queue` cuts them), under the connection's
   * version: what forge's prepare would have written for it.
   */
  seal(type: number, fragment: Uint8Array): Uint8Array;
  /**
   * The fragment of a record of `type` and version `major.minor` whose body
   * (IV ‖ ciphertext) is `body`, or "refused" for a bad MAC or padding (forge
   * then fails the connection with bad_record_mac), or "forge" for a body
   * that is not whole blocks of at least IV and one more: forge's own
   * function has its own ways of refusing those, and nothing was drawn or
   * counted.
   */
  open(type: number, major: number, minor: number, body: Uint8Array): Uint8Array | "refused" | "forge";
}

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
 * directions) to node:crypto, byte for byte as forge's, and returns the same
 * protection on bytes. Call it from forge's `connected` callback: the
 * handshake has then switched both directions to the negotiated keys. Returns
 * undefined, leaving forge's functions, where node:crypto is missing or the
 * connection is not TLS 1.1+ with AES-CBC and HMAC-SHA1 (TLS 1.0 chains CBC
 * from record to record: forge keeps that), or when it was already done.
 *
 * `random` is the source forge is lent in the session's scope; without it,
 * draws go to `forge.random` as it stands at each record.
 *
 * @example
 * ```ts
 * connected: (c) => {
 *   records = protectRecordsNatively(c, random); // every record from here on: OpenSSL
 * },
 * ```
 */
export function protectRecordsNatively(connection: ForgeConnection, random?: ForgeRandom): NativeRecords | undefined {
  const crypto = nodeCrypto();
  const cipherName = nativeCipherName(connection);
  const keys = connection.session?.sp.keys as ForgeKeyBlock | null | undefined;
  if (crypto === undefined || cipherName === undefined || keys == null) return undefined;
  const { read, write } = connection.state.current;
  if (nativeModes.has(read) || nativeModes.has(write)) return undefined;
  const client = connection.entity === forgeTls.ConnectionEnd.client;
  const writeKey = client ? keys.client_write_key : keys.server_write_key;
  const readKey = client ? keys.server_write_key : keys.client_write_key;
  // tls.js createConnectionState gives each direction its MAC key from the same key block:
  // finding them where expected confirms which encryption key is which.
  const writeMacKey = client ? keys.client_write_MAC_key : keys.server_write_MAC_key;
  const readMacKey = client ? keys.server_write_MAC_key : keys.client_write_MAC_key;
  if (write.macKey !== writeMacKey || read.macKey !== readMacKey || write.cipherState === null || read.cipherState === null) return undefined;
  const draw: Draw = random !== undefined ? random.bytes : (count) => binaryToBytes(forgeRandomSlot.getBytesSync(count));
  const direction = (key: string, macKey: string, mode: ForgeConnectionMode): Direction => ({
    crypto,
    cipherName,
    key: binaryToBytes(key),
    mac: new RecordMac(binaryToBytes(macKey), mode),
    mode,
    draw,
  });
  const sealer = new Sealer(direction(writeKey, writeMacKey, write));
  const opener = new Opener(direction(readKey, readMacKey, read));
  const forgeOpen = read.cipherFunction;
  write.cipherFunction = (record) => sealer.sealForge(record);
  read.cipherFunction = (record, mode) => opener.openForge(record) ?? forgeOpen(record, mode);
  nativeModes.add(read);
  nativeModes.add(write);
  const version = connection.version;
  return {
    seal: (type, fragment) => sealer.record(type, version.major, version.minor, fragment),
    open: (type, major, minor, body) => opener.open(type, major, minor, body),
  };
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

/** What one direction's sealer or opener works with: its cipher's name and key, its MAC, forge's state for it, the random source. */
interface Direction {
  readonly crypto: NodeCryptoModule;
  readonly cipherName: string;
  readonly key: Uint8Array;
  readonly mac: RecordMac;
  readonly mode: ForgeConnectionMode;
  readonly draw: Draw;
}

/** tls.js hmac_sha1 for one direction: HMAC-SHA1 over seq_num ‖ type ‖ version ‖ length ‖ fragment. */
class RecordMac {
  private readonly hmac: HmacSha1;
  private readonly header = new Uint8Array(macHeaderBytes);

  constructor(
    key: Uint8Array,
    private readonly mode: ForgeConnectionMode,
  ) {
    this.hmac = new HmacSha1(key);
  }

  /** The MAC of `fragment` in a record of `type` and `major.minor`, with the direction's current sequence number, at `out[offset..]`. */
  write(type: number, major: number, minor: number, fragment: Uint8Array, out: Uint8Array, offset: number): void {
    const header = this.header;
    const [high, low] = this.mode.sequenceNumber;
    writeUint32(header, 0, high);
    writeUint32(header, 4, low);
    header[8] = type;
    header[9] = major;
    header[10] = minor;
    header[11] = (fragment.length >>> 8) & 0xff;
    header[12] = fragment.length & 0xff;
    this.hmac.digest(header, fragment, out, offset);
  }
}

/**
 * aesCipherSuites.js encrypt_aes_cbc_sha1 for TLS 1.1+: MAC, sequence number,
 * a fresh IV from the random source, padding of n+1 bytes of value n up to
 * the block, AES-CBC, IV ‖ ciphertext.
 *
 * One cipher serves every record: CBC's state between two updates is the last
 * block written, so XORing the first plaintext block with that block and with
 * the record's IV makes the cipher start the record from the IV, as a new one
 * would, without the cost of making one.
 */
class Sealer {
  private readonly cipher;
  private readonly mac: RecordMac;
  private readonly mode: ForgeConnectionMode;
  private readonly draw: Draw;
  /** CBC's state: the last ciphertext block written. */
  private readonly chain = new Uint8Array(blockBytes);
  /** The plaintext of a record (fragment ‖ MAC ‖ padding), reused from record to record. */
  private plain = Buffer.allocUnsafe(1024);

  constructor({ crypto, cipherName, key, mac, mode, draw }: Direction) {
    this.cipher = crypto.createCipheriv(cipherName, key, this.chain);
    this.cipher.setAutoPadding(false);
    this.mac = mac;
    this.mode = mode;
    this.draw = draw;
  }

  /** The whole record: header, then `body`'s IV ‖ ciphertext. */
  record(type: number, major: number, minor: number, fragment: Uint8Array): Uint8Array {
    const { iv, sealed } = this.seal(type, major, minor, fragment);
    const length = blockBytes + sealed.length;
    const out = allocBytes(recordHeaderBytes + length);
    out[0] = type;
    out[1] = major;
    out[2] = minor;
    out[3] = length >>> 8;
    out[4] = length & 0xff;
    out.set(iv, recordHeaderBytes);
    out.set(sealed, recordHeaderBytes + blockBytes);
    return out;
  }

  /** forge's cipher function: the record's fragment becomes IV ‖ ciphertext. */
  sealForge(record: ForgeRecord): boolean {
    const { iv, sealed } = this.seal(record.type, record.version.major, record.version.minor, binaryToBytes(record.fragment.bytes()));
    const body = new Uint8Array(blockBytes + sealed.length);
    body.set(iv);
    body.set(sealed, blockBytes);
    record.fragment = forge.util.createBuffer(Buffer.from(body.buffer, body.byteOffset, body.length).toString("latin1"));
    record.length = body.length;
    return true;
  }

  private seal(type: number, major: number, minor: number, fragment: Uint8Array): { iv: Uint8Array; sealed: Buffer } {
    const paddingBytes = blockBytes - ((fragment.length + macBytes) % blockBytes);
    const total = fragment.length + macBytes + paddingBytes;
    if (this.plain.length < total) this.plain = Buffer.allocUnsafe(Math.max(total, 2 * this.plain.length));
    const plain = this.plain;
    plain.set(fragment, 0);
    this.mac.write(type, major, minor, fragment, plain, fragment.length);
    plain.fill(paddingBytes - 1, fragment.length + macBytes, total);
    this.mode.updateSequenceNumber();
    const iv = this.draw(blockBytes);
    this.mode.cipherState!.init = true;
    const chain = this.chain;
    for (let i = 0; i < blockBytes; i++) plain[i] = plain[i]! ^ iv[i]! ^ chain[i]!;
    const sealed = this.cipher.update(plain.subarray(0, total));
    chain.set(sealed.subarray(sealed.length - blockBytes));
    return { iv, sealed };
  }
}

/**
 * aesCipherSuites.js decrypt_aes_cbc_sha1 for TLS 1.1+: AES-CBC from the
 * explicit IV, the padding check (every padding byte equal to the last; kept
 * as it is when it fails), a stand-in MAC drawn from the random source for
 * every record, the fragment and the MAC split off (the stand-in when fewer
 * than 20 bytes remain), the MAC checked, the sequence number advanced.
 *
 * One decipher serves every record: the explicit IV is deciphered as a block
 * of its own and dropped, after which CBC's state is the IV itself.
 */
class Opener {
  private readonly decipher;
  private readonly mac: RecordMac;
  private readonly mode: ForgeConnectionMode;
  private readonly draw: Draw;
  private readonly expected = new Uint8Array(macBytes);

  constructor({ crypto, cipherName, key, mac, mode, draw }: Direction) {
    this.decipher = crypto.createDecipheriv(cipherName, key, new Uint8Array(blockBytes));
    this.decipher.setAutoPadding(false);
    this.mac = mac;
    this.mode = mode;
    this.draw = draw;
  }

  open(type: number, major: number, minor: number, body: Uint8Array): Uint8Array | "refused" | "forge" {
    const opened = this.decrypt(type, major, minor, body);
    return opened === undefined ? "forge" : opened.ok ? opened.fragment : "refused";
  }

  /** forge's cipher function, or undefined for a record forge's own function must take. */
  openForge(record: ForgeRecord): boolean | undefined {
    const opened = this.decrypt(record.type, record.version.major, record.version.minor, binaryToBytes(record.fragment.bytes()));
    if (opened === undefined) return undefined;
    // forge leaves the deciphered fragment in the record also when it refuses it.
    const { fragment } = opened;
    record.fragment = forge.util.createBuffer(Buffer.from(fragment.buffer, fragment.byteOffset, fragment.length).toString("latin1"));
    record.length = fragment.length;
    return opened.ok;
  }

  private decrypt(type: number, major: number, minor: number, body: Uint8Array): { fragment: Uint8Array; ok: boolean } | undefined {
    if (body.length < 2 * blockBytes || body.length % blockBytes !== 0) return undefined;
    this.mode.cipherState!.init = true;
    const opened = this.decipher.update(body).subarray(blockBytes);
    const unpadded = unpaddedLength(opened);
    const length = unpadded ?? opened.length;
    // forge draws a stand-in MAC for every record, to compare against when too few bytes remain.
    const standIn = this.draw(macBytes);
    const fragment = opened.subarray(0, length >= macBytes ? length - macBytes : length);
    const received = length >= macBytes ? opened.subarray(length - macBytes, length) : standIn;
    this.mac.write(type, major, minor, fragment, this.expected, 0);
    this.mode.updateSequenceNumber();
    return { fragment, ok: sameMac(received, this.expected) && unpadded !== undefined };
  }
}

/**
 * The length before the padding, or undefined if the padding is bad:
 * aesCipherSuites.js decrypt_aes_cbc_sha1_padding, where the last byte n asks
 * for n more bytes of value n before it, and n+1 beyond the data is bad.
 */
function unpaddedLength(opened: Uint8Array): number | undefined {
  const last = opened.length - 1;
  const paddingLength = opened[last]!;
  if (paddingLength > last) return undefined;
  for (let i = last - paddingLength; i < last; i++) if (opened[i] !== paddingLength) return undefined;
  return last - paddingLength;
}

/** Whether two MACs are equal, looking at every byte whatever the first difference. */
function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

function writeUint32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = (value >>> 24) & 0xff;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}
