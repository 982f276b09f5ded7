/**
 * Partitions as a set of blocked directions between hosts.
 *
 * Every partition is kept as directed pairs (from, to), so one mechanism
 * serves a symmetric split, an isolated host and a one-way cut (a→b blocked
 * while b→a delivers: what an asymmetric firewall rule or a half-broken NIC
 * does). Blocks add up until a heal lifts them all. Hosts are numbered by
 * the fabric (their order of addition).
 */

/** The most hosts a fabric can number in a pair key. */
export const maxPartitionHosts = 65_536;

function pairKey(from: number, to: number): number {
  return from * maxPartitionHosts + to;
}

/** The blocked directions of one fabric. */
export class PartitionTable {
  private readonly blocked = new Set<number>();

  /** Blocks traffic from host `from` to host `to` (one way). */
  block(from: number, to: number): void {
    if (from !== to) this.blocked.add(pairKey(from, to));
  }

  /** True if traffic from `from` to `to` is blocked. */
  isBlocked(from: number, to: number): boolean {
    return this.blocked.size > 0 && this.blocked.has(pairKey(from, to));
  }

  /** Lifts every block. */
  clear(): void {
    this.blocked.clear();
  }

  /** Number of blocked directions. */
  get size(): number {
    return this.blocked.size;
  }
}

/**
 * The directed pairs a split into groups blocks: every pair of hosts in
 * different groups, both ways. Pure, for the fabric and for tests.
 *
 * @example
 * splitPairs([[0], [1, 2]]) // [[0,1],[0,2],[1,0],[2,0]]
 */
export function splitPairs(groups: readonly (readonly number[])[]): Array<[from: number, to: number]> {
  const pairs: Array<[number, number]> = [];
  groups.forEach((group, g) => {
    groups.forEach((other, h) => {
      if (g === h) return;
      for (const from of group) for (const to of other) pairs.push([from, to]);
    });
  });
  return pairs;
}
