import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createAead } from "../../src/crypto/index.js";
import { GossipWire, MessageType, encodeGossipMessage, encryptPayload, makeCompoundMessage } from "../../src/gossip/index.js";
import type { Ipv4Address } from "../../src/net/index.js";
import { MemorySink, Simulation } from "../../src/sim/index.js";
import { testKey } from "./gossip-world.js";

const from = "10.0.0.9" as Ipv4Address;
const ping = encodeGossipMessage({ type: MessageType.ping, SeqNo: 7, Node: "3f2a9c41be07" });
const alive = encodeGossipMessage({
  type: MessageType.alive,
  Incarnation: 3,
  Node: "3f2a9c41be07",
  Addr: Uint8Array.of(10, 0, 0, 1),
  Port: 7946,
  Meta: new Uint8Array(0),
  Vsn: Uint8Array.of(1, 5, 2, 0, 0, 0),
});

function wireWith(keys: Uint8Array[], backend: "node" | "noble" = "node", seed = 1) {
  const sim = new Simulation({ seed });
  const trace = new MemorySink();
  sim.trace.addSink(trace);
  const holder = { keys };
  const wire = new GossipWire({ sim, node: "node-1", keys: () => holder.keys, crypto: { aead: createAead(backend), nonces: sim.rng.fork("nonces") } });
  return { sim, trace, wire, holder };
}

