import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { Rng, formatInstant, hours, instant, minutes, seconds } from "../../src/sim/index.js";
import {
  checkNodeCertExpiry,
  crossSignRoot,
  issueNodeCertificate,
  nodeCertValidity,
  readCertificate,
  rootSigner,
  rotationSigner,
  pemEncode,
  splitPemBundle,
} from "../../src/pki/index.js";
import { clusterId, initAt, issue, nodeId, testCsr, testRoot } from "./fixtures.js";

const root = testRoot();

function info(pem: string) {
  const r = readCertificate(pem);
  if (!r.ok) throw new Error("unreadable certificate");
  return r.info;
}

describe("the CA decides the subject", () => {
  it("gives a malicious CSR (OU=swarm-manager, O=another cluster, CN of its choosing) the role of the call, the CA's cluster and the node ID", () => {
    const { csrPem } = testCsr("node-1", 1, {
      commonName: "i-choose-my-id",
      organizationalUnit: "swarm-manager",
      organization: "another-cluster",
      dnsNames: ["swarm-ca", "evil.example"],
    });
    const leaf = info(issue(root, csrPem, "worker").certificatePem);
    expect(leaf).toMatchObject({ nodeId, role: "worker", organizationalUnit: "swarm-worker", clusterId, issuerCn: "swarm-ca" });
    expect(leaf.sans).toEqual(["swarm-worker", nodeId]);
  });

  it("writes the subject as O, OU, CN in Go's order", () => {
    const { csrPem } = testCsr();
    const cert = forge.pki.certificateFromPem(issue(root, csrPem, "manager").certificatePem);
    expect(cert.subject.attributes.map((a) => [a.shortName, a.value])).toEqual([
      ["O", clusterId],
      ["OU", "swarm-manager"],
      ["CN", nodeId],
    ]);
  });

  it("gives managers the SANs swarm-manager, the node ID and swarm-ca; workers no swarm-ca", () => {
    const { csrPem } = testCsr();
    expect(info(issue(root, csrPem, "manager").certificatePem).sans).toEqual(["swarm-manager", nodeId, "swarm-ca"]);
    expect(info(issue(root, csrPem, "worker").certificatePem).sans).toEqual(["swarm-worker", nodeId]);
  });

  it("keeps the CSR's public key and nothing else of it", () => {
    const { key, csrPem } = testCsr();
    const cert = forge.pki.certificateFromPem(issue(root, csrPem).certificatePem);
    expect(forge.pki.publicKeyToPem(cert.publicKey)).toBe(forge.pki.publicKeyToPem(forge.pki.setRsaPublicKey(key.n, key.e)));
  });

  it("sets the usages of cfssl's swarm profile: digital signature + key encipherment (critical), server + client auth, CA:FALSE (critical)", () => {
    const { csrPem } = testCsr();
    const cert = forge.pki.certificateFromPem(issue(root, csrPem).certificatePem);
    expect(cert.getExtension("keyUsage")).toMatchObject({ critical: true, digitalSignature: true, keyEncipherment: true, keyCertSign: false });
    expect(cert.getExtension("extKeyUsage")).toMatchObject({ serverAuth: true, clientAuth: true });
    expect(cert.getExtension("basicConstraints")).toMatchObject({ critical: true, cA: false });
    expect(cert.extensions.map((e) => e.name)).toEqual([
      "keyUsage",
      "extKeyUsage",
      "basicConstraints",
      "subjectKeyIdentifier",
      "authorityKeyIdentifier",
      "subjectAltName",
    ]);
    expect(info(issue(root, csrPem).certificatePem).authorityKeyId).toBe(
      (root.certificate.getExtension("subjectKeyIdentifier") as { subjectKeyIdentifier: string }).subjectKeyIdentifier,
    );
  });
});

