/**
 * A small Swarm-like PKI for the TLS tests, made with node-forge from seeded
 * keys: a root CA with CN=swarm-ca and leaves with CN = node ID, OU = role,
 * O = cluster ID, DNS SANs = role, node ID (and swarm-ca for managers), as
 * swarmkit's CA issues them. 1024-bit keys keep the tests quick; the real PKI
 * lives in src/pki and is not used here.
 */
import forge from "node-forge";
import { forgeRandomFrom } from "../../src/crypto/index.js";
import { type Instant, Rng, dateAt, days, hours, instant, minutes } from "../../src/sim/index.js";
import type { TlsIdentity } from "../../src/tls/index.js";

export const TEST_KEY_BITS = 1024;

/** A seeded RSA key pair: the same name gives the same key in every run. */
export function testKey(name: string, bits = TEST_KEY_BITS): forge.pki.rsa.KeyPair {
  const prng = forgeRandomFrom(Rng.root(2377).fork("test-keys").fork(name));
  return forge.pki.rsa.generateKeyPair({ bits, e: 0x10001, prng, workers: -1 } as forge.pki.rsa.GenerateKeyPairOptions);
}

/** A root CA: its certificate (PEM and parsed) and key. */
export interface TestCa {
  readonly cert: forge.pki.Certificate;
  readonly pem: string;
  readonly key: forge.pki.rsa.PrivateKey;
  readonly keys: forge.pki.rsa.KeyPair;
}

let serial = 1;
function nextSerial(): string {
  return (serial++).toString(16).padStart(4, "0");
}

/** A root CA named `cn` (swarm-ca by default), valid from 5 minutes before simulated time zero for 20 years. */
export function makeCa(keyName: string, cn = "swarm-ca", keys = testKey(keyName)): TestCa {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = nextSerial();
  cert.validity.notBefore = dateAt(instant(-minutes(5)));
  cert.validity.notAfter = dateAt(instant(days(20 * 365)));
  const name = [{ shortName: "CN", value: cn }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, pem: forge.pki.certificateToPem(cert), key: keys.privateKey, keys };
}

/** What a leaf says. */
export interface LeafSpec {
  readonly nodeId: string;
  readonly role: "swarm-manager" | "swarm-worker";
  readonly clusterId: string;
  readonly keys: forge.pki.rsa.KeyPair;
  readonly notBefore?: Instant;
  readonly notAfter?: Instant;
  /** DNS SANs; default: role, node ID, and swarm-ca for managers. */
  readonly dnsNames?: readonly string[];
}

/** A node certificate issued by `ca`, valid from 1 h before time zero for 90 days unless said otherwise. */
export function issueLeaf(ca: TestCa, spec: LeafSpec): TlsIdentity & { readonly pem: string } {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.keys.publicKey;
  cert.serialNumber = nextSerial();
  cert.validity.notBefore = dateAt(spec.notBefore ?? instant(-hours(1)));
  cert.validity.notAfter = dateAt(spec.notAfter ?? instant(days(90)));
  cert.setSubject([
    { shortName: "CN", value: spec.nodeId },
    { shortName: "OU", value: spec.role },
    { shortName: "O", value: spec.clusterId },
  ]);
  cert.setIssuer(ca.cert.subject.attributes);
  const dnsNames = spec.dnsNames ?? [spec.role, spec.nodeId, ...(spec.role === "swarm-manager" ? ["swarm-ca"] : [])];
  cert.setExtensions([
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true, clientAuth: true },
    { name: "subjectAltName", altNames: dnsNames.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  const pem = forge.pki.certificateToPem(cert);
  return { pem, chainPem: [pem], privateKey: spec.keys.privateKey };
}

export const CLUSTER_ID = "7vq3kzgq1v1ylmtrg2tqzbpxo";
export const MANAGER_ID = "3n8dqh1ue9sn1o9ad4z6s7d2a";
export const WORKER_ID = "9rtvd8gh3lzwxj0ae1m2k5xqp";

/** The PKI of one test file: a cluster's root, a manager and a worker; a foreign swarm's root and worker. */
export function swarmPki() {
  const root = makeCa("root");
  const managerKeys = testKey("manager");
  const workerKeys = testKey("worker");
  const manager = issueLeaf(root, { nodeId: MANAGER_ID, role: "swarm-manager", clusterId: CLUSTER_ID, keys: managerKeys });
  const worker = issueLeaf(root, { nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: workerKeys });
  // Another swarm: its root is also CN=swarm-ca, with its own key.
  const foreignRoot = makeCa("foreign-root");
  const foreignWorker = issueLeaf(foreignRoot, { nodeId: WORKER_ID, role: "swarm-worker", clusterId: "otherclusterxxxxxxxxxxxxx", keys: workerKeys });
  return { root, manager, worker, managerKeys, workerKeys, foreignRoot, foreignWorker };
}

export type SwarmPki = ReturnType<typeof swarmPki>;
