/**
 * The pcap of a join, read by tshark: TLS handshakes on port 2377, and with the
 * run's tls-keylog.txt the CA calls decrypted, method paths and all.
 */
import { tshark } from "../support/tshark.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tokenOf, world } from "../support/swarm.js";


describe("a join, as tshark sees it", () => {
  it("shows TLS handshakes on 2377 and, with the key log, decrypts the CA calls", () => {
    const w = world();
    const chunks: Uint8Array[] = [];
    w.cluster.capturePcap((c) => chunks.push(c));
    w.docker("m1", "docker swarm init");
    w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
    const dir = mkdtempSync(join(tmpdir(), "swarmsim-join-"));
    const pcap = join(dir, "join.pcap");
    const keylog = join(dir, "tls-keylog.txt");
    writeFileSync(pcap, Buffer.concat(chunks));
    writeFileSync(keylog, w.cluster.keyFiles().get("tls-keylog.txt")!);

    const asTls = ["-r", pcap, "-d", "tcp.port==2377,tls"];
    const hellos = tshark([...asTls, "-Y", "tls.handshake.type == 1", "-T", "fields", "-e", "tcp.dstport"]).trim().split("\n");
    expect(hellos.length).toBeGreaterThanOrEqual(2); // root CA fetch, then the certificate request
    expect(new Set(hellos)).toEqual(new Set(["2377"]));
    expect(tshark([...asTls, "-Y", "_ws.malformed || _ws.expert.severity >= error"]).trim()).toBe("");

    const method = "/docker.swarmkit.v1.NodeCA/IssueNodeCertificate";
    const wire = Buffer.concat(chunks);
    for (const secret of [method, "SWMTKN-1-", "CERTIFICATE REQUEST"]) expect(wire.includes(secret), secret).toBe(false);
    const decrypted = tshark([...asTls, "-o", `tls.keylog_file:${keylog}`, "-q", "-z", "follow,tls,ascii,1"]);
    expect(decrypted).toContain(method);
    expect(decrypted).toContain("SWMTKN-1-");
    expect(decrypted).toContain("-----BEGIN CERTIFICATE REQUEST-----");
  });
});
