import { describe, expect, it } from "vitest";
import { CertificateRenewer, type NodeIdentity } from "../../src/control/index.js";
import { type Instant, MemorySink, type TraceRecord, hours, instant, minutes, ms, seconds } from "../../src/sim/index.js";
import { nodeCertValidity, readCertificate, renewalBackoffBaseUs, renewalBackoffFactorUs, renewalBackoffMaxUs } from "../../src/pki/index.js";
import { tokenOf, world, type World } from "../support/swarm.js";

type Renewed = TraceRecord & { nodeId: string; role: string; forced: boolean; notBefore: number; notAfter: number; next: number };
type Failed = TraceRecord & { nodeId: string; forced: boolean; failures: number; reason: string; next: number };

/** A manager m1 and workers w1, w2 in a swarm made with `init`, recording the trace. */
function swarm(init = "docker swarm init"): { w: World; sink: MemorySink } {
  const w = world({ workers: 2 });
  const sink = new MemorySink();
  w.sim.trace.addSink(sink);
  expect(w.docker("m1", init).exitCode).toBe(0);
  const token = tokenOf(w, "worker");
  for (const node of ["w1", "w2"]) expect(w.docker(node, `docker swarm join --token ${token} m1:2377`).exitCode).toBe(0);
  return { w, sink };
}

const validityOf = (pem: string) => {
  const info = readCertificate(pem);
  if (!info.ok) throw new Error("unreadable certificate");
  return { notBefore: info.info.notBefore, notAfter: info.info.notAfter };
};

/** The wait bound after `failures` failed renewals: 5 s + 5 s·2^(failures−1), at most 1 h (ca/renewer.go). */
const backoffBound = (failures: number) => Math.min(renewalBackoffBaseUs + renewalBackoffFactorUs * 2 ** (failures - 1), renewalBackoffMaxUs);

const renewedOf = (sink: MemorySink, node: string) => sink.records.filter((r): r is Renewed => r.kind === "cert.renewed" && r.node === node);
const failedOf = (sink: MemorySink, node: string) => sink.records.filter((r): r is Failed => r.kind === "cert.renew-failed" && r.node === node);

