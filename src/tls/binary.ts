/**
 * forge keeps bytes in "binary strings" (one character per byte); the rest of
 * the simulator keeps them in Uint8Arrays. These convert the other way from
 * `bytesToBinaryString` in src/crypto.
 */

/** Node's Buffer where there is one (a browser has none): latin1 decoding is its fastest way to a binary string. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;
/** Bytes per `String.fromCharCode` call without a Buffer: well under any engine's argument limit. */
const CHUNK = 8192;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** The bytes of a forge binary string. */
export function binaryToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i) & 0xff;
  return out;
}

/**
 * A forge binary string of the bytes: what src/crypto's `bytesToBinaryString`
 * gives, without its spread of every byte as an argument, which costs ~100 µs
 * for a 4 KiB record (≈ 25 times Buffer's latin1 decoding).
 */
export function bytesToBinary(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
  let out = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return out;
}

/** Lowercase hex of a forge binary string. */
export function binaryToHex(binary: string): string {
  let out = "";
  for (let i = 0; i < binary.length; i++) out += HEX[binary.charCodeAt(i) & 0xff];
  return out;
}
