/**
 * The control plane as Wireshark reads it: a capture of mTLS on port 2377
 * (a full handshake, then a resumed one, application data both ways) and the
 * run's NSS key log. tshark must dissect every handshake message and TLS 1.1
 * in the clear; with the key log it must decrypt the Finished messages and
 * the application data to exactly what was written; without it, the plaintext
 * must appear nowhere. tshark is required (CI installs Debian's package).
 */
import { tshark } from "../support/tshark.js";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachPcap } from "../../src/net/index.js";
import { CALENDAR_EPOCH_UNIX_MS, hours, instant } from "../../src/sim/index.js";
import { TlsSessionCache, keyLogFileName } from "../../src/tls/index.js";
import { swarmPki } from "./pki-fixtures.js";
import { concat, pattern, text, tlsWorld } from "./tls-world.js";


const REQUESTS = ["IssueNodeCertificate: CSR for node 9rtvd8gh3lzwxj0ae1m2k5xqp", "Heartbeat: session 1"];
const ANSWER = "NodeCertificateStatus: ISSUED";
/** A long answer (spans several records and TCP segments), printable so `follow,tls,ascii` shows it as is. */
const LONG_ANSWER = Array.from(pattern(20_000, 11), (b) => String.fromCharCode(0x41 + (b % 26))).join("");

const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");

/**
 * What `follow,tls,raw` decrypts of a TCP stream, as hex, each way. tshark
 * prints node 1's lines tab-indented, and calls node 0 whichever end its first
 * decrypted record came from.
 */
function decryptedStream(stream: number, options: readonly string[]) {
  const out = tshark(["-r", files.pcap, "-d", "tcp.port==2377,tls", ...options, "-q", "-z", `follow,tls,raw,${stream}`]);
  const body = out.split("\n").filter((l) => /^\t?[0-9a-f]+$/.test(l));
  const node0 = body.filter((l) => !l.startsWith("\t")).join("");
  const node1 = body.filter((l) => l.startsWith("\t")).map((l) => l.slice(1)).join("");
  const serverFirst = /Node 0: 10\.0\.0\.1:2377/.test(out);
  return serverFirst ? { fromClient: node1, fromServer: node0 } : { fromClient: node0, fromServer: node1 };
}

interface Capture {
  readonly pcap: string;
  readonly keyLog: string;
}

/** Two connections from worker-1 to manager-1:2377, the second resumed; each sends a request and reads answers. */
function capture(dir: string): Capture {
  const w = tlsWorld(swarmPki());
  const chunks: Uint8Array[] = [];
  attachPcap(w.fabric, (c) => chunks.push(c), { epochUnixSeconds: CALENDAR_EPOCH_UNIX_MS / 1000 });
  const workerCache = new TlsSessionCache();
  w.serve({ sessionCache: new TlsSessionCache() });
  REQUESTS.forEach((request, i) => {
    w.sim.scheduler.at(instant(i * hours(1)), "test.connect", () => {
      const client = w.connect({ sessionCache: workerCache });
      client.session.write(text(request));
      let received = 0;
      client.session.on("data", (bytes) => {
        received += bytes.length;
        if (received === ANSWER.length + LONG_ANSWER.length) client.session.close();
      });
    });
  });
  w.sim.scheduler.at(instant(hours(2)), "test.answer", () => {
    for (const server of w.servers) {
      server.session.write(text(ANSWER));
      server.session.write(text(LONG_ANSWER));
    }
  });
  w.run();
  expect(w.servers.map((s) => s.log.secure?.resumed)).toEqual([false, true]);
  expect(w.servers.map((s) => s.log.events.at(-1))).toEqual(["close", "close"]);
  const pcap = join(dir, "control-plane.pcap");
  const keyLog = join(dir, keyLogFileName);
  writeFileSync(pcap, concat(chunks));
  writeFileSync(keyLog, w.keyLog.text());
  return { pcap, keyLog };
}

let files: Capture;

