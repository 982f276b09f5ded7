/**
 * What the workload layer shares with the layers around it: the overlay
 * driver gives each container one `EndpointLink` per network and hands it
 * the packets addressed to it; the node's runtime keeps what containers
 * print as `LogLine`s for `docker service logs`; name resolution (Docker's
 * embedded DNS) and the VIP load balancer are asked through `ServiceLookup`.
 */

import type { Ipv4Address } from "../net/index.js";
import type { Instant } from "../sim/index.js";

/** One line a container wrote (without its newline). */
export interface LogLine {
  readonly at: Instant;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
}

/**
 * A container's interface on one overlay network, made by the node's overlay
 * driver when the container joins the network. The container's IP stack sends
 * whole IPv4 packets through it; the driver puts them in Ethernet, VXLAN and,
 * on an encrypted network, ESP.
 */
export interface EndpointLink {
  /** The network's ID. */
  readonly networkId: string;
  /** The network's name (for traces and errors). */
  readonly networkName: string;
  /** The endpoint ID (64 hex), as libnetwork names it. */
  readonly endpointId: string;
  /** The container's address on the network. */
  readonly address: Ipv4Address;
  /** The network's prefix length (24 for a /24). */
  readonly prefixLength: number;
  /** The interface MTU (1450, or 1424 on an encrypted network). */
  readonly mtu: number;
  /** Sends one IPv4 packet (header first) that the container's stack built. */
  send(packet: Uint8Array): void;
}

/** Where the driver hands a container the IPv4 packets addressed to it. */
export type PacketSink = (packet: Uint8Array) => void;

/**
 * Docker's embedded DNS server (127.0.0.11 in every container) and the VIP
 * load balancer, as a container sees them: libnetwork's service records of
 * the networks the container is on.
 */
export interface ServiceLookup {
  /**
   * Resolves `name` as the embedded DNS does for a container on `networkIds`:
   * a service name gives its VIP (one address), `tasks.NAME` the task
   * addresses; an unknown name gives none (NXDOMAIN).
   */
  resolve(name: string, networkIds: readonly string[]): Ipv4Address[];
  /**
   * The backend a new connection to `vip` goes to (IPVS in the container's
   * namespace picks one per connection, round robin), or undefined if `vip`
   * is not a service VIP or has no backends.
   */
  backendFor(vip: Ipv4Address, networkId: string): Ipv4Address | undefined;
}
