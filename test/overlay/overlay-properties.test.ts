/**
 * Properties of the overlay's wire layer, with fixed seeds: round trips,
 * byte-identical backends, hostile bytes never throwing, and key rotation
 * never breaking a tunnel whose ends are at most one rotation apart.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TagLength } from "../../src/crypto/index.js";
import { IpProtocol } from "../../src/net/index.js";
import {
  type EspKeys,
  type OverlayKey,
  SaDatabase,
  decodeEsp,
  decodeVxlan,
  decodeVxlanDatagram,
  encodeEsp,
  encodeVxlan,
  encodeVxlanDatagram,
  espPadLength,
  openEsp,
} from "../../src/overlay/index.js";
import { formatMac } from "../../src/net/index.js";
import { propertyRuns } from "../support/properties.js";
import { flipBit, ivSalts, noble, node, overlayKey } from "./helpers.js";

const settings = (seed: number, base = 200) => ({ seed, numRuns: propertyRuns(base) });

const mac = fc.uint8Array({ minLength: 6, maxLength: 6 }).map(formatMac);
const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((o) => o.join("."));
const frame = fc.record({
  vni: fc.integer({ min: 0, max: 0xffffff }),
  dstMac: mac,
  srcMac: mac,
  packet: fc.uint8Array({ maxLength: 1450, size: "max" }),
});

const espJob = fc.record({
  key: fc.oneof(...[16, 24, 32].map((n) => fc.uint8Array({ minLength: n, maxLength: n }))),
  salt: fc.uint8Array({ minLength: 4, maxLength: 4 }),
  icvBytes: fc.constantFrom<TagLength>(8, 16),
  spi: fc.nat({ max: 0xffffffff }),
  seq: fc.nat({ max: 0xffffffff }),
  iv: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  payload: fc.uint8Array({ minLength: 1, maxLength: 1500, size: "max" }),
  nextHeader: fc.nat(255),
});

describe("VXLAN properties", () => {
  it("decodes what it encodes, alone and in UDP between any two VTEPs", () => {
    fc.assert(
      fc.property(frame, ipv4, ipv4, fc.nat(0xffff), (f, src, dst, srcPort) => {
        expect(decodeVxlan(encodeVxlan(f))).toEqual({ ok: true, value: f });
        const udp = encodeVxlanDatagram({ srcPort, frame: f }, src, dst);
        expect(decodeVxlanDatagram(udp, src, dst)).toEqual({ ok: true, value: { srcPort, dstPort: 4789, frame: f } });
      }),
      settings(4789),
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), ipv4, ipv4, (bytes, src, dst) => {
        const head = bytes.slice();
        if (head.length > 0) head[0] = 0x08;
        for (const b of [bytes, head]) {
          expect(typeof decodeVxlan(b).ok).toBe("boolean");
          expect(typeof decodeVxlanDatagram(b, src, dst).ok).toBe("boolean");
        }
      }),
      settings(4790),
    );
  });
});

describe("ESP properties", () => {
  it("noble and node:crypto seal the same packet, and either opens it", () => {
    fc.assert(
      fc.property(espJob, (job) => {
        const keys: EspKeys = { key: job.key, salt: job.salt, icvBytes: job.icvBytes };
        const fromNoble = encodeEsp(keys, job, noble);
        expect(encodeEsp(keys, job, node)).toEqual(fromNoble);
        const padding = espPadLength(job.payload.length);
        expect(fromNoble.length).toBe(16 + job.payload.length + padding + 2 + job.icvBytes);
        expect((fromNoble.length - 16 - job.icvBytes) % 4).toBe(0);
        for (const aead of [noble, node]) {
          const r = decodeEsp(fromNoble, (spi) => (spi === job.spi ? keys : undefined), aead);
          expect(r).toEqual({ ok: true, value: { spi: job.spi, seq: job.seq, iv: job.iv, payload: job.payload, nextHeader: job.nextHeader, padLength: padding } });
        }
      }),
      settings(4303),
    );
  });

  it("refuses any one flipped bit and any truncation, with a reason", () => {
    fc.assert(
      fc.property(espJob, fc.nat(), fc.nat(), (job, bitSeed, cutSeed) => {
        const keys: EspKeys = { key: job.key, salt: job.salt, icvBytes: job.icvBytes };
        const packet = encodeEsp(keys, job, noble);
        const lookup = (spi: number) => (spi === job.spi ? keys : undefined);
        const flipped = decodeEsp(flipBit(packet, bitSeed % (packet.length * 8)), lookup, noble);
        expect(flipped.ok).toBe(false);
        const cut = decodeEsp(packet.subarray(0, cutSeed % packet.length), lookup, node);
        expect(cut.ok).toBe(false);
        if (!flipped.ok) expect(["unknown-spi", "bad-icv"]).toContain(flipped.reason);
        if (!cut.ok) expect(["too-short", "bad-icv"]).toContain(cut.reason);
      }),
      settings(4106),
    );
  });

  it("never throws on arbitrary bytes, and answers with a reason", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.constantFrom<TagLength>(8, 16), (bytes, icvBytes) => {
        const keys: EspKeys = { key: new Uint8Array(16), salt: new Uint8Array(4), icvBytes };
        const r = openEsp(keys, bytes, noble);
        expect(r.ok).toBe(false);
        expect(decodeEsp(bytes, () => keys, node).ok).toBe(false);
      }),
      settings(50),
    );
  });
});

describe("key rotation properties", () => {
  /** The key manager's sets: three consecutive tags, the oldest dropped and one added per rotation. */
  const keyOf = (i: number): OverlayKey => overlayKey(0x8000 + i);
  /** agent.go getKeys for rotation r: keys r, r+1, r+2 sorted, the first two swapped. */
  const initialOrder = (r: number) => [keyOf(r + 1), keyOf(r), keyOf(r + 2)];
  /** handleKeyChange's update for rotation r → r+1: add r+3, primary r+2, prune r. */
  const rotationFrom = (r: number) => ({ newKey: keyOf(r + 3), primary: keyOf(r + 2), prune: keyOf(r) });

  it("never drops traffic between two nodes at most one rotation apart, and ends as a fresh setup would", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 14 }), fc.nat(1000), (turns, seed) => {
        const nodes = ["10.0.0.1", "10.0.0.2"].map((ip, i) => {
          const db = new SaDatabase({ localIp: ip, ivSalts: ivSalts(seed, ip) });
          db.setKeys(initialOrder(0));
          db.setupEncryption(i === 0 ? "10.0.0.2" : "10.0.0.1");
          return { db, ip, rotations: 0 };
        });
        const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
        for (const turn of turns) {
          // The chosen node rotates next, unless it is already a rotation ahead.
          let mover = turn ? a : b;
          if (mover.rotations > (mover === a ? b : a).rotations) mover = mover === a ? b : a;
          const r = mover.db.updateKeys(rotationFrom(mover.rotations++));
          expect(r.ok).toBe(true);
          expect(r.steps.map((s) => s.op)).toEqual(["remove-sa", "add-sa", "add-sa", "update-policy", "remove-sa"]);
          for (const [from, to] of [[a, b], [b, a]] as const) {
            const sealed = from.db.seal(to.ip, new Uint8Array([1, 2, 3]), IpProtocol.udp, noble);
            expect(sealed.ok && to.db.open(sealed.packet, noble).ok).toBe(true);
            const sas = from.db.associations();
            expect(sas.filter((sa) => sa.direction === "in")).toHaveLength(3);
            expect(sas.filter((sa) => sa.direction === "out")).toHaveLength(1);
          }
        }
        for (const n of nodes) {
          const fresh = new SaDatabase({ localIp: n.ip, ivSalts: ivSalts(seed) });
          fresh.setKeys(n.db.keys());
          fresh.setupEncryption(n === a ? b.ip : a.ip);
          const ids = (d: SaDatabase) => d.associations().map((sa) => `${sa.direction}/${sa.spi}`).sort();
          expect(ids(n.db)).toEqual(ids(fresh));
          // Primary first, then the older and the newer key: the order getKeys gives a node that joins now.
          expect(n.db.keys()).toEqual(initialOrder(n.rotations));
        }
      }),
      settings(12, 100),
    );
  });
});
