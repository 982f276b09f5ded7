import { describe, expect, it } from "vitest";
import {
  Fabric,
  PcapWriter,
  attachPcap,
  encodePcapHeader,
  encodePcapRecord,
  pcapMagic,
} from "../../src/net/index.js";
import { Simulation, instant } from "../../src/sim/index.js";
import { concat } from "./wire-helpers.js";

describe("pcap writer", () => {
  it("writes the classic little-endian file header: magic, 2.4, snaplen 65535, LINKTYPE_RAW", () => {
    const header = encodePcapHeader();
    expect([...header]).toEqual([
      0xd4, 0xc3, 0xb2, 0xa1, // magic 0xA1B2C3D4, microseconds
      2, 0, 4, 0, // version 2.4
      0, 0, 0, 0, // thiszone
      0, 0, 0, 0, // sigfigs
      0xff, 0xff, 0, 0, // snaplen 65535
      101, 0, 0, 0, // LINKTYPE_RAW
    ]);
    expect(new DataView(header.buffer).getUint32(0, true)).toBe(pcapMagic);
  });

  it("stamps records with simulated seconds and microseconds, plus an optional epoch", () => {
    const record = encodePcapRecord(instant(3_000_250), new Uint8Array([0x45, 1, 2]), { epochUnixSeconds: 1_700_000_000 });
    const view = new DataView(record.buffer);
    expect(view.getUint32(0, true)).toBe(1_700_000_003);
    expect(view.getUint32(4, true)).toBe(250);
    expect(view.getUint32(8, true)).toBe(3);
    expect(view.getUint32(12, true)).toBe(3);
    expect([...record.subarray(16)]).toEqual([0x45, 1, 2]);
  });

  it("cuts packets longer than the snaplen, keeping their original length", () => {
    const record = encodePcapRecord(instant(0), new Uint8Array(100), { snaplenBytes: 64 });
    const view = new DataView(record.buffer);
    expect([view.getUint32(8, true), view.getUint32(12, true), record.length]).toEqual([64, 100, 80]);
  });

  it("hands out the header at once and one chunk per record", () => {
    const chunks: Uint8Array[] = [];
    const writer = new PcapWriter((c) => chunks.push(c));
    writer.write(instant(1), new Uint8Array(20));
    expect(chunks.map((c) => c.length)).toEqual([24, 36]);
    expect(writer.records).toBe(1);
    expect(() => new PcapWriter(() => {}, { snaplenBytes: 0 })).toThrow(/"snaplenBytes"/);
  });

  it("captures each packet of a fabric once, as it is sent, and loopback not at all", () => {
    const sim = new Simulation({ seed: 1 });
    const fabric = new Fabric(sim, { lossPpm: 1_000_000 });
    const a = fabric.addHost("a");
    const b = fabric.addHost("b");
    const chunks: Uint8Array[] = [];
    const capture = attachPcap(fabric, (c) => chunks.push(c));
    a.udp.send(1, b.ip, 2, new Uint8Array([1])); // lost: still on the sender's wire
    a.udp.send(1, a.ip, 2, new Uint8Array([1])); // loopback
    sim.scheduler.run();
    capture.stop();
    a.udp.send(1, b.ip, 2, new Uint8Array([1])); // after stop
    sim.scheduler.run();
    expect(capture.writer.records).toBe(1);
    expect(concat(chunks).length).toBe(24 + 16 + 29);
  });
});
