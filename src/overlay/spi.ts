/**
 * How Docker names and keys its SAs: nothing is negotiated, so both ends
 * derive the same SPIs and salts from the addresses and the key's tag.
 *
 * moby drivers/overlay/encryption.go: buildSPI hashes, with FNV-1a-32, the
 * source IP in Go's 16-byte form (IPv4-mapped, ::ffff:a.b.c.d: net.ParseIP
 * in older releases, netip.Addr.As16 in newer ones), the key tag as a
 * big-endian uint32 and the destination IP; `src/crypto` espSpi computes it.
 * buildAeadAlgo gives the SA the key material `key ‖ salt` where the salt is
 * the SA's own SPI, big-endian.
 */

import { espSpi } from "../crypto/index.js";
import type { Ipv4Address } from "../net/index.js";
import { espSaltBytes } from "./constants.js";

/**
 * The two SPIs of one key between this node and a peer (encryption.go `spi`):
 * `forward` for the outbound SA (local → remote), `reverse` for the inbound
 * SA (remote → local).
 */
export interface SpiPair {
  /** Outbound: FNV-1a(local ‖ tag ‖ remote). */
  readonly forward: number;
  /** Inbound: FNV-1a(remote ‖ tag ‖ local). */
  readonly reverse: number;
}

/**
 * The SPIs of the key tagged `keyTag` between `local` (the advertise
 * address) and `remote` (encryption.go setupEncryption, updateNodeKey).
 *
 * @example
 * ```ts
 * spiPair("10.0.0.1", "10.0.0.2", 0x8183); // { forward: 0x491dfb14, reverse: 0x77f6e32c }
 * ```
 */
export function spiPair(local: Ipv4Address, remote: Ipv4Address, keyTag: number): SpiPair {
  return { forward: espSpi(local, keyTag, remote), reverse: espSpi(remote, keyTag, local) };
}

/**
 * The salt of the SA with SPI `spi`: the SPI, big-endian (encryption.go buildAeadAlgo).
 *
 * @example
 * ```ts
 * espSaltOf(0x491dfb14); // Uint8Array [0x49, 0x1d, 0xfb, 0x14]
 * ```
 */
export function espSaltOf(spi: number): Uint8Array {
  if (!Number.isInteger(spi) || spi < 0 || spi > 0xffff_ffff) {
    throw new RangeError(`"spi" expected a whole number from 0 to 4294967295, got ${spi}`);
  }
  const salt = new Uint8Array(espSaltBytes);
  new DataView(salt.buffer).setUint32(0, spi, false);
  return salt;
}

/**
 * The key material Docker programs for an SA: the 16-byte key, then the
 * salt (20 bytes, `aead rfc4106(gcm(aes)) 0x… (160 bits) 64` in `ip xfrm state`).
 *
 * @example
 * ```ts
 * espKeyMaterial(key, 0xf4faae1b); // key ‖ f4 fa ae 1b
 * ```
 */
export function espKeyMaterial(key: Uint8Array, spi: number): Uint8Array {
  if (!(key instanceof Uint8Array)) throw new TypeError(`"key" expected Uint8Array, got type=${typeof key}`);
  const material = new Uint8Array(key.length + espSaltBytes);
  material.set(key);
  material.set(espSaltOf(spi), key.length);
  return material;
}
