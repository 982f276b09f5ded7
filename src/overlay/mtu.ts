/** The MTU a container sees on an overlay network. */

import { defaultUnderlayMtuBytes, espAlignBytes, espOverheadBytes, vxlanOverheadBytes } from "./constants.js";

/**
 * The MTU Docker gives an overlay network's interfaces (moby encryption.go
 * maxMTU): the underlay MTU (1500 unless the network sets one) less 50 bytes
 * of VXLAN; an encrypted network also loses ESP's 26 bytes and is rounded
 * down to a multiple of 4, ESP's alignment.
 *
 * @example
 * ```ts
 * overlayMtu(false); // 1450
 * overlayMtu(true);  // 1424
 * overlayMtu(true, 9000); // 8924
 * ```
 */
export function overlayMtu(encrypted: boolean, underlayMtu: number = defaultUnderlayMtuBytes): number {
  const smallest = vxlanOverheadBytes + espOverheadBytes + espAlignBytes;
  if (!Number.isInteger(underlayMtu) || underlayMtu < smallest || underlayMtu > 65_535) {
    throw new RangeError(`"underlayMtu" expected a whole number from ${smallest} to 65535, got ${underlayMtu}`);
  }
  let mtu = underlayMtu - vxlanOverheadBytes;
  if (encrypted) {
    mtu -= espOverheadBytes;
    mtu -= mtu % espAlignBytes;
  }
  return mtu;
}
