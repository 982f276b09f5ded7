/**
 * What the overlay driver is told and what it answers: the networks and
 * endpoints of a join, the service record that goes with a task's endpoint,
 * the key changes of session messages, and the outcome of a join.
 */

import type { Ipv4Address, MacAddress } from "../net/index.js";
import type { EndpointLink } from "../workload/types.js";
import type { OverlayKey } from "./xfrm-tables.js";

/** The node's operating system: the Windows overlay driver ignores `encrypted`. */
export type OverlayOs = "linux" | "windows";

/** An overlay network, as the control plane allocated it. */
export interface OverlayNetworkSpec {
  /** The network ID (networkdb's network name). */
  readonly id: string;
  /** The network's name, for traces and errors. */
  readonly name: string;
  /** Its VXLAN Network Identifier (Docker's start at 4096). */
  readonly vni: number;
  /** Its subnet, `a.b.c.d/n`. */
  readonly subnet: string;
  /** `--opt encrypted`: VXLAN in ESP between Linux nodes. */
  readonly encrypted: boolean;
}

/** A container's endpoint on a network. */
export interface OverlayEndpointSpec {
  /** The endpoint ID (64 hex): the key of its table entries. */
  readonly id: string;
  /** Its address on the network (inside the network's subnet). */
  readonly address: Ipv4Address;
  /** Its MAC; Docker derives one from the address when none is given (02:42 ‖ the address). */
  readonly containerMac?: MacAddress;
}

/**
 * What libnetwork's agent gossips for an endpoint in `endpoint_table`
 * (agent.go addServiceInfoToCluster); the endpoint's address comes from the
 * endpoint itself.
 */
export interface EndpointServiceInfo {
  /** The container's name (the task name, `web.1.<task id>`). */
  readonly name: string;
  /** The service's name; empty for a container on an attachable network. */
  readonly serviceName?: string;
  readonly serviceId?: string;
  /** The service's VIP on this network, without prefix; none in DNS round-robin mode. */
  readonly virtualIp?: Ipv4Address;
  /** The service's network aliases. */
  readonly aliases?: readonly string[];
  /** The task's own aliases. */
  readonly taskAliases?: readonly string[];
}

/**
 * The outcome of a join: the container's link, or why the driver refused
 * (Docker's error text).
 *
 * @example
 * ```ts
 * const joined = driver.joinEndpoint(network, endpoint, (packet) => stack.receive(packet));
 * if (!joined.ok) return taskFailed(joined.error);
 * ```
 */
export type JoinResult = { readonly ok: true; readonly link: EndpointLink } | { readonly ok: false; readonly error: string };

/** A network key as a session message carries it (api EncryptionKey: its bytes and Lamport tag). */
export interface NetworkKey {
  readonly key: Uint8Array;
  readonly lamportTime: number;
}

/**
 * A key change for the driver, as the node's keys report it: the first keys
 * (primary first) or one update.
 */
export type NetworkKeyChange =
  | { readonly kind: "set"; readonly keys: readonly NetworkKey[]; readonly primary: NetworkKey | undefined }
  | { readonly kind: "update"; readonly newKey?: NetworkKey; readonly primary?: NetworkKey; readonly prune?: NetworkKey };

/** A network key as the driver holds it. */
export function overlayKeyOf(key: NetworkKey): OverlayKey {
  return { tag: key.lamportTime, key: key.key };
}

/** One endpoint of a network as `peers` lists it. */
export interface PeerView {
  readonly endpointId: string;
  readonly address: Ipv4Address;
  readonly mac: MacAddress;
  /** The host it lives on; this node's address for its own endpoints. */
  readonly vtep: Ipv4Address;
  readonly local: boolean;
}
