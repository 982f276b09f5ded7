/**
 * The numbers of the underlay, each with its unit and its reason.
 *
 * Protocol numbers and header sizes are the protocol (IANA, RFC 791/768/793)
 * and never change; timer values follow Linux, whose stack the real Swarm
 * nodes run on, where the brief of the model does not say otherwise.
 */

import { type Duration, ms, seconds } from "../sim/index.js";

/** IANA protocol numbers carried in the IPv4 protocol field. Append-only: the numbers are the protocol. */
export const IpProtocol = {
  /** TCP (RFC 793): the control plane on 2377. */
  tcp: 6,
  /** UDP (RFC 768): gossip on 7946, VXLAN on 4789. */
  udp: 17,
  /** ESP (RFC 4303): the encrypted overlay's data plane. */
  esp: 50,
} as const;

/** An IANA protocol number (0-255). */
export type IpProtocolNumber = number;

/** Bytes in an IPv4 header without options (IHL 5). */
export const ipv4HeaderBytes = 20;
/** Bytes in a UDP header. */
export const udpHeaderBytes = 8;
/** Bytes in a TCP header without options (data offset 5). */
export const tcpHeaderBytes = 20;
/** The largest IPv4 packet: the total length field is 16 bits. */
export const ipv4MaxPacketBytes = 65_535;

/** Linux's net.ipv4.ip_default_ttl. */
export const ipDefaultTtl = 64;

/** TCP maximum segment size: a 1500-byte Ethernet MTU less 20 bytes of IPv4 and 20 of TCP. */
export const tcpMssBytes = 1460;
/**
 * The receive window every endpoint advertises (the largest without window
 * scaling). Receivers in the model hand data to the application at once, so the
 * window never closes; it only bounds how much a sender has in flight.
 */
export const tcpWindowBytes = 65_535;
/** First retransmission timeout: 200 ms, Linux's TCP_RTO_MIN, so a lost segment costs little simulated time. */
export const tcpRtoInitialUs: Duration = ms(200);
/** The floor of the RFC 6298 estimate: Linux's TCP_RTO_MIN. */
export const tcpRtoMinUs: Duration = ms(200);
/** The ceiling of the backed-off timeout: Linux's TCP_RTO_MAX is 120 s; 60 s keeps give-up times readable. */
export const tcpRtoMaxUs: Duration = seconds(60);
/**
 * Retransmissions of one segment before the connection is reset. With the timeout
 * doubling from 200 ms, 6 tries give up after about 25 s of silence (Linux's
 * tcp_retries2 = 15 waits ~15 min, too long for a simulated partition to be useful).
 */
export const tcpMaxRetransmits = 6;
/** TIME-WAIT: Linux's TCP_TIMEWAIT_LEN, long enough to re-acknowledge a peer's retransmitted FIN. */
export const tcpTimeWaitUs: Duration = seconds(60);

/** First ephemeral source port: Linux's net.ipv4.ip_local_port_range. */
export const ephemeralPortFirst = 32_768;
/** Last ephemeral source port: Linux's net.ipv4.ip_local_port_range. */
export const ephemeralPortLast = 60_999;

/**
 * The default underlay subnet, 10.0.0.0/16: hosts get 10.0.0.1, .2, ... .254,
 * then 10.0.1.1 and on, so small clusters read as one /24 and a thousand-node
 * swarm still fits. Addresses ending in .0 or .255 are skipped so none looks
 * like a /24's network or broadcast address.
 */
export const defaultSubnetBase = "10.0.0.0";
/** The default subnet's prefix length. */
export const defaultSubnetPrefix = 16;

/** Default one-way latency of a link: a LAN hop is well under 1 ms; 1 ms keeps timestamps readable. */
export const defaultLatencyUs: Duration = ms(1);

/** Loss rates are parts per million, so a draw is one integer `chance(ppm, 1e6)`. */
export const lossDenominatorPpm = 1_000_000;
