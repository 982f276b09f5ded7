/**
 * What a host hands the protocol modules inside it (UDP sockets, the TCP
 * stack): its identity, the kernel services they need, and a way to send.
 * They get this narrow view rather than the Host, so they cannot reach the
 * fabric around it.
 */

import type { Rng, Scheduler, Trace } from "../sim/index.js";
import type { Ipv4Address } from "./address.js";
import type { TcpSettings } from "./tcp-settings.js";

/** A host's services for its protocol modules. */
export interface HostServices {
  /** The host's name (trace `node`). */
  readonly name: string;
  /** The host's address. */
  readonly ip: Ipv4Address;
  /** The simulation's scheduler: the clock and the timers. */
  readonly scheduler: Scheduler;
  /** The simulation's trace. */
  readonly trace: Trace;
  /** The fabric's stream settings. */
  readonly tcp: TcpSettings;
  /** This host's stream for initial sequence numbers. */
  readonly isnRng: Rng;
  /** True while the host is up. */
  isUp(): boolean;
  /** Wraps `payload` in an IPv4 header from this host and puts it on the wire. */
  sendIp(protocol: number, dst: Ipv4Address, payload: Uint8Array): void;
}
