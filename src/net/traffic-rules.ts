/**
 * Traffic rules: a firewall and a netem for chosen traffic, on top of the links.
 *
 * A rule picks packets by the host that sends them, the host that receives
 * them, either end, the IP protocol and a port (source or destination, so one
 * rule catches both directions of a connection), and drops them (every one,
 * or a share drawn from the rule's own seeded stream) or holds them back for
 * a fixed extra time, or both. It is what `iptables -p tcp --dport 2377 -j DROP`
 * plus its `--sport` twin, or `tc netem delay` on one port, does on a real node.
 *
 * Rules decide a packet's fate when it is sent, like link loss: a rule added
 * or removed while a packet is in flight does not touch it. Rules never see
 * loopback traffic (it never touches the wire).
 */

import { type Duration, type Rng, duration, formatDuration } from "../sim/index.js";
import { IpProtocol, ipv4HeaderBytes, lossDenominatorPpm } from "./constants.js";
import { checkField } from "./decoded.js";
import { drawLoss } from "./link.js";

/** Which packets a rule applies to. Every criterion given must hold; none given matches every packet. */
export interface TrafficMatch {
  /** Packets sent by this host. */
  readonly from?: string;
  /** Packets received by this host. */
  readonly to?: string;
  /** Packets sent or received by this host: both directions of its conversations. */
  readonly host?: string;
  /** The IP protocol: `"tcp"`, `"udp"` or an IANA number (50 for ESP). */
  readonly protocol?: "tcp" | "udp" | number;
  /** A TCP or UDP port, as the source or the destination port (the two directions of a connection). */
  readonly port?: number;
}

/** A rule: which packets, and what happens to them. It must drop or delay (or both). */
export interface TrafficRuleSpec extends TrafficMatch {
  /** Drops every matching packet (`true`) or a share of them, in parts per million. */
  readonly drop?: true | { readonly lossPpm: number };
  /** Holds every matching packet back this much longer than its link would. */
  readonly delay?: Duration;
}

/** A rule in force, as `fabric.addRule` returns it. */
export interface TrafficRule {
  /** The rule's number in its fabric (1, 2, ...), in traces and drop details. */
  readonly id: number;
  /** Lifts the rule (once; later calls do nothing). */
  remove(): void;
}

/** A rule as the table keeps it: names resolved to host numbers, the action in integers. */
export interface CompiledRule {
  /** The rule's number in its fabric. */
  readonly id: number;
  /** Host numbers (the fabric's order of addition) of `from`, `to` and `host`; undefined: any. */
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly host: number | undefined;
  /** The IANA protocol number; undefined: any. */
  readonly protocol: number | undefined;
  /** A source or destination port; undefined: any. */
  readonly port: number | undefined;
  /** 0: never drops; 1 000 000: drops every match without drawing. */
  readonly lossPpm: number;
  /** Extra time every match spends on the wire (0: none). */
  readonly delay: Duration;
  /** The rule's own stream (`net/rule:<id>`), so its draws never shift a link's. */
  readonly rng: Rng;
}

/** What the rules in force do to one packet: the rule that dropped it, or the extra delay. */
export type RuleVerdict = { readonly droppedBy: number } | { readonly droppedBy?: undefined; readonly delay: Duration };

const PASS: RuleVerdict = { delay: duration(0) };

/** The IANA number of a rule's protocol, or undefined when it names none. */
export function protocolNumber(protocol: TrafficMatch["protocol"]): number | undefined {
  if (protocol === "tcp") return IpProtocol.tcp;
  if (protocol === "udp") return IpProtocol.udp;
  return protocol;
}

/**
 * Checks a rule's fields (throwing a RangeError naming the field) and compiles it;
 * `numberOf` resolves a host name (and throws for an unknown one).
 */
export function compileRule(spec: TrafficRuleSpec, id: number, numberOf: (name: string) => number, rng: Rng): CompiledRule {
  const protocol = protocolNumber(spec.protocol);
  if (protocol !== undefined) checkField("protocol", protocol, 255);
  if (spec.port !== undefined) {
    checkField("port", spec.port, 0xffff);
    if (protocol !== undefined && protocol !== IpProtocol.tcp && protocol !== IpProtocol.udp) {
      throw new RangeError(`"port" needs protocol tcp or udp (only they have ports), got protocol ${protocol}`);
    }
  }
  if (spec.drop === undefined && spec.delay === undefined) throw new RangeError(`"drop" or "delay" expected: a rule must do something`);
  const lossPpm = spec.drop === undefined ? 0 : spec.drop === true ? lossDenominatorPpm : spec.drop.lossPpm;
  checkField("drop.lossPpm", lossPpm, lossDenominatorPpm);
  const delay = spec.delay ?? duration(0);
  if (!Number.isSafeInteger(delay) || delay < 0) throw new RangeError(`"delay" expected a whole number of microseconds >= 0, got ${delay}`);
  const resolve = (name: string | undefined) => (name === undefined ? undefined : numberOf(name));
  return { id, from: resolve(spec.from), to: resolve(spec.to), host: resolve(spec.host), protocol, port: spec.port, lossPpm, delay, rng };
}

