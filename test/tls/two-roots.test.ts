/**
 * A trust store of two roots with the same name (every swarm root is
 * CN=swarm-ca: the old and the new one around a root rotation). forge keeps
 * them as one entry per subject; a server must still send its
 * CertificateRequest, and leaves of either root must verify.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { TrustStore } from "../../src/tls/index.js";
import { CLUSTER_ID, WORKER_ID, type SwarmPki, issueLeaf, swarmPki } from "./pki-fixtures.js";
import { tlsWorld } from "./tls-world.js";

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});

describe("a trust store of two roots that share a name", () => {
  it("lets a server ask for client certificates and accept leaves of either root", () => {
    const w = tlsWorld(pki);
    const both = new TrustStore([pki.root.pem, pki.foreignRoot.pem]);
    w.serve({ trust: both });
    const fromOld = w.connect();
    const fromNew = w.connect({ identity: issueLeaf(pki.foreignRoot, { nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys }) });
    w.run();
    expect(fromOld.log.events).toEqual(["secure"]);
    expect(fromNew.log.events).toEqual(["secure"]);
    expect(w.servers.map((s) => s.log.secure?.peer?.verified)).toEqual([true, true]);
  });
});
