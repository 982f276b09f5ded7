/**
 * Bit flips re-sent from an attacker's host: one bit past the IPv4 header,
 * drawn from the attack's seeded stream, and what each receiving stack then
 * does with the copy: the drop reasons our stacks really give, counted.
 */
import { describe, expect, it } from "vitest";
import { Injector, flipBit, injectBitFlips } from "../../src/adversary/index.js";
import { decodeIpv4, decodeTcp, decodeUdp, encodeIpv4, encodeUdp } from "../../src/net/index.js";
import { Rng, seconds } from "../../src/sim/index.js";
import { attackWorld, servePage } from "./world.js";

const text = new TextEncoder();
const datagram = encodeIpv4({
  src: "10.0.0.1",
  dst: "10.0.0.2",
  protocol: 17,
  identification: 7,
  payload: encodeUdp({ srcPort: 7946, dstPort: 7946, payload: text.encode("a memberlist frame, sealed") }, "10.0.0.1", "10.0.0.2"),
});

/** The bits that differ between two packets of one length. */
function bitsChanged(a: Uint8Array, b: Uint8Array): number {
  let bits = 0;
  for (let i = 0; i < a.length; i++) for (let x = a[i]! ^ b[i]!; x !== 0; x &= x - 1) bits++;
  return bits;
}

describe("flipBit", () => {
  it("flips exactly one bit past the IPv4 header, from the seeded stream: the same seed, the same bits", () => {
    const draw = (seed: number) => {
      const rng = Rng.root(seed);
      return Array.from({ length: 50 }, () => flipBit(datagram, rng)!);
    };
    const first = draw(4);
    expect(first.map((f) => [f.byte, f.mask])).toEqual(draw(4).map((f) => [f.byte, f.mask]));
    expect(first.map((f) => [f.byte, f.mask])).not.toEqual(draw(5).map((f) => [f.byte, f.mask]));
    for (const flip of first) {
      expect(bitsChanged(datagram, flip.bytes)).toBe(1);
      expect(flip.bytes[flip.byte]! ^ datagram[flip.byte]!).toBe(flip.mask);
      expect(flip.byte).toBeGreaterThanOrEqual(20);
      expect(decodeIpv4(flip.bytes).ok, "the IPv4 header still holds").toBe(true);
    }
    expect(datagram[0]).toBe(0x45); // the original is untouched
  });

  it("in the transport payload, makes the UDP checksum good again so the copy reaches the protocol above", () => {
    const rng = Rng.root(11);
    for (let i = 0; i < 30; i++) {
      const flip = flipBit(datagram, rng, "transport-payload")!;
      expect(flip.byte).toBeGreaterThanOrEqual(28);
      const ip = decodeIpv4(flip.bytes);
      expect(ip.ok && decodeUdp(ip.value.payload, ip.value.src, ip.value.dst).ok).toBe(true);
      expect(bitsChanged(datagram.subarray(28), flip.bytes.subarray(28))).toBe(1);
    }
    // In the IPv4 payload at large, the unchanged checksum gives the flip away.
    const plain = flipBit(datagram, Rng.root(12))!;
    const ip = decodeIpv4(plain.bytes);
    expect(ip.ok && decodeUdp(ip.value.payload, ip.value.src, ip.value.dst).ok).toBe(false);
  });

  it("finds nothing to flip in a bare IPv4 header or a packet without a transport payload", () => {
    const header = encodeIpv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, identification: 1, payload: new Uint8Array(0) });
    expect(flipBit(header, Rng.root(1))).toBeUndefined();
    const emptyUdp = encodeIpv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 17, identification: 1, payload: encodeUdp({ srcPort: 1, dstPort: 2, payload: new Uint8Array(0) }, "10.0.0.1", "10.0.0.2") });
    expect(flipBit(emptyUdp, Rng.root(1), "transport-payload")).toBeUndefined();
    expect(flipBit(new Uint8Array(3), Rng.root(1))).toBeUndefined();
    expect(() => flipBit(datagram, Rng.root(1), "ip-header" as never)).toThrow(/"region" expected "ip-payload" or "transport-payload", got "ip-header"/);
  });
});

