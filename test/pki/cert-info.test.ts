import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatInstant } from "../../src/sim/index.js";
import { readCertificate } from "../../src/pki/index.js";
import { propertyRuns } from "../support/properties.js";
import { clusterId, issue, nodeId, testCsr, testRoot } from "./fixtures.js";

const root = testRoot();

describe("readCertificate", () => {
  it("reads node ID, role, cluster, validity, issuer, serial and SANs of a node certificate", () => {
    const leaf = issue(root, testCsr().csrPem, "manager");
    const r = readCertificate(leaf.chainPem);
    if (!r.ok) throw new Error("unreadable");
    expect(r.info).toMatchObject({
      nodeId,
      role: "manager",
      organizationalUnit: "swarm-manager",
      clusterId,
      issuerCn: "swarm-ca",
      sans: ["swarm-manager", nodeId, "swarm-ca"],
      isCa: false,
    });
    expect(r.info.serial).toMatch(/^[0-9a-f]{2,40}$/);
    expect(formatInstant(r.info.notBefore)).toBe("+02:26:00.000000");
    expect(r.info.subjectKeyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it("reads a root: CN swarm-ca, no role, a CA", () => {
    const r = readCertificate(root.certPem);
    expect(r).toMatchObject({ ok: true, info: { nodeId: "swarm-ca", role: undefined, organizationalUnit: "", clusterId: "", isCa: true, sans: [] } });
  });

  it("never throws, and calls anything it cannot read malformed", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.nat({ max: root.certPem.length }), (junk, cut) => {
        for (const text of [junk, root.certPem.slice(0, cut), root.certPem.slice(cut)]) {
          const r = readCertificate(text);
          if (!r.ok) expect(r.reason).toBe("malformed");
        }
      }),
      { seed: 601, numRuns: propertyRuns(100) },
    );
  });
});
