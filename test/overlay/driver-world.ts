/** An overlay world for tests: hosts on a fabric, each with networkdb and an overlay driver, and helpers to build packets. */
import { defaultAead } from "../../src/crypto/index.js";
import { type Ipv4Address, decodeIpv4, decodeUdp, encodeIpv4, encodeUdp } from "../../src/net/index.js";
import { type EndpointServiceInfo, type OverlayKey, type OverlayNetworkSpec, type OverlayOs, OverlayDriver } from "../../src/overlay/index.js";
import { seconds } from "../../src/sim/index.js";
import type { EndpointLink } from "../../src/workload/types.js";
import { networkDbWorld } from "../gossip/networkdb-world.js";
import { overlayKey } from "./helpers.js";

export interface OverlayWorldOptions {
  readonly seed?: number;
  /** The OS of each node, by index; Linux unless told. */
  readonly os?: readonly OverlayOs[];
  readonly replayWindow?: number;
  readonly onSequenceExhausted?: "drop" | "wrap";
}

/** Three keys as the key manager makes them, and a fourth for a rotation. */
export const [k1, k2, k3, k4] = [0x8181, 0x8182, 0x8183, 0x8184].map(overlayKey) as [OverlayKey, OverlayKey, OverlayKey, OverlayKey];

export const secureNet: OverlayNetworkSpec = { id: "a".repeat(25), name: "secure", vni: 4097, subnet: "10.0.1.0/24", encrypted: true };
export const plainNet: OverlayNetworkSpec = { id: "b".repeat(25), name: "plain", vni: 4098, subnet: "10.0.2.0/24", encrypted: false };

/** A 64-hex endpoint ID. */
export const endpointId = (n: number) => n.toString(16).padStart(64, "0");

/** What an endpoint received. */
export interface JoinedEndpoint {
  readonly link: EndpointLink;
  readonly received: Uint8Array[];
}

/**
 * `count` nodes with networkdb started and joined, and a driver each (none
 * with keys yet).
 */
export function overlayWorld(count: number, options: OverlayWorldOptions = {}) {
  const w = networkDbWorld(count, options.seed === undefined ? {} : { seed: options.seed });
  const aead = defaultAead();
  const drivers = w.peers.map(
    (p, i) =>
      new OverlayDriver({
        sim: w.sim,
        host: p.host,
        node: p.host.name,
        os: options.os?.[i] ?? "linux",
        aead,
        rng: w.sim.rng.fork("overlay").fork(p.host.name),
        networkDb: () => p.db,
        ...(options.replayWindow === undefined ? {} : { replayWindow: options.replayWindow }),
        ...(options.onSequenceExhausted === undefined ? {} : { onSequenceExhausted: options.onSequenceExhausted }),
      }),
  );
  w.startAll();
  w.run(seconds(5));
  const driver = (n: number) => drivers[n - 1]!;
  /** Gives nodes Docker's first keys: k2 (the middle one) primary. */
  const giveKeys = (...nodes: number[]) => {
    for (const n of nodes) driver(n).setKeys([k1, k2, k3], k2.tag);
  };
  let nextEndpoint = 1;
  /** Joins a new endpoint of node `n` to `network` at `address`; throws if refused. */
  const join = (n: number, network: OverlayNetworkSpec, address: Ipv4Address, service?: EndpointServiceInfo): JoinedEndpoint => {
    const received: Uint8Array[] = [];
    const joined = driver(n).joinEndpoint(network, { id: endpointId(nextEndpoint++), address }, (packet) => received.push(packet), service);
    if (!joined.ok) throw new Error(joined.error);
    return { link: joined.link, received };
  };
  return { ...w, drivers, driver, giveKeys, join };
}

const text = new TextEncoder();

/** A marker that must never cross the wire of an encrypted network in clear. */
export const marker = (tag: string) => text.encode(`MARKER-${tag}-0123456789`);

let identification = 0;

/** An IPv4/UDP packet from `src` to `dst` carrying `payload`. */
export function udpPacket(src: Ipv4Address, dst: Ipv4Address, payload: Uint8Array, srcPort = 40000, dstPort = 8080): Uint8Array {
  identification = (identification + 1) & 0xffff;
  return encodeIpv4({ src, dst, protocol: 17, identification, payload: encodeUdp({ srcPort, dstPort, payload }, src, dst) });
}

/** Whether `needle` occurs in `haystack`. */
export function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** What kind of overlay packet an underlay packet is: ESP, VXLAN (UDP 4789), or something else (gossip). */
export function overlayKind(bytes: Uint8Array): "esp" | "vxlan" | "other" {
  const ip = decodeIpv4(bytes);
  if (!ip.ok) return "other";
  if (ip.value.protocol === 50) return "esp";
  if (ip.value.protocol !== 17) return "other";
  const udp = decodeUdp(ip.value.payload, ip.value.src, ip.value.dst);
  return udp.ok && udp.value.dstPort === 4789 ? "vxlan" : "other";
}
