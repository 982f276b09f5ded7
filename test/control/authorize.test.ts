import { describe, expect, it } from "vitest";
import { ManagerOu, WorkerOu, authorizeOrgAndRole } from "../../src/control/authorize.js";

const worker = { commonName: "node1", organizationalUnits: [WorkerOu], organizations: ["cluster1"] };

describe("authorizing a control-plane call (swarmkit ca/auth.go)", () => {
  it("lets an allowed role of this cluster through, naming the node", () => {
    expect(authorizeOrgAndRole(worker, "cluster1", new Set(), [WorkerOu, ManagerOu])).toEqual({ ok: true, nodeId: "node1" });
  });

  it.each([
    ["no certificate", undefined, [WorkerOu], new Set<string>(), "Permission denied: peer didn't not present valid peer certificate"],
    ["a worker calling a manager-only method", worker, [ManagerOu], new Set<string>(), "Permission denied: remote certificate not part of OUs: [swarm-manager]"],
    ["a removed node", worker, [WorkerOu], new Set(["node1"]), "Permission denied: node node1 was removed from swarm"],
    ["another cluster's node", { ...worker, organizations: ["cluster2"] }, [WorkerOu], new Set<string>(), "Permission denied: remote certificate not part of organization: cluster1"],
  ])("refuses %s with swarmkit's words", (_what, peer, ous, removed, message) => {
    expect(authorizeOrgAndRole(peer, "cluster1", removed, ous)).toEqual({ ok: false, code: 7, message });
  });
});
