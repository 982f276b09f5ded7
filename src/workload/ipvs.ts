/**
 * The VIP load balancer in a container's namespace, as libnetwork programs it
 * (service_linux.go): iptables marks packets to a service VIP, and an IPVS
 * service on that mark forwards each new connection to one task, round robin,
 * in NAT (masquerade) mode. So the app connects to the VIP, the wire carries
 * the task's address, and the replies come back to the app from the VIP.
 *
 * Only TCP is balanced here. Connections are told apart by (local port, VIP,
 * port), as conntrack does for one source address; a SYN with a new initial
 * sequence number starts a new connection (and a new pick), a retransmitted
 * SYN keeps its backend.
 */

import { type Ipv4Address, type Ipv4Packet, TcpFlag, decodeTcp, encodeTcp, tcpHeaderBytes } from "../net/index.js";
import type { ServiceLookup } from "./types.js";

/**
 * Connections the table remembers before it forgets the oldest. IPVS keeps
 * entries until their protocol timeout (900 s established, 120 s after FIN);
 * a bound on the count stands in for those timers.
 */
export const ipvsConnectionsMax = 65_536;

/** One balanced connection. */
export interface IpvsConnection {
  /** The app's local port. */
  readonly localPort: number;
  /** The service VIP the app connected to. */
  readonly vip: Ipv4Address;
  /** The service port. */
  readonly port: number;
  /** The task address the connection was sent to. */
  readonly backend: Ipv4Address;
  /** The initial sequence number of the connection's SYN: a retransmitted SYN keeps its backend. */
  readonly isn: number;
}

/** A TCP segment's bytes and where it goes. */
export interface RoutedSegment {
  readonly dst: Ipv4Address;
  readonly segment: Uint8Array;
}

interface SegmentHead {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly flags: number;
}

/** The fixed header fields, read without a checksum check (the stack checks that). */
function headOf(segment: Uint8Array): SegmentHead | undefined {
  if (segment.length < tcpHeaderBytes) return undefined;
  const view = new DataView(segment.buffer, segment.byteOffset, segment.byteLength);
  return { srcPort: view.getUint16(0), dstPort: view.getUint16(2), seq: view.getUint32(4), flags: segment[13]! };
}

/** The segment with its pseudo-header addresses changed: decode checks the old checksum, encode writes the new one. */
function readdress(segment: Uint8Array, from: [Ipv4Address, Ipv4Address], to: [Ipv4Address, Ipv4Address]): Uint8Array | undefined {
  const decoded = decodeTcp(segment, from[0], from[1]);
  return decoded.ok ? encodeTcp(decoded.value, to[0], to[1]) : undefined;
}

/** The IPVS connection table of one namespace. */
export class IpvsTable {
  /** By `localPort|vip|port`, in the order they were made (the oldest is forgotten first). */
  private readonly forward = new Map<string, IpvsConnection>();
  /** By `localPort|backend|port`: how replies find their VIP. */
  private readonly reverse = new Map<string, IpvsConnection>();

  constructor(
    private readonly lookup: ServiceLookup,
    private readonly limit: number = ipvsConnectionsMax,
  ) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError(`"limit" expected a whole number of at least 1, got ${limit}`);
  }

  /** Connections balanced so far and still remembered. */
  get size(): number {
    return this.forward.size;
  }

  /** The connections, oldest first (for tests and traces). */
  connections(): IpvsConnection[] {
    return [...this.forward.values()];
  }

  /**
   * Where a TCP segment the app sends from `src` to `dst` on network
   * `networkId` goes: to a backend if `dst` is a VIP (its checksum redone for
   * the new address), unchanged otherwise.
   */
  outbound(networkId: string, src: Ipv4Address, dst: Ipv4Address, segment: Uint8Array): RoutedSegment {
    const head = headOf(segment);
    if (head === undefined) return { dst, segment };
    const key = `${head.srcPort}|${dst}|${head.dstPort}`;
    let connection = this.forward.get(key);
    const opening = (head.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    if (opening && connection?.isn !== head.seq) {
      if (connection !== undefined) this.forget(key, connection);
      const backend = this.lookup.backendFor(dst, networkId);
      connection = backend === undefined ? undefined : this.remember(key, { localPort: head.srcPort, vip: dst, port: head.dstPort, backend, isn: head.seq });
    }
    if (connection === undefined) return { dst, segment };
    const rewritten = readdress(segment, [src, dst], [src, connection.backend]);
    return rewritten === undefined ? { dst, segment } : { dst: connection.backend, segment: rewritten };
  }

  /** An arriving TCP packet with the source of a balanced connection's reply turned back into the VIP. */
  inbound(packet: Ipv4Packet): Ipv4Packet {
    const head = headOf(packet.payload);
    if (head === undefined) return packet;
    const connection = this.reverse.get(`${head.dstPort}|${packet.src}|${head.srcPort}`);
    if (connection === undefined) return packet;
    const rewritten = readdress(packet.payload, [packet.src, packet.dst], [connection.vip, packet.dst]);
    // A reply whose checksum is bad stays as it came: the stack drops it as malformed.
    return rewritten === undefined ? packet : { ...packet, src: connection.vip, payload: rewritten };
  }

  private remember(key: string, connection: IpvsConnection): IpvsConnection {
    if (this.forward.size >= this.limit) {
      const [oldestKey, oldest] = this.forward.entries().next().value as [string, IpvsConnection];
      this.forget(oldestKey, oldest);
    }
    this.forward.set(key, connection);
    this.reverse.set(`${connection.localPort}|${connection.backend}|${connection.port}`, connection);
    return connection;
  }

  private forget(key: string, connection: IpvsConnection): void {
    this.forward.delete(key);
    const reverseKey = `${connection.localPort}|${connection.backend}|${connection.port}`;
    if (this.reverse.get(reverseKey) === connection) this.reverse.delete(reverseKey);
  }
}
