/** TCP streams read back from a capture: in sequence order, duplicates once, from the SYN on. */
import { describe, expect, it } from "vitest";
import { Eavesdropper, Injector, capturedStreams, packetsCarrying, replay } from "../../src/adversary/index.js";
import { Fabric } from "../../src/net/index.js";
import { Simulation, seconds } from "../../src/sim/index.js";

describe("capturedStreams", () => {
  it("puts a stream's segments back in order, keeps a replayed segment once, and names the packets that carried each byte", () => {
    const sim = new Simulation({ seed: 2 });
    const fabric = new Fabric(sim);
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const received: Uint8Array[] = [];
    b.listen(7946, (stream) => stream.on("data", (bytes) => received.push(bytes)));
    const eve = new Eavesdropper(fabric);
    const message = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    const stream = a.connect("10.0.0.2", 7946);
    stream.on("connect", () => stream.write(message));
    sim.scheduler.run({ until: seconds(1) as never });
    const replayed = replay(new Injector(fabric), eve, { path: "gossip", to: "b", transport: "tcp" });
    sim.scheduler.run({ until: seconds(2) as never });
    expect(replayed.byPath.gossip).toBeGreaterThan(3); // the SYN, the data segments, the acks: all again

    const streams = capturedStreams(eve.packets, 7946);
    expect(streams.map((s) => [s.src, s.dst, s.bytes.length])).toEqual([
      ["10.0.0.1", "10.0.0.2", 5000],
      ["10.0.0.2", "10.0.0.1", 0],
    ]);
    expect(streams[0]!.bytes).toEqual(message);
    const carriers = packetsCarrying(streams[0]!, 0, 5000);
    expect(carriers.length).toBeGreaterThan(1);
    expect(carriers.every((p) => p.src === "a")).toBe(true);
    expect(packetsCarrying(streams[0]!, 0, 1)).toEqual([carriers[0]]);
    expect(capturedStreams(eve.packets, 2377)).toEqual([]);
  });
});
