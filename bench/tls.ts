/**
 * The cost of a control-plane connection: wall time per mutual-TLS handshake
 * (full, and resumed) between two hosts of a simulated fabric, 2048-bit RSA
 * keys as the simulator's PKI uses, TCP handshake and close included.
 *
 * Run: `npm run bench -- tls`.
 *
 * Two key set-ups: forge's own RSA (pure JavaScript, ~30 ms per private
 * operation at 2048 bits, and a full mTLS handshake has two: the server's
 * premaster decryption and the client's CertificateVerify signature), and the
 * same keys with those two operations routed to node:crypto, as the PKI module
 * does. Public operations (certificate signatures, premaster encryption) stay
 * in forge either way. Targets: full ≤ 12 ms, resumed ≤ 2 ms (median).
 */

import { constants, createPrivateKey, generateKeyPairSync, privateDecrypt, privateEncrypt } from "node:crypto";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import forge from "node-forge";
import { Fabric, type Host, fixedLatency } from "../src/net/index.js";
import { Simulation, dateAt, days, instant, minutes, ms } from "../src/sim/index.js";
import { type TlsIdentity, TlsSession, TlsSessionCache, TrustStore } from "../src/tls/index.js";

const KEY_BITS = 2048;
const TARGET_FULL_MS = 12;
const TARGET_RESUMED_MS = 2;

type KeySetup = "forge" | "node:crypto";

/** A 2048-bit key made by node:crypto (fast) and read into forge. */
function rsaKey(): forge.pki.rsa.PrivateKey {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: KEY_BITS, publicExponent: 0x10001 });
  return forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs1", format: "pem" }).toString());
}

function publicKeyOf(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PublicKey {
  return forge.pki.setRsaPublicKey(key.n, key.e);
}

interface Pki {
  readonly rootPem: string;
  readonly manager: TlsIdentity;
  readonly worker: TlsIdentity;
}

function certificate(subject: forge.pki.CertificateField[], key: forge.pki.rsa.PrivateKey, issuer: forge.pki.Certificate | undefined, issuerKey: forge.pki.rsa.PrivateKey) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKeyOf(key);
  cert.serialNumber = "01";
  cert.validity.notBefore = dateAt(instant(-minutes(5)));
  cert.validity.notAfter = dateAt(instant(days(90)));
  cert.setSubject(subject);
  cert.setIssuer(issuer?.subject.attributes ?? subject);
  cert.setExtensions(
    issuer === undefined
      ? [{ name: "basicConstraints", cA: true, critical: true }, { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true }]
      : [{ name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true }],
  );
  cert.sign(issuerKey, forge.md.sha256.create());
  return cert;
}

function makePki(): Pki {
  const rootKey = rsaKey();
  const root = certificate([{ shortName: "CN", value: "swarm-ca" }], rootKey, undefined, rootKey);
  const leaf = (cn: string, ou: string): TlsIdentity => {
    const key = rsaKey();
    const cert = certificate([{ shortName: "CN", value: cn }, { shortName: "OU", value: ou }, { shortName: "O", value: "benchcluster" }], key, root, rootKey);
    return { chainPem: [forge.pki.certificateToPem(cert)], privateKey: key };
  };
  return { rootPem: forge.pki.certificateToPem(root), manager: leaf("manager", "swarm-manager"), worker: leaf("worker", "swarm-worker") };
}

/**
 * The same key with its private operations done by node:crypto. forge's TLS
 * signs CertificateVerify with `sign(md5‖sha1, null)` (raw PKCS#1 v1.5 type 1)
 * and decrypts the premaster with `decrypt(bytes)` (PKCS#1 v1.5 type 2).
 * Node 20 refuses privateDecrypt with RSA_PKCS1_PADDING (the Marvin attack
 * fix), so this decrypts with RSA_NO_PADDING and strips the padding itself;
 * forge's server turns any throw into a random premaster, as RFC 5246 §7.4.7.1 asks.
 */
