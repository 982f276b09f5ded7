/**
 * Whom a session lets in. Chains are judged against the trust store at
 * simulated time, never the machine's: a node of another swarm, an expired or
 * not yet valid certificate, a missing one where one is required, a server
 * without the asked-for name are refused with a reason, and the server keeps
 * serving. A joining node with no certificate still reaches a server that asks
 * but does not require one.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { days, hours, instant } from "../../src/sim/index.js";
import { TrustStore } from "../../src/tls/index.js";
import { CLUSTER_ID, MANAGER_ID, type SwarmPki, WORKER_ID, issueLeaf, makeCa, swarmPki } from "./pki-fixtures.js";
import { HandshakeType, clearHandshakeTypes } from "./records.js";
import { type TlsWorld, tlsWorld } from "./tls-world.js";

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A good client after the first one: the server must still serve it. */
function expectServesAGoodClient(w: TlsWorld): void {
  const good = w.connect();
  w.run();
  expect(good.log.events).toEqual(["secure"]);
  expect(w.servers.at(-1)!.log.secure?.peer?.commonName).toBe(WORKER_ID);
}

describe("refused certificates", () => {
  it("refuses a client certificate from another swarm's CA (also named swarm-ca) as unknown CA, then serves a good client", () => {
    const w = tlsWorld(pki);
    w.serve();
    const intruder = w.connect({ identity: pki.foreignWorker });
    w.run();
    const server = w.servers[0]!;
    expect(server.log.events).toEqual(["failure:unknown-ca"]);
    expect(server.log.failure).toMatchObject({ reason: "unknown-ca", origin: "local", alert: "unknown_ca" });
    expect(server.log.failure?.detail).toMatch(/not issued by a trusted root \(issuer CN=swarm-ca\)/);
    expect(intruder.log.events).toEqual(["failure:unknown-ca"]);
    expect(intruder.log.failure).toMatchObject({ reason: "unknown-ca", origin: "peer", alert: "unknown_ca" });
    expect(intruder.session.state).toBe("failed");
    const failed = w.trace.records.filter((r) => r.kind === "tls.handshake.failed");
    expect(failed.map((r) => `${r.node} ${r.reason} ${r.origin}`)).toEqual(["manager-1 unknown-ca local", "worker-1 unknown-ca peer"]);
    expect(w.keyLog.lines).toHaveLength(0);
    expectServesAGoodClient(w);
  });

  it("refuses a chain under a root of another name as unknown CA", () => {
    const otherCa = makeCa("other-ca", "other-ca");
    const stranger = issueLeaf(otherCa, { nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys });
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect({ identity: stranger });
    w.run();
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "unknown-ca", origin: "local" });
    expect(client.log.failure).toMatchObject({ reason: "unknown-ca", origin: "peer" });
    expectServesAGoodClient(w);
  });

  it("refuses a client certificate that expired before the simulated now", () => {
    const expired = issueLeaf(pki.root, {
      nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys,
      notBefore: instant(-days(2)), notAfter: instant(-hours(1)),
    });
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect({ identity: expired });
    w.run();
    const server = w.servers[0]!;
    expect(server.log.failure).toMatchObject({ reason: "expired", origin: "local", alert: "certificate_expired" });
    expect(server.log.failure?.detail).toBe(
      // The client's certificate arrives 5 ms in: SYN, SYN-ACK, ClientHello, the server's flight, the client's.
      "certificate expired: NotAfter 2025-12-31T23:00:00.000Z is before 2026-01-01T00:00:00.005Z",
    );
    // RFC 5246 has one alert for expired and not yet valid.
    expect(client.log.failure).toMatchObject({ reason: "expired", origin: "peer", alert: "certificate_expired" });
    expectServesAGoodClient(w);
  });

  it("refuses a client certificate that is not yet valid at the simulated now", () => {
    const future = issueLeaf(pki.root, {
      nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys,
      notBefore: instant(hours(1)), notAfter: instant(days(90)),
    });
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect({ identity: future });
    w.run();
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "not-yet-valid", origin: "local", alert: "certificate_expired" });
    expect(w.servers[0]!.log.failure?.detail).toMatch(/^certificate not yet valid: NotBefore 2026-01-01T01:00:00.000Z is after/);
    expect(client.log.failure).toMatchObject({ reason: "expired", origin: "peer" });
    expectServesAGoodClient(w);
  });

  it("refuses a server certificate that has expired, on the client", () => {
    const stale = issueLeaf(pki.root, {
      nodeId: MANAGER_ID, role: "swarm-manager", clusterId: CLUSTER_ID, keys: pki.managerKeys,
      notBefore: instant(-days(91)), notAfter: instant(-days(1)),
    });
    const w = tlsWorld(pki);
    w.serve({ identity: stale });
    const client = w.connect();
    w.run();
    expect(client.log.failure).toMatchObject({ reason: "expired", origin: "local", alert: "certificate_expired" });
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "expired", origin: "peer" });
  });

  it("accepts a certificate once its NotBefore has passed on the simulated clock", () => {
    const future = issueLeaf(pki.root, {
      nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys,
      notBefore: instant(hours(1)), notAfter: instant(days(90)),
    });
    const w = tlsWorld(pki);
    w.serve();
    let late: ReturnType<TlsWorld["connect"]> | undefined;
    w.sim.scheduler.at(instant(hours(2)), "test.connect", () => {
      late = w.connect({ identity: future });
    });
    w.run();
    expect(late!.log.events).toEqual(["secure"]);
  });

  it("refuses a server whose certificate lacks the asked-for name", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect({ serverName: "swarm-worker" });
    w.run();
    expect(client.log.failure).toMatchObject({ reason: "bad-certificate", origin: "local", alert: "bad_certificate" });
    expect(client.log.failure?.detail).toBe(`certificate is valid for swarm-manager, ${MANAGER_ID}, swarm-ca, not swarm-worker`);
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "bad-certificate", origin: "peer" });
  });

  it("refuses a server under a root the client does not trust", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect({ trust: new TrustStore([pki.foreignRoot.pem]) });
    w.run();
    expect(client.log.failure).toMatchObject({ reason: "unknown-ca", origin: "local" });
  });
});

