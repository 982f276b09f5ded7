import { describe, expect, it } from "vitest";
import { type Stream, TcpFlag, ephemeralPortFirst, fixedLatency } from "../../src/net/index.js";
import { ms, seconds } from "../../src/sim/index.js";
import { recordEvents, segmentOf, sentSegments, streamWorld } from "./stream-helpers.js";
import { concat } from "./wire-helpers.js";

const filled = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe("stream handshake and data", () => {
  it("opens with SYN / SYN-ACK / ACK on the wire and reports connect on both sides", () => {
    const { sim, fabric, wire } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let accepted: ReturnType<typeof recordEvents> | undefined;
    b.listen(2377, (s) => (accepted = recordEvents(s)));
    const client = a.connect(b.ip, 2377);
    const events = recordEvents(client);
    expect(client.state).toBe("connecting");
    sim.scheduler.run();
    expect(sentSegments(wire)).toEqual(["a>b SYN len=0", "b>a SYN,ACK len=0", "a>b ACK len=0"]);
    expect(events.log).toEqual(["connect"]);
    expect(accepted?.log).toEqual(["connect"]);
    expect(client.state).toBe("open");
    expect(client.localPort).toBe(ephemeralPortFirst);
    const [syn, synAck, ack] = wire.filter((p) => p.outcome === "sent").map(segmentOf);
    expect(synAck!.ack).toBe((syn!.seq + 1) % 2 ** 32);
    expect(ack!.seq).toBe((syn!.seq + 1) % 2 ** 32);
    expect(ack!.ack).toBe((synAck!.seq + 1) % 2 ** 32);
  });

  it("segments at the MSS with sequence numbers advancing by payload length", () => {
    const { sim, fabric, wire } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const received: Uint8Array[] = [];
    b.listen(2377, (s) => s.on("data", (d) => received.push(d.slice())));
    const client = a.connect(b.ip, 2377);
    const message = filled(4000);
    client.write(message.subarray(0, 100));
    client.write(message.subarray(100));
    sim.scheduler.run();
    expect(concat(received)).toEqual(message);
    const data = wire.filter((p) => p.outcome === "sent" && p.src === "a").map(segmentOf).filter((s) => s.payload.length > 0);
    expect(data.map((s) => s.payload.length)).toEqual([1460, 1460, 1080]);
    expect(data[1]!.seq).toBe((data[0]!.seq + 1460) % 2 ** 32);
    expect(data[2]!.seq).toBe((data[1]!.seq + 1460) % 2 ** 32);
    expect(data[2]!.flags & TcpFlag.PSH).toBe(TcpFlag.PSH);
    expect(client.unacknowledgedBytes).toBe(0);
  });

  it("carries data both ways and closes with FIN from each side", () => {
    const { sim, fabric, wire } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let server: Stream | undefined;
    let serverEvents: ReturnType<typeof recordEvents> | undefined;
    b.listen(2377, (s) => {
      server = s;
      serverEvents = recordEvents(s);
      s.on("data", (d) => s.write(d)); // echo
      s.on("end", () => s.close());
    });
    const client = a.connect(b.ip, 2377);
    const events = recordEvents(client);
    client.write(filled(3000, 1));
    client.close();
    expect(() => client.write(filled(1))).toThrow(/write after close/);
    sim.scheduler.run();
    expect(concat(events.data)).toEqual(filled(3000, 1));
    expect(events.log).toEqual(["connect", "data", "end", "close"]);
    expect(serverEvents?.log).toEqual(["connect", "data", "end", "close"]);
    expect(client.state).toBe("closed");
    expect(server?.state).toBe("closed");
    expect(sentSegments(wire).filter((l) => l.includes("FIN"))).toEqual(["a>b FIN,ACK len=0", "b>a FIN,ACK len=0"]);
    // The side that closed first lingers in TIME-WAIT, then the run empties.
    expect(sim.now).toBeGreaterThanOrEqual(seconds(60));
  });

  it("hands out ephemeral ports in order from 32768", () => {
    const { sim, fabric } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    b.listen(80, () => {});
    const ports = [a.connect(b.ip, 80), a.connect(b.ip, 80), a.connect(b.ip, 80)].map((s) => s.localPort);
    sim.scheduler.run({ until: sim.now });
    expect(ports).toEqual([32768, 32769, 32770]);
  });

  it("a peer may keep sending after our side closed (half close)", () => {
    const { sim, fabric } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    b.listen(2377, (s) => {
      s.on("end", () => {
        s.write(filled(2000, 3));
        s.close();
      });
    });
    const client = a.connect(b.ip, 2377);
    const events = recordEvents(client);
    client.close();
    sim.scheduler.run();
    expect(concat(events.data)).toEqual(filled(2000, 3));
    expect(events.log).toEqual(["connect", "data", "end", "close"]);
  });
});