function routedToNodeCrypto(key: forge.pki.rsa.PrivateKey): forge.pki.rsa.PrivateKey {
  const routed = forge.pki.privateKeyFromPem(forge.pki.privateKeyToPem(key));
  const nodeKey = createPrivateKey(forge.pki.privateKeyToPem(key));
  routed.sign = ((md: string, scheme?: unknown) => {
    if (scheme !== null || typeof md !== "string") throw new Error("bench: only raw PKCS#1 v1.5 signatures are routed");
    return privateEncrypt({ key: nodeKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(md, "binary")).toString("binary");
  }) as typeof routed.sign;
  routed.decrypt = ((data: string) => {
    const block = privateDecrypt({ key: nodeKey, padding: constants.RSA_NO_PADDING }, Buffer.from(data, "binary"));
    const separator = block.indexOf(0, 2);
    if (block[0] !== 0 || block[1] !== 2 || separator < 10) throw new Error("decryption error");
    return block.subarray(separator + 1).toString("binary");
  }) as typeof routed.decrypt;
  return routed;
}

function withKeys(pki: Pki, setup: KeySetup): Pki {
  if (setup === "forge") return pki;
  const route = (id: TlsIdentity): TlsIdentity => ({ chainPem: id.chainPem, privateKey: routedToNodeCrypto(id.privateKey) });
  return { rootPem: pki.rootPem, manager: route(pki.manager), worker: route(pki.worker) };
}

interface Bench {
  /** Runs one connection to completion (handshake, close) and returns its wall time in ms and whether it resumed. */
  connect(): { ms: number; resumed: boolean };
}

/** A fabric with a manager serving mTLS on 2377 and a worker connecting to it. */
function bench(pki: Pki, resume: boolean): Bench {
  const sim = new Simulation({ seed: 1 });
  const fabric = new Fabric(sim, { latency: fixedLatency(ms(1)) });
  const manager: Host = fabric.addHost("manager-1");
  const worker: Host = fabric.addHost("worker-1");
  const trust = new TrustStore([pki.rootPem]);
  const tls = sim.rng.fork("tls");
  const managerCache = resume ? new TlsSessionCache() : undefined;
  const workerCache = resume ? new TlsSessionCache() : undefined;
  let accepted = 0;
  let connected = 0;
  manager.listen(2377, (stream) => {
    new TlsSession({
      role: "server", stream, identity: pki.manager, trust, peerAuth: "if-given",
      clock: () => sim.now, rng: tls.fork(`accept-${accepted++}`), sessionCache: managerCache,
    });
  });
  return {
    connect() {
      const client = new TlsSession({
        role: "client", stream: worker.connect(manager.ip, 2377), identity: pki.worker, trust, peerAuth: "require",
        clock: () => sim.now, rng: tls.fork(`connect-${connected++}`), sessionCache: workerCache,
      });
      let resumed = false;
      client.on("secure", (h) => {
        resumed = h.resumed;
        client.close();
      });
      client.on("failure", (f) => {
        throw new Error(`bench handshake failed: ${f.reason}: ${f.detail}`);
      });
      const start = performance.now();
      sim.scheduler.run();
      const elapsed = performance.now() - start;
      if (client.state !== "closed") throw new Error(`bench connection ended ${client.state}`);
      return { ms: elapsed, resumed };
    },
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function measure(pki: Pki, resume: boolean, warmup: number, runs: number): number[] {
  const b = bench(pki, resume);
  for (let i = 0; i < warmup; i++) b.connect();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { ms: elapsed, resumed } = b.connect();
    if (resumed !== resume) throw new Error(`bench expected resumed=${resume}, got ${resumed}`);
    times.push(elapsed);
  }
  return times;
}

function main(): void {
  console.log(`swarmsim TLS benchmark: mutual TLS 1.1 over a simulated fabric, RSA ${KEY_BITS}, wall time per connection`);
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`);
  const pki = makePki();
  const rows: string[][] = [["private RSA ops", "handshake", "runs", "median ms", "p90 ms", "target ms", "meets"]];
  for (const setup of ["forge", "node:crypto"] as const) {
    const keys = withKeys(pki, setup);
    const fullRuns = setup === "forge" ? 15 : 50;
    const full = measure(keys, false, 3, fullRuns);
    const resumed = measure(keys, true, 3, 200);
    for (const [kind, times, target] of [["full", full, TARGET_FULL_MS], ["resumed", resumed, TARGET_RESUMED_MS]] as const) {
      const m = median(times);
      rows.push([setup, kind, String(times.length), m.toFixed(2), percentile(times, 0.9).toFixed(2), String(target), m <= target ? "yes" : "no"]);
    }
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  "));
}

main();
