import { describe, expect, it } from "vitest";
import { CaMethod, decodeIssueNodeCertificateResponse, decodeNodeCertificateStatusResponse, dialControlPlane, encodeIssueNodeCertificateRequest, encodeNodeCertificateStatusRequest } from "../../src/control/index.js";
import { createCsr, createRsaKey, readCertificate } from "../../src/pki/index.js";
import { seconds } from "../../src/sim/index.js";
import { TrustStore } from "../../src/tls/index.js";
import { tokenOf, world } from "../support/swarm.js";

const idOf = (initOutput: string) => /current node \(([0-9a-z]{25})\)/.exec(initOutput)?.[1];
const rowOf = (ls: string, host: string) => ls.split("\n").find((l) => l.split(/ +/).includes(host));

describe("nodes coming and going", () => {
  it("a node that leaves and inits again starts a new swarm: new cluster, node ID, root and tokens", () => {
    const w = world();
    const first = w.docker("m1", "docker swarm init").stdout;
    const firstToken = tokenOf(w, "worker");
    const firstCluster = w.cluster.node("m1").identity!.clusterId;
    w.docker("m1", "docker swarm leave --force");
    const second = w.docker("m1", "docker swarm init").stdout;
    expect(idOf(second)).not.toBe(idOf(first));
    expect(w.cluster.node("m1").identity!.clusterId).not.toBe(firstCluster);
    expect(tokenOf(w, "worker")).not.toBe(firstToken);
    expect(tokenOf(w, "worker").split("-")[2]).not.toBe(firstToken.split("-")[2]); // a new root CA
  });

  it("a worker that leaves is Down once its heartbeats would have expired, and only then goes without --force; rejoining gives a new ID", () => {
    const w = world();
    w.docker("m1", "docker swarm init");
    const token = tokenOf(w, "worker");
    w.docker("w1", `docker swarm join --token ${token} m1:2377`);
    const oldId = w.cluster.node("w1").id!;
    expect(w.docker("w1", "docker swarm leave").stdout).toBe("Node left the swarm.\n");
    expect(rowOf(w.docker("m1", "docker node ls").stdout, "w1")).toMatch(/ Ready /);
    expect(w.docker("m1", "docker node rm w1").stderr).toContain(`node ${oldId} is not down and can't be removed`);
    // dispatcher.go: Down 3 heartbeat periods (each under 5.5 s) after the last heartbeat.
    w.sim.scheduler.run({ until: (w.sim.now + seconds(17)) as never });
    expect(rowOf(w.docker("m1", "docker node ls").stdout, "w1")).toMatch(/ Down /);
    expect(w.docker("m1", `docker node rm ${oldId}`)).toEqual({ stdout: `${oldId}\n`, stderr: "", exitCode: 0 });
    w.docker("w1", `docker swarm join --token ${token} m1:2377`);
    expect(w.cluster.node("w1").id).not.toBe(oldId);
    expect(rowOf(w.docker("m1", "docker node ls").stdout, "w1")).toMatch(/ Ready +Active /);
  });

  it("a node joined with --availability drain is listed as Drain", () => {
    const w = world();
    w.docker("m1", "docker swarm init");
    w.docker("w1", `docker swarm join --availability drain --token ${tokenOf(w, "worker")} m1:2377`);
    expect(rowOf(w.docker("m1", "docker node ls").stdout, "w1")).toMatch(/ Ready +Drain /);
  });

  it("a CSR that asks for the manager role, another cluster and its own name still gets a worker certificate of this cluster", () => {
    const w = world();
    w.docker("m1", "docker swarm init");
    const manager = w.cluster.node("m1").identity!;
    const intruder = w.cluster.node("w1");
    const key = createRsaKey(intruder.control.rng, "csr-key", { bits: 1024 });
    const csr = createCsr(key, { commonName: "i-chose-this", organizationalUnit: "swarm-manager", organization: "another-cluster", dnsNames: ["swarm-ca"] });
    const conn = dialControlPlane(intruder.control, { address: "10.0.0.1", trust: new TrustStore(manager.rootsPem), peerAuth: "require", serverName: "swarm-ca" }, "csr-attack");
    let chain = "";
    conn.call(CaMethod.issueNodeCertificate, encodeIssueNodeCertificateRequest({ csr: new TextEncoder().encode(csr), token: tokenOf(w, "worker"), availability: 0 }), (r) => {
      const issued = r.ok ? decodeIssueNodeCertificateResponse(r.body) : undefined;
      if (issued?.ok !== true) return;
      conn.call(CaMethod.nodeCertificateStatus, encodeNodeCertificateStatusRequest({ nodeId: issued.value.nodeId }), (s) => {
        const status = s.ok ? decodeNodeCertificateStatusResponse(s.body) : undefined;
        if (status?.ok === true) chain = new TextDecoder().decode(status.value.certificate?.certificate ?? new Uint8Array());
      });
    });
    w.sim.scheduler.run({ until: (w.sim.now + seconds(10)) as never });
    const leaf = readCertificate(chain);
    expect(leaf.ok).toBe(true);
    if (!leaf.ok) return;
    expect(leaf.info.role).toBe("worker");
    expect(leaf.info.clusterId).toBe(manager.clusterId);
    expect(leaf.info.nodeId).not.toBe("i-chose-this");
    expect(leaf.info.sans).not.toContain("swarm-ca");
  });
});
