/**
 * A classic pcap writer (the libpcap format tcpdump, tshark and Wireshark all
 * read), pure: it hands out byte chunks, and whoever holds a file writes them.
 *
 * File header, 24 bytes little-endian: magic 0xA1B2C3D4 (microsecond
 * timestamps), version 2.4, thiszone 0, sigfigs 0, snaplen, link type. Each
 * record: ts_sec, ts_usec, incl_len, orig_len (16 bytes), then the bytes.
 * Link type 101 (LINKTYPE_RAW): each record is a bare IPv4 packet, which is
 * exactly what the fabric carries. Timestamps are simulated time.
 */

import type { Instant } from "../sim/index.js";

/** Link types this writer is used with (tcpdump.org/linktypes.html). Append-only. */
export const PcapLinkType = {
  /** LINKTYPE_ETHERNET: records start with an Ethernet header. */
  ethernet: 1,
  /** LINKTYPE_RAW: records are bare IPv4 or IPv6 packets. */
  raw: 101,
} as const;

/** The magic of a little-endian, microsecond-resolution classic pcap file. */
export const pcapMagic = 0xa1b2c3d4;
/** Bytes in the file header. */
export const pcapFileHeaderBytes = 24;
/** Bytes in a record header. */
export const pcapRecordHeaderBytes = 16;

/** How to write a capture. */
export interface PcapOptions {
  /** Longest record kept; longer packets are cut (orig_len keeps their length). Default 65535. */
  readonly snaplenBytes?: number;
  /** The link type of every record. Default 101 (RAW). */
  readonly linkType?: number;
  /** Unix time, in whole seconds, of simulated time zero. Default 0 (1970-01-01). */
  readonly epochUnixSeconds?: number;
}

const DEFAULT_SNAPLEN = 65_535;

/** The 24-byte file header. */
export function encodePcapHeader(options: PcapOptions = {}): Uint8Array {
  const out = new Uint8Array(pcapFileHeaderBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, pcapMagic, true);
  view.setUint16(4, 2, true); // version major
  view.setUint16(6, 4, true); // version minor
  view.setInt32(8, 0, true); // thiszone: timestamps are UTC
  view.setUint32(12, 0, true); // sigfigs: always 0 in practice
  view.setUint32(16, options.snaplenBytes ?? DEFAULT_SNAPLEN, true);
  view.setUint32(20, options.linkType ?? PcapLinkType.raw, true);
  return out;
}

/** One record: a 16-byte header stamped with `at`, then the packet (cut to the snaplen). */
export function encodePcapRecord(at: Instant, packet: Uint8Array, options: PcapOptions = {}): Uint8Array {
  const snaplen = options.snaplenBytes ?? DEFAULT_SNAPLEN;
  const seconds = Math.floor(at / 1_000_000) + (options.epochUnixSeconds ?? 0);
  if (!Number.isSafeInteger(at) || at < 0 || seconds > 0xffffffff) {
    throw new RangeError(`"at" expected an instant that fits a 32-bit pcap timestamp, got ${at}`);
  }
  const kept = Math.min(packet.length, snaplen);
  const out = new Uint8Array(pcapRecordHeaderBytes + kept);
  const view = new DataView(out.buffer);
  view.setUint32(0, seconds, true);
  view.setUint32(4, at % 1_000_000, true);
  view.setUint32(8, kept, true);
  view.setUint32(12, packet.length, true);
  out.set(packet.subarray(0, kept), pcapRecordHeaderBytes);
  return out;
}

/**
 * Writes a capture as a series of chunks: the file header at once, then one
 * chunk per record. Concatenated in order they are the file.
 *
 * @example
 * const chunks: Uint8Array[] = [];
 * const pcap = new PcapWriter((chunk) => chunks.push(chunk));
 * pcap.write(sim.now, packetBytes);
 */
export class PcapWriter {
  /** Records written so far. */
  records = 0;

  constructor(
    private readonly sink: (chunk: Uint8Array) => void,
    private readonly options: PcapOptions = {},
  ) {
    const snaplen = options.snaplenBytes ?? DEFAULT_SNAPLEN;
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0x3ffff) {
      throw new RangeError(`"snaplenBytes" expected a whole number from 1 to 262143, got ${snaplen}`);
    }
    const epoch = options.epochUnixSeconds ?? 0;
    if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) {
      throw new RangeError(`"epochUnixSeconds" expected a whole number from 0 to 2^32 - 1, got ${epoch}`);
    }
    sink(encodePcapHeader(options));
  }

  /** Writes one packet seen at `at`. */
  write(at: Instant, packet: Uint8Array): void {
    this.sink(encodePcapRecord(at, packet, this.options));
    this.records++;
  }
}
