/**
 * Turning forge's verdict on a chain into a reason, at simulated time, and the
 * alert names and reasons of RFC 5246 §7.2.
 */
import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import { dateAt, days, hours, instant } from "../../src/sim/index.js";
import { AlertDescription, TrustStore, alertName } from "../../src/tls/index.js";
import { reasonOfAlert } from "../../src/tls/failure.js";
import { chainVerifiesAt, classifyChainError, serverNameProblem } from "../../src/tls/verify.js";
import { CLUSTER_ID, type SwarmPki, WORKER_ID, issueLeaf, swarmPki } from "./pki-fixtures.js";

let pki: SwarmPki;
let trust: TrustStore;
const cert = (pem: string) => forge.pki.certificateFromPem(pem);
const errors = forge.pki as unknown as { certificateError: Record<string, string> };

beforeAll(() => {
  pki = swarmPki();
  trust = new TrustStore([pki.root.pem]);
});

describe("classifying a refused chain", () => {
  it("tells expired from not yet valid by the simulated date", () => {
    const leaf = cert(pki.worker.pem);
    const expired = errors.certificateError.certificate_expired!;
    expect(classifyChainError(expired, [leaf], 0, trust, dateAt(instant(days(91))))).toEqual({
      reason: "expired",
      detail: "certificate expired: NotAfter 2026-04-01T00:00:00.000Z is before 2026-04-02T00:00:00.000Z",
      validity: { now: new Date("2026-04-02T00:00:00Z"), bound: new Date("2026-04-01T00:00:00Z") },
    });
    expect(classifyChainError(expired, [leaf], 0, trust, dateAt(instant(-hours(2))))).toMatchObject({
      reason: "not-yet-valid",
      validity: { now: new Date("2025-12-31T22:00:00Z"), bound: leaf.validity.notBefore },
    });
  });

  it("calls a chain whose top no trusted root signed unknown CA, even when a root has its issuer's name", () => {
    const foreign = cert(pki.foreignWorker.pem);
    const badSignature = errors.certificateError.bad_certificate!;
    expect(classifyChainError(badSignature, [foreign], 0, trust, dateAt(instant(0))).reason).toBe("unknown-ca");
    // A bad certificate that the trusted root did sign stays a bad certificate.
    expect(classifyChainError(badSignature, [cert(pki.worker.pem)], 0, trust, dateAt(instant(0))).reason).toBe("bad-certificate");
  });

  it("checks the server name against the DNS subjectAltNames only", () => {
    const manager = cert(pki.manager.pem);
    expect(serverNameProblem(manager, "swarm-manager")).toBeUndefined();
    expect(serverNameProblem(manager, "swarm-ca")).toBeUndefined();
    const noNames = issueLeaf(pki.root, { nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys, dnsNames: [] });
    expect(serverNameProblem(cert(noNames.pem), WORKER_ID)).toEqual({
      reason: "bad-certificate",
      detail: `certificate is valid for no DNS name, not ${WORKER_ID}`,
    });
  });

  it("re-verifies a kept chain at a given date, as resumption does", () => {
    const chain = [cert(pki.worker.pem)];
    expect(chainVerifiesAt(chain, trust, dateAt(instant(days(1))))).toBe(true);
    expect(chainVerifiesAt(chain, trust, dateAt(instant(days(91))))).toBe(false);
    expect(chainVerifiesAt(chain, new TrustStore([pki.foreignRoot.pem]), dateAt(instant(0)))).toBe(false);
    expect(chainVerifiesAt([], trust, dateAt(instant(0)))).toBe(false);
  });
});

describe("alerts", () => {
  it("names alerts as RFC 5246 does, and maps them to reasons", () => {
    expect(alertName(AlertDescription.unknown_ca)).toBe("unknown_ca");
    expect(alertName(255)).toBe("alert_255");
    expect(reasonOfAlert(AlertDescription.unknown_ca, false)).toBe("unknown-ca");
    expect(reasonOfAlert(AlertDescription.certificate_expired, false)).toBe("expired");
    expect(reasonOfAlert(AlertDescription.certificate_revoked, false)).toBe("bad-certificate");
    expect(reasonOfAlert(AlertDescription.bad_record_mac, false)).toBe("handshake-failure");
    expect(reasonOfAlert(AlertDescription.bad_record_mac, true)).toBe("protocol-error");
  });
});

describe("trust store", () => {
  it("refuses a root that is not a PEM certificate, naming its index", () => {
    expect(() => new TrustStore([pki.root.pem, "not a certificate"])).toThrow(/^"rootsPem\[1\]" expected a PEM certificate/);
    expect(TrustStore.empty.rootsPem).toEqual([]);
  });
});
