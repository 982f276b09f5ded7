/**
 * The NSS key log: one `CLIENT_RANDOM <client random> <master secret>` line per
 * session, the format Wireshark and tshark read through `tls.keylog_file` to
 * decrypt captured TLS (interop.md). Writing the secrets out is what a real
 * node never does; the simulator does it so its captures can be read.
 */

import { toHex } from "../sim/index.js";

const CLIENT_RANDOM_BYTES = 32;
const MASTER_SECRET_BYTES = 48;

/**
 * One key log line: `CLIENT_RANDOM`, the 32-byte client random and the 48-byte
 * master secret in lowercase hex, without a newline.
 *
 * @example
 * ```ts
 * nssKeyLogLine(clientRandom, masterSecret);
 * // "CLIENT_RANDOM 69...(64 hex) 3f...(96 hex)"
 * ```
 */
export function nssKeyLogLine(clientRandom: Uint8Array, masterSecret: Uint8Array): string {
  if (!(clientRandom instanceof Uint8Array) || clientRandom.length !== CLIENT_RANDOM_BYTES) {
    throw new RangeError(`"clientRandom" expected Uint8Array of length ${CLIENT_RANDOM_BYTES}, got length=${clientRandom?.length}`);
  }
  if (!(masterSecret instanceof Uint8Array) || masterSecret.length !== MASTER_SECRET_BYTES) {
    throw new RangeError(`"masterSecret" expected Uint8Array of length ${MASTER_SECRET_BYTES}, got length=${masterSecret?.length}`);
  }
  return `CLIENT_RANDOM ${toHex(clientRandom)} ${toHex(masterSecret)}`;
}

/**
 * The key log of a run: every session that shares it adds its line when its
 * handshake completes (full or resumed). Both ends of a session know the same
 * secrets, so a line is kept once however many ends add it.
 *
 * @example
 * ```ts
 * const keyLog = new KeyLog();
 * new TlsSession({ ..., keyLog });
 * sim.scheduler.run();
 * writeFileSync(join(outDir, keyLogFileName), keyLog.text());
 * ```
 */
export class KeyLog {
  private readonly seen = new Set<string>();
  private readonly entries: string[] = [];

  /** `onLine` (optional) is told each new line as it is added, to stream it to a file. */
  constructor(private readonly onLine?: (line: string) => void) {}

  /** The lines so far, in the order sessions completed. */
  get lines(): readonly string[] {
    return this.entries;
  }

  /** Adds the line of a session, unless that client random already has one. */
  add(clientRandom: Uint8Array, masterSecret: Uint8Array): void {
    const line = nssKeyLogLine(clientRandom, masterSecret);
    const key = line.slice(0, "CLIENT_RANDOM ".length + 2 * CLIENT_RANDOM_BYTES);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.entries.push(line);
    this.onLine?.(line);
  }

  /** The file's contents: every line, each ending with a newline. */
  text(): string {
    return this.entries.map((line) => `${line}\n`).join("");
  }
}
