/**
 * The encrypted overlay tutorial, read back by a real tool: tshark, given the
 * run's `esp_sa`, decrypts the ESP packets of the capture down to VXLAN,
 * Ethernet, IPv4, TCP and HTTP, finds every ICV good, and shows busybox's
 * request and nginx's welcome page. Without the keys it sees only ESP.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadScenario, runScenario } from "../../src/index.js";
import { espSaFileName } from "../../src/swarm/index.js";
import { concat } from "../support/bytes.js";
import { tshark } from "../support/tshark.js";

const dir = mkdtempSync(join(tmpdir(), "swarmsim-overlay-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("tshark reads the encrypted overlay tutorial's capture", () => {
  it("decrypts the page from ESP with esp_sa, and sees nothing but ESP without it", () => {
    const path = "scenarios/encrypted-overlay.yaml";
    const chunks: Uint8Array[] = [];
    let keyFiles: (() => ReadonlyMap<string, string>) | undefined;
    const report = runScenario(loadScenario(readFileSync(path, "utf8"), path), {
      onCluster: (cluster) => {
        cluster.capturePcap((chunk) => chunks.push(chunk));
        keyFiles = () => cluster.keyFiles();
      },
    });
    expect(report.ok).toBe(true);
    const keys = keyFiles!();
    const pcap = join(dir, "encrypted-overlay.pcap");
    writeFileSync(pcap, concat(chunks));
    const saLines = keys.get(espSaFileName)!.trim().split("\n");
    expect(saLines.length).toBeGreaterThan(0);
    for (const line of saLines) expect(line).toMatch(/^"IPv4","10\.0\.0\.\d+","10\.0\.0\.\d+","0x[0-9a-f]{8}","AES-GCM with 8 octet ICV \[RFC4106\]","0x[0-9a-f]{40}","NULL",""$/);

    const fields = ["-T", "fields", "-E", "separator=|", "-e", "esp.icv_good", "-e", "vxlan.vni", "-e", "http.request.method", "-e", "http.response.code", "-e", "http.file_data"];
    const decrypted = tshark([
      "-r", pcap,
      "-o", "esp.enable_encryption_decode:TRUE",
      "-o", "esp.enable_authentication_check:TRUE",
      ...saLines.flatMap((line) => ["-o", `uat:esp_sa:${line}`]),
      "-Y", "http", ...fields,
    ]).trim().split("\n").map((row) => row.split("|"));
    expect(decrypted.map(([good, vni, method, code]) => [good, vni, method, code])).toEqual([
      ["1", "4097", "GET", ""],
      ["1", "4097", "", "200"],
    ]);
    expect(decrypted[1]![4]).toContain("<title>Welcome to nginx!</title>");

    const undecrypted = tshark(["-r", pcap, "-Y", "http || vxlan", "-T", "fields", "-e", "frame.number"]).trim();
    expect(undecrypted).toBe("");
    expect(Number(tshark(["-r", pcap, "-Y", "esp", "-T", "fields", "-e", "frame.number"]).trim().split("\n").length)).toBeGreaterThan(0);
  });
});
