import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng, days, hours, instant, seconds } from "../../src/sim/index.js";
import {
  crossSignRoot,
  issueNodeCertificate,
  readCertificate,
  rotationSigner,
  validateCertChain,
  verifyChain,
} from "../../src/pki/index.js";
import { propertyRuns } from "../support/properties.js";
import { clusterId, initAt, issue, nodeId, testCsr, testRoot } from "./fixtures.js";

const root = testRoot("root-ca-1");
const otherSwarmRoot = testRoot("root-ca-1", 2);
const { csrPem } = testCsr();
// Issued two hours after init: a leaf issued in the first hour is backdated to
// before the root's own NotBefore (1 h against 5 min), as in Swarm.
const issueAt = instant(initAt + hours(2));
const leaf = issue(root, csrPem, "manager", issueAt);
const leafInfo = readCertificate(leaf.certificatePem);
if (!leafInfo.ok) throw new Error("unreadable leaf");
const { notBefore, notAfter } = leafInfo.info;
const later = instant(initAt + days(1));

describe("verifyChain", () => {
  it("accepts a leaf of the trusted root and says who it is and who signed it", () => {
    const r = verifyChain(leaf.chainPem, [root.certPem], later);
    expect(r).toMatchObject({ ok: true, leaf: { nodeId, role: "manager", clusterId }, issuer: { nodeId: "swarm-ca", isCa: true } });
  });

  it("refuses a leaf of another swarm's CA (same CN=swarm-ca, other key) as unknown-authority", () => {
    const foreign = issue(otherSwarmRoot, csrPem);
    expect(verifyChain(foreign.chainPem, [root.certPem], later)).toMatchObject({ ok: false, reason: "unknown-authority" });
    expect(verifyChain(leaf.chainPem, [], later)).toMatchObject({ ok: false, reason: "unknown-authority" });
  });

  it("refuses an expired leaf and a leaf not yet valid, at simulated instants, bounds included", () => {
    const at = (us: number) => verifyChain(leaf.chainPem, [root.certPem], instant(us));
    expect(at(notBefore)).toMatchObject({ ok: true });
    expect(at(notAfter)).toMatchObject({ ok: true });
    expect(at(notBefore - 1_000)).toMatchObject({ ok: false, reason: "not-yet-valid", index: 0 });
    expect(at(notAfter + 1_000)).toMatchObject({ ok: false, reason: "expired", index: 0 });
    expect(at(notAfter + days(365))).toMatchObject({ ok: false, reason: "expired" });
  });

  it("takes the chain as one bundle or as separate PEMs", () => {
    expect(verifyChain([leaf.certificatePem], [root.certPem], later).ok).toBe(true);
    expect(verifyChain(leaf.certificatePem, [root.certPem + otherSwarmRoot.certPem], later).ok).toBe(true);
  });

  it("never throws on hostile text, and names it", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.nat({ max: leaf.chainPem.length }), (junk, cut) => {
        const truncated = leaf.chainPem.slice(0, cut);
        for (const chain of [junk, truncated, [junk], `${truncated}${junk}`]) {
          const r = verifyChain(chain, [root.certPem], later);
          if (!r.ok) expect(["malformed", "no-certificates"]).toContain(r.reason);
        }
        expect(verifyChain(leaf.chainPem, [junk], later).ok).toBe(false);
      }),
      { seed: 301, numRuns: propertyRuns(100) },
    );
    expect(verifyChain("", [root.certPem], later)).toEqual({ ok: false, reason: "no-certificates" });
    const broken = leaf.chainPem.replace(/[A-Za-z]{10}\n/, "!!!!!!!!!!\n");
    expect(verifyChain(broken, [root.certPem], later)).toEqual({ ok: false, reason: "malformed" });
  });
});