describe("judged at simulated time, whatever the machine's clock says", () => {
  function handshakeBytes(wallClock: string, identity = pki.worker) {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(wallClock));
    try {
      const w = tlsWorld(pki);
      w.serve();
      const client = w.connect({ identity });
      w.run();
      return { events: client.log.events, toServer: w.servers[0]!.fromClient.bytes(), toClient: client.fromServer.bytes() };
    } finally {
      vi.useRealTimers();
    }
  }

  it("gives the same bytes and outcome with the machine's clock in 1999 and in 2090", () => {
    const past = handshakeBytes("1999-06-01T00:00:00Z");
    const future = handshakeBytes("2090-06-01T00:00:00Z");
    expect(past.events).toEqual(["secure"]);
    expect(future.events).toEqual(["secure"]);
    expect(future.toServer).toEqual(past.toServer);
    expect(future.toClient).toEqual(past.toClient);
  });

  it("refuses a certificate expired at simulated time even while the machine's clock is inside its validity", () => {
    const expired = issueLeaf(pki.root, {
      nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys,
      notBefore: instant(-days(2)), notAfter: instant(-hours(1)),
    });
    const result = handshakeBytes("2025-12-31T12:00:00Z", expired);
    expect(result.events).toEqual(["failure:expired"]);
  });
});

describe("the join flow", () => {
  it("lets a client with no certificate, verifying nothing, reach a server that asks but does not require", () => {
    const w = tlsWorld(pki);
    w.serve({ peerAuth: "if-given" });
    const joiner = w.connect({ identity: undefined, peerAuth: "none", trust: TrustStore.empty, serverName: undefined });
    w.run();
    const server = w.servers[0]!;
    expect(server.log.events).toEqual(["secure"]);
    expect(server.log.secure?.peer).toBeNull();
    // The server did ask; the client answered with an empty Certificate message.
    expect(clearHandshakeTypes(joiner.fromServer.bytes())).toContain(HandshakeType.certificateRequest);
    expect(clearHandshakeTypes(server.fromClient.bytes())).toEqual([
      HandshakeType.clientHello,
      HandshakeType.certificate,
      HandshakeType.clientKeyExchange,
    ]);
    // The client saw the manager's certificate without verifying it (it pins the root later).
    expect(joiner.log.secure?.peer).toMatchObject({ commonName: MANAGER_ID, verified: false });
    const done = w.trace.records.find((r) => r.kind === "tls.handshake.done" && r.node === "manager-1");
    expect(done).toMatchObject({ resumed: false });
    expect(done?.peerCN).toBeUndefined();
  });

  it("lets a client with no certificate verify the server against the pinned root", () => {
    const w = tlsWorld(pki);
    w.serve();
    const joiner = w.connect({ identity: undefined, peerAuth: "require" });
    w.run();
    expect(joiner.log.secure?.peer).toMatchObject({ commonName: MANAGER_ID, verified: true });
    expect(w.servers[0]!.log.secure?.peer).toBeNull();
  });

  it("refuses a client with no certificate where one is required, on both ends", () => {
    const w = tlsWorld(pki);
    w.serve({ peerAuth: "require" });
    const joiner = w.connect({ identity: undefined });
    w.run();
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "no-certificate", origin: "local" });
    expect(joiner.log.failure).toMatchObject({ reason: "no-certificate", origin: "peer" });
    expectServesAGoodClient(w);
  });

  it("does not ask for a client certificate when told not to", () => {
    const w = tlsWorld(pki);
    w.serve({ peerAuth: "none" });
    const client = w.connect();
    w.run();
    expect(clearHandshakeTypes(client.fromServer.bytes())).not.toContain(HandshakeType.certificateRequest);
    expect(w.servers[0]!.log.secure?.peer).toBeNull();
    expect(client.log.secure?.peer?.verified).toBe(true);
  });
});