describe("validity", () => {
  it("is NotBefore = issue time rounded to the minute − 1 h, NotAfter = rounded time + expiry", () => {
    const { csrPem } = testCsr();
    const leaf = info(issue(root, csrPem).certificatePem);
    // initAt 03:25:45.7 rounds up to 03:26.
    expect(formatInstant(leaf.notBefore)).toBe("+02:26:00.000000");
    expect(formatInstant(leaf.notAfter)).toBe("+90d03:26:00.000000");
  });

  it("follows the table", () => {
    const table: Array<[at: number, expiry: number, notBefore: string, notAfter: string]> = [
      [0, hours(2160), "+00:00:00.000000", "+90d00:00:00.000000"], // backdated before the epoch
      [hours(2) + seconds(29), hours(1), "+01:00:00.000000", "+03:00:00.000000"],
      [hours(2) + seconds(30), hours(1), "+01:01:00.000000", "+03:01:00.000000"],
      [hours(2), hours(24), "+01:00:00.000000", "+1d02:00:00.000000"],
      [hours(2), minutes(59), "+01:00:00.000000", "+90d02:00:00.000000"], // under the minimum: the default
    ];
    for (const [at, expiry, notBefore, notAfter] of table) {
      const v = nodeCertValidity(instant(at), expiry as never);
      if (at === 0) {
        expect(v.notBefore).toBe(-hours(1));
        expect(formatInstant(v.notAfter)).toBe(notAfter);
        continue;
      }
      expect([formatInstant(v.notBefore), formatInstant(v.notAfter)]).toEqual([notBefore, notAfter]);
    }
  });

  it("an expiry under 1 h is refused by the control API with swarmkit's message", () => {
    expect(checkNodeCertExpiry(minutes(59))).toEqual({ ok: false, reason: "minimum certificate expiry time is: 1h0m0s" });
    expect(checkNodeCertExpiry(hours(1))).toEqual({ ok: true });
  });

  it("the signer itself replaces an expiry under 1 h with the 90-day default", () => {
    const { csrPem } = testCsr();
    const leaf = info(issue(root, csrPem, "worker", initAt, { expiry: minutes(30) }).certificatePem);
    expect(leaf.notAfter - leaf.notBefore).toBe(hours(2161));
  });
});

describe("refusals", () => {
  const request = { nodeId, role: "worker" as const, clusterId, at: initAt, rng: Rng.root(1) };

  it("refuses a CSR whose signature does not verify", () => {
    const { csrPem } = testCsr();
    const der = forge.pem.decode(csrPem)[0]!.body;
    // The signature is the last field: flip a bit of its last byte.
    const tampered = der.slice(0, -1) + String.fromCharCode(der.charCodeAt(der.length - 1) ^ 1);
    const forged = pemEncode("CERTIFICATE REQUEST", tampered);
    expect(issueNodeCertificate(rootSigner(root), { ...request, csrPem: forged })).toMatchObject({ ok: false, reason: "bad-csr-signature" });
  });

  it("refuses text that is no CSR, without throwing", () => {
    for (const csrPem of ["", "garbage", root.certPem, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"]) {
      expect(issueNodeCertificate(rootSigner(root), { ...request, csrPem })).toMatchObject({ ok: false, reason: "malformed-csr" });
    }
  });
});

describe("during a root rotation", () => {
  it("signs with the new key as the cross-signed certificate and sends that certificate after the leaf", () => {
    const newRoot = testRoot("root-ca-2");
    const cross = crossSignRoot(newRoot, root);
    const { csrPem } = testCsr();
    const result = issueNodeCertificate(rotationSigner(newRoot, cross), { csrPem, nodeId, role: "worker", clusterId, at: initAt, rng: Rng.root(1) });
    if (!result.ok) throw new Error(result.reason);
    expect(splitPemBundle(result.chainPem)).toEqual([result.certificatePem, cross]);
    const leaf = forge.pki.certificateFromPem(result.certificatePem);
    expect(newRoot.certificate.verify(leaf)).toBe(true);
  });
});
