/** Shared arbitraries and helpers for the net tests. */
import fc from "fast-check";
import { formatIpv4 } from "../../src/net/index.js";
import { concat } from "../support/bytes.js";

/** Any IPv4 address, as a canonical dotted quad. */
export const arbIpv4 = fc.nat({ max: 0xffffffff }).map(formatIpv4);
/** Any port. */
export const arbPort = fc.nat({ max: 0xffff });
/** A payload of up to `max` bytes. */
export const arbPayload = (max = 1600) => fc.uint8Array({ maxLength: max });

export { concat, fromHex } from "../support/bytes.js";

