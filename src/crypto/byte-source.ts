/**
 * Seeded bytes for keys and nonces. Key material and nonces never come from
 * the platform's generator: they come from a ByteSource passed in, normally a
 * named stream of the run's Rng, so the same seed gives the same keys.
 */

/**
 * Anything that hands out bytes on demand. The kernel's `Rng` satisfies it as
 * it is (`rng.bytes(n)`), so a stream can be passed wherever one is wanted.
 *
 * @example
 * ```ts
 * const source: ByteSource = rng.fork("gossip");
 * const nonce = source.bytes(gcmNonceBytes);
 * ```
 */
export interface ByteSource {
  /** `n` fresh bytes. */
  bytes(n: number): Uint8Array;
}

/**
 * node-forge's random interface (`forge.random`), whose bytes are binary
 * strings: one character per byte, code 0-255.
 *
 * @example
 * ```ts
 * const random: ForgeRandom = forgeRandomFrom(rng.fork("tls"));
 * random.getBytesSync(32).length; // 32
 * ```
 */
export interface ForgeRandom {
  /** `count` bytes as a binary string. */
  getBytesSync(count: number): string;
  /**
   * `count` bytes as a binary string. forge's own version may answer through
   * `callback`; this one always answers at once, and also calls `callback`
   * (synchronously) when one is given.
   */
  getBytes(count: number, callback?: (err: Error | null, bytes: string) => void): string;
  /** The same draw as `getBytesSync(count)`, as bytes: for code that works on Uint8Arrays. */
  bytes(count: number): Uint8Array;
}

/** Characters per `String.fromCharCode` call: well under any engine's argument limit. */
const CHUNK = 8192;
/** Up to this many bytes, one character at a time. */
const SMALL = 64;

/**
 * The bytes as a binary string (one character per byte), the form node-forge
 * uses for byte buffers.
 *
 * @example
 * ```ts
 * bytesToBinaryString(new Uint8Array([0x61, 0xff])); // "a\u00ff"
 * ```
 */
export function bytesToBinaryString(bytes: Uint8Array): string {
  let out = "";
  if (bytes.length <= SMALL) {
    // A record's IV or stand-in MAC: a loop beats spreading into fromCharCode.
    for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]!);
    return out;
  }
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return out;
}

/**
 * A node-forge style random source drawing from `source`, so forge's key
 * generation and TLS handshakes draw seeded bytes.
 *
 * @example
 * ```ts
 * import forge from "node-forge";
 * const random = forgeRandomFrom(rng.fork("tls").fork("node-1"));
 * forge.random.getBytesSync = random.getBytesSync;
 * forge.random.getBytes = random.getBytes;
 * ```
 */
export function forgeRandomFrom(source: ByteSource): ForgeRandom {
  const bytes = (count: number): Uint8Array => {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`"count" expected a whole number >= 0, got ${count}`);
    }
    return source.bytes(count);
  };
  const getBytesSync = (count: number): string => bytesToBinaryString(bytes(count));
  const getBytes = (count: number, callback?: (err: Error | null, bytes: string) => void): string => {
    const bytes = getBytesSync(count);
    callback?.(null, bytes);
    return bytes;
  };
  return { getBytesSync, getBytes, bytes };
}
