import { createHash } from "node:crypto";
import forge from "node-forge";
import { describe, expect, it } from "vitest";
import { EPOCH, Rng, days, formatInstant, hours, instant, minutes, seconds } from "../../src/sim/index.js";
import {
  caDigest,
  createRootCa,
  crossSignRoot,
  readCertificate,
  rootCaFromPem,
  splitPemBundle,
} from "../../src/pki/index.js";
import { roundToMinute } from "../../src/pki/certificate-builder.js";
import { cache, initAt, testBits, testRoot } from "./fixtures.js";

describe("root CA", () => {
  const root = testRoot();

  it("is CN=swarm-ca, self-signed, a CA with key usage cert sign + CRL sign, both critical", () => {
    const cert = root.certificate;
    expect(cert.subject.getField("CN").value).toBe("swarm-ca");
    expect(cert.issuer.getField("CN").value).toBe("swarm-ca");
    expect(cert.subject.attributes).toHaveLength(1);
    expect(cert.verify(cert)).toBe(true);
    const usage = cert.getExtension("keyUsage") as Record<string, boolean>;
    expect(usage).toMatchObject({ critical: true, keyCertSign: true, cRLSign: true, digitalSignature: false });
    expect(cert.getExtension("basicConstraints")).toMatchObject({ critical: true, cA: true });
    expect(cert.getExtension("basicConstraints")).not.toHaveProperty("pathLenConstraint");
    expect(cert.getExtension("subjectKeyIdentifier")).toBeTruthy();
    expect(cert.getExtension("authorityKeyIdentifier")).toBeFalsy();
    expect(cert.siginfo.algorithmOid).toBe(forge.pki.oids.sha256WithRSAEncryption);
  });

  it("is valid from the minute-rounded init time less 5 minutes, for 630720000 s", () => {
    const info = readCertificate(root.certPem);
    if (!info.ok) throw new Error("unreadable");
    // initAt is 03:25:45.7, which rounds to 03:26.
    expect(formatInstant(info.info.notBefore)).toBe("+03:21:00.000000");
    expect(info.info.notAfter - info.info.notBefore).toBe(seconds(630_720_000));
    expect(root.certificate.validity.notBefore.toISOString()).toBe("2026-01-01T03:21:00.000Z");
    expect(root.certificate.validity.notAfter.toISOString()).toBe("2045-12-27T03:21:00.000Z");
  });

  it("has a positive serial of at most 20 bytes in minimal DER", () => {
    for (let seed = 0; seed < 40; seed++) {
      const serial = createRootCa(Rng.root(seed).fork("pki"), EPOCH, { bits: 512 }).certificate.serialNumber;
      expect(serial.length % 2).toBe(0);
      expect(serial.length).toBeLessThanOrEqual(40);
      expect(parseInt(serial.slice(0, 2), 16)).toBeLessThan(0x80);
      expect(serial.startsWith("00") && parseInt(serial.slice(2, 4), 16) < 0x80).toBe(false);
    }
  });

  it("is written as Go writes PEM: LF line endings, 64-character lines, one block", () => {
    expect(root.certPem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
    expect(root.certPem).not.toContain("\r");
    expect(splitPemBundle(root.certPem)).toEqual([root.certPem]);
  });

  it("has as digest the SHA-256 of its exact PEM bytes", () => {
    expect(root.digestHex).toBe(createHash("sha256").update(root.certPem).digest("hex"));
    expect(caDigest(root.certPem.replaceAll("\n", "\r\n"))).not.toBe(root.digestHex);
  });

  it("is the same certificate for the same seed and stream, another for another", () => {
    expect(testRoot().certPem).toBe(root.certPem);
    expect(testRoot("root-ca", 2).certPem).not.toBe(root.certPem);
    expect(testRoot("root-ca-2").certPem).not.toBe(root.certPem);
  });

  it("can be rebuilt from its PEM and key", () => {
    const again = rootCaFromPem(root.certPem, root.key);
    expect(again.digestHex).toBe(root.digestHex);
    expect(again.certificate.serialNumber).toBe(root.certificate.serialNumber);
  });
});

describe("cross-signed root", () => {
  const oldRoot = testRoot("root-ca-1");
  const newRoot = testRoot("root-ca-2", 1, instant(initAt + days(30)));
  const cross = forge.pki.certificateFromPem(crossSignRoot(newRoot, oldRoot));

  it("keeps the new root's serial, validity, subject, public key and extensions", () => {
    const source = newRoot.certificate;
    expect(cross.serialNumber).toBe(source.serialNumber);
    expect(cross.validity.notBefore).toEqual(source.validity.notBefore);
    expect(cross.validity.notAfter).toEqual(source.validity.notAfter);
    expect(cross.subject.hash).toBe(source.subject.hash);
    expect(forge.pki.publicKeyToPem(cross.publicKey)).toBe(forge.pki.publicKeyToPem(source.publicKey));
    expect(cross.extensions.map((e) => [e.id, e.critical, e.value])).toEqual(source.extensions.map((e) => [e.id, e.critical, e.value]));
  });

  it("is issued by the old root and signed by the old key, not the new one", () => {
    expect(cross.issuer.hash).toBe(oldRoot.certificate.subject.hash);
    expect(oldRoot.certificate.verify(cross)).toBe(true);
    // forge throws when the key is not the signer's (the recovered block is not a signature).
    expect(() => newRoot.certificate.verify(cross)).toThrow("Encryption block is invalid.");
  });

  it("refuses to cross-sign a certificate that is not a CA", () => {
    const notCa = { ...newRoot, certificate: forge.pki.certificateFromPem(newRoot.certPem) };
    notCa.certificate.extensions = notCa.certificate.extensions.filter((e) => e.name !== "basicConstraints");
    expect(() => crossSignRoot(notCa, oldRoot)).toThrow(RangeError);
  });
});

describe("rounding to the minute", () => {
  it("rounds halves up, as Go's time.Round", () => {
    const cases: Array<[number, number]> = [
      [0, 0],
      [seconds(29.999999), 0],
      [seconds(30), minutes(1)],
      [minutes(1) + seconds(30), minutes(2)],
      [hours(5) + seconds(59), hours(5) + minutes(1)],
    ];
    for (const [at, rounded] of cases) expect(roundToMinute(instant(at)), formatInstant(at)).toBe(rounded);
  });

  it("does not depend on the test key size", () => {
    expect(testBits).toBe(1024);
    expect(cache.size).toBeGreaterThan(0);
  });
});
