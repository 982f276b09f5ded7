/**
 * The esp_sa table, and the real check of everything in overlay/: tshark
 * (Debian's, required, as in test/net) must decrypt a capture of two nodes'
 * encrypted VXLAN with the lines we write, find every ICV correct, and see
 * the VNI, the container MACs and the container's bytes inside.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TagLength } from "../../src/crypto/index.js";
import { IpProtocol, encodeIpv4, encodePcapHeader, encodePcapRecord, encodeUdp } from "../../src/net/index.js";
import { SaDatabase, encodeVxlanDatagram, espSaAlgorithm, espSaFile, espSaLine } from "../../src/overlay/index.js";
import { instant } from "../../src/sim/index.js";
import { concat } from "../support/bytes.js";
import { tshark } from "../support/tshark.js";
import { ivSalts, node, overlayKey, toHex } from "./helpers.js";

describe("esp_sa lines (Wireshark packet-ipsec.c UAT)", () => {
  it("are eight quoted fields: protocol, addresses, SPI, AES-GCM, key ‖ salt, NULL authentication", () => {
    const keyMaterial = Uint8Array.from({ length: 20 }, (_, i) => i);
    expect(espSaLine({ src: "10.0.0.1", dst: "10.0.0.2", spi: 0xa5f8, keyMaterial, icvBytes: 8 })).toBe(
      `"IPv4","10.0.0.1","10.0.0.2","0x0000a5f8","AES-GCM with 8 octet ICV [RFC4106]","0x${toHex(keyMaterial)}","NULL",""`,
    );
  });

  it("name the ICV lengths as Wireshark does", () => {
    expect(espSaAlgorithm(8)).toBe("AES-GCM with 8 octet ICV [RFC4106]");
    expect(espSaAlgorithm(12)).toBe("AES-GCM with 12 octet ICV [RFC4106]");
    expect(espSaAlgorithm(16)).toBe("AES-GCM with 16 octet ICV [RFC4106]");
    expect(() => espSaAlgorithm(4 as never)).toThrow(/"icvBytes" expected 8, 12 or 16, got 4/);
  });

  it("refuse key material that is not an AES key and a salt", () => {
    expect(() => espSaLine({ src: "10.0.0.1", dst: "10.0.0.2", spi: 1, keyMaterial: new Uint8Array(16), icvBytes: 8 })).toThrow(
      /"keyMaterial" expected a 16-, 24- or 32-byte AES key and a 4-byte salt, got 16 bytes/,
    );
  });

  it("list each SA once, though both ends of a tunnel hold it", () => {
    const [a, b] = tunnel(8);
    const file = espSaFile([...a.associations(), ...b.associations()]);
    expect(file.endsWith("\n")).toBe(true);
    expect(file.trim().split("\n")).toHaveLength(6); // 3 keys × 2 directions
    expect(espSaFile([])).toBe("");
    const outbound = a.outboundSa("10.0.0.2")!;
    expect(file).toContain(`"IPv4","10.0.0.1","10.0.0.2","0x${outbound.spi.toString(16).padStart(8, "0")}"`);
    expect(file).toContain(`"0x${toHex(outbound.keyMaterial)}"`);
  });
});

/** Two nodes with a tunnel between them, keys k2 (primary), k1, k3. */
function tunnel(icvBytes: TagLength): [SaDatabase, SaDatabase] {
  const keys = [0x8182, 0x8181, 0x8183].map(overlayKey);
  const a = new SaDatabase({ localIp: "10.0.0.1", ivSalts: ivSalts(7, "a"), icvBytes });
  const b = new SaDatabase({ localIp: "10.0.0.2", ivSalts: ivSalts(7, "b"), icvBytes });
  a.setKeys(keys);
  b.setKeys(keys);
  a.setupEncryption("10.0.0.2");
  b.setupEncryption("10.0.0.1");
  return [a, b];
}

interface Sent {
  readonly spi: number;
  readonly seq: number;
  readonly text: string;
}

