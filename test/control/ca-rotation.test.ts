import { describe, expect, it } from "vitest";
import { type ControlContext, CaMethod, dialControlPlane, encodeNodeCertificateStatusRequest, tlsIdentityOf } from "../../src/control/index.js";
import type { NodeIdentity } from "../../src/control/index.js";
import { caDigest, parseJoinToken, readCertificate, validateCertChain } from "../../src/pki/index.js";
import { MemorySink, type TraceRecord, instant, ms, seconds } from "../../src/sim/index.js";
import { TrustStore } from "../../src/tls/index.js";
import { tokenOf, world, type World } from "../support/swarm.js";

type Rotate = TraceRecord & { nodeIds: string[]; unconverged: number };
type Failed = TraceRecord & { role: string; reason: string };

/** A manager m1 and `workers` workers joined to its swarm, recording the trace. */
function swarm(options: { workers: number; joined?: number; rsaBits?: number; seed?: number }): { w: World; sink: MemorySink } {
  const w = world({ workers: options.workers, rsaBits: options.rsaBits ?? 1024, seed: options.seed ?? 1 });
  const sink = new MemorySink();
  w.sim.trace.addSink(sink);
  expect(w.docker("m1", "docker swarm init").exitCode).toBe(0);
  const token = tokenOf(w, "worker");
  for (let i = 1; i <= (options.joined ?? options.workers); i++) {
    expect(w.docker(`w${i}`, `docker swarm join --token ${token} m1:2377`).exitCode).toBe(0);
  }
  return { w, sink };
}

const stateOf = (w: World) => w.cluster.node("m1").manager!.state;
const rootOf = (w: World) => w.docker("m1", "docker swarm ca").stdout;

/** A control-plane call made with `identity` and `trustedRoots` from a node context without session cache. */
function callWith(w: World, node: string, identity: NodeIdentity, trustedRoots: string[]) {
  const { sessionCache: _unused, ...bare } = w.cluster.node(node).control;
  const context: ControlContext = bare;
  const conn = dialControlPlane(context, { address: w.cluster.node("m1").host.ip, identity: tlsIdentityOf(identity), trust: new TrustStore(trustedRoots), peerAuth: "require", serverName: "swarm-manager" }, "old-identity");
  let outcome: { ok: boolean; message?: string } | undefined;
  conn.call(CaMethod.nodeCertificateStatus, encodeNodeCertificateStatusRequest({ nodeId: identity.nodeId }), (r) => {
    outcome = r.ok ? { ok: true } : { ok: false, message: r.message };
  });
  w.sim.scheduler.run({ until: instant(w.sim.now + seconds(5)) });
  return outcome;
}

