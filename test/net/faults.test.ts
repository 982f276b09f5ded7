import { describe, expect, it } from "vitest";
import { fixedLatency } from "../../src/net/index.js";
import { ms } from "../../src/sim/index.js";
import { bytes, world } from "./fabric-helpers.js";

describe("partitions", () => {
  function three() {
    const w = world();
    const hosts = ["a", "b", "c"].map((n) => w.fabric.addHost(n));
    const got: string[] = [];
    for (const h of hosts) h.udp.bind(9, (m) => got.push(`${w.fabric.hostByIp(m.srcIp)!.name}>${h.name}`));
    const all = () => {
      for (const from of hosts) for (const to of hosts) if (from !== to) from.udp.send(9, to.ip, 9, bytes(0));
      w.sim.scheduler.run();
      const out = got.splice(0).sort();
      return out;
    };
    return { ...w, all };
  }

  it("splits hosts into groups that cannot reach each other, and heals", () => {
    const { fabric, trace, all } = three();
    fabric.partition([["a"], ["b"]]); // c joins no group: it forms the rest
    expect(all()).toEqual([]);
    expect(fabric.counters.dropped.partition).toBe(6);
    fabric.heal();
    expect(all()).toEqual(["a>b", "a>c", "b>a", "b>c", "c>a", "c>b"]);
    expect(trace.records.filter((r) => r.kind === "net.partition")[0]).toMatchObject({ groups: [["a"], ["b"], ["c"]] });
    expect(trace.records.some((r) => r.kind === "net.heal")).toBe(true);
  });

  it("isolates one host both ways", () => {
    const { fabric, all } = three();
    fabric.isolate("b");
    expect(all()).toEqual(["a>c", "c>a"]);
    expect(fabric.canReach("a", "b")).toBe(false);
    expect(fabric.canReach("a", "c")).toBe(true);
  });

  it("blocks one way while the other way delivers", () => {
    const { fabric, all } = three();
    fabric.block("a", ["b", "c"]);
    expect(all()).toEqual(["b>a", "b>c", "c>a", "c>b"]);
  });

  it("cuts packets already in flight when a partition begins", () => {
    const { sim, fabric } = world(1, { latency: fixedLatency(ms(10)) });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let got = 0;
    b.udp.bind(9, () => got++);
    a.udp.send(9, b.ip, 9, bytes(0));
    sim.scheduler.after(ms(5), "cut", () => fabric.isolate("b"));
    sim.scheduler.run();
    expect(got).toBe(0);
    expect(fabric.counters.dropped.partition).toBe(1);
  });
});

describe("hosts going down", () => {
  it("a down host neither sends nor receives; up again, it does both", () => {
    const { sim, trace, fabric } = world();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let got = 0;
    a.udp.bind(9, () => got++);
    b.udp.bind(9, () => got++);
    b.down();
    a.udp.send(9, b.ip, 9, bytes(0));
    b.udp.send(9, a.ip, 9, bytes(0));
    sim.scheduler.run();
    expect(got).toBe(0);
    expect(fabric.counters.dropped["host-down"]).toBe(2);
    b.up();
    a.udp.send(9, b.ip, 9, bytes(0));
    b.udp.send(9, a.ip, 9, bytes(0));
    sim.scheduler.run();
    expect(got).toBe(2);
    expect(trace.records.filter((r) => r.kind.startsWith("net.host")).map((r) => [r.kind, r.node])).toEqual([
      ["net.host.down", "b"],
      ["net.host.up", "b"],
    ]);
  });
});