describe("stream resets", () => {
  it("is refused with RST when no one listens", () => {
    const { sim, fabric, trace, wire } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const client = a.connect(b.ip, 2377);
    const events = recordEvents(client);
    sim.scheduler.run();
    expect(events.log).toEqual(["reset:refused"]);
    expect(client.state).toBe("reset");
    expect(client.write(filled(1))).toBe(false);
    expect(sentSegments(wire)).toEqual(["a>b SYN len=0", "b>a RST,ACK len=0"]);
    expect(fabric.counters.dropped["no-listener"]).toBe(1);
    expect(trace.records.find((r) => r.kind === "net.stream.reset")).toMatchObject({
      node: "a",
      reason: "refused",
      local: "10.0.0.1:32768",
      remote: "10.0.0.2:2377",
    });
  });

  it("times out and resets when a partition outlasts the retries", () => {
    const { sim, fabric } = streamWorld(1, { tcp: { maxRetransmits: 4 } });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let server: ReturnType<typeof recordEvents> | undefined;
    b.listen(2377, (s) => (server = recordEvents(s)));
    const client = a.connect(b.ip, 2377);
    const events = recordEvents(client);
    sim.scheduler.run();
    fabric.isolate("b");
    client.write(filled(10));
    const cutAt = sim.now;
    sim.scheduler.run();
    expect(events.log).toEqual(["connect", "reset:timeout"]);
    // 200 + 400 + 800 + 1600 + 3200 ms: the original and four retransmissions, then give up.
    expect(sim.now - cutAt).toBe(ms(6200));
    expect(server?.log).toEqual(["connect"]); // the server never hears, as in life (no keepalive)
  });

  it("retransmits through a short partition and delivers everything", () => {
    const { sim, fabric } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const received: Uint8Array[] = [];
    b.listen(2377, (s) => s.on("data", (d) => received.push(d.slice())));
    const client = a.connect(b.ip, 2377);
    sim.scheduler.run();
    fabric.block("a", "b");
    client.write(filled(5000, 9));
    sim.scheduler.after(ms(700), "heal", () => fabric.heal());
    sim.scheduler.run();
    expect(concat(received)).toEqual(filled(5000, 9));
    expect(client.state).toBe("open");
  });

  it("resets its streams when its host goes down; the peer learns by RST once it is back", () => {
    const { sim, fabric } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let server: Stream | undefined;
    let serverEvents: ReturnType<typeof recordEvents> | undefined;
    b.listen(2377, (s) => {
      server = s;
      serverEvents = recordEvents(s);
    });
    const client = a.connect(b.ip, 2377);
    const events = recordEvents(client);
    sim.scheduler.run();
    a.down();
    expect(events.log).toEqual(["connect", "reset:host-down"]);
    a.up();
    server!.write(filled(10));
    sim.scheduler.run();
    expect(serverEvents?.log).toEqual(["connect", "reset:peer-reset"]);
  });

  it("reset() aborts both ends: RST on the wire, local and peer-reset reasons", () => {
    const { sim, fabric } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let serverEvents: ReturnType<typeof recordEvents> | undefined;
    b.listen(2377, (s) => (serverEvents = recordEvents(s)));
    const client = a.connect(b.ip, 2377);
    const events = recordEvents(client);
    sim.scheduler.run();
    client.reset();
    sim.scheduler.run();
    expect(events.log).toEqual(["connect", "reset:local"]);
    expect(serverEvents?.log).toEqual(["connect", "reset:peer-reset"]);
  });

  it("connecting from a down host resets with host-down after the caller attached handlers", () => {
    const { sim, fabric } = streamWorld();
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    a.down();
    const events = recordEvents(a.connect(b.ip, 2377));
    sim.scheduler.run();
    expect(events.log).toEqual(["reset:host-down"]);
  });
});

describe("stream latency", () => {
  it("completes a handshake in one and a half round trips", () => {
    const { sim, fabric } = streamWorld(1, { latency: fixedLatency(ms(10)) });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    let acceptedAt = -1;
    b.listen(2377, () => (acceptedAt = sim.now));
    let connectedAt = -1;
    a.connect(b.ip, 2377).on("connect", () => (connectedAt = sim.now));
    sim.scheduler.run();
    expect(connectedAt).toBe(ms(20));
    expect(acceptedAt).toBe(ms(30));
  });
});

describe("stream odds and ends", () => {
  it("connects a host to itself over loopback, which taps do not see", () => {
    const { sim, fabric, wire } = streamWorld();
    const manager = fabric.addHost("manager-1");
    const received: Uint8Array[] = [];
    manager.listen(2377, (s) => s.on("data", (d) => received.push(d.slice())));
    const self = manager.connect(manager.ip, 2377);
    self.write(filled(3000, 4));
    self.close();
    sim.scheduler.run();
    expect(concat(received)).toEqual(filled(3000, 4));
    expect(wire).toEqual([]);
  });

  it("draws initial sequence numbers from the seeded stream: same seed, same numbers", () => {
    const isns = (seed: number) => {
      const { sim, fabric, wire } = streamWorld(seed);
      const a = fabric.addHost("a");
      const b = fabric.addHost("b");
      b.listen(1, () => {});
      a.connect(b.ip, 1);
      sim.scheduler.run();
      return wire.filter((p) => p.outcome === "sent").slice(0, 2).map((p) => segmentOf(p).seq);
    };
    expect(isns(8)).toEqual(isns(8));
    expect(isns(9)).not.toEqual(isns(8));
  });

  it("refuses a second listener or binding on the same port until the first closes", () => {
    const { fabric } = streamWorld();
    const a = fabric.addHost("a");
    const first = a.listen(2377, () => {});
    expect(() => a.listen(2377, () => {})).toThrow(/already has a listener/);
    first.close();
    expect(() => a.listen(2377, () => {})).not.toThrow();
    const binding = a.udp.bind(7946, () => {});
    expect(() => a.udp.bind(7946, () => {})).toThrow(/already bound/);
    binding.close();
    expect(a.udp.isBound(7946)).toBe(false);
  });
});
