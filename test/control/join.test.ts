import { describe, expect, it } from "vitest";
import { MemorySink } from "../../src/sim/index.js";
import { dialControlPlane, CaMethod } from "../../src/control/index.js";
import { TrustStore } from "../../src/tls/index.js";
import { readCertificate } from "../../src/pki/index.js";
import { tokenOf, world } from "../support/swarm.js";

/** A token of the same form whose secret or digest is changed in one character. */
function altered(token: string, part: "digest" | "secret"): string {
  const [prefix, version, digest, secret] = token.split("-");
  // The last character: a change there keeps a digest within 256 bits.
  const flip = (s: string) => s.slice(0, -1) + (s.endsWith("a") ? "b" : "a");
  return [prefix, version, part === "digest" ? flip(digest!) : digest, part === "secret" ? flip(secret!) : secret].join("-");
}

describe("docker swarm init and join", () => {
  it("initialises a swarm and joins workers and a manager with the real outputs", () => {
    const w = world({ managers: 2, workers: 1 });
    const init = w.docker("m1", "docker swarm init");
    expect(init.stdout).toMatch(/^Swarm initialized: current node \([0-9a-z]{25}\) is now a manager\.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token SWMTKN-1-[0-9a-z]{50}-[0-9a-z]{25} 10\.0\.0\.1:2377\n\nTo add a manager to this swarm, run 'docker swarm join-token manager' and follow the instructions\.\n\n$/);
    expect(w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`).stdout).toBe("This node joined a swarm as a worker.\n");
    expect(w.docker("m2", `docker swarm join --token ${tokenOf(w, "manager")} 10.0.0.1:2377`).stdout).toBe("This node joined a swarm as a manager.\n");
    const ls = w.docker("m2", "docker node ls").stdout.split("\n");
    expect(ls[0]).toMatch(/^ID +HOSTNAME +STATUS +AVAILABILITY +MANAGER STATUS +ENGINE VERSION$/);
    expect(ls.find((l) => l.includes(" m1 "))).toMatch(/Leader/);
    expect(ls.find((l) => l.includes(" m2 "))).toMatch(/^[0-9a-z]{25} \* +m2 +Ready +Active +Reachable/);
    // The CA chose each role from the token, whatever was asked: the certificates say so.
    const worker = w.cluster.node("w1").identity!;
    const info = readCertificate(worker.chainPem[0]!);
    expect(info.ok && [info.info.role, info.info.nodeId, info.info.clusterId]).toEqual(["worker", worker.nodeId, worker.clusterId]);
    expect(w.cluster.node("m2").identity?.role).toBe("manager");
  });

  it("refuses cluster commands on workers and on nodes outside a swarm, in the daemon's words", () => {
    const w = world();
    expect(w.docker("m1", "docker node ls")).toMatchObject({ exitCode: 1, stderr: expect.stringContaining("Error response from daemon: This node is not a swarm manager. Use \"docker swarm init\"") });
    w.docker("m1", "docker swarm init");
    w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
    expect(w.docker("w1", "docker node ls").stderr).toContain("Worker nodes can't be used to view or modify cluster state.");
    expect(w.docker("m1", "docker swarm init").stderr).toContain("This node is already part of a swarm.");
    expect(w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`).stderr).toContain("This node is already part of a swarm.");
    expect(w.docker("m1", "docker swarm join-token boss")).toMatchObject({ exitCode: 1, stderr: "unknown role boss\n" });
  });

  it.each([
    ["a malformed token", () => "SWMTKN-1-abc", "Error response from daemon: invalid join token\n"],
    ["a token with another CA's digest", (t: string) => altered(t, "digest"), /^Error response from daemon: remote CA does not match fingerprint\. Expected: [0-9a-f]{64}\n$/],
    ["a token with a wrong secret", (t: string) => altered(t, "secret"), "Error response from daemon: rpc error: code = InvalidArgument desc = A valid join token is necessary to join this cluster\n"],
  ])("refuses %s with the real answer, and the manager goes on serving", (_what, make, stderr) => {
    const w = world();
    w.docker("m1", "docker swarm init");
    const good = tokenOf(w, "worker");
    const bad = w.docker("w1", `docker swarm join --token ${make(good)} m1:2377`);
    expect(bad.exitCode).toBe(1);
    if (typeof stderr === "string") expect(bad.stderr).toBe(stderr);
    else expect(bad.stderr).toMatch(stderr);
    expect(w.cluster.node("w1").membership.state).toBe("inactive");
    expect(w.docker("w2", `docker swarm join --token ${good} m1:2377`).exitCode).toBe(0);
    expect(w.docker("w1", `docker swarm join --token ${good} m1:2377`).exitCode).toBe(0);
  });

  it("a rotated token is refused at once; nodes already joined keep their identity", () => {
    const w = world();
    w.docker("m1", "docker swarm init");
    const old = tokenOf(w, "worker");
    w.docker("w1", `docker swarm join --token ${old} m1:2377`);
    const rotated = w.docker("m1", "docker swarm join-token --rotate worker").stdout;
    expect(rotated).toMatch(/^Successfully rotated worker join token\.\n\nTo add a worker to this swarm, run the following command:\n\n    docker swarm join --token SWMTKN-1-/);
    const fresh = tokenOf(w, "worker");
    expect(fresh).not.toBe(old);
    expect(fresh.split("-")[2]).toBe(old.split("-")[2]); // same CA digest, new secret
    expect(w.docker("w2", `docker swarm join --token ${old} m1:2377`).stderr).toContain("A valid join token is necessary to join this cluster");
    expect(w.cluster.node("w1").membership.state).toBe("active");
    expect(w.docker("w2", `docker swarm join --token ${fresh} m1:2377`).exitCode).toBe(0);
  });

  it("a node of another swarm never completes a handshake with this one's CA", () => {
    const w = world({ managers: 2, workers: 1 });
    w.docker("m1", "docker swarm init");
    w.docker("m2", "docker swarm init"); // a second, separate swarm
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    const stranger = w.cluster.node("m2");
    const identity = stranger.identity!;
    const conn = dialControlPlane(stranger.control, { address: "10.0.0.1", identity: { chainPem: identity.chainPem, privateKey: identity.key }, trust: new TrustStore(w.cluster.node("m1").identity!.rootsPem), peerAuth: "require", serverName: "swarm-ca" }, "stranger");
    let answer: unknown;
    conn.call(CaMethod.getRootCACertificate, new Uint8Array(), (r) => (answer = r));
    w.sim.scheduler.run({ until: (w.sim.now + 10_000_000) as never });
    expect(answer).toMatchObject({ ok: false, code: 14 });
    const failed = sink.records.filter((r) => r.kind === "tls.handshake.failed");
    expect(failed.map((r) => r.reason)).toContain("unknown-ca");
    expect(w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`).exitCode).toBe(0);
  });

  it("a call waiting for a handshake that never comes fails when the connection is closed, not never", () => {
    // Found by the swarm property test: a follower's forwarder closed its still-connecting connection to a
    // crashed leader, and the agent's Session call queued on it was neither sent nor failed, so the node
    // never opened a session again.
    const w = world({ managers: 1, workers: 1 });
    w.docker("m1", "docker swarm init");
    const node = w.cluster.node("w1");
    w.cluster.node("m1").crash();
    const conn = dialControlPlane(node.control, { address: "10.0.0.1", trust: new TrustStore(w.cluster.node("m1").identity!.rootsPem), peerAuth: "require", serverName: "swarm-ca" }, "to-crashed");
    const answers: unknown[] = [];
    conn.call(CaMethod.getRootCACertificate, new Uint8Array(), (r) => answers.push(r));
    w.sim.scheduler.run({ until: (w.sim.now + 1_000_000) as never });
    expect(answers).toEqual([]);
    conn.close();
    expect(answers).toEqual([{ ok: false, code: 1, message: "grpc: the client connection is closing" }]);
    conn.call(CaMethod.getRootCACertificate, new Uint8Array(), (r) => answers.push(r));
    expect(answers).toHaveLength(2);
    w.sim.scheduler.run({ until: (w.sim.now + 120_000_000) as never });
    expect(answers).toHaveLength(2); // each call answered once
  });

  it("an agent whose new session gets no first message within 5 s gives it up and tries again (session.go start)", () => {
    const w = world();
    w.docker("m1", "docker swarm init");
    expect(w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`).exitCode).toBe(0);
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    // The manager's packets no longer reach the worker: its heartbeat times out, and no new session can start.
    w.cluster.fabric.block("m1", "w1");
    w.sim.scheduler.run({ until: (w.sim.now + 60_000_000) as never });
    const failures = sink.records.filter((r) => r.kind === "agent.session-failed" && r.node === "w1");
    const timedOut = failures.filter((r) => r.reason === "session initiation timed out");
    expect(timedOut.length).toBeGreaterThanOrEqual(3);
    // Each attempt gives up 5 s after it opened: attempts follow each other by 5 s plus a backoff below 8 s.
    for (let i = 1; i < timedOut.length; i++) expect(timedOut[i]!.t - timedOut[i - 1]!.t).toBeGreaterThanOrEqual(5_000_000);
    w.cluster.fabric.heal();
    w.sim.scheduler.run({ until: (w.sim.now + 60_000_000) as never });
    expect(w.cluster.node("w1").agent!.session).toBeDefined();
  });

  it("garbage on port 2377 is dropped with a reason and the manager keeps serving", () => {
    const w = world();
    w.docker("m1", "docker swarm init");
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    const stream = w.cluster.node("w2").host.connect("10.0.0.1", 2377);
    stream.on("connect", () => stream.write(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: swarm\r\n\r\n")));
    w.sim.scheduler.run({ until: (w.sim.now + 5_000_000) as never });
    expect(sink.records.some((r) => r.kind === "tls.handshake.failed" && r.node === "m1")).toBe(true);
    expect(w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`).exitCode).toBe(0);
  });

  it("join answers the real errors for an unknown manager address", () => {
    const w = world();
    w.docker("m1", "docker swarm init");
    expect(w.docker("w1", "docker swarm join --token x nowhere:2377").stderr).toContain("lookup nowhere: no such host");
    expect(w.docker("w1", "docker swarm join m1:2377").stderr).toBe("Error response from daemon: invalid join token\n");
  });

  it("is deterministic: the same seed gives the same IDs, tokens and certificates", () => {
    const run = (seed: number) => {
      const w = world({ seed });
      const init = w.docker("m1", "docker swarm init").stdout;
      w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
      return [init, w.cluster.node("w1").identity!.chainPem.join(""), w.sim.trace.fingerprint()];
    };
    expect(run(5)).toEqual(run(5));
    expect(run(6)[0]).not.toBe(run(5)[0]);
  });
});

describe("joining through an address that is not a manager", () => {
  it("retries the root CA download 5 times, 2 s apart, then gives grpc's dial error", () => {
    const w = world({ workers: 3 });
    w.docker("m1", "docker swarm init");
    w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m1:2377`);
    const before = w.sim.now;
    const r = w.docker("w2", `docker swarm join --token ${tokenOf(w, "worker")} w3:2377`);
    expect(r.stderr).toBe(
      'Error response from daemon: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.4:2377: connect: connection refused"\n',
    );
    expect(w.sim.now - before).toBeGreaterThanOrEqual(8_000_000); // four waits of 2 s between five tries
    expect(w.cluster.node("w2").membership.state).toBe("inactive");
  });
});

