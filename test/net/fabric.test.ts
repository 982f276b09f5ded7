import { describe, expect, it } from "vitest";
import {
  IpProtocol,
  type TapPacket,
  decodeIpv4,
  decodeUdp,
  exponentialLatency,
  fixedLatency,
  uniformLatency,
} from "../../src/net/index.js";
import { ms } from "../../src/sim/index.js";
import { bytes, drops, world } from "./fabric-helpers.js";

describe("hosts and addresses", () => {
  it("gives hosts 10.0.0.1, 10.0.0.2, ... in order, skipping explicit addresses", () => {
    const { fabric } = world();
    expect(fabric.addHost("a").ip).toBe("10.0.0.1");
    expect(fabric.addHost("b", "10.0.0.2").ip).toBe("10.0.0.2");
    expect(fabric.addHost("c").ip).toBe("10.0.0.3");
    expect(fabric.addHost("d", "192.168.1.9").ip).toBe("192.168.1.9");
    expect(fabric.hostByIp("10.0.0.3")?.name).toBe("c");
    expect(fabric.hosts.map((h) => h.name)).toEqual(["a", "b", "c", "d"]);
  });

  it("refuses duplicate names and addresses and bad names", () => {
    const { fabric } = world();
    fabric.addHost("a");
    expect(() => fabric.addHost("a")).toThrow(/already exists/);
    expect(() => fabric.addHost("b", "10.0.0.1")).toThrow(/already a's/);
    expect(() => fabric.addHost("x/y")).toThrow(/"name"/);
    expect(() => fabric.addHost("z", "10.0.0")).toThrow(/"ip"/);
    expect(() => fabric.host("nobody")).toThrow(/"name"/);
  });
});

describe("UDP over the fabric", () => {
  it("delivers a datagram after the link latency, as real IPv4/UDP bytes", () => {
    const { sim, fabric } = world(1, { latency: fixedLatency(ms(3)) });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const got: Array<{ at: number; from: string; port: number; payload: number[] }> = [];
    b.udp.bind(7946, (m) => got.push({ at: sim.now, from: m.srcIp, port: m.srcPort, payload: [...m.payload] }));
    const wire: TapPacket[] = [];
    fabric.addTap((p) => wire.push(p));
    a.udp.send(40000, b.ip, 7946, bytes(1, 2, 3));
    sim.scheduler.run();
    expect(got).toEqual([{ at: 3000, from: "10.0.0.1", port: 40000, payload: [1, 2, 3] }]);
    expect(wire.map((p) => [p.outcome, p.src, p.dst, p.at])).toEqual([
      ["sent", "a", "b", 0],
      ["delivered", "a", "b", 3000],
    ]);
    const ip = decodeIpv4(wire[0]!.bytes);
    expect(ip.ok && ip.value.protocol).toBe(17);
    if (ip.ok) expect(decodeUdp(ip.value.payload, ip.value.src, ip.value.dst).ok).toBe(true);
  });

  it("keeps packets between a pair in order under fixed latency", () => {
    const { sim, fabric } = world(1, { latency: fixedLatency(ms(2)) });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const got: number[] = [];
    b.udp.bind(9, (m) => got.push(m.payload[0]!));
    for (let i = 0; i < 50; i++) sim.scheduler.at(sim.now, "send", () => a.udp.send(9, b.ip, 9, bytes(i)));
    sim.scheduler.run();
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("may reorder under random latency, and the same seed reorders the same way", () => {
    const order = (seed: number) => {
      const { sim, fabric } = world(seed, { latency: uniformLatency(ms(1), ms(20)) });
      const a = fabric.addHost("a");
      const b = fabric.addHost("b");
      const got: number[] = [];
      b.udp.bind(9, (m) => got.push(m.payload[0]!));
      for (let i = 0; i < 30; i++) a.udp.send(9, b.ip, 9, bytes(i));
      sim.scheduler.run();
      return got;
    };
    const first = order(5);
    expect(first).toHaveLength(30);
    expect(first).not.toEqual([...first].sort((x, y) => x - y));
    expect(order(5)).toEqual(first);
    expect(order(6)).not.toEqual(first);
  });

  it("draws exponential latency around its mean", () => {
    const { sim, fabric } = world(3, { latency: exponentialLatency(ms(10)) });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const arrivals: number[] = [];
    b.udp.bind(9, () => arrivals.push(sim.now));
    for (let i = 0; i < 2000; i++) a.udp.send(9, b.ip, 9, bytes(0));
    sim.scheduler.run();
    const mean = arrivals.reduce((s, t) => s + t, 0) / arrivals.length;
    expect(mean).toBeGreaterThan(9_000);
    expect(mean).toBeLessThan(11_000);
  });

  it("loses about the configured share of packets, counted and traced as loss", () => {
    const { sim, trace, fabric } = world(11, { lossPpm: 200_000 });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let got = 0;
    b.udp.bind(9, () => got++);
    for (let i = 0; i < 2000; i++) a.udp.send(9, b.ip, 9, bytes(i & 0xff));
    sim.scheduler.run();
    const lost = fabric.counters.dropped.loss;
    expect(lost + got).toBe(2000);
    expect(lost).toBeGreaterThan(320);
    expect(lost).toBeLessThan(480);
    expect(drops(trace.records)).toHaveLength(lost);
    expect(drops(trace.records)[0]).toMatchObject({ reason: "loss", src: "a", dst: "b", protocol: 17, length: 29 });
  });

  it("applies per-pair overrides over the default, one way or both", () => {
    const { fabric } = world(1, { latency: fixedLatency(ms(1)) });
    fabric.addHost("a");
    fabric.addHost("b");
    fabric.addHost("c");
    fabric.setLink("a", "b", { latency: fixedLatency(ms(50)) });
    fabric.setLink("a", "c", { lossPpm: 1_000_000 }, { oneWay: true });
    expect(fabric.linkBetween("b", "a").latency).toEqual(fixedLatency(ms(50)));
    expect(fabric.linkBetween("a", "c")).toEqual({ latency: fixedLatency(ms(1)), lossPpm: 1_000_000 });
    expect(fabric.linkBetween("c", "a").lossPpm).toBe(0);
    fabric.setDefaultLink({ latency: fixedLatency(ms(7)) });
    expect(fabric.linkBetween("a", "c").latency).toEqual(fixedLatency(ms(7)));
    fabric.clearLink("a", "b");
    expect(fabric.linkBetween("a", "b").latency).toEqual(fixedLatency(ms(7)));
    expect(() => fabric.setLink("a", "b", { lossPpm: 2_000_000 })).toThrow(/"lossPpm"/);
  });

  it("drops datagrams to an unbound port as no-listener, and to an unknown address as no-route", () => {
    const { sim, trace, fabric } = world();
    const a = fabric.addHost("a");
    fabric.addHost("b");
    a.udp.send(1, "10.0.0.2", 4789, bytes(1));
    a.udp.send(1, "10.0.0.99", 4789, bytes(1));
    sim.scheduler.run();
    expect(fabric.counters.dropped).toMatchObject({ "no-listener": 1, "no-route": 1 });
    expect(drops(trace.records).map((r) => [r.reason, r.dst])).toEqual([
      ["no-route", "10.0.0.99"],
      ["no-listener", "b"],
    ]);
  });
});

describe("raw IP protocols", () => {
  it("carries protocol 50 (ESP) to the registered handler, and drops it where none is", () => {
    const { sim, fabric } = world();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    fabric.addHost("c");
    const got: number[][] = [];
    b.onIp(IpProtocol.esp, (p) => got.push([p.protocol, ...p.payload]));
    a.sendIp(IpProtocol.esp, b.ip, bytes(0xde, 0xad));
    a.sendIp(IpProtocol.esp, "10.0.0.3", bytes(1));
    sim.scheduler.run();
    expect(got).toEqual([[50, 0xde, 0xad]]);
    expect(fabric.counters.dropped["no-listener"]).toBe(1);
    expect(() => b.onIp(IpProtocol.esp, () => {})).toThrow(/already has a handler/);
    expect(() => b.onIp(IpProtocol.udp, () => {})).toThrow(/"protocol"/);
  });

  it("routes an injected packet by its header and drops a mangled one as malformed", () => {
    const { sim, fabric } = world();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const c = fabric.addHost("c");
    const seen: string[] = [];
    b.udp.bind(7946, (m) => seen.push(m.srcIp));
    // c forges a datagram that claims to come from a.
    const wire: Uint8Array[] = [];
    fabric.addTap((p) => p.outcome === "sent" && wire.push(p.bytes));
    a.udp.send(7946, b.ip, 7946, bytes(1, 2));
    sim.scheduler.run();
    c.sendPacket(wire[0]!);
    const mangled = wire[0]!.slice();
    mangled[25] = mangled[25]! ^ 0xff; // inside the UDP payload: the UDP checksum no longer holds
    c.sendPacket(mangled);
    sim.scheduler.run();
    expect(seen).toEqual(["10.0.0.1", "10.0.0.1"]);
    expect(fabric.counters.dropped.malformed).toBe(1);
  });
});