describe("tshark reads and decrypts the control plane", () => {
  let dir = "";
  const asTls = ["-d", "tcp.port==2377,tls"];
  const withKeys = () => ["-o", `tls.keylog_file:${files.keyLog}`];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "swarmsim-tls-"));
    files = capture(dir);
  });
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  it("dissects every handshake message in the clear, TLS 1.1 with TLS_RSA_WITH_AES_128_CBC_SHA, nothing malformed", () => {
    const rows = tshark(["-r", files.pcap, ...asTls, "-Y", "tls.handshake.type", "-T", "fields", "-e", "tcp.stream", "-e", "tls.handshake.type"])
      .trim()
      .split("\n");
    expect(rows).toEqual([
      "0\t1", // ClientHello
      "0\t2,11,13,14", // ServerHello, Certificate, CertificateRequest, ServerHelloDone
      "0\t11,16,15", // Certificate, ClientKeyExchange, CertificateVerify (Finished is encrypted)
      "1\t1", // the resumed connection: ClientHello
      "1\t2", // ServerHello, then ChangeCipherSpec and the encrypted Finished: no certificates
    ]);
    const hellos = tshark(["-r", files.pcap, ...asTls, "-Y", "tls.handshake.type == 2", "-T", "fields", "-e", "tls.handshake.version", "-e", "tls.handshake.ciphersuite"]);
    expect(hellos.trim().split("\n")).toEqual(["0x0302\t0x002f", "0x0302\t0x002f"]);
    const versions = tshark(["-r", files.pcap, ...asTls, "-Y", "tls", "-T", "fields", "-e", "tls.record.version"]);
    expect(new Set(versions.split(/[\n,]/).filter((v) => v !== ""))).toEqual(new Set(["0x0302"]));
    const flagged = tshark(["-r", files.pcap, ...asTls, ...withKeys(), "-Y", "_ws.malformed || _ws.expert.severity >= error"]);
    expect(flagged.trim()).toBe("");
  });

  it("shows the randoms' time as the simulated date", () => {
    const times = tshark(["-r", files.pcap, ...asTls, "-Y", "tls.handshake.type == 2", "-T", "fields", "-e", "tls.handshake.random_time"]);
    expect(times.trim().split("\n")).toEqual(["Jan  1, 2026 00:00:00.000000000 UTC", "Jan  1, 2026 01:00:00.000000000 UTC"]);
  });

  it("decrypts the Finished messages, the application data and the close_notify alerts with the key log", () => {
    const finished = tshark(["-r", files.pcap, ...asTls, ...withKeys(), "-Y", "tls.handshake.type == 20", "-T", "fields", "-e", "tcp.stream"]);
    expect(finished.trim().split("\n")).toEqual(["0", "0", "1", "1"]);
    for (const stream of [0, 1]) {
      const follow = decryptedStream(stream, withKeys());
      expect(follow.fromClient).toBe(hex(REQUESTS[stream]!));
      expect(follow.fromServer.length).toBe(hex(ANSWER + LONG_ANSWER).length);
      expect(follow.fromServer === hex(ANSWER + LONG_ANSWER), "the server's records decrypt to exactly what it wrote").toBe(true);
    }
    const ascii = tshark(["-r", files.pcap, ...asTls, ...withKeys(), "-q", "-z", "follow,tls,ascii,0"]);
    expect(ascii).toContain(REQUESTS[0]);
    const decrypted = tshark(["-r", files.pcap, ...asTls, ...withKeys(), "-Y", "tls.app_data", "-x"]);
    expect(decrypted).toContain("Decrypted TLS");
    const alerts = tshark(["-r", files.pcap, ...asTls, ...withKeys(), "-Y", "tls.alert_message.desc == 0", "-T", "fields", "-e", "tcp.stream"]);
    expect(alerts.trim().split("\n").sort()).toEqual(["0", "0", "1", "1"]); // both connections close at once
  });

  it("shows none of the plaintext without the key log", () => {
    expect(decryptedStream(0, [])).toEqual({ fromClient: "", fromServer: "" });
    const everything = tshark(["-r", files.pcap, ...asTls, "-V", "-x"]);
    expect(everything).toContain("Encrypted Application Data");
    expect(everything).not.toContain("Decrypted TLS");
    for (const secret of [...REQUESTS, ANSWER]) expect(everything).not.toContain(secret.slice(0, 16));
    // Encrypted application data is there, just unreadable.
    const appData = tshark(["-r", files.pcap, ...asTls, "-Y", "tls.app_data", "-T", "fields", "-e", "tls.app_data"]);
    expect(appData.trim().split("\n").length).toBeGreaterThanOrEqual(4);
  });
});
