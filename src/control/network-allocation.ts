/**
 * What the leader's network allocator hands a new swarm network: a VXLAN ID
 * (swarmkit's cnmallocator through libnetwork's overlay `ovmanager`) and an
 * IPv4 subnet with its gateway (libnetwork's default IPAM over the swarm's
 * default address pool). Pure functions: the caller passes what is taken.
 */

/** libnetwork drivers/overlay/ovmanager/ovmanager.go vxlanIDStart: the first VNI the overlay driver hands out. */
export const vxlanIdStart = 4096;
/** ovmanager.go vxlanIDEnd: VNIs are 24 bits (RFC 7348). */
export const vxlanIdEnd = (1 << 24) - 1;

/** moby daemon/cluster: swarm init's default address pool, when `--default-addr-pool` is not given. */
export const defaultAddressPool = "10.0.0.0/8";
/** moby daemon/cluster: the default subnet size carved from the pool (`--default-addr-pool-mask-length`). */
export const defaultSubnetPrefixLength = 24;

/** An IPv4 network: its base address as a 32-bit integer and its prefix length. */
export interface Ipv4Subnet {
  readonly base: number;
  readonly prefixLength: number;
}

/** A subnet, or why the text is not one. */
export type SubnetParse = { readonly ok: true; readonly subnet: Ipv4Subnet } | { readonly ok: false; readonly reason: string };

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Reads `a.b.c.d/n`. Like Go's net.ParseCIDR (which libnetwork uses), host bits
 * are allowed in the text and dropped from the base (`10.0.9.7/24` is 10.0.9.0/24).
 */
export function parseSubnet(text: string): SubnetParse {
  const m = IPV4_CIDR.exec(text);
  const octets = m?.slice(1, 5).map(Number) ?? [];
  const prefixLength = Number(m?.[5]);
  if (m === null || octets.some((o) => o > 255) || prefixLength > 32) return { ok: false, reason: `invalid CIDR address: ${text}` };
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { ok: true, subnet: { base: maskOf(address, prefixLength), prefixLength } };
}

function maskOf(address: number, prefixLength: number): number {
  const size = 2 ** (32 - prefixLength);
  return Math.floor(address / size) * size;
}

/** Dotted-quad text of a 32-bit address. */
export function ipv4Text(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join(".");
}

/** `a.b.c.d/n` of a subnet. */
export function subnetText(subnet: Ipv4Subnet): string {
  return `${ipv4Text(subnet.base)}/${subnet.prefixLength}`;
}

/** libnetwork ipam: a subnet's default gateway is its first host address (`.1` of a /24). */
export function gatewayOf(subnet: Ipv4Subnet): string {
  return ipv4Text(subnet.base + 1);
}

/** Whether two subnets share any address. */
export function overlaps(a: Ipv4Subnet, b: Ipv4Subnet): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefixLength);
  const bEnd = b.base + 2 ** (32 - b.prefixLength);
  return a.base < bEnd && b.base < aEnd;
}

/**
 * The first subnet of `prefixLength` inside `pool` that overlaps none of
 * `taken`, as libnetwork's default IPAM walks a predefined pool; undefined
 * when the pool is exhausted.
 */
export function nextFreeSubnet(pool: Ipv4Subnet, prefixLength: number, taken: readonly Ipv4Subnet[]): Ipv4Subnet | undefined {
  if (!Number.isInteger(prefixLength) || prefixLength < pool.prefixLength || prefixLength > 32) {
    throw new RangeError(`"prefixLength" expected ${pool.prefixLength} to 32, got ${prefixLength}`);
  }
  const size = 2 ** (32 - prefixLength);
  const end = pool.base + 2 ** (32 - pool.prefixLength);
  for (let base = pool.base; base < end; base += size) {
    const candidate = { base, prefixLength };
    if (!taken.some((t) => overlaps(t, candidate))) return candidate;
  }
  return undefined;
}

/**
 * The lowest VNI from `vxlanIdStart` that none of `taken` holds; undefined
 * when all 2^24 − 4096 are in use.
 */
export function nextFreeVni(taken: Iterable<number>): number | undefined {
  const used = new Set(taken);
  for (let vni = vxlanIdStart; vni <= vxlanIdEnd; vni++) if (!used.has(vni)) return vni;
  return undefined;
}
