/**
 * The gossip keys file: every gossip key of a run, so Wireshark can read the
 * encrypted memberlist traffic in its captures.
 *
 * The format is dockerd's: moby networkdb debug.go logEncKeys appends each key
 * to the file named by the NETWORKDBKEYLOGFILE environment variable as
 * lowercase hex (Go's hex.NewEncoder) followed by "\n". moby's dissector
 * (contrib/wireshark/memberlist.lua, preference `memberlist.keylog`) reads the
 * file with `io.lines` and tries each line as a hex AES key; its README asks
 * for "the encryption keys as hexadecimal strings, delimited by newlines".
 * That dissector opens version 1 envelopes only, and no labelled messages.
 *
 * Writing keys out is what a real node does only when told to; the simulator
 * does it so its captures can be read.
 */

import { toHex } from "../sim/index.js";
import { aesKeyLengths } from "./keyring.js";

/**
 * The file name the simulator writes the gossip keys to, beside its captures.
 *
 * @example
 * ```ts
 * writeFileSync(join(outDir, gossipKeyFileName), gossipKeyFileText(history.keys()));
 * ```
 */
export const gossipKeyFileName = "gossip-keys.txt";

/**
 * One line of the file, without its newline: the key in lowercase hex.
 *
 * @example
 * ```ts
 * gossipKeyLine(Uint8Array.from({ length: 16 }, (_, i) => i)); // "000102030405060708090a0b0c0d0e0f"
 * ```
 */
export function gossipKeyLine(key: Uint8Array): string {
  if (!(key instanceof Uint8Array)) {
    throw new TypeError(`"key" expected Uint8Array, got type=${key === null ? "null" : typeof key}`);
  }
  if (!aesKeyLengths.includes(key.length)) {
    throw new RangeError(`"key" expected Uint8Array of length 16, 24 or 32, got length=${key.length}`);
  }
  return toHex(key);
}

/**
 * The whole file for `keys`, in the order given: one lowercase hex key per
 * line, every line ending in "\n" as dockerd writes it (so no keys is the
 * empty file). Keys are listed as given; pass `KeyringHistory.keys()` to list
 * each key once in order of first installation.
 *
 * @example
 * ```ts
 * gossipKeyFileText([k1, k2]); // "<32 hex digits of k1>\n<32 hex digits of k2>\n"
 * ```
 */
export function gossipKeyFileText(keys: readonly Uint8Array[]): string {
  if (!Array.isArray(keys)) throw new TypeError(`"keys" expected an array of Uint8Array, got type=${typeof keys}`);
  return keys.map((key) => `${gossipKeyLine(key)}\n`).join("");
}
