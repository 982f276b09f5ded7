/**
 * A stored network as the API carries it (api/objects.proto Network) in the
 * raft entries that create and remove it.
 */

import type { StoredNetwork } from "./cluster-store.js";
import { unixMicrosAt } from "./dispatcher-messages.js";
import type { NetworkObject } from "./store-actions.js";

/** moby daemon/network: the driver option that carries an overlay network's VNIs, comma-separated. */
export const vxlanIdListOption = "com.docker.network.driver.overlay.vxlanid_list";

/** The API object of `network`: its spec as created, the allocator's VNI and IPAM state. */
export function networkObjectOf(network: StoredNetwork): NetworkObject {
  const ipamDriver = { name: "default", options: new Map<string, string>() };
  return {
    id: network.id,
    meta: { version: 0, createdAt: unixMicrosAt(network.createdAt) },
    spec: {
      annotations: { name: network.name, labels: new Map(Object.entries(network.labels)) },
      driverConfig: { name: network.driver, options: new Map(Object.entries(network.options)) },
      ipv6Enabled: false,
      internal: false,
      ipam: { driver: ipamDriver, configs: network.subnetFromSpec ? [{ subnet: network.subnet, gateway: "" }] : [] },
      attachable: network.attachable,
      ingress: network.ingress,
    },
    driverState: { name: network.driver, options: new Map([...Object.entries(network.options), [vxlanIdListOption, String(network.vni)]]) },
    ipam: { driver: ipamDriver, configs: [{ subnet: network.subnet, gateway: network.gateway }] },
  };
}
