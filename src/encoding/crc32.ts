/**
 * CRC-32 with the IEEE polynomial (reflected 0xEDB88320, initial and final
 * value 0xFFFFFFFF): Go's `crc32.ChecksumIEEE`, which memberlist puts in
 * front of packets for peers speaking protocol 5 (net.go rawSendMsgPacket,
 * ingestPacket). Table-driven, one byte at a time.
 */

const table = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * The CRC-32 (IEEE) of `bytes`, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * crc32Ieee(new TextEncoder().encode("123456789")).toString(16); // "cbf43926"
 * ```
 */
export function crc32Ieee(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