/** The trace fields of a rule: what it matches and does, names as given. */
export function describeRule(spec: TrafficRuleSpec, id: number): {
  id: number;
  from?: string;
  to?: string;
  host?: string;
  protocol?: number;
  port?: number;
  lossPpm?: number;
  delay?: string;
} {
  const lossPpm = spec.drop === undefined ? undefined : spec.drop === true ? lossDenominatorPpm : spec.drop.lossPpm;
  return {
    id,
    from: spec.from,
    to: spec.to,
    host: spec.host,
    protocol: protocolNumber(spec.protocol),
    port: spec.port,
    lossPpm,
    delay: spec.delay === undefined ? undefined : formatDuration(spec.delay),
  };
}

/**
 * Whether a rule matches a packet from host `from` to host `to`. `ports` holds
 * the source and destination ports of a TCP or UDP packet, undefined otherwise.
 */
export function ruleMatches(rule: CompiledRule, from: number, to: number, protocol: number, ports: readonly [number, number] | undefined): boolean {
  if (rule.from !== undefined && rule.from !== from) return false;
  if (rule.to !== undefined && rule.to !== to) return false;
  if (rule.host !== undefined && rule.host !== from && rule.host !== to) return false;
  if (rule.protocol !== undefined && rule.protocol !== protocol) return false;
  if (rule.port !== undefined && (ports === undefined || (ports[0] !== rule.port && ports[1] !== rule.port))) return false;
  return true;
}

/**
 * The source and destination ports of an encoded TCP or UDP packet, read
 * without a full decode (both headers start with them), or undefined for
 * another protocol or bytes too short to hold them.
 */
export function peekPorts(bytes: Uint8Array): [src: number, dst: number] | undefined {
  if (bytes.length < ipv4HeaderBytes) return undefined;
  const protocol = bytes[9]!;
  if (protocol !== IpProtocol.tcp && protocol !== IpProtocol.udp) return undefined;
  const at = (bytes[0]! & 0x0f) * 4;
  if (at < ipv4HeaderBytes || bytes.length < at + 4) return undefined;
  return [(bytes[at]! << 8) | bytes[at + 1]!, (bytes[at + 2]! << 8) | bytes[at + 3]!];
}

/** The rules in force on one fabric, in the order added. */
export class TrafficRuleTable {
  private readonly rules: CompiledRule[] = [];
  private lastId = 0;

  /** Rules in force. */
  get size(): number {
    return this.rules.length;
  }

  /** The number the next rule gets. */
  nextId(): number {
    return this.lastId + 1;
  }

  /** Puts a compiled rule in force (its id must be `nextId()`). */
  add(rule: CompiledRule): void {
    this.lastId = rule.id;
    this.rules.push(rule);
  }

  /** Lifts rule `id`; false if it is not in force. */
  remove(id: number): boolean {
    const at = this.rules.findIndex((rule) => rule.id === id);
    if (at < 0) return false;
    this.rules.splice(at, 1);
    return true;
  }

  /** Lifts every rule; returns their ids. */
  clear(): number[] {
    return this.rules.splice(0).map((rule) => rule.id);
  }

  /**
   * What the rules do to one packet from host number `from` to `to`: rules
   * that match are taken in the order added; the first that drops it decides
   * (later rules draw nothing); otherwise the delays of every match add up.
   */
  judge(from: number, to: number, bytes: Uint8Array): RuleVerdict {
    if (this.rules.length === 0) return PASS;
    const protocol = bytes.length >= ipv4HeaderBytes ? bytes[9]! : -1;
    const ports = peekPorts(bytes);
    let delay = 0;
    for (const rule of this.rules) {
      if (!ruleMatches(rule, from, to, protocol, ports)) continue;
      // Dropping every packet draws nothing, so such a rule never moves its stream.
      if (rule.lossPpm === lossDenominatorPpm || drawLoss(rule.lossPpm, rule.rng)) return { droppedBy: rule.id };
      delay += rule.delay;
    }
    return delay === 0 ? PASS : { delay: duration(delay) };
  }
}
