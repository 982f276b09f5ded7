import { describe, expect, it } from "vitest";
import { days, hours, minutes, seconds } from "../../src/sim/index.js";
import * as pki from "../../src/pki/index.js";

describe("PKI constants read as swarmkit's", () => {
  it("has swarmkit's names, lifetimes and renewal window", () => {
    expect([pki.rootCommonName, pki.managerOu, pki.workerOu, pki.caRoleName]).toEqual(["swarm-ca", "swarm-manager", "swarm-worker", "swarm-ca"]);
    expect(pki.rootCaValidityUs).toBe(days(7300)); // "630720000s": 20 years of 365 days
    expect(pki.rootCaBackdateUs).toBe(minutes(5));
    expect(pki.nodeCertDefaultExpiryUs).toBe(days(90));
    expect(pki.nodeCertMinExpiryUs).toBe(hours(1));
    expect(pki.nodeCertBackdateUs).toBe(hours(1));
    expect([pki.renewalLowerFraction, pki.renewalUpperFraction]).toEqual([0.5, 0.8]);
    expect([pki.renewalBackoffBaseUs, pki.renewalBackoffFactorUs, pki.renewalBackoffMaxUs]).toEqual([seconds(5), seconds(5), hours(1)]);
    expect([pki.certStatusBackoffBaseUs, pki.certStatusBackoffFactorUs, pki.certStatusBackoffMaxUs]).toEqual([seconds(1), seconds(1), seconds(30)]);
    expect(pki.forcedRenewalDelayUs).toBe(seconds(0.5));
  });

  it("has token lengths that fit their integers: 36^25 > 2^128 > 36^24, 36^50 > 2^256 > 36^49", () => {
    expect(36n ** BigInt(pki.joinTokenSecretLength) > 2n ** 128n && 2n ** 128n > 36n ** 24n).toBe(true);
    expect(36n ** BigInt(pki.joinTokenDigestLength) > 2n ** 256n && 2n ** 256n > 36n ** 49n).toBe(true);
    expect(pki.joinTokenSecretBytes * 8).toBe(128);
  });
});