describe("tshark decrypts the encrypted overlay with our esp_sa", () => {
  let dir = "";
  const files: Record<TagLength, { pcap: string; saLines: string[]; sent: Sent[] }> = {} as never;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "swarmsim-overlay-"));
    for (const icvBytes of [8, 16] as TagLength[]) files[icvBytes] = capture(dir, icvBytes);
  });
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const decrypt = (icvBytes: TagLength, fields: string[]) =>
    tshark([
      "-r", files[icvBytes].pcap,
      "-o", "esp.enable_encryption_decode:TRUE",
      "-o", "esp.enable_authentication_check:TRUE",
      "-o", "udp.check_checksum:TRUE",
      ...files[icvBytes].saLines.flatMap((line) => ["-o", `uat:esp_sa:${line}`]),
      "-T", "fields", "-E", "separator=|",
      ...fields.flatMap((f) => ["-e", f]),
    ])
      .trim()
      .split("\n");

  it.each([8, 16] as TagLength[])("finds every ICV correct and every packet's SPI and sequence number (%i-byte ICV)", (icvBytes) => {
    const rows = decrypt(icvBytes, ["esp.spi", "esp.sequence", "esp.icv_good", "esp.pad_len", "esp.protocol"]);
    const sent = files[icvBytes].sent;
    expect(rows).toHaveLength(sent.length);
    rows.forEach((row, i) => {
      const [spi, seq, good, , next] = row.split("|");
      expect(Number(spi)).toBe(sent[i]!.spi);
      expect(Number(seq)).toBe(sent[i]!.seq);
      expect(good).toBe("1");
      expect(Number(next)).toBe(IpProtocol.udp);
    });
  });

  it.each([8, 16] as TagLength[])("reads VXLAN, the VNI, the container MACs and bytes inside (%i-byte ICV)", (icvBytes) => {
    const rows = decrypt(icvBytes, ["vxlan.vni", "eth.src", "eth.dst", "udp.checksum.status", "data.data"]);
    const sent = files[icvBytes].sent;
    rows.forEach((row, i) => {
      const [vni, src, dst, checksums, data] = row.split("|");
      expect(vni).toBe("4096");
      expect(src).toBe(i % 2 === 0 ? "02:42:0a:00:01:03" : "02:42:0a:00:01:04");
      expect(dst).toBe(i % 2 === 0 ? "02:42:0a:00:01:04" : "02:42:0a:00:01:03");
      expect(checksums).toBe("1,1"); // the VXLAN datagram's and the container's UDP checksums: Good
      expect(Buffer.from(data!, "hex").toString()).toBe(sent[i]!.text);
    });
  });

  it("sees only ciphertext without the keys", () => {
    const spis = tshark(["-r", files[8].pcap, "-T", "fields", "-e", "esp.spi"]).trim().split("\n");
    expect(spis).toHaveLength(files[8].sent.length);
    expect(tshark(["-r", files[8].pcap, "-Y", "udp || vxlan || eth"]).trim()).toBe("");
  });
});

/** Writes a capture of A and B talking both ways, before and after a key rotation, and returns what tshark needs. */
function capture(dir: string, icvBytes: TagLength): { pcap: string; saLines: string[]; sent: Sent[] } {
  const [a, b] = tunnel(icvBytes);
  const chunks: Uint8Array[] = [encodePcapHeader()];
  const sent: Sent[] = [];
  const nodes = [
    { db: a, ip: "10.0.0.1", peer: "10.0.0.2", mac: "02:42:0a:00:01:03", peerMac: "02:42:0a:00:01:04", container: "10.0.1.3", peerContainer: "10.0.1.4" },
    { db: b, ip: "10.0.0.2", peer: "10.0.0.1", mac: "02:42:0a:00:01:04", peerMac: "02:42:0a:00:01:03", container: "10.0.1.4", peerContainer: "10.0.1.3" },
  ];
  let at = 0;
  const exchange = (round: string) => {
    for (const n of nodes) {
      const text = `${round}: ${n.container} says hello to ${n.peerContainer}`;
      const udp = encodeUdp({ srcPort: 40000, dstPort: 9999, payload: new TextEncoder().encode(text) }, n.container, n.peerContainer);
      const inner = encodeIpv4({ src: n.container, dst: n.peerContainer, protocol: IpProtocol.udp, identification: at, payload: udp });
      const frame = { vni: 4096, dstMac: n.peerMac, srcMac: n.mac, packet: inner };
      const sealed = n.db.seal(n.peer, encodeVxlanDatagram({ srcPort: 40123, frame }, n.ip, n.peer), IpProtocol.udp, node);
      if (!sealed.ok) throw new Error(sealed.message);
      const outer = encodeIpv4({ src: n.ip, dst: n.peer, protocol: IpProtocol.esp, identification: at, payload: sealed.packet });
      chunks.push(encodePcapRecord(instant(1000 * at++), outer));
      sent.push({ spi: sealed.spi, seq: sealed.seq, text });
    }
  };
  exchange("first");
  exchange("second");
  const saLines = new Set(espSaFile([...a.associations(), ...b.associations()]).trim().split("\n"));
  const rotation = { newKey: overlayKey(0x8184), primary: overlayKey(0x8183), prune: overlayKey(0x8181) };
  a.updateKeys(rotation);
  b.updateKeys(rotation);
  exchange("after rotation");
  for (const line of espSaFile([...a.associations(), ...b.associations()]).trim().split("\n")) saLines.add(line);
  const pcap = join(dir, `overlay-icv${icvBytes}.pcap`);
  writeFileSync(pcap, concat(chunks));
  return { pcap, saLines: [...saLines], sent };
}
