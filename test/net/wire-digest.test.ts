import { describe, expect, it } from "vitest";
import { attachWireDigest, exponentialLatency } from "../../src/net/index.js";
import { ms } from "../../src/sim/index.js";
import { world } from "./fabric-helpers.js";

/** Gossip-like UDP and a control-plane stream under random latency and 5% loss. */
function busyWire(seed: number) {
  const { sim, fabric } = world(seed, { latency: exponentialLatency(ms(2)), lossPpm: 50_000 });
  const digest = attachWireDigest(fabric);
  const [a, b, c] = ["a", "b", "c"].map((n) => fabric.addHost(n));
  b!.udp.bind(7946, () => {});
  let received = 0;
  c!.listen(2377, (s) => s.on("data", (d) => (received += d.length)));
  const stream = a!.connect(c!.ip, 2377);
  stream.on("connect", () => stream.write(new Uint8Array(10_000).fill(7)));
  for (let i = 0; i < 50; i++) {
    sim.scheduler.after(ms(i * 10), "gossip", () => a!.udp.send(7946, b!.ip, 7946, new Uint8Array([i, 1, 2, 3])));
  }
  sim.scheduler.run({ until: sim.now + ms(30_000) as never });
  return { digest: digest.digest(), packets: digest.packets, bytes: digest.bytes, received };
}

describe("the wire digest", () => {
  it("is the same for the same seed and differs for another", () => {
    const first = busyWire(3);
    expect(first.received).toBe(10_000);
    expect(first.packets).toBeGreaterThan(50);
    expect(busyWire(3)).toEqual(first);
    expect(busyWire(4).digest).not.toBe(first.digest);
  });
});