describe("joining through a follower", () => {
  it("fetches the root CA from the leader, forwarded for the joining node (ca.pb.go's raft proxy)", () => {
    const w = world({ managers: 3, workers: 1 });
    w.docker("m1", "docker swarm init");
    for (const m of ["m2", "m3"]) expect(w.docker(m, `docker swarm join --token ${tokenOf(w, "manager")} m1:2377`).exitCode).toBe(0);
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    expect(w.docker("w1", `docker swarm join --token ${tokenOf(w, "worker")} m2:2377`).exitCode).toBe(0);
    const rootCalls = sink.records.filter((r) => r.kind === "rpc.served" && r.method === CaMethod.getRootCACertificate);
    // m2 answered the worker with what the leader answered m2, which names no caller: the worker has no certificate yet.
    expect(rootCalls.map((r) => [r.node, r.remote])).toEqual([
      ["m1", expect.stringMatching(/^10\.0\.0\.2:\d+$/)],
      ["m2", expect.stringMatching(/^10\.0\.0\.4:\d+$/)],
    ]);
  });

  it("cannot fetch the root CA while the swarm has no leader, and says so after five tries", () => {
    const w = world({ managers: 3, workers: 1 });
    w.docker("m1", "docker swarm init");
    for (const m of ["m2", "m3"]) w.docker(m, `docker swarm join --token ${tokenOf(w, "manager")} m1:2377`);
    const token = tokenOf(w, "worker");
    w.cluster.node("m1").crash();
    w.cluster.node("m3").crash();
    w.sim.scheduler.run({ until: (w.sim.now + 30_000_000) as never });
    const sink = new MemorySink();
    w.sim.trace.addSink(sink);
    const before = w.sim.now;
    const r = w.docker("w1", `docker swarm join --token ${token} m2:2377`);
    expect(r.stderr).toBe("Error response from daemon: rpc error: code = Unavailable desc = raft: no elected cluster leader\n");
    expect(w.sim.now - before).toBeGreaterThanOrEqual(8_000_000); // four waits of 2 s between five tries
    expect(sink.records.filter((rec) => rec.kind === "rpc.served")).toEqual([]);
    expect(w.cluster.node("w1").membership.state).toBe("inactive");
  });
});