describe("gossip wire", () => {
  it("seals a packet as a version-1 frame: 1 + 12 + message + 16 bytes, empty AAD", () => {
    const { wire } = wireWith([testKey(1)]);
    const frame = wire.packet([ping], false);
    expect(frame[0]).toBe(1);
    expect(frame.length).toBe(1 + 12 + ping.length + 16);
    expect(wireWith([testKey(1)]).wire.openPacket(frame, from)).toEqual({ ok: true, messages: [ping] });
  });

  it("noble and node:crypto build the same frames from the same seed", () => {
    const a = wireWith([testKey(1)], "node").wire;
    const b = wireWith([testKey(1)], "noble").wire;
    for (const messages of [[ping], [ping, alive], [alive, alive, alive]]) {
      expect(a.packet(messages, true)).toEqual(b.packet(messages, true));
      expect(a.streamMessage(alive)).toEqual(b.streamMessage(alive));
    }
  });

  it("opens a frame sealed under any key of the ring, and counts which", () => {
    const ring = [testKey(2), testKey(1), testKey(3)];
    for (let i = 0; i < ring.length; i++) {
      const sender = wireWith([ring[i]!]).wire;
      const receiver = wireWith(ring).wire;
      expect(receiver.openPacket(sender.packet([ping, alive], false), from)).toEqual({ ok: true, messages: [ping, alive] });
      expect(receiver.counters.openedByKeyIndex[i]).toBe(1);
    }
  });

  it("drops a frame sealed under a removed key, with reason no-key, in the counters and the trace", () => {
    const sender = wireWith([testKey(9)]).wire;
    const { wire, trace } = wireWith([testKey(2), testKey(1), testKey(3)]);
    expect(wire.openPacket(sender.packet([ping], false), from)).toEqual({ ok: false });
    expect(wire.counters.dropped["no-key"]).toBe(1);
    expect(wire.counters.framesReceived).toBe(0);
    const drop = trace.records.find((r) => r.kind === "gossip.drop");
    expect(drop).toMatchObject({ from, reason: "no-key", message: "Decrypt packet failed: No installed keys could decrypt the message", node: "node-1" });
  });

  it("drops a frame with any single bit flipped past the version byte, never throwing", () => {
    const frame = wireWith([testKey(1)]).wire.packet([ping, alive], true);
    fc.assert(
      fc.property(fc.integer({ min: 8, max: frame.length * 8 - 1 }), (bit) => {
        const { wire } = wireWith([testKey(1)]);
        const bad = frame.slice();
        bad[bit >> 3]! ^= 1 << (bit & 7);
        expect(wire.openPacket(bad, from)).toEqual({ ok: false });
        const dropped = Object.values(wire.counters.dropped).reduce((a, b) => a + b, 0);
        expect(dropped).toBe(1);
      }),
      { seed: 5, numRuns: 200, endOnFailure: true },
    );
  });

  it("the version byte is not authenticated: a flip to 0 reads the frame as version 0, as memberlist does", () => {
    const frame = wireWith([testKey(1)]).wire.packet([ping, alive], true);
    const flipped = frame.slice();
    flipped[0] = 0;
    // Same key, nonce, ciphertext and tag: GCM opens it; version 0 then strips as many bytes as the last says.
    const plain = wireWith([]).wire.packet([ping, alive], true);
    const last = plain[plain.length - 1]!;
    const opened = wireWith([testKey(1)]).wire.openPacket(flipped, from);
    if (last === 0) expect(opened).toEqual({ ok: true, messages: [ping, alive] });
    else expect(opened.ok).toBe(false);
    // Every other version byte is refused.
    for (const v of [2, 3, 0x81]) {
      const other = frame.slice();
      other[0] = v;
      const { wire } = wireWith([testKey(1)]);
      expect(wire.openPacket(other, from)).toEqual({ ok: false });
      expect(wire.counters.dropped["unknown-version"]).toBe(1);
    }
  });

  it("drops empty, short and unknown-version frames by reason", () => {
    const { wire } = wireWith([testKey(1)]);
    wire.openPacket(new Uint8Array(0), from);
    wire.openPacket(Uint8Array.of(1, 2, 3), from);
    wire.openPacket(new Uint8Array(64).fill(2), from);
    expect(wire.counters.dropped).toMatchObject({ "too-short": 2, "unknown-version": 1 });
  });

  it("reads version-0 frames (PKCS#7 padded) as memberlist reads them", () => {
    const sim = new Simulation({ seed: 3 });
    const v0 = encryptPayload(0, testKey(1), ping, new Uint8Array(0), { aead: createAead("node"), nonces: sim.rng });
    expect((v0.length - 1 - 12 - 16) % 16).toBe(0);
    expect(wireWith([testKey(1)]).wire.openPacket(v0, from)).toEqual({ ok: true, messages: [ping] });
  });

  it("counts a packet whose CRC does not match as bad-crc", () => {
    const { wire } = wireWith([]);
    const packet = wireWith([]).wire.packet([ping, alive], true);
    expect(packet[0]).toBe(12);
    const bad = packet.slice();
    bad[bad.length - 1]! ^= 0x40;
    expect(wire.openPacket(bad, from)).toEqual({ ok: false });
    expect(wire.counters.dropped).toMatchObject({ "bad-crc": 1, malformed: 0 });
  });

  it("takes compound packets apart and reports a truncated part as malformed while keeping the rest", () => {
    const { wire } = wireWith([]);
    const compound = makeCompoundMessage([ping, alive]);
    const cut = compound.slice(0, compound.length - 3);
    const opened = wire.openPacket(cut, from);
    expect(opened).toEqual({ ok: true, messages: [ping] });
    expect(wire.counters.dropped.malformed).toBe(1);
  });

  it("reads a stream message as it arrives in pieces, and refuses one sealed under an unknown key", () => {
    const sender = wireWith([testKey(1)]).wire;
    const bytes = sender.streamMessage(alive);
    expect(bytes[0]).toBe(0x0a);
    const reader = wireWith([testKey(1)]).wire.streamReader(from);
    expect(reader.push(bytes.subarray(0, 3))).toBe("incomplete");
    expect(reader.push(bytes.subarray(3, 20))).toBe("incomplete");
    expect(reader.push(bytes.subarray(20))).toEqual(alive);
    const stranger = wireWith([testKey(4)]);
    expect(stranger.wire.streamReader(from).push(bytes)).toBe("dropped");
    expect(stranger.wire.counters.dropped["no-key"]).toBe(1);
  });

  it("counts a stream that ends part way as truncated", () => {
    const bytes = wireWith([testKey(1)]).wire.streamMessage(alive);
    const { wire } = wireWith([testKey(1)]);
    const reader = wire.streamReader(from);
    expect(reader.push(bytes.subarray(0, 10))).toBe("incomplete");
    reader.end();
    expect(wire.counters.dropped["stream-truncated"]).toBe(1);
  });
});
