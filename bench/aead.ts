/**
 * `npm run bench -- aead [SECONDS]`: what one AES-GCM seal and open cost on
 * each backend, by message size. node:crypto makes a cipher object per
 * message (a fixed cost of a few microseconds, then AES-NI); the tables
 * backend keeps each key's round keys and GHASH table (no fixed cost, then
 * plain JavaScript per block); noble does both in JavaScript per message.
 * `auto` (the default) switches from the tables to node:crypto at
 * `autoTablesBelowBytes`: this bench shows where the two lines cross.
 * Backends are measured in rounds, interleaved, so that drift hits all
 * alike; SECONDS (default 0.2) is the time per size, backend and round.
 */

import { cpus } from "node:os";
import { type Aead, type AeadBackend, autoTablesBelowBytes, createAead } from "../src/crypto/index.js";
import { timeLoop } from "./time-loop.js";

const SIZES = [40, 100, 200, 300, 448, 600, 1400, 8000];
const BACKENDS: AeadBackend[] = ["node", "tables", "auto", "noble"];
const ROUNDS = 3;

function main(argv: readonly string[]): void {
  const seconds = argv[0] === undefined ? 0.2 : Number(argv[0]);
  if (!(seconds > 0)) throw new RangeError(`aead bench: expected seconds > 0, got "${argv[0]}"`);
  console.log(`swarmsim AES-GCM benchmark: µs per seal + open with a 16-byte tag, one 16-byte key, by plaintext size; auto switches at ${autoTablesBelowBytes} bytes`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}; ${ROUNDS} rounds of ${seconds} s, best kept`);
  const key = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);
  const nonce = new Uint8Array(12).fill(9);
  const aeads = BACKENDS.map((b) => createAead(b));
  console.log(`${"bytes".padStart(6)}${BACKENDS.map((b) => b.padStart(10)).join("")}   tables/node`);
  for (const size of SIZES) {
    const plaintext = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
    const best = aeads.map(() => 0);
    for (let round = 0; round < ROUNDS; round++) {
      aeads.forEach((aead: Aead, i) => {
        const sealed = aead.seal(key, nonce, plaintext);
        const rate = timeLoop(seconds, () => {
          aead.seal(key, nonce, plaintext);
          aead.open(key, nonce, sealed);
        });
        best[i] = Math.max(best[i]!, rate);
      });
    }
    const micros = best.map((rate) => 1e6 / rate);
    const ratio = micros[BACKENDS.indexOf("tables")]! / micros[BACKENDS.indexOf("node")]!;
    console.log(`${String(size).padStart(6)}${micros.map((m) => m.toFixed(2).padStart(10)).join("")}   ${ratio.toFixed(2)}×`);
  }
}

main(process.argv.slice(2));
