/**
 * The real check of the driver's wire: tshark decrypts a capture of three
 * nodes' encrypted overlay, across a key rotation, with the esp_sa lines of
 * the SAs that carried traffic, and reads the plain network's VXLAN as is.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { attachPcap } from "../../src/net/index.js";
import { espSaFile } from "../../src/overlay/index.js";
import { ms, seconds } from "../../src/sim/index.js";
import { concat } from "../support/bytes.js";
import { tshark } from "../support/tshark.js";
import { k1, k3, k4, overlayWorld, plainNet, secureNet, udpPacket } from "./driver-world.js";

const dir = mkdtempSync(join(tmpdir(), "swarmsim-driver-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tshark reads the driver's capture", () => {
  it("decrypts every ESP packet, before and after a rotation, with good ICVs, and finds the containers' bytes", () => {
    const w = overlayWorld(3);
    w.giveKeys(1, 2, 3);
    const endpoints = [1, 2, 3].map((n) => w.join(n, secureNet, `10.0.1.${n + 1}`));
    const plain = [w.join(1, plainNet, "10.0.2.2"), w.join(3, plainNet, "10.0.2.4")];
    w.run(seconds(5));
    const chunks: Uint8Array[] = [];
    const capture = attachPcap(w.fabric, (chunk) => chunks.push(chunk));
    const texts: string[] = [];
    const say = (tag: string) => {
      for (const [i, from] of endpoints.entries()) {
        const to = (i + 1) % 3;
        const text = `${tag}: 10.0.1.${i + 2} to 10.0.1.${to + 2}`;
        texts.push(text);
        from.link.send(udpPacket(`10.0.1.${i + 2}`, `10.0.1.${to + 2}`, new TextEncoder().encode(text)));
      }
    };
    say("before");
    w.run(ms(100));
    for (const n of [1, 2, 3]) w.driver(n).updateKeys({ newKey: k4, primary: k3, prune: k1 });
    say("after");
    plain[0]!.link.send(udpPacket("10.0.2.2", "10.0.2.4", new TextEncoder().encode("plain hello")));
    w.run(ms(100));
    capture.stop();
    const pcap = join(dir, "driver.pcap");
    writeFileSync(pcap, concat(chunks));
    const saLines = espSaFile(w.drivers.flatMap((d) => d.sasThatCarriedTraffic())).trim().split("\n");
    expect(saLines).toHaveLength(3 * 2); // 3 directed tunnels carried traffic, one SA each per key epoch

    const rows = tshark([
      "-r", pcap,
      "-o", "esp.enable_encryption_decode:TRUE",
      "-o", "esp.enable_authentication_check:TRUE",
      ...saLines.flatMap((line) => ["-o", `uat:esp_sa:${line}`]),
      "-Y", "esp",
      "-T", "fields", "-E", "separator=|",
      "-e", "esp.icv_good", "-e", "vxlan.vni", "-e", "data.data",
    ])
      .trim()
      .split("\n");
    expect(rows).toHaveLength(6);
    const seen = rows.map((row) => {
      const [good, vni, data] = row.split("|");
      expect(good).toBe("1");
      expect(vni).toBe(String(secureNet.vni));
      return Buffer.from(data!, "hex").toString();
    });
    expect(seen.sort()).toEqual(texts.sort());

    const vxlan = tshark(["-r", pcap, "-Y", "vxlan && !esp", "-T", "fields", "-e", "vxlan.vni", "-e", "data.data"]).trim().split("\n");
    expect(vxlan).toEqual([`${plainNet.vni}\t${Buffer.from("plain hello").toString("hex")}`]);
  });
});