describe("certificate renewal (ca/renewer.go)", () => {
  it("renews every node between 50% and 80% of its certificate's lifetime, keeping its ID and role, and the swarm keeps working", () => {
    const { w, sink } = swarm("docker swarm init --cert-expiry 3h");
    const nodes = ["m1", "w1", "w2"];
    const first = new Map(nodes.map((n) => [n, w.cluster.node(n).identity!]));
    // From the next renewal on, certificates last 2 h (plus the 1 h backdate).
    expect(w.docker("m1", "docker swarm update --cert-expiry 2h").stdout).toBe("Swarm updated.\n");
    w.sim.scheduler.run({ until: instant(hours(12)) });
    for (const node of nodes) {
      const renewals = renewedOf(sink, node);
      expect(renewals.length, node).toBeGreaterThan(3);
      let previous = validityOf(first.get(node)!.chainPem[0]!);
      for (const r of renewals) {
        const lifetime = previous.notAfter - previous.notBefore;
        expect(r.t - previous.notBefore, `${node} at ${r.t}`).toBeGreaterThanOrEqual(0.5 * lifetime);
        expect(r.t - previous.notBefore, `${node} at ${r.t}`).toBeLessThan(0.8 * lifetime);
        expect([r.nodeId, r.role, r.forced]).toEqual([first.get(node)!.nodeId, first.get(node)!.role, false]);
        previous = { notBefore: r.notBefore as Instant, notAfter: r.notAfter as Instant };
      }
      // Every renewal was issued for the new expiry: NotAfter − NotBefore = 2 h + the 1 h backdate.
      const { notBefore, notAfter } = nodeCertValidity(renewals[0]!.t as Instant, hours(2));
      expect(notAfter - notBefore).toBe(hours(3));
      expect(renewals.map((r) => r.notAfter - r.notBefore)).toEqual(renewals.map(() => hours(3)));
      // The node holds what it last renewed, under the same node ID.
      const held = w.cluster.node(node).identity!;
      expect(validityOf(held.chainPem[0]!)).toEqual({ notBefore: renewals.at(-1)!.notBefore, notAfter: renewals.at(-1)!.notAfter });
      expect(held.key).not.toBe(first.get(node)!.key);
    }
    expect(failedOf(sink, "w1")).toEqual([]);
    // The CA took its renewal path each time (a caller with a valid identity), and the swarm still works.
    expect(sink.records.filter((r) => r.kind === "ca.sign" && (r as TraceRecord & { renewal: boolean }).renewal).length).toBe(
      nodes.reduce((n, node) => n + renewedOf(sink, node).length, 0),
    );
    expect(w.docker("m1", "docker node ls").stdout.split("\n").filter((l) => / (m1|w1|w2) +Ready/.test(l))).toHaveLength(3);
    expect(w.docker("w2", "docker swarm leave").exitCode).toBe(0);
    expect(w.docker("w2", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`).exitCode).toBe(0);
  });

  it("a node whose CA is unreachable keeps its certificate, backs off and retries, and renews once it is reachable again", () => {
    const { w, sink } = swarm("docker swarm init --cert-expiry 1h");
    const before = w.cluster.node("w1").identity!;
    w.cluster.fabric.isolate("m1");
    while (failedOf(sink, "w1").length < 5) w.sim.scheduler.run({ until: instant(w.sim.now + minutes(1)) });
    const failures = failedOf(sink, "w1");
    expect(failures.length).toBeGreaterThan(3);
    failures.forEach((f, i) => {
      expect(f.failures).toBe(i + 1);
      expect(f.reason).toBe("rpc error: code = DeadlineExceeded desc = context deadline exceeded");
      expect(f.next - f.t).toBeLessThan(backoffBound(f.failures));
      if (i > 0) expect(f.t - failures[i - 1]!.next).toBe(seconds(5)); // the attempt's own 5 s call timeout
    });
    expect(w.cluster.node("w1").identity).toBe(before);
    w.cluster.fabric.heal();
    w.sim.scheduler.run({ until: instant(w.sim.now + minutes(10)) });
    const renewed = renewedOf(sink, "w1");
    expect(renewed.length).toBeGreaterThan(0);
    expect(renewed[0]!.t - failedOf(sink, "w1").at(-1)!.next).toBeLessThan(seconds(1));
    expect(w.cluster.node("w1").identity!.chainPem).not.toEqual(before.chainPem);
  });

  it("a removed node is refused with swarmkit's error, keeps its old certificate and retries with backoff", () => {
    const { w, sink } = swarm("docker swarm init --cert-expiry 1h");
    const before = w.cluster.node("w1").identity!;
    expect(w.docker("m1", "docker node rm --force w1").exitCode).toBe(0);
    w.sim.scheduler.run({ until: instant(hours(1)) });
    const failures = failedOf(sink, "w1");
    expect(failures.length).toBeGreaterThan(3);
    for (const [i, f] of failures.entries()) {
      expect(f.failures).toBe(i + 1);
      // The CA does not renew a removed node: it falls to the token path, and a renewal carries no token.
      expect(f.reason).toBe("rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster");
      expect(f.next - f.t).toBeLessThan(backoffBound(f.failures));
    }
    expect(w.cluster.node("w1").identity).toBe(before);
    expect(renewedOf(sink, "w2").length).toBeGreaterThan(0);
  });

  it("a forced renewal comes half a second later; a certificate of another role than expected is kept but counted as a failure and retried", () => {
    const { w, sink } = swarm();
    const node = w.cluster.node("w1");
    let held: NodeIdentity = node.identity!;
    // As after a promotion (renewer.SetExpectedRole): the CA still holds the worker role, so it keeps issuing worker certificates.
    const renewer = new CertificateRenewer({
      context: node.control,
      name: "expecting-manager",
      rsaBits: 1024,
      current: () => held,
      managerAddress: () => held.managerAddr,
      install: (renewed) => {
        held = renewed;
      },
      expectedRole: () => "manager",
    });
    renewer.start();
    const forcedAt = w.sim.now;
    renewer.renew();
    w.sim.scheduler.run({ until: instant(forcedAt + minutes(1)) });
    renewer.stop();
    const failures = failedOf(sink, "w1");
    expect(failures.length).toBeGreaterThan(2);
    expect(failures[0]!.t - forcedAt - ms(500)).toBeLessThan(ms(50));
    failures.forEach((f, i) => {
      expect([f.failures, f.forced, f.reason]).toEqual([i + 1, true, "the renewed certificate is for the worker role, expected manager"]);
      expect(f.next - f.t).toBeLessThan(backoffBound(f.failures));
    });
    expect(held.role).toBe("worker");
    expect(held.chainPem).not.toEqual(node.identity!.chainPem);
  });

  it("stops renewing when the node leaves the swarm", () => {
    const { w, sink } = swarm("docker swarm init --cert-expiry 1h");
    expect(w.docker("w1", "docker swarm leave").stdout).toBe("Node left the swarm.\n");
    const left = w.sim.now;
    w.sim.scheduler.run({ until: instant(hours(3)) });
    expect(sink.records.filter((r) => r.node === "w1" && r.t > left && r.kind.startsWith("cert."))).toEqual([]);
    expect(renewedOf(sink, "w2").length).toBeGreaterThan(0);
  });
});
