/**
 * The fabric: the underlay that joins hosts. It owns the hosts and the knobs
 * scenarios turn (link latency and loss, partitions, traffic rules, taps); the wire (wire.ts)
 * carries every packet as real IPv4 bytes under those settings.
 */

import type { Rng, Simulation } from "../sim/index.js";
import type { Ipv4Address } from "./address.js";
import type { DropCounts } from "./drops.js";
import { Host, type HostUplink } from "./host.js";
import { HostDirectory } from "./host-directory.js";
import { type LinkSpec, describeLatency } from "./link.js";
import { LinkTable } from "./link-table.js";
import { PartitionTable, splitPairs } from "./partitions.js";
import type { Tap, TapEntry, TapOptions } from "./tap.js";
import { type TcpSettings, tcpSettings } from "./tcp-settings.js";
import { type TrafficRule, type TrafficRuleSpec, TrafficRuleTable, compileRule, describeRule } from "./traffic-rules.js";
import { Wire } from "./wire.js";

/**
 * How to build a fabric: the default link of every pair (fields not given:
 * 1 ms fixed latency, no loss) and the stream settings.
 */
export interface FabricOptions extends Partial<LinkSpec> {
  /** Stream settings for every host (fields not given: see `defaultTcpSettings`). */
  readonly tcp?: Partial<TcpSettings>;
}

/** Packets counted so far. Loopback packets count too. */
export interface FabricCounters {
  /** Packets hosts put on the wire (or on loopback). */
  readonly sent: number;
  /** Packets handed to a handler at their destination. */
  readonly delivered: number;
  /** Packets dropped, per reason. */
  readonly dropped: Readonly<DropCounts>;
}

/** Whether a link change applies in both directions or only `from`→`to`. */
export interface LinkDirection {
  /** Only `from`→`to` (default: both ways). */
  readonly oneWay?: boolean;
}

/** The underlay network of one simulation. */
export class Fabric {
  /** The seeded stream of the fabric (`net`), that link and host streams fork from. */
  private readonly rng: Rng;
  private readonly tcp: TcpSettings;
  private readonly directory = new HostDirectory();
  private readonly links: LinkTable;
  private readonly partitions = new PartitionTable();
  private readonly rules = new TrafficRuleTable();
  private readonly wire: Wire;
  private readonly uplink: HostUplink;

  /**
   * One fabric per simulation: its random streams are `net/...` under `sim.rng`.
   *
   * @example
   * const fabric = new Fabric(sim, { latency: uniformLatency(ms(1), ms(5)), lossPpm: 10_000 });
   * const a = fabric.addHost("manager-1"); // 10.0.0.1
   */
  constructor(
    /** The simulation the fabric runs in. */
    readonly sim: Simulation,
    options: FabricOptions = {},
  ) {
    this.rng = sim.rng.fork("net");
    this.tcp = tcpSettings(options.tcp);
    // Only the link fields actually given: an explicit undefined must not erase a default.
    this.links = new LinkTable(this.rng, {
      ...(options.latency === undefined ? {} : { latency: options.latency }),
      ...(options.lossPpm === undefined ? {} : { lossPpm: options.lossPpm }),
    });
    this.wire = new Wire(sim, this.directory, this.links, this.partitions, this.rules);
    this.uplink = {
      scheduler: sim.scheduler,
      trace: sim.trace,
      tcp: this.tcp,
      isnRng: (name) => this.rng.fork(`isn:${name}`),
      transmit: (from, dst, packet) => this.wire.transmit(from, dst, packet),
    };
  }

  /** Adds a host named `name` (letters, digits, `_.-`) at `ip`, or at the next free 10.0.0.x. */
  addHost(name: string, ip?: Ipv4Address): Host {
    const host = new Host(this.uplink, name, this.directory.claim(name, ip));
    this.directory.add(host);
    return host;
  }

  /** The host named `name`; throws a RangeError if there is none. */
  host(name: string): Host {
    return this.directory.named(name);
  }

  /** The host at `ip`, if any. */
  hostByIp(ip: Ipv4Address): Host | undefined {
    return this.directory.at(ip);
  }

  /** Every host, in the order added. */
  get hosts(): readonly Host[] {
    return this.directory.list;
  }

  /** Packets sent, delivered and dropped so far (a snapshot). */
  get counters(): FabricCounters {
    return { sent: this.wire.sent, delivered: this.wire.delivered, dropped: { ...this.wire.dropped } };
  }

  /** Changes the default link of every pair without an override. */
  setDefaultLink(link: Partial<LinkSpec>): void {
    const spec = this.links.setDefault(link);
    this.sim.trace.record("net.link", { from: "*", to: "*", latency: describeLatency(spec.latency), lossPpm: spec.lossPpm });
  }

  /** Overrides the link between `from` and `to` (both ways unless `oneWay`). */
  setLink(from: string, to: string, link: Partial<LinkSpec>, direction: LinkDirection = {}): void {
    const a = this.number(from);
    const b = this.number(to);
    const spec = this.links.setOverride(a, b, link);
    if (direction.oneWay !== true) this.links.setOverride(b, a, link);
    this.sim.trace.record("net.link", { from, to, latency: describeLatency(spec.latency), lossPpm: spec.lossPpm });
  }

