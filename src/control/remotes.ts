/**
 * The managers a node knows (swarmkit remotes/remotes.go and node.go's
 * persistentRemotes): first the one it joined through, then every manager
 * the dispatcher lists in session messages. The list is the node's
 * `state.json`: it survives a restart, so a node whose join manager is gone
 * still finds the others. A worker's session and a worker's certificate
 * renewals go to a manager chosen from it (remotes.Select; swarmkit weighs
 * managers by observed failures, here every weight is equal); a manager uses
 * its own local services instead (connectionbroker.Select prefers the local
 * connection).
 */

import type { Ipv4Address } from "../net/index.js";
import type { Rng } from "../sim/index.js";

/**
 * @example
 * ```ts
 * const remotes = new Remotes(["10.0.0.1"]);
 * remotes.observe(["10.0.0.1", "10.0.0.2", "10.0.0.3"]);
 * remotes.select(rng); // one of the three
 * ```
 */
export class Remotes {
  private addresses: readonly Ipv4Address[];

  constructor(initial: readonly Ipv4Address[]) {
    this.addresses = initial.slice();
  }

  /** The managers known now, in the order last observed. */
  get list(): readonly Ipv4Address[] {
    return this.addresses;
  }

  /** Replaces the list with the managers a session message named (those with an address); none changes nothing. */
  observe(managers: readonly string[]): void {
    const known = managers.filter((address) => address !== "") as Ipv4Address[];
    if (known.length > 0) this.addresses = known;
  }

  /**
   * A manager to dial, other than `self` (a node that is no longer a manager
   * is no one to ask) unless no other is known: the only candidate without a
   * draw, else one drawn from `rng`.
   */
  select(rng: Rng, self?: Ipv4Address): Ipv4Address {
    if (this.addresses.length === 0) throw new RangeError("a node in a swarm knows at least the manager it joined through");
    const others = this.addresses.filter((address) => address !== self);
    const candidates = others.length > 0 ? others : this.addresses;
    return candidates.length === 1 ? candidates[0]! : rng.pick(candidates);
  }
}
