/**
 * `npm run bench -- esp [SECONDS]`: what ESP framing costs on top of AES-GCM.
 * For 1400-byte payloads, measures on each backend (node:crypto, noble):
 * the bare AEAD (seal then open the same bytes with an 8-byte tag) and ESP
 * (`encodeEsp` then `openEsp`: header, RFC 4303 trailer, seqiv-style IV,
 * AAD = SPI ‖ seq). Both in the same run, interleaved in rounds so that
 * drift hits both alike; reports packets per second and the ratio ESP / bare
 * (the overlay issue's target: at most 1.3×). SECONDS (default 3) is the
 * time spent per measurement.
 */

import { cpus } from "node:os";
import { type Aead, type AeadBackend, createAead } from "../src/crypto/index.js";
import { type EspKeys, encodeEsp, espSaltOf, openEsp, seqivIv } from "../src/overlay/index.js";
import { timeLoop } from "./time-loop.js";

const PAYLOAD_BYTES = 1400;
const ROUNDS = 5;

function measure(aead: Aead, seconds: number): { bare: number; esp: number } {
  const key = Uint8Array.from({ length: 16 }, (_, i) => i * 7 + 1);
  const spi = 0x2f3c4d5e;
  const keys: EspKeys = { key, salt: espSaltOf(spi), icvBytes: 8 };
  const payload = Uint8Array.from({ length: PAYLOAD_BYTES }, (_, i) => i & 0xff);
  const nonce = new Uint8Array(12).fill(9);
  const aad = new Uint8Array(8).fill(3);
  const ivSalt = new Uint8Array(8).fill(0x5a);
  let seq = 0;
  let bare = 0;
  let esp = 0;
  for (let round = 0; round < ROUNDS; round++) {
    bare += timeLoop(seconds / ROUNDS, () => {
      const sealed = aead.seal(key, nonce, payload, aad, 8);
      if (!aead.open(key, nonce, sealed, aad, 8).ok) throw new Error("esp bench: the bare AEAD did not open its own packet");
    });
    esp += timeLoop(seconds / ROUNDS, () => {
      seq = (seq % 0xffff_fffe) + 1;
      const packet = encodeEsp(keys, { spi, seq, iv: seqivIv(ivSalt, seq), payload, nextHeader: 17 }, aead);
      if (!openEsp(keys, packet, aead).ok) throw new Error("esp bench: ESP did not open its own packet");
    });
  }
  return { bare: bare / ROUNDS, esp: esp / ROUNDS };
}

function main(argv: readonly string[]): void {
  const seconds = argv[0] === undefined ? 3 : Number(argv[0]);
  if (!(seconds > 0)) throw new RangeError(`esp bench: expected a number of seconds above 0, got "${argv[0]}"`);
  console.log(`swarmsim ESP benchmark: seal + open of ${PAYLOAD_BYTES}-byte payloads, 8-byte ICV, ${seconds} s per measurement`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`);
  for (const backend of ["node", "noble"] as AeadBackend[]) {
    const { bare, esp } = measure(createAead(backend), seconds);
    console.log(
      `${backend.padEnd(6)} bare AEAD ${(bare / 1000).toFixed(1)} k packets/s, ESP ${(esp / 1000).toFixed(1)} k packets/s: ESP costs ${(bare / esp).toFixed(2)}× the bare AEAD (target ≤ 1.3×)`,
    );
  }
}

main(process.argv.slice(2));
