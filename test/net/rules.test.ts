import { describe, expect, it } from "vitest";
import { type Host, IpProtocol, type TapPacket } from "../../src/net/index.js";
import { peekPorts } from "../../src/net/traffic-rules.js";
import { instant, ms, seconds } from "../../src/sim/index.js";
import { bytes, drops, world } from "./fabric-helpers.js";

/** Swarm's control-plane port (src/control/endpoint.ts); net takes it as a parameter. */
const CONTROL = 2377;
/** Swarm's gossip port. */
const GOSSIP = 7946;

/** Three hosts; a and b listen on TCP 2377 and bind UDP 7946. */
function cluster(seed = 1) {
  const w = world(seed);
  const [a, b, c] = [w.fabric.addHost("a"), w.fabric.addHost("b"), w.fabric.addHost("c")];
  const accepted: string[] = [];
  const gossip: string[] = [];
  for (const host of [a, b, c]) {
    host.listen(CONTROL, () => accepted.push(host.name));
    host.udp.bind(GOSSIP, (m) => gossip.push(`${w.fabric.hostByIp(m.srcIp)!.name}>${host.name}`));
  }
  /** Opens a control-plane connection from `from` to `to`; reports whether it connected. */
  const connect = (from: Host, to: Host) => {
    let connected = false;
    from.connect(to.ip, CONTROL).on("connect", () => (connected = true));
    return () => connected;
  };
  return { ...w, a, b, c, accepted, gossip, connect };
}

