/**
 * A capture of the gossip plane's wire for tests: every packet a host puts on
 * the fabric, checked as it is sent and kept for a search in clear afterwards.
 *
 * - UDP on port 7946: each payload must be a version-1 envelope, `[0x01][12-byte
 *   nonce][ciphertext][16-byte tag]`, so at least 29 bytes (memberlist
 *   security.go; net.go rawSendMsgPacket).
 * - TCP on port 7946: each direction of each connection is rebuilt from the
 *   sequence numbers of the segments sent (retransmissions included, which must
 *   repeat the same bytes), and must be a run of `[0x0A][uint32 BE length]
 *   [version-1 envelope]` messages (net.go encryptLocalState). Only the last
 *   message may be cut short: a connection that timed out ends mid-message.
 * - Nothing else may cross the wire in a world that only gossips.
 */
import { Buffer } from "node:buffer";
import { gossipPort } from "../../src/gossip/index.js";
import { type Fabric, IpProtocol, TcpFlag, type TapPacket, decodeIpv4, decodeTcp, decodeUdp } from "../../src/net/index.js";

/** memberlist net.go encryptMsg: the type byte of an encrypted stream message. */
const encryptMsgType = 0x0a;
/** The version byte every envelope starts with (security.go: version 1, what Docker sends). */
const envelopeVersion = 0x01;
/** The smallest version-1 envelope: version, nonce and tag around an empty message. */
const minEnvelopeBytes = 29;
/** `[0x0A][uint32 length]` before each stream envelope. */
const streamHeaderBytes = 5;
const twoTo32 = 2 ** 32;

/** One direction of one TCP connection, as its segments were sent. */
interface StreamDirection {
  readonly id: string;
  /** The initial sequence number, from the SYN. */
  readonly isn: number;
  /** Payloads with their stream offsets (0 is the first data byte), in sending order; a retransmission repeats offsets. */
  readonly chunks: Array<readonly [offset: number, payload: Uint8Array]>;
}

/** What a capture counted. */
export interface CaptureCounts {
  /** UDP payloads on the gossip port checked. */
  readonly datagrams: number;
  /** Directions of TCP connections on the gossip port that carried data. */
  readonly streams: number;
  /** Whole stream messages checked. */
  readonly streamMessages: number;
  /** Segments sent again (go-back-N): their bytes were checked against the first sending. */
  readonly resentSegments: number;
  /** Stream directions whose last message was cut short. */
  readonly truncatedStreams: number;
  /** Packets kept for the search in clear. */
  readonly packets: number;
}

/**
 * @example
 * const capture = new WireCapture(fabric);
 * // ... run ...
 * capture.finish();
 * expect(capture.problems).toEqual([]);
 * expect(capture.findInClear(["ep-1"])).toEqual([]);
 */
export class WireCapture {
  /** What broke the framing rules, one line each. */
  readonly problems: string[] = [];
  private readonly packets: Uint8Array[] = [];
  private readonly open = new Map<string, StreamDirection>();
  private readonly closed: StreamDirection[] = [];
  private datagrams = 0;
  private streamMessages = 0;
  private truncatedStreams = 0;
  private resentSegments = 0;
  private dataStreams = 0;
  private finished = false;

  constructor(fabric: Fabric) {
    fabric.addTap((packet) => this.take(packet), { outcomes: ["sent"] });
  }

  /** Checks every stream direction seen; call once, after the run. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    for (const direction of [...this.closed, ...this.open.values()]) this.checkStream(direction);
  }

  get counts(): CaptureCounts {
    return {
      datagrams: this.datagrams,
      streams: this.dataStreams,
      streamMessages: this.streamMessages,
      resentSegments: this.resentSegments,
      truncatedStreams: this.truncatedStreams,
      packets: this.packets.length,
    };
  }

  /**
   * The texts of `needles` (ASCII) found in any captured packet, IPv4 header
   * included. Packets are searched as one buffer with a zero byte between
   * them, which no needle holds, so that no match spans two packets.
   */
  findInClear(needles: readonly string[]): string[] {
    const haystack = Buffer.alloc(this.packets.reduce((sum, p) => sum + p.length + 1, 0));
    let at = 0;
    for (const packet of this.packets) {
      haystack.set(packet, at);
      at += packet.length + 1;
    }
    for (const needle of needles) {
      if (needle.length === 0 || needle.includes("\0")) throw new RangeError(`"needles" expected non-empty text without NUL, got ${JSON.stringify(needle)}`);
    }
    return needles.filter((needle) => haystack.indexOf(needle, 0, "latin1") >= 0);
  }

