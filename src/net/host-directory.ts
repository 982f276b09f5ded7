/**
 * The fabric's hosts by name, by address and by number, and the default
 * addressing: 10.0.0.1, 10.0.0.2, ... in the order hosts are added, skipping
 * addresses given explicitly.
 */

import { type Ipv4Address, formatIpv4, ipv4ToNumber } from "./address.js";
import { defaultSubnetBase, defaultSubnetPrefix } from "./constants.js";
import type { Host } from "./host.js";
import { maxPartitionHosts } from "./partitions.js";

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The hosts of one fabric. */
export class HostDirectory {
  /** Every host, in the order added; a host's number is its index here. */
  readonly list: Host[] = [];
  private readonly byName = new Map<string, Host>();
  private readonly byIp = new Map<Ipv4Address, Host>();
  private readonly numbers = new Map<Host, number>();

  /**
   * Checks a new host's name and address (or picks the next free default one)
   * and returns the address; throws on a bad or taken name or address.
   */
  claim(name: string, ip: Ipv4Address | undefined): Ipv4Address {
    if (!HOST_NAME.test(name)) {
      // The name also names random streams (`net/isn:<name>`), which must not contain "/".
      throw new RangeError(`"name" expected letters, digits, "_", "." or "-" (not first), got "${name}"`);
    }
    if (this.byName.has(name)) throw new Error(`a host named "${name}" already exists`);
    if (this.list.length >= maxPartitionHosts) throw new RangeError(`a fabric holds at most ${maxPartitionHosts} hosts`);
    if (ip !== undefined) ipv4ToNumber(ip, "ip");
    const address = ip ?? this.nextFreeAddress();
    const holder = this.byIp.get(address);
    if (holder !== undefined) throw new Error(`address ${address} is already ${holder.name}'s`);
    return address;
  }

  /** Registers a host made with a claimed name and address. */
  add(host: Host): void {
    this.numbers.set(host, this.list.length);
    this.list.push(host);
    this.byName.set(host.name, host);
    this.byIp.set(host.ip, host);
  }

  /** The host named `name`; throws a RangeError if there is none. */
  named(name: string): Host {
    const host = this.byName.get(name);
    if (host === undefined) throw new RangeError(`"name" expected a host of this fabric, got "${name}"`);
    return host;
  }

  /** The host at `ip`, if any. */
  at(ip: Ipv4Address): Host | undefined {
    return this.byIp.get(ip);
  }

  /** The number of a host of this fabric. */
  numberOf(host: Host): number {
    return this.numbers.get(host)!;
  }

  /** The number of the host named `name`; throws a RangeError if there is none. */
  numberNamed(name: string): number {
    return this.numberOf(this.named(name));
  }

  private nextFreeAddress(): Ipv4Address {
    const base = ipv4ToNumber(defaultSubnetBase);
    for (let i = 1; i < 2 ** (32 - defaultSubnetPrefix); i++) {
      if (i % 256 === 0 || i % 256 === 255) continue;
      const address = formatIpv4(base + i);
      if (!this.byIp.has(address)) return address;
    }
    throw new RangeError(`no free address left in ${defaultSubnetBase}/${defaultSubnetPrefix}: give the host an explicit "ip"`);
  }
}