describe("root rotation", () => {
  const newRoot = testRoot("root-ca-2", 1, instant(initAt + days(10)));
  const cross = crossSignRoot(newRoot, root);
  const rotateAt = instant(initAt + days(10) + hours(1));
  const rotated = issueNodeCertificate(rotationSigner(newRoot, cross), {
    csrPem,
    nodeId,
    role: "worker",
    clusterId,
    at: rotateAt,
    rng: Rng.root(3),
  });
  if (!rotated.ok) throw new Error("issue failed");
  const soon = instant(rotateAt + hours(1));

  it("the cross-signed intermediate lets a leaf signed by the new key verify under the old root", () => {
    const r = verifyChain(rotated.chainPem, [root.certPem], soon);
    expect(r).toMatchObject({ ok: true, leaf: { nodeId, role: "worker" } });
    if (r.ok) expect(r.issuer.subjectKeyId).toBe(readSki(newRoot.certPem));
  });

  it("without the intermediate the same leaf is refused under the old root", () => {
    expect(verifyChain(rotated.certificatePem, [root.certPem], soon)).toMatchObject({ ok: false, reason: "unknown-authority" });
  });

  it("once the new root is trusted, the leaf verifies with or without the intermediate (Go builds the shorter path)", () => {
    expect(verifyChain(rotated.chainPem, [newRoot.certPem], soon).ok).toBe(true);
    expect(verifyChain(rotated.certificatePem, [newRoot.certPem], soon).ok).toBe(true);
  });

  it("a leaf whose signature does not verify under the intermediate sent with it is bad-signature", () => {
    // A leaf of the old key, sent with the new root's cross-signed certificate: same names, wrong key.
    expect(verifyChain(leaf.certificatePem + cross, [newRoot.certPem], soon)).toMatchObject({ ok: false, reason: "bad-signature", index: 0 });
    // Trusting the old root, the shorter path (leaf → old root) holds, as Go would find it.
    expect(verifyChain(leaf.certificatePem + cross, [root.certPem], soon).ok).toBe(true);
  });
});

describe("validateCertChain (swarmkit's check of a bundle from the CA)", () => {
  it("accepts what the CA issued", () => {
    expect(validateCertChain(leaf.chainPem, [root.certPem], later).ok).toBe(true);
  });

  it("demands that every certificate of the bundle be valid, even one a shorter path would skip", () => {
    const newRoot = testRoot("root-ca-3", 1, instant(initAt + days(10)));
    const cross = crossSignRoot(newRoot, root);
    // Before the new root's NotBefore, the cross-signed certificate is not yet valid.
    const at = instant(initAt + days(1));
    const bundle = leaf.certificatePem + cross;
    expect(validateCertChain(bundle, [root.certPem], at)).toMatchObject({ ok: false, reason: "not-yet-valid", index: 1 });
    expect(verifyChain(bundle, [root.certPem], at).ok).toBe(true);
  });

  it("demands that each certificate be signed by the next", () => {
    const newRoot = testRoot("root-ca-2", 1, instant(initAt + days(10)));
    const cross = crossSignRoot(newRoot, root);
    const after = instant(initAt + days(11));
    expect(validateCertChain(leaf.certificatePem + cross, [root.certPem], after)).toMatchObject({ ok: false, reason: "bad-chain", index: 0 });
  });
});

function readSki(pem: string): string | undefined {
  const r = readCertificate(pem);
  return r.ok ? r.info.subjectKeyId : undefined;
}

describe("the trusted root's own validity", () => {
  it("a leaf is refused while the root it chains to is not valid, as Go refuses it", () => {
    const early = issue(root, csrPem, "worker", initAt); // backdated 1 h, before the root's NotBefore
    const earlyInfo = readCertificate(early.certificatePem);
    if (!earlyInfo.ok) throw new Error("unreadable");
    expect(verifyChain(early.chainPem, [root.certPem], earlyInfo.info.notBefore)).toMatchObject({ ok: false, reason: "not-yet-valid", index: 1 });
    expect(verifyChain(early.chainPem, [root.certPem], initAt).ok).toBe(true);
  });

  it("a leaf is refused once the root it chains to has expired, as Go refuses it", () => {
    const shortRoot = testRoot("root-ca-1");
    const rootInfo = readCertificate(shortRoot.certPem);
    if (!rootInfo.ok) throw new Error("unreadable root");
    const longLeaf = issue(shortRoot, csrPem, "worker", issueAt, { expiry: days(365 * 25) as never });
    const afterRoot = instant(rootInfo.info.notAfter + 1);
    expect(verifyChain(longLeaf.chainPem, [shortRoot.certPem], afterRoot)).toMatchObject({ ok: false, reason: "expired", index: 1 });
    expect(verifyChain(longLeaf.chainPem, [shortRoot.certPem], instant(rootInfo.info.notAfter)).ok).toBe(true);
  });
});

describe("validity to the microsecond", () => {
  it("a leaf is valid at NotBefore and at NotAfter, and not a microsecond outside (Go compares instants, not milliseconds)", () => {
    const at = (us: number) => verifyChain(leaf.chainPem, [root.certPem], instant(us));
    expect(at(notAfter).ok).toBe(true);
    expect(at(notAfter + 1)).toMatchObject({ ok: false, reason: "expired" });
    expect(at(notBefore - 1)).toMatchObject({ ok: false, reason: "not-yet-valid" });
    expect(validateCertChain(leaf.chainPem, [root.certPem], instant(notAfter + 1))).toMatchObject({ ok: false, reason: "expired", index: 0 });
    expect(at(notAfter - seconds(1)).ok).toBe(true);
  });
});