  private take(packet: TapPacket): void {
    this.packets.push(packet.bytes);
    const ip = decodeIpv4(packet.bytes);
    if (!ip.ok) return void this.problems.push(`${packet.src}→${packet.dst}: not IPv4: ${ip.reason}`);
    const { src, dst, protocol, payload } = ip.value;
    if (protocol === IpProtocol.udp) {
      const udp = decodeUdp(payload, src, dst);
      if (!udp.ok) return void this.problems.push(`${src}→${dst}: bad UDP: ${udp.reason}`);
      const { srcPort, dstPort, payload: data } = udp.value;
      if (srcPort !== gossipPort && dstPort !== gossipPort) return void this.problems.push(`${src}:${srcPort}→${dst}:${dstPort}: UDP off the gossip port`);
      this.datagrams++;
      if (data.length < minEnvelopeBytes || data[0] !== envelopeVersion) {
        this.problems.push(`${src}:${srcPort}→${dst}:${dstPort}: UDP payload of ${data.length} bytes starting ${hex(data.subarray(0, 4))} is not a version-1 envelope`);
      }
      return;
    }
    if (protocol === IpProtocol.tcp) {
      const tcp = decodeTcp(payload, src, dst);
      if (!tcp.ok) return void this.problems.push(`${src}→${dst}: bad TCP: ${tcp.reason}`);
      const segment = tcp.value;
      if (segment.srcPort !== gossipPort && segment.dstPort !== gossipPort) {
        return void this.problems.push(`${src}:${segment.srcPort}→${dst}:${segment.dstPort}: TCP off the gossip port`);
      }
      this.takeSegment(`${src}:${segment.srcPort}→${dst}:${segment.dstPort}`, segment.seq, segment.flags, segment.payload);
      return;
    }
    this.problems.push(`${src}→${dst}: IP protocol ${protocol} in a world that only gossips`);
  }

  /** Files a segment under its direction; a SYN with a new initial sequence number starts a new connection on the same ports. */
  private takeSegment(id: string, seq: number, flags: number, payload: Uint8Array): void {
    let direction = this.open.get(id);
    if ((flags & TcpFlag.SYN) !== 0 && direction?.isn !== seq) {
      if (direction !== undefined) this.closed.push(direction);
      direction = { id, isn: seq, chunks: [] };
      this.open.set(id, direction);
    }
    if (direction === undefined) return void this.problems.push(`${id}: a segment before any SYN`);
    if (payload.length === 0) return;
    direction.chunks.push([(seq - direction.isn - 1 + twoTo32) % twoTo32, payload]);
  }

  /** Rebuilds one direction's bytes by offset and reads them as stream messages. */
  private checkStream(direction: StreamDirection): void {
    if (direction.chunks.length === 0) return;
    this.dataStreams++;
    const bytes = this.reassemble(direction);
    if (bytes === undefined) return;
    let at = 0;
    while (at < bytes.length) {
      const where = `${direction.id} (isn ${direction.isn}) at byte ${at}`;
      if (bytes[at] !== encryptMsgType) return void this.problems.push(`${where}: stream message type ${bytes[at]}, not ${encryptMsgType}`);
      if (at + streamHeaderBytes > bytes.length) return void this.truncatedStreams++;
      const length = new DataView(bytes.buffer, bytes.byteOffset + at + 1, 4).getUint32(0);
      if (length < minEnvelopeBytes) return void this.problems.push(`${where}: stream envelope of ${length} bytes`);
      if (at + streamHeaderBytes < bytes.length && bytes[at + streamHeaderBytes] !== envelopeVersion) {
        return void this.problems.push(`${where}: stream envelope version ${bytes[at + streamHeaderBytes]}`);
      }
      if (at + streamHeaderBytes + length > bytes.length) return void this.truncatedStreams++;
      this.streamMessages++;
      at += streamHeaderBytes + length;
    }
  }

  /** The direction's bytes from offset 0; undefined (and a problem) on a hole or a retransmission that differs. */
  private reassemble(direction: StreamDirection): Uint8Array | undefined {
    const chunks = [...direction.chunks].sort(([a], [b]) => a - b);
    const total = Math.max(...chunks.map(([offset, chunk]) => offset + chunk.length));
    const out = new Uint8Array(total);
    let end = 0;
    for (const [offset, chunk] of chunks) {
      if (offset > end) {
        this.problems.push(`${direction.id} (isn ${direction.isn}): no segment sent for bytes ${end}-${offset - 1}`);
        return undefined;
      }
      const overlap = Math.min(end - offset, chunk.length);
      if (overlap > 0) this.resentSegments++;
      for (let i = 0; i < overlap; i++) {
        if (out[offset + i] !== chunk[i]) {
          this.problems.push(`${direction.id} (isn ${direction.isn}): a retransmission differs at byte ${offset + i}`);
          return undefined;
        }
      }
      out.set(chunk.subarray(overlap), offset + overlap);
      end = Math.max(end, offset + chunk.length);
    }
    return out;
  }
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}
