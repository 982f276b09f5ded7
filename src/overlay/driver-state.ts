/**
 * The overlay driver's per-network state (ov_network.go `network`,
 * ov_endpoint.go `endpoint`), shared by the control side (driver.ts) and the
 * data path (driver-datapath.ts). Private to overlay/.
 */

import type { Ipv4Address, MacAddress } from "../net/index.js";
import type { PacketSink } from "../workload/types.js";
import type { OwnEntry } from "./driver-gossip.js";
import type { NetworkPeers } from "./driver-peers.js";
import type { OverlayEndpointSpec, OverlayNetworkSpec } from "./driver-types.js";
import type { OverlaySubnet } from "./driver-wire.js";

/** A container's endpoint on this node. */
export interface LocalEndpoint {
  readonly spec: OverlayEndpointSpec;
  /** Its MAC, as net.HardwareAddr prints it. */
  readonly mac: MacAddress;
  /** Where packets for it go. */
  readonly sink: PacketSink;
  /** The table entries this node wrote for it. */
  readonly entries: OwnEntry[];
  /** False once it left: its link then sends nothing. */
  joined: boolean;
}

/** A network with endpoints on this node. */
export interface NetworkState {
  readonly spec: OverlayNetworkSpec;
  readonly subnet: OverlaySubnet;
  /** The containers' MTU: 1450, or 1424 when `secure`. */
  readonly mtu: number;
  /** Encrypted and this is a Linux node: ESP out, cleartext dropped in. */
  readonly secure: boolean;
  readonly endpoints: Map<string, LocalEndpoint>;
  readonly peers: NetworkPeers;
  /** The remote hosts this network holds a tunnel reference for. */
  readonly tunnels: Set<Ipv4Address>;
}
