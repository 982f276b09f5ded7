/**
 * Argument checks shared by the AEAD backends. A failed check is a programming
 * mistake, so it throws, naming the argument and what arrived (noble style:
 * `"nonce" expected Uint8Array of length 12, got length=8`). Private to crypto/.
 */

import { type TagLength, gcmNonceBytes } from "./aead.js";

const KEY_LENGTHS: readonly number[] = [16, 24, 32];
const EMPTY = new Uint8Array(0);

/** Describes a value for an error message: its type, or its class if it is an object. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return `type=${(value as object).constructor?.name ?? "object"}`;
  return `type=${typeof value}`;
}

/** Throws unless `value` is a Uint8Array (a Buffer is one). */
export function checkBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${name}" expected Uint8Array, got ${describe(value)}`);
  }
}

/** Throws unless `key` is an AES key: 16, 24 or 32 bytes. */
export function checkKey(key: unknown): asserts key is Uint8Array {
  checkBytes("key", key);
  if (!KEY_LENGTHS.includes(key.length)) {
    throw new RangeError(`"key" expected Uint8Array of length 16, 24 or 32, got length=${key.length}`);
  }
}

/** Throws unless `nonce` is a 12-byte GCM nonce. */
export function checkNonce(nonce: unknown): asserts nonce is Uint8Array {
  checkBytes("nonce", nonce);
  if (nonce.length !== gcmNonceBytes) {
    throw new RangeError(`"nonce" expected Uint8Array of length ${gcmNonceBytes}, got length=${nonce.length}`);
  }
}

/** Returns the AAD to use: `aad` checked, or empty when it is undefined. */
export function checkAad(aad: unknown): Uint8Array {
  if (aad === undefined) return EMPTY;
  checkBytes("aad", aad);
  return aad;
}

/** Returns the tag length to use: `tagLength` checked, or 16 when it is undefined. */
export function checkTagLength(tagLength: unknown): TagLength {
  if (tagLength === undefined) return 16;
  if (tagLength !== 16 && tagLength !== 8) {
    throw new RangeError(`"tagLength" expected 16 or 8, got ${String(tagLength)}`);
  }
  return tagLength;
}

/** The checked arguments of one seal or open call. */
export interface AeadCall {
  readonly aad: Uint8Array;
  readonly tagBytes: TagLength;
}

/**
 * Checks every argument of a seal or open call; `dataName` names the data
 * argument (`"plaintext"` or `"sealed"`) in messages.
 */
export function checkAeadCall(
  key: unknown,
  nonce: unknown,
  dataName: string,
  data: unknown,
  aad: unknown,
  tagLength: unknown,
): AeadCall {
  checkKey(key);
  checkNonce(nonce);
  checkBytes(dataName, data);
  return { aad: checkAad(aad), tagBytes: checkTagLength(tagLength) };
}
