/**
 * The wire as a real tool reads it: tshark must open our capture, find no
 * malformed packet and no bad checksum, see UDP and TCP where we put them, and
 * reassemble the control-plane stream to exactly the bytes written.
 * tshark is required (CI installs Debian's package): without it this fails.
 */
import { tshark } from "../support/tshark.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Fabric, attachPcap, fixedLatency, type Stream } from "../../src/net/index.js";
import { Simulation, ms } from "../../src/sim/index.js";
import { concat } from "./wire-helpers.js";
import { toHex } from "../support/bytes.js";


const text = (s: string) => new TextEncoder().encode(s);

/** A VXLAN header (flags 0x08, VNI 4096) and a small Ethernet frame, so tshark dissects it cleanly. */
function vxlanFrame(): Uint8Array {
  const vxlan = [0x08, 0, 0, 0, 0x00, 0x10, 0x00, 0];
  const ethernet = [2, 0x42, 10, 0, 0, 2, 2, 0x42, 10, 0, 0, 3, 0x88, 0xb5]; // dst, src, local-experimental EtherType
  return Uint8Array.from([...vxlan, ...ethernet, ...text("overlay payload")]);
}

interface Capture {
  readonly file: string;
  readonly clientBytes: Uint8Array;
  readonly serverBytes: Uint8Array;
}

function buildCapture(dir: string): Capture {
  const sim = new Simulation({ seed: 2377 });
  const fabric = new Fabric(sim, { latency: fixedLatency(ms(1)) });
  const manager = fabric.addHost("manager-1");
  const worker = fabric.addHost("worker-1");
  const other = fabric.addHost("worker-2");
  const chunks: Uint8Array[] = [];
  attachPcap(fabric, (c) => chunks.push(c), { epochUnixSeconds: 1_700_000_000 });

  for (const h of [manager, worker, other]) {
    h.udp.bind(7946, () => {});
    h.udp.bind(4789, () => {});
  }
  worker.udp.send(7946, manager.ip, 7946, text("gossip ping"));
  manager.udp.send(7946, worker.ip, 7946, text("gossip ack"));
  other.udp.send(4789, worker.ip, 4789, vxlanFrame());

  const clientWrites = [text("join request\n"), Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff), text("bye\n")];
  const serverWrites = [text("welcome\n"), Uint8Array.from({ length: 1800 }, (_, i) => (i * 13) & 0xff)];
  manager.listen(2377, (stream: Stream) => {
    for (const w of serverWrites) stream.write(w);
    stream.on("end", () => stream.close());
  });
  const client = worker.connect(manager.ip, 2377);
  client.on("connect", () => {
    for (const w of clientWrites) client.write(w);
    client.close();
  });
  sim.scheduler.run();
  expect(client.state).toBe("closed");

  const file = join(dir, "wire.pcap");
  writeFileSync(file, concat(chunks));
  return { file, clientBytes: concat(clientWrites), serverBytes: concat(serverWrites) };
}

describe("tshark reads the wire", () => {
  let dir = "";
  let capture: Capture;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "swarmsim-net-"));
    capture = buildCapture(dir);
  });
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("finds no malformed packet and no checksum or other error", () => {
    const flagged = tshark([
      "-r", capture.file,
      "-o", "ip.check_checksum:TRUE",
      "-o", "tcp.check_checksum:TRUE",
      "-o", "udp.check_checksum:TRUE",
      "-Y", "_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\"",
    ]);
    expect(flagged.trim()).toBe("");
    // And the checksums were really checked, and found good.
    const statuses = tshark([
      "-r", capture.file,
      "-o", "ip.check_checksum:TRUE",
      "-o", "tcp.check_checksum:TRUE",
      "-o", "udp.check_checksum:TRUE",
      "-T", "fields", "-e", "ip.checksum.status", "-e", "udp.checksum.status", "-e", "tcp.checksum.status",
    ]);
    const lines = statuses.trim().split("\n");
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines) expect(line.split("\t").filter((f) => f !== "")).toEqual(["1", "1"]); // 1 = Good (0 Bad, 2 Unverified)
  });

  it("sees UDP on 7946 and 4789 (decoded as VXLAN) and TCP on 2377", () => {
    const rows = tshark([
      "-r", capture.file,
      "-T", "fields", "-E", "separator=,",
      "-e", "ip.proto", "-e", "ip.src", "-e", "ip.dst", "-e", "udp.dstport", "-e", "tcp.dstport", "-e", "vxlan.vni",
    ])
      .trim()
      .split("\n");
    expect(rows.slice(0, 3)).toEqual([
      "17,10.0.0.2,10.0.0.1,7946,,",
      "17,10.0.0.1,10.0.0.2,7946,,",
      "17,10.0.0.3,10.0.0.2,4789,,4096",
    ]);
    expect(rows[3]).toBe("6,10.0.0.2,10.0.0.1,,2377,");
    expect(rows.filter((r) => r.startsWith("6,"))).toHaveLength(rows.length - 3);
    const flags = tshark(["-r", capture.file, "-Y", "tcp", "-T", "fields", "-e", "tcp.flags.str"]);
    expect(flags).toMatch(/S/);
    expect(flags).toMatch(/F/);
  });

  it("reassembles the stream both ways to exactly the bytes written", () => {
    const out = tshark(["-r", capture.file, "-q", "-z", "follow,tcp,raw,0"]);
    const body = out.split("\n").filter((l) => /^\t?[0-9a-f]+$/.test(l));
    const fromClient = body.filter((l) => !l.startsWith("\t")).join("");
    const fromServer = body.filter((l) => l.startsWith("\t")).map((l) => l.slice(1)).join("");
    expect(out).toContain("Node 0: 10.0.0.2:32768");
    expect(fromClient).toBe(toHex(capture.clientBytes));
    expect(fromServer).toBe(toHex(capture.serverBytes));
  });

  it("reads simulated time as the capture's timestamps", () => {
    const times = tshark(["-r", capture.file, "-T", "fields", "-e", "frame.time_epoch"]).trim().split("\n");
    expect(times[0]).toMatch(/^1700000000\.0+$/);
  });
});
