/**
 * forge keeps bytes in "binary strings" (one character per byte); the rest of
 * the simulator keeps them in Uint8Arrays. These convert the other way from
 * `bytesToBinaryString` in src/crypto.
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** The bytes of a forge binary string. */
export function binaryToBytes(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i) & 0xff;
  return out;
}

/** Lowercase hex of a forge binary string. */
export function binaryToHex(binary: string): string {
  let out = "";
  for (let i = 0; i < binary.length; i++) out += HEX[binary.charCodeAt(i) & 0xff];
  return out;
}
