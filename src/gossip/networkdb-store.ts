/**
 * networkdb's table entries (networkdb.go `entry` and its two radix indexes,
 * byTable `/table/network/key` and byNetwork `/network/table/key`). One store
 * serves both: a walk of a network or of everything comes back in the order
 * Go's radix walk gives, sorted by path, so what a bulk sync sends and the
 * order watchers hear of changes are fixed.
 */

/** One table entry as a node holds it (networkdb.go entry). */
export interface TableEntry {
  /** The node the entry was learned from: the one that wrote it last. */
  readonly owner: string;
  /** Lamport time (table clock) of the entry's latest change. */
  ltime: number;
  /** The opaque value (a PeerRecord or EndpointRecord for libnetwork's tables). */
  readonly value: Uint8Array;
  /** Deleted, lingering until the reaper removes it so that every node hears of the delete. */
  readonly deleting: boolean;
  /** Microseconds left before the reaper removes a deleting entry; counted down by the reaper. */
  reapTimeUs: number;
}

/** An entry with where it lives. */
export interface StoredEntry {
  readonly table: string;
  readonly nid: string;
  readonly key: string;
  readonly entry: TableEntry;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * @example
 * ```ts
 * const store = new TableStore();
 * store.set("endpoint_table", "net-1", "ep-1", { owner: "3f2a9c41be07", ltime: 1, value, deleting: false, reapTimeUs: 0 });
 * store.network("net-1"); // [{ table: "endpoint_table", nid: "net-1", key: "ep-1", entry }]
 * ```
 */
export class TableStore {
  /** network → table → key → entry. */
  private readonly networks = new Map<string, Map<string, Map<string, TableEntry>>>();
  private count = 0;

  /** How many entries are held, deleting ones included. */
  get size(): number {
    return this.count;
  }

  /** The entry of `table`, `nid`, `key`, deleting or not (networkdb.go getEntry). */
  get(table: string, nid: string, key: string): TableEntry | undefined {
    return this.networks.get(nid)?.get(table)?.get(key);
  }

  /** Inserts or replaces an entry (networkdb.go createOrUpdateEntry); true when it was new. */
  set(table: string, nid: string, key: string, entry: TableEntry): boolean {
    let tables = this.networks.get(nid);
    if (tables === undefined) this.networks.set(nid, (tables = new Map()));
    let keys = tables.get(table);
    if (keys === undefined) tables.set(table, (keys = new Map()));
    const added = !keys.has(key);
    keys.set(key, entry);
    if (added) this.count++;
    return added;
  }

  /** Removes an entry (networkdb.go deleteEntry); true when there was one. */
  delete(table: string, nid: string, key: string): boolean {
    const tables = this.networks.get(nid);
    const keys = tables?.get(table);
    if (keys === undefined || !keys.delete(key)) return false;
    this.count--;
    if (keys.size === 0) tables!.delete(table);
    if (tables!.size === 0) this.networks.delete(nid);
    return true;
  }

  /** A network's entries by table, then key: the byNetwork walk of `/nid/`. */
  network(nid: string): StoredEntry[] {
    const tables = this.networks.get(nid);
    if (tables === undefined) return [];
    const out: StoredEntry[] = [];
    for (const table of [...tables.keys()].sort(byText)) {
      const keys = tables.get(table)!;
      for (const key of [...keys.keys()].sort(byText)) out.push({ table, nid, key, entry: keys.get(key)! });
    }
    return out;
  }

  /**
   * A network's entries in the order they were first stored, without the
   * cost of sorting: for walks whose order changes nothing but the order of
   * their trace records (the reaper's). Entries may be deleted meanwhile.
   */
  *unordered(nid: string): Generator<StoredEntry> {
    const tables = this.networks.get(nid);
    if (tables === undefined) return;
    for (const [table, keys] of tables) for (const [key, entry] of keys) yield { table, nid, key, entry };
  }

  /** One table of one network, by key: the byTable walk of `/table/nid/`. */
  table(table: string, nid: string): StoredEntry[] {
    const keys = this.networks.get(nid)?.get(table);
    if (keys === undefined) return [];
    return [...keys.keys()].sort(byText).map((key) => ({ table, nid, key, entry: keys.get(key)! }));
  }

  /** Every entry by table, network, key: the byTable walk of everything. */
  all(): StoredEntry[] {
    const out = [...this.networks.keys()].flatMap((nid) => this.network(nid));
    return out.sort((a, b) => byText(a.table, b.table) || byText(a.nid, b.nid) || byText(a.key, b.key));
  }
}