  /** Drops the override between `from` and `to` (both ways unless `oneWay`): the default applies again. */
  clearLink(from: string, to: string, direction: LinkDirection = {}): void {
    const a = this.number(from);
    const b = this.number(to);
    this.links.clearOverride(a, b);
    if (direction.oneWay !== true) this.links.clearOverride(b, a);
    const spec = this.links.get(a, b);
    this.sim.trace.record("net.link", { from, to, latency: describeLatency(spec.latency), lossPpm: spec.lossPpm });
  }

  /** The link settings in force from `from` to `to`. */
  linkBetween(from: string, to: string): LinkSpec {
    return this.links.get(this.number(from), this.number(to));
  }

  /**
   * Splits the hosts into groups that cannot reach each other, both ways. Hosts
   * named in no group form one more group together. Adds to any partition in force.
   *
   * @example
   * fabric.partition([["manager-1"], ["manager-2", "manager-3"]]);
   */
  partition(groups: readonly (readonly string[])[]): void {
    const seen = new Set<string>();
    const numbered = groups.map((group) =>
      group.map((name) => {
        if (seen.has(name)) throw new RangeError(`"groups" name "${name}" more than once`);
        seen.add(name);
        return this.number(name);
      }),
    );
    const rest = this.directory.list.filter((host) => !seen.has(host.name));
    const all = rest.length > 0 ? [...groups, rest.map((host) => host.name)] : groups;
    if (rest.length > 0) numbered.push(rest.map((host) => this.directory.numberOf(host)));
    for (const [from, to] of splitPairs(numbered)) this.partitions.block(from, to);
    this.sim.trace.record("net.partition", { groups: all.map((group) => [...group]) });
  }

  /** Cuts one host off from every other, both ways. */
  isolate(name: string): void {
    this.partition([[name]]);
  }

  /**
   * Blocks traffic one way: from every host in `from` to every host in `to`,
   * while the reverse direction keeps delivering. Call twice for both ways.
   *
   * @example
   * fabric.block("worker-1", "manager-1"); // worker-1's packets to manager-1 vanish; replies still arrive
   */
  block(from: string | readonly string[], to: string | readonly string[]): void {
    const fromNames = typeof from === "string" ? [from] : [...from];
    const toNames = typeof to === "string" ? [to] : [...to];
    const toNumbers = toNames.map((name) => this.number(name));
    for (const a of fromNames.map((name) => this.number(name))) for (const b of toNumbers) this.partitions.block(a, b);
    this.sim.trace.record("net.block", { from: fromNames, to: toNames });
  }

  /** Lifts every partition and block. Packets already dropped stay dropped. */
  heal(): void {
    this.partitions.clear();
    this.sim.trace.record("net.heal", {});
  }

  /** True unless a partition blocks traffic from `from` to `to`. */
  canReach(from: string, to: string): boolean {
    return !this.partitions.isBlocked(this.number(from), this.number(to));
  }

  /**
   * Puts a traffic rule in force: packets it matches (by sender, receiver,
   * either end, protocol, source or destination port) are dropped, all or a
   * share drawn from the rule's seeded stream, or held back `delay` longer.
   * Decided when a packet is sent; loopback is never matched. Rules add up:
   * the first matching rule that drops a packet decides, else their delays sum.
   * Returns the rule, whose `remove()` lifts it.
   *
   * @example
   * // Every control-plane packet manager-1 sends or receives, both directions of each connection:
   * const rule = fabric.addRule({ host: "manager-1", protocol: "tcp", port: 2377, drop: true });
   * rule.remove();
   */
  addRule(spec: TrafficRuleSpec): TrafficRule {
    const id = this.rules.nextId();
    this.rules.add(compileRule(spec, id, (name) => this.number(name), this.rng.fork(`rule:${id}`)));
    this.sim.trace.record("net.rule-add", describeRule(spec, id));
    let inForce = true;
    return {
      id,
      remove: () => {
        if (!inForce) return;
        inForce = false;
        if (this.rules.remove(id)) this.sim.trace.record("net.rule-clear", { ids: [id] });
      },
    };
  }

  /** Lifts every traffic rule. Packets already in flight keep the fate they were given. */
  clearRules(): void {
    this.sim.trace.record("net.rule-clear", { ids: this.rules.clear() });
  }

  /**
   * Shows every packet on the wire to `tap` from now on (or only the outcomes
   * `options.outcomes` names); returns a function that removes it. Tapping never
   * changes a run.
   */
  addTap(tap: Tap, options: TapOptions = {}): () => void {
    const wants = new Set(options.outcomes ?? ["sent", "delivered", "dropped"]);
    const entry: TapEntry = {
      tap,
      sent: wants.has("sent"),
      delivered: wants.has("delivered"),
      dropped: wants.has("dropped"),
      borrow: options.borrow === true,
    };
    // A new list each time: the wire may be showing a packet to the old one.
    this.wire.taps = [...this.wire.taps, entry];
    return () => {
      this.wire.taps = this.wire.taps.filter((t) => t !== entry);
    };
  }

  private number(name: string): number {
    return this.directory.numberNamed(name);
  }
}
