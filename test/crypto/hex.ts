/** Hex helpers for the crypto tests. */
import { readFileSync } from "node:fs";

export { fromHex, toHex } from "../support/bytes.js";

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Reads a JSON file from test/crypto/vectors/. */
export function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), "utf8")) as T;
}

/** One ESP case of draft-mcgrew-gcm-test-01, as vectors/esp-rfc4106.json holds it (fields in hex). */
export interface EspVectorCase {
  name: string;
  key: string;
  salt: string;
  spi: string;
  seq: string;
  iv: string;
  plaintext: string;
  ciphertext: string;
  icv16: string;
}
