/**
 * PKI costs: a deterministic 2048-bit RSA key, a node certificate issued from
 * a CSR, and the RSA private operation, each against node-forge's own pure-JS
 * path measured in the same run.
 *
 * Run: `npm run bench -- pki`.
 *
 * - key: `createRsaKey` (primes confirmed by node:crypto, private operation in
 *   OpenSSL), its pure-JS path (what a browser runs, the same key), and forge's
 *   `rsa.generateKeyPair` fed by a seeded PRNG (forge's only deterministic way).
 * - issue: `issueNodeCertificate` with a 2048-bit CA key and node key, against the
 *   same steps in forge alone (parse the CSR, check its signature, build and
 *   sign the certificate with forge's JS RSA, write PEM).
 * - private op: one PKCS#1 v1.5 SHA-256 signature, native and forge.
 *
 * Figures are medians: on a shared machine a median is steadier than a mean.
 */

import { cpus } from "node:os";
import forge from "node-forge";
import {
  type RsaPrivateKey,
  createCsr,
  createRootCa,
  createRsaKey,
  issueNodeCertificate,
  rootSigner,
} from "../src/pki/index.js";
import { forgeRandomFrom } from "../src/crypto/index.js";
import { EPOCH, Rng, dateAt, hours } from "../src/sim/index.js";

const SEED = 1;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds of each of `runs` calls of `f(i)`. */
function timeEach(runs: number, f: (i: number) => unknown): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    f(i);
    out.push(performance.now() - start);
  }
  return out;
}

const fmtMs = (ms: number): string => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(0)} ms`;
const fmtRatio = (ratio: number): string => `${ratio.toFixed(1)}×`;

function row(label: string, ours: number, baseline: number, target: string): string {
  return `${label.padEnd(34)}${fmtMs(ours).padStart(10)}${fmtMs(baseline).padStart(12)}${fmtRatio(baseline / ours).padStart(9)}   ${target}`;
}

/** forge's pure-JS key generation, deterministic through a seeded PRNG. */
function forgeKey(seed: number, bits: number): RsaPrivateKey {
  const prng = forgeRandomFrom(Rng.root(seed).fork("bench").fork("forge-key"));
  return forge.pki.rsa.generateKeyPair({ bits, e: 0x10001, prng, algorithm: "PRIMEINC" } as never).privateKey as RsaPrivateKey;
}

/** The issuance steps done by forge alone: the baseline for `issueNodeCertificate`. */
function forgeIssue(caCert: forge.pki.Certificate, caKey: RsaPrivateKey, csrPem: string, serial: number): string {
  const csr = forge.pki.certificationRequestFromPem(csrPem);
  if (!csr.verify()) throw new Error("bad CSR");
  const cert = forge.pki.createCertificate();
  cert.serialNumber = serial.toString(16).padStart(40, "1");
  cert.validity.notBefore = dateAt(EPOCH);
  cert.validity.notAfter = dateAt(hours(2161) as never);
  cert.setSubject([
    { shortName: "O", value: "k0dcbzbq3k8vm9c2l6m4x2k0a" },
    { shortName: "OU", value: "swarm-worker" },
    { shortName: "CN", value: "y4pm2hcp0dfvnwrzs5q8i6b1t" },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  cert.publicKey = csr.publicKey as forge.pki.PublicKey;
  cert.setExtensions([
    { name: "keyUsage", critical: true, digitalSignature: true, keyEncipherment: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "basicConstraints", critical: true, cA: false },
    { name: "subjectKeyIdentifier" },
    { name: "subjectAltName", altNames: [{ type: 2, value: "swarm-worker" }] },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

function main(): void {
  console.log("swarmsim PKI benchmark: RSA 2048, medians, against node-forge's pure-JS path");
  console.log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}`);
  const rng = Rng.root(SEED).fork("bench");

  // Warm-up: JIT and node:crypto initialised before anything is timed.
  createRsaKey(rng, "warm-up", { bits: 1024 });

  const keyRuns = 21;
  const ourKey = median(timeEach(keyRuns, (i) => createRsaKey(rng.fork(`key-${i}`), "k")));
  const pureKey = median(timeEach(5, (i) => createRsaKey(rng.fork(`key-${i}`), "k", { backend: "pure" })));
  const forgeKeyMs = median(timeEach(3, (i) => forgeKey(SEED + i, 2048)));

  const root = createRootCa(rng.fork("root-ca"), EPOCH);
  const nodeKey = createRsaKey(rng.fork("node-1"), "tls-key");
  const csrPem = createCsr(nodeKey);
  const signer = rootSigner(root);
  const serials = rng.fork("serials");
  const issue = () =>
    issueNodeCertificate(signer, {
      csrPem,
      nodeId: "y4pm2hcp0dfvnwrzs5q8i6b1t",
      role: "worker",
      clusterId: "k0dcbzbq3k8vm9c2l6m4x2k0a",
      at: EPOCH,
      rng: serials,
    });
  timeEach(50, issue);
  const ourIssue = median(timeEach(301, issue));
  const pureCaKey = forge.pki.setRsaPrivateKey(root.key.n, root.key.e, root.key.d, root.key.p, root.key.q, root.key.dP, root.key.dQ, root.key.qInv);
  timeEach(3, (i) => forgeIssue(root.certificate, pureCaKey, csrPem, i));
  const forgeIssueMs = median(timeEach(21, (i) => forgeIssue(root.certificate, pureCaKey, csrPem, i)));

  const md = forge.md.sha256.create().update("swarm");
  timeEach(50, () => root.key.sign(md));
  const ourSign = median(timeEach(301, () => root.key.sign(md)));
  const forgeSign = median(timeEach(21, () => pureCaKey.sign(md)));

  console.log("");
  console.log(`${"".padEnd(34)}${"swarmsim".padStart(10)}${"forge JS".padStart(12)}${"speed-up".padStart(9)}   target`);
  console.log(row("deterministic RSA-2048 key", ourKey, forgeKeyMs, "≤ 100 ms"));
  console.log(row("  same key, pure JS (browser path)", pureKey, forgeKeyMs, "-"));
  console.log(row("issue a node certificate from a CSR", ourIssue, forgeIssueMs, "≤ 3 ms"));
  console.log(row("RSA-2048 private op (sign)", ourSign, forgeSign, "-"));
  console.log("");
  console.log(`runs: key ${keyRuns} streams (forge 3, pure 5); issue 301 (forge 21); sign 301 (forge 21)`);
  console.log(`targets met: key ${ourKey <= 100 ? "yes" : "NO"}, issue ${ourIssue <= 3 ? "yes" : "NO"}`);
}

main();