describe("traffic rules", () => {
  it("a control-plane drop rule on a node stops TCP 2377 both ways, its own outgoing connections too, but not UDP 7946", () => {
    const { sim, fabric, trace, a, b, c, accepted, gossip, connect } = cluster();
    fabric.addRule({ host: "a", protocol: "tcp", port: CONTROL, drop: true });
    const intoA = connect(b, a); // to a's listener
    const fromA = connect(a, c); // a's own connection to another manager
    const elsewhere = connect(b, c); // a takes no part
    a.udp.send(GOSSIP, b.ip, GOSSIP, bytes(1));
    b.udp.send(GOSSIP, a.ip, GOSSIP, bytes(2));
    sim.scheduler.run({ until: instant(seconds(5)) });
    expect([intoA(), fromA(), elsewhere()]).toEqual([false, false, true]);
    expect(accepted).toEqual(["c"]);
    expect(gossip.sort()).toEqual(["a>b", "b>a"]);
    expect(fabric.counters.dropped.rule).toBeGreaterThan(0);
    const ruleDrops = drops(trace.records).filter((r) => r.reason === "rule");
    expect(ruleDrops.every((r) => r.protocol === IpProtocol.tcp && r.detail === "rule 1")).toBe(true);
    expect(new Set(ruleDrops.map((r) => `${r.src}>${r.dst}`))).toEqual(new Set(["b>a", "a>c"]));
  });

  it("matches a port as the source port too: the replies of a connection", () => {
    const { sim, fabric, a, b, connect } = cluster();
    const wire: TapPacket[] = [];
    fabric.addTap((p) => wire.push(p), { outcomes: ["dropped"] });
    // Only packets arriving at b: b's SYN to a passes, a's SYN-ACK from port 2377 does not.
    fabric.addRule({ to: "b", protocol: "tcp", port: CONTROL, drop: true });
    const connected = connect(b, a);
    sim.scheduler.run({ until: instant(seconds(1)) });
    expect(connected()).toBe(false);
    expect(wire.length).toBeGreaterThan(0);
    for (const p of wire) {
      expect([p.src, p.dst, p.reason]).toEqual(["a", "b", "rule"]);
      expect(peekPorts(p.bytes)?.[0]).toBe(CONTROL);
    }
  });

  it("delays matching packets by a fixed extra time and leaves the rest alone", () => {
    const { sim, fabric, a, b } = cluster();
    const arrivals: Array<[number, number]> = [];
    b.udp.bind(9, (m) => arrivals.push([m.srcPort, sim.now]));
    fabric.addRule({ from: "a", protocol: "udp", port: 9, delay: seconds(2) });
    a.udp.send(9, b.ip, 9, bytes(0)); // port 9 at both ends: delayed
    a.udp.send(10, b.ip, 9, bytes(0)); // destination port 9: delayed
    fabric.addRule({ to: "b", protocol: "udp", port: 9, delay: ms(500) });
    a.udp.send(11, b.ip, 9, bytes(0)); // both rules: delays add up
    sim.scheduler.run();
    expect(arrivals).toEqual([
      [9, seconds(2) + ms(1)],
      [10, seconds(2) + ms(1)],
      [11, seconds(2) + ms(500) + ms(1)],
    ]);
    b.udp.send(9, a.ip, 9, bytes(0)); // from b: no rule matches, not even `to: b`
    let at = -1;
    a.udp.bind(9, () => (at = sim.now));
    const sentAt = sim.now;
    sim.scheduler.run();
    expect(at - sentAt).toBe(ms(1));
  });

  it("drops a share of matching packets, drawn from the rule's own seeded stream", () => {
    const run = (seed: number) => {
      const { sim, fabric, a, b } = cluster(seed);
      let got = 0;
      b.udp.bind(9, () => got++);
      fabric.addRule({ to: "b", protocol: "udp", drop: { lossPpm: 300_000 } });
      for (let i = 0; i < 1000; i++) a.udp.send(9, b.ip, 9, bytes(i & 0xff));
      sim.scheduler.run();
      return { got, dropped: fabric.counters.dropped.rule };
    };
    const first = run(7);
    expect(first.got + first.dropped).toBe(1000);
    expect(first.dropped).toBeGreaterThan(250);
    expect(first.dropped).toBeLessThan(350);
    expect(run(7)).toEqual(first);
    expect(run(8)).not.toEqual(first);
  });

  it("is lifted by its handle or by clearRules, and traces both", () => {
    const { sim, fabric, trace, a, b, connect } = cluster();
    const rule = fabric.addRule({ host: "b", protocol: "tcp", port: CONTROL, drop: true });
    fabric.addRule({ from: "c", delay: ms(5) });
    rule.remove();
    rule.remove(); // once only
    const connected = connect(a, b);
    sim.scheduler.run({ until: instant(seconds(1)) });
    expect(connected()).toBe(true);
    fabric.clearRules();
    const records = trace.records.filter((r) => r.kind.startsWith("net.rule"));
    expect(records.map(({ t: _t, ...r }) => r)).toEqual([
      { kind: "net.rule-add", id: 1, host: "b", protocol: 6, port: CONTROL, lossPpm: 1_000_000 },
      { kind: "net.rule-add", id: 2, from: "c", delay: "5ms" },
      { kind: "net.rule-clear", ids: [1] },
      { kind: "net.rule-clear", ids: [2] },
    ]);
  });

  it("never touches loopback traffic", () => {
    const { sim, fabric, a } = cluster();
    let got = 0;
    a.udp.bind(9, () => got++);
    fabric.addRule({ host: "a", drop: true });
    a.udp.send(9, a.ip, 9, bytes(0));
    sim.scheduler.run();
    expect(got).toBe(1);
  });

  it("refuses rules that name an unknown host, a port without ports, or no action", () => {
    const { fabric } = cluster();
    expect(() => fabric.addRule({ host: "nope", drop: true })).toThrow(/"name" expected a host of this fabric, got "nope"/);
    expect(() => fabric.addRule({ protocol: IpProtocol.esp, port: 1, drop: true })).toThrow(/"port" needs protocol tcp or udp/);
    expect(() => fabric.addRule({ port: 70_000, drop: true })).toThrow(/"port" expected a whole number from 0 to 65535/);
    expect(() => fabric.addRule({ host: "a" })).toThrow(/"drop" or "delay" expected/);
    expect(() => fabric.addRule({ drop: { lossPpm: 2_000_000 } })).toThrow(/"drop.lossPpm"/);
    // A refused rule takes no number.
    expect(fabric.addRule({ host: "a", drop: true }).id).toBe(1);
  });
});

describe("peekPorts", () => {
  it("reads the ports of TCP and UDP packets only", () => {
    const { fabric, a, b } = cluster();
    const seen: TapPacket[] = [];
    fabric.addTap((p) => seen.push(p), { outcomes: ["sent"] });
    a.udp.send(1234, b.ip, GOSSIP, bytes(0));
    a.sendIp(IpProtocol.esp, b.ip, bytes(0, 0, 1, 2, 0, 0, 0, 1));
    expect(peekPorts(seen[0]!.bytes)).toEqual([1234, GOSSIP]);
    expect(peekPorts(seen[1]!.bytes)).toBeUndefined();
    expect(peekPorts(bytes(0x45))).toBeUndefined();
  });
});