describe("injectBitFlips", () => {
  it("ESP copies: a flipped SPI finds no SA, any other bit fails the ICV; nothing reaches a container", () => {
    const w = attackWorld();
    servePage(w, true);
    w.advance(seconds(1));
    const attacker = new Injector(w.cluster.fabric);
    const target = w.eve.packets.find((p) => p.path === "esp")!.dst;
    const before = { ...w.cluster.node(target).overlay!.counters, drops: { ...w.cluster.node(target).overlay!.counters.drops } };
    const report = injectBitFlips(attacker, w.eve, { path: "esp", to: target });
    w.advance(seconds(1));
    const n = report.injected.length;
    expect(n).toBeGreaterThan(0);
    expect(report.skipped).toBe(0);
    // The ESP header starts at byte 20: SPI in 20..23, then the sequence number, IV, ciphertext and ICV.
    const spiFlips = report.injected.filter((i) => i.byte! < 24).length;
    const after = w.cluster.node(target).overlay!.counters;
    expect(after.drops["unknown-spi"] - before.drops["unknown-spi"]).toBe(spiFlips);
    expect(after.drops["bad-icv"] - before.drops["bad-icv"]).toBe(n - spiFlips);
    expect(after.framesReceivedEncrypted).toBe(before.framesReceivedEncrypted);
    expect(after.packetsDelivered).toBe(before.packetsDelivered);
  });

  it("gossip copies: a bad UDP checksum to the host; with the checksum made good, no key opens them, or the version is unknown", () => {
    const w = attackWorld();
    w.advance(seconds(10));
    const attacker = new Injector(w.cluster.fabric);
    const wire = w.cluster.node("w1").gossip!.wire;
    const malformed = w.cluster.fabric.counters.dropped.malformed;
    const noisy = injectBitFlips(attacker, w.eve, { path: "gossip", to: "w1", transport: "udp", last: 20 });
    w.advance(seconds(1));
    // The one way through: a flip that leaves the UDP checksum field (bytes 26-27) 0, "no checksum".
    const copies = w.eve.packets.filter((p) => p.src === "adversary");
    expect(copies).toHaveLength(noisy.injected.length);
    const unchecked = copies.filter((p) => p.bytes[26] === 0 && p.bytes[27] === 0).length;
    expect(w.cluster.fabric.counters.dropped.malformed - malformed).toBe(20 - unchecked);
    expect(Object.values(wire.counters.dropped).every((c) => c === 0)).toBe(true);

    const aimed = injectBitFlips(attacker, w.eve, { path: "gossip", to: "w1", transport: "udp", last: 20, region: "transport-payload" });
    w.advance(seconds(1));
    // Byte 28 is the envelope's version, 1: its last bit makes it 0 (still no key opens it), any other an unsupported version.
    const versionFlips = aimed.injected.filter((i) => i.byte === 28 && i.mask !== 0x01).length;
    expect(wire.counters.dropped["unknown-version"]).toBe(versionFlips);
    expect(wire.counters.dropped["no-key"]).toBe(20 - versionFlips);
    expect(w.cluster.fabric.counters.dropped.malformed - malformed).toBe(20 - unchecked);
  });

  it("control-plane copies: a bad TCP checksum; with it made good, the stream takes them for duplicates and TLS never sees them", () => {
    const w = attackWorld();
    const malformed = w.cluster.fabric.counters.dropped.malformed;
    const attacker = new Injector(w.cluster.fabric);
    const noisy = injectBitFlips(attacker, w.eve, { path: "control", to: "m1", last: 10 });
    w.advance(seconds(1));
    expect(noisy.injected).toHaveLength(10);
    expect(w.cluster.fabric.counters.dropped.malformed - malformed).toBe(10);
    const aimed = injectBitFlips(attacker, w.eve, { path: "control", to: "m1", last: 10, region: "transport-payload" });
    w.advance(seconds(1));
    // Bare acks carry no payload to flip.
    expect(aimed.injected.length + aimed.skipped).toBe(10);
    for (const copy of w.eve.packets.filter((p) => p.src === "adversary").slice(10)) {
      const ip = decodeIpv4(copy.bytes);
      expect(ip.ok && decodeTcp(ip.value.payload, ip.value.src, ip.value.dst).ok).toBe(true);
    }
    expect(w.cluster.fabric.counters.dropped.malformed - malformed).toBe(10);
    expect(w.docker("m1", "docker node ls").stdout.split("\n").filter((l) => l.includes("Ready"))).toHaveLength(3);
  });

  it("never crashes a node: after flipped copies on every path the swarm still serves the page over ESP", () => {
    const w = attackWorld();
    const client = servePage(w, true);
    const attacker = new Injector(w.cluster.fabric);
    let injected = 0;
    for (const node of w.cluster.nodes.keys()) {
      for (const path of ["esp", "gossip", "control"] as const) {
        for (const region of ["ip-payload", "transport-payload"] as const) injected += injectBitFlips(attacker, w.eve, { path, to: node, last: 15, region }).injected.length;
      }
    }
    expect(injected).toBeGreaterThan(100);
    w.advance(seconds(10));
    const out = w.docker(client, "docker run --network net radial/busyboxplus:curl curl -s web");
    expect(out.stdout).toContain("Welcome to nginx!");
    for (const node of w.cluster.nodes.values()) {
      expect(node.gossip!.db.memberlist.members().filter((m) => m.state === "alive"), node.name).toHaveLength(3);
    }
  });
});
