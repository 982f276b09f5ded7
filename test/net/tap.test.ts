import { describe, expect, it } from "vitest";
import { type TapPacket, uniformLatency } from "../../src/net/index.js";
import { addDuration, ms } from "../../src/sim/index.js";
import { bytes, world } from "./fabric-helpers.js";

describe("taps", () => {
  function run(seed: number, tapped: boolean) {
    const { sim, fabric } = world(seed, { latency: uniformLatency(ms(1), ms(9)), lossPpm: 100_000 });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const seen: TapPacket[] = [];
    if (tapped) fabric.addTap((p) => {
      seen.push(p);
      p.bytes.fill(0); // a tap scribbling on its copy changes nothing
    });
    b.udp.bind(9, (m) => b.udp.send(9, m.srcIp, 10, m.payload));
    a.udp.bind(10, () => {});
    for (let i = 0; i < 100; i++) a.udp.send(9, b.ip, 9, bytes(i));
    const server = b.listen(2377, (s) => s.on("data", (d) => s.write(d)));
    const stream = a.connect(b.ip, 2377);
    stream.write(new Uint8Array(5000).fill(7));
    sim.scheduler.run({ until: addDuration(sim.now, ms(5000)) });
    server.close();
    return { fingerprint: sim.trace.fingerprint(), counters: fabric.counters, seen };
  }

  it("never change a run, and see sent then delivered or dropped for each packet", () => {
    const quiet = run(21, false);
    const tapped = run(21, true);
    expect(tapped.fingerprint).toBe(quiet.fingerprint);
    expect(tapped.counters).toEqual(quiet.counters);
    const sent = tapped.seen.filter((p) => p.outcome === "sent").length;
    const delivered = tapped.seen.filter((p) => p.outcome === "delivered").length;
    const dropped = tapped.seen.filter((p) => p.outcome === "dropped");
    expect(sent).toBe(tapped.counters.sent);
    expect(delivered).toBe(tapped.counters.delivered);
    expect(dropped.every((p) => p.reason === "loss")).toBe(true);
    expect(sent).toBe(delivered + dropped.length);
  });

  it("the same seed gives the same fingerprint; another seed does not", () => {
    expect(run(21, false).fingerprint).toBe(run(21, false).fingerprint);
    expect(run(22, false).fingerprint).not.toBe(run(21, false).fingerprint);
  });
});