describe("root CA rotation (docker swarm ca --rotate)", () => {
  it("converges 40 nodes at 30 per 3 s, then makes the new root the root, with new join tokens", () => {
    const { w, sink } = swarm({ workers: 39, rsaBits: 512 });
    const oldRoot = rootOf(w);
    const tokens = { worker: tokenOf(w, "worker"), manager: tokenOf(w, "manager") };
    expect(w.docker("m1", "docker swarm ca --rotate -d")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    const started = w.sim.now;
    // Until every node has renewed, the root, its digest and the tokens stay.
    expect(rootOf(w)).toBe(oldRoot);
    expect([tokenOf(w, "worker"), tokenOf(w, "manager")]).toEqual([tokens.worker, tokens.manager]);
    w.sim.scheduler.run({ until: instant(started + seconds(10)) });

    const rounds = sink.records.filter((r): r is Rotate => r.kind === "ca.rotation-rotate");
    expect(rounds.map((r) => [r.t - started, r.nodeIds.length, r.unconverged])).toEqual([
      [0, 30, 40],
      [seconds(3), 10, 10],
    ]);
    const done = sink.records.filter((r) => r.kind === "ca.rotation-done");
    expect(done.map((r) => r.t - started)).toEqual([seconds(6)]);
    // Each marked node renewed half a second later (the forced renewal's pause), as soon as the CA answered.
    const forced = sink.records.filter((r) => r.kind === "cert.renewed" && (r as TraceRecord & { forced: boolean }).forced);
    expect(forced).toHaveLength(40);
    for (const r of forced.slice(0, 30)) expect(r.t - started - ms(500)).toBeLessThan(ms(100));

    const newRoot = rootOf(w);
    expect(newRoot).not.toBe(oldRoot);
    expect(caDigest(newRoot.trim() + "\n")).toBe((done[0] as TraceRecord & { caDigest: string }).caDigest);
    for (const role of ["worker", "manager"] as const) {
      const token = tokenOf(w, role);
      expect(token).not.toBe(tokens[role]);
      const parsed = parseJoinToken(token);
      expect(parsed.ok && parsed.digestHex).toBe(stateOf(w).root.digestHex);
    }
    // Every node trusts the new root alone and holds a certificate that verifies under it alone.
    for (const node of w.cluster.nodes.values()) {
      const identity = node.identity!;
      expect(identity.rootsPem).toEqual([stateOf(w).root.certPem]);
      expect(identity.chainPem).toHaveLength(1);
      expect(validateCertChain(identity.chainPem.join(""), [stateOf(w).root.certPem], w.sim.now).ok).toBe(true);
    }
    expect(w.docker("m1", "docker node ls -q").stdout.trim().split("\n")).toHaveLength(40);
  });

  it("a node joining mid-rotation with the old token pins the old root and gets a leaf that verifies under it; afterwards that token is refused", () => {
    const { w } = swarm({ workers: 4, joined: 2 });
    const oldToken = tokenOf(w, "worker");
    const oldRoot = stateOf(w).root;
    expect(w.docker("m1", "docker swarm ca --rotate -d").exitCode).toBe(0);
    const rotation = stateOf(w).rootRotation!;
    expect(w.docker("w3", `docker swarm join --token ${oldToken} m1:2377`).stdout).toBe("This node joined a swarm as a worker.\n");
    const late = w.cluster.node("w3").identity!;
    expect(late.rootsPem).toEqual([oldRoot.certPem]);
    // Signed by the new key, sent with the new root cross-signed by the old one: valid under the old root alone.
    expect(late.chainPem).toEqual([late.chainPem[0], rotation.crossSignedPem]);
    expect(validateCertChain(late.chainPem.join(""), [oldRoot.certPem], w.sim.now).ok).toBe(true);
    expect(validateCertChain(late.chainPem.join(""), [rotation.newRoot.certPem], w.sim.now).ok).toBe(true);

    w.sim.scheduler.run({ until: instant(w.sim.now + seconds(10)) });
    expect(stateOf(w).root).toBe(rotation.newRoot);
    expect(w.cluster.node("w3").identity!.rootsPem).toEqual([rotation.newRoot.certPem]);
    const refused = w.docker("w4", `docker swarm join --token ${oldToken} m1:2377`);
    expect(refused).toEqual({
      stdout: "",
      stderr: `Error response from daemon: remote CA does not match fingerprint. Expected: ${oldRoot.digestHex}\n`,
      exitCode: 1,
    });
    expect(w.docker("w4", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`).exitCode).toBe(0);
    expect(w.docker("m1", "docker node ls -q").stdout.trim().split("\n")).toHaveLength(5);
  });

  it("after completion, a certificate of the old root alone fails the handshake (unknown CA), both ways", () => {
    const { w, sink } = swarm({ workers: 2 });
    const before = w.cluster.node("w1").identity!;
    const oldRoot = stateOf(w).root.certPem;
    expect(callWith(w, "w1", before, [oldRoot])).toEqual({ ok: true });
    expect(w.docker("m1", "docker swarm ca --rotate").exitCode).toBe(0);
    const newRoot = stateOf(w).root.certPem;
    const failures = () => sink.records.filter((r): r is Failed => r.kind === "tls.handshake.failed");
    // The manager refuses the old leaf ...
    const seen = failures().length;
    expect(callWith(w, "w1", before, [newRoot])?.ok).toBe(false);
    expect(failures().slice(seen).find((f) => f.node === "m1" && f.role === "server")?.reason).toBe("unknown-ca");
    // ... and a node that trusts only the old root refuses the manager.
    const again = failures().length;
    expect(callWith(w, "w1", w.cluster.node("w1").identity!, [oldRoot])?.ok).toBe(false);
    expect(failures().slice(again).find((f) => f.node === "w1" && f.role === "client")?.reason).toBe("unknown-ca");
    // The renewed identity works.
    expect(callWith(w, "w1", w.cluster.node("w1").identity!, [newRoot])).toEqual({ ok: true });
  });

  it("without -d waits for the rotation and prints the new root; -q prints nothing; workers may not rotate", () => {
    const { w } = swarm({ workers: 2 });
    const oldRoot = rootOf(w);
    const started = w.sim.now;
    const out = w.docker("m1", "docker swarm ca --rotate");
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(out.stdout).not.toBe(oldRoot);
    expect(out.stdout).toBe(rootOf(w));
    // Done at the reconciler's second pass (3 s). The nodes then trust the new root and report it in new
    // sessions; the CLI, polling every 200 ms, sees every report at 3.2 s and returns on its next poll.
    expect(w.sim.now - started).toBe(seconds(3) + ms(400));
    expect(readCertificate(out.stdout).ok).toBe(true);
    expect(w.docker("m1", "docker swarm ca --rotate -q")).toEqual({ stdout: "", stderr: "", exitCode: 0 });
    expect(rootOf(w)).not.toBe(out.stdout);
    expect(w.docker("w1", "docker swarm ca --rotate").stderr).toContain("This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state.");
  });

  it("is deterministic: the same seed gives the same rotation, byte for byte", () => {
    const run = (seed: number) => {
      const { w } = swarm({ workers: 2, seed });
      w.docker("m1", "docker swarm ca --rotate -d");
      w.sim.scheduler.run({ until: instant(w.sim.now + seconds(10)) });
      return [rootOf(w), tokenOf(w, "worker"), w.sim.trace.fingerprint()];
    };
    const first = run(11);
    expect(run(11)).toEqual(first);
    expect(run(12)[2]).not.toBe(first[2]);
  });
});
