/**
 * TLS 1.1 record protection for TLS_RSA_WITH_AES_128_CBC_SHA, written from
 * RFC 4346 (§6.2.3, §6.3) with node:crypto and nothing of forge's record code
 * or of src/tls: the tests' own reader of the wire (with the key log's master
 * secret) and their own writer of records a peer could send, broken ones too.
 */
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import forge from "node-forge";
import { ContentType, HandshakeType, clearHandshakeMessages, parseRecords } from "./records.js";

/** AES block, and the TLS 1.1 explicit IV. */
export const BLOCK_BYTES = 16;
/** HMAC-SHA1. */
export const MAC_BYTES = 20;
const TLS_1_1 = 0x0302;

/** One direction's keys (RFC 4346 §6.3). */
export interface DirectionKeys {
  readonly macKey: Buffer;
  readonly key: Buffer;
}

/** Both directions' keys of a session. */
export interface RecordKeys {
  readonly client: DirectionKeys;
  readonly server: DirectionKeys;
}

/** RFC 4346 §6.3: key_block = PRF(master_secret, "key expansion", server_random ‖ client_random), MAC keys then write keys. */
export function recordKeys(masterSecret: Uint8Array, clientRandom: Uint8Array, serverRandom: Uint8Array): RecordKeys {
  const binary = (b: Uint8Array) => Buffer.from(b).toString("latin1");
  const prf = (forge.tls as unknown as { prf_tls1(secret: string, label: string, seed: string, length: number): forge.util.ByteStringBuffer }).prf_tls1;
  const block = Buffer.from(prf(binary(masterSecret), "key expansion", binary(serverRandom) + binary(clientRandom), 2 * MAC_BYTES + 2 * 16).getBytes(), "latin1");
  return {
    client: { macKey: block.subarray(0, 20), key: block.subarray(40, 56) },
    server: { macKey: block.subarray(20, 40), key: block.subarray(56, 72) },
  };
}

/** The keys of the one session whose key log line is `keyLogLine`, its ServerHello read from what the client received. */
export function sessionKeys(keyLogLine: string, toClient: Uint8Array): RecordKeys {
  const [label, clientRandomHex, masterSecretHex] = keyLogLine.split(" ");
  if (label !== "CLIENT_RANDOM") throw new Error(`not an NSS key log line: ${keyLogLine}`);
  const serverHello = clearHandshakeMessages(toClient).find((m) => m.type === HandshakeType.serverHello);
  if (serverHello === undefined) throw new Error("no ServerHello in the bytes");
  const serverRandom = serverHello.body.subarray(2, 34); // after server_version
  return recordKeys(Buffer.from(masterSecretHex!, "hex"), Buffer.from(clientRandomHex!, "hex"), serverRandom);
}

/** RFC 4346 §6.2.3.1: HMAC_SHA1(MAC_write_secret, seq_num ‖ type ‖ version ‖ length ‖ content). */
export function recordMac(macKey: Uint8Array, seq: number, type: number, content: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeBigUInt64BE(BigInt(seq), 0);
  header[8] = type;
  header.writeUInt16BE(TLS_1_1, 9);
  header.writeUInt16BE(content.length, 11);
  return createHmac("sha1", macKey).update(header).update(content).digest();
}

/** RFC 4346 §6.2.3.2: the least padding that fills the block, every byte (the length byte too) its length. */
export function padding(unpaddedBytes: number): Buffer {
  const bytes = BLOCK_BYTES - (unpaddedBytes % BLOCK_BYTES);
  return Buffer.alloc(bytes, bytes - 1);
}

/** IV ‖ AES-128-CBC(key, IV, plaintext); `plaintext` whole blocks. */
export function encryptFragment(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-128-cbc", key, iv).setAutoPadding(false);
  return Buffer.concat([iv, cipher.update(plaintext), cipher.final()]);
}

/** A record on the wire: type, TLS 1.1, length, fragment. */
export function frame(type: number, fragment: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header[0] = type;
  header.writeUInt16BE(TLS_1_1, 1);
  header.writeUInt16BE(fragment.length, 3);
  return Buffer.concat([header, fragment]);
}

/** A well-formed application_data record of `content` under `keys`, sequence number `seq`. */
export function sealRecord(keys: DirectionKeys, seq: number, iv: Uint8Array, content: Uint8Array, type: number = ContentType.applicationData): Buffer {
  const mac = recordMac(keys.macKey, seq, type, content);
  const plaintext = Buffer.concat([content, mac, padding(content.length + MAC_BYTES)]);
  return frame(type, encryptFragment(keys.key, iv, plaintext));
}

/** A record read with the keys: its type and content, or why it did not open. */
export type OpenedRecord = { readonly type: number; readonly content: Uint8Array } | { readonly type: number; readonly problem: string };

/** Opens every record after the first ChangeCipherSpec in `bytes` (the Finished first, sequence number 0). */
export function openRecords(bytes: Uint8Array, keys: DirectionKeys): OpenedRecord[] {
  const records = parseRecords(bytes);
  const start = records.findIndex((r) => r.type === ContentType.changeCipherSpec);
  if (start < 0) return [];
  return records.slice(start + 1).map((record, seq) => openRecord(keys, seq, record.type, record.fragment));
}

function openRecord(keys: DirectionKeys, seq: number, type: number, fragment: Uint8Array): OpenedRecord {
  if (fragment.length < 2 * BLOCK_BYTES || fragment.length % BLOCK_BYTES !== 0) return { type, problem: `${fragment.length} bytes` };
  const decipher = createDecipheriv("aes-128-cbc", keys.key, fragment.subarray(0, BLOCK_BYTES)).setAutoPadding(false);
  const plaintext = Buffer.concat([decipher.update(fragment.subarray(BLOCK_BYTES)), decipher.final()]);
  const paddingLength = plaintext[plaintext.length - 1]!;
  const unpadded = plaintext.length - paddingLength - 1;
  if (unpadded < MAC_BYTES || plaintext.subarray(unpadded).some((b) => b !== paddingLength)) return { type, problem: "bad padding" };
  const content = plaintext.subarray(0, unpadded - MAC_BYTES);
  const mac = plaintext.subarray(unpadded - MAC_BYTES, unpadded);
  if (!recordMac(keys.macKey, seq, type, content).equals(mac)) return { type, problem: "bad MAC" };
  return { type, content };
}
