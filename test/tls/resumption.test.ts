/**
 * Session resumption: a node reconnecting to a manager it already has a
 * session with resumes it (abbreviated handshake: no certificates, no RSA),
 * and both ends still report who the other is, from the identity kept with
 * the session. A session is resumed only where its identity would still be
 * accepted now.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { days, hours, instant, unixSecondsAt } from "../../src/sim/index.js";
import { TlsSessionCache, TrustStore } from "../../src/tls/index.js";
import { CLUSTER_ID, MANAGER_ID, type SwarmPki, WORKER_ID, issueLeaf, swarmPki } from "./pki-fixtures.js";
import { HandshakeType, clearHandshakeMessages, clearHandshakeTypes } from "./records.js";
import { type ClientSide, type TlsWorld, text, tlsWorld } from "./tls-world.js";

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});

function caches() {
  return { managerCache: new TlsSessionCache(), workerCache: new TlsSessionCache() };
}

/** Connects at `at` (or now), closing once secure unless told to stay open. */
function connectAt(w: TlsWorld, at: number, overrides: Parameters<TlsWorld["connect"]>[0], stayOpen = false): () => ClientSide {
  let side: ClientSide | undefined;
  w.sim.scheduler.at(instant(at), "test.connect", () => {
    side = w.connect(overrides);
    if (!stayOpen) side.session.on("secure", () => side!.session.close());
  });
  return () => side!;
}

const sessionIdLength = (hello: Uint8Array) => hello[34]!;

describe("session resumption", () => {
  it("resumes a reconnect with no certificate on the wire, and still reports both identities", () => {
    const w = tlsWorld(pki);
    const { managerCache, workerCache } = caches();
    w.serve({ sessionCache: managerCache });
    const first = connectAt(w, 0, { sessionCache: workerCache });
    const second = connectAt(w, hours(1), { sessionCache: workerCache });
    w.run();
    const [server1, server2] = w.servers;
    expect(first().log.secure?.resumed).toBe(false);
    expect(second().log.events).toEqual(["secure", "close"]);
    expect(second().log.secure).toMatchObject({ resumed: true, sessionId: first().log.secure!.sessionId });
    expect(server2!.log.secure?.resumed).toBe(true);
    // Abbreviated handshake: hellos only in the clear, then ChangeCipherSpec.
    expect(clearHandshakeTypes(second().fromServer.bytes())).toEqual([HandshakeType.serverHello]);
    expect(clearHandshakeTypes(server2!.fromClient.bytes())).toEqual([HandshakeType.clientHello]);
    // The ClientHello offered the first session's ID.
    const hello = clearHandshakeMessages(server2!.fromClient.bytes())[0]!.body;
    expect(sessionIdLength(hello)).toBe(32);
    // Identities, from the cache: forge's resumed session has no certificate.
    expect(second().log.secure?.peer).toEqual(first().log.secure?.peer);
    expect(second().log.secure?.peer).toMatchObject({ commonName: MANAGER_ID, organizationalUnit: "swarm-manager", verified: true });
    expect(server2!.log.secure?.peer).toEqual(server1!.log.secure?.peer);
    expect(server2!.log.secure?.peer).toMatchObject({ commonName: WORKER_ID, organizationalUnit: "swarm-worker", organization: CLUSTER_ID });
    const resumed = w.trace.records.filter((r) => r.kind === "tls.handshake.done" && r.resumed === true);
    expect(resumed.map((r) => `${r.node} ${r.peerCN} ${r.peerOU}`)).toEqual([
      `worker-1 ${MANAGER_ID} swarm-manager`,
      `manager-1 ${WORKER_ID} swarm-worker`,
    ]);
    // Both randoms are fresh, stamped with the hour-later time (forge alone would reuse the server's).
    const serverHello = (bytes: Uint8Array) => clearHandshakeMessages(bytes)[0]!.body.subarray(2, 34);
    const random1 = serverHello(first().fromServer.bytes());
    const random2 = serverHello(second().fromServer.bytes());
    expect(Buffer.from(random2).equals(Buffer.from(random1))).toBe(false);
    expect(new DataView(random2.buffer, random2.byteOffset).getUint32(0)).toBe(unixSecondsAt(instant(hours(1))));
    // A key log line per session: new randoms, the same master secret.
    expect(w.keyLog.lines).toHaveLength(2);
    const [line1, line2] = w.keyLog.lines.map((l) => l.split(" "));
    expect(line2![1]).not.toBe(line1![1]);
    expect(line2![2]).toBe(line1![2]);
  });

  it("resumes while the first connection is still open, and carries data", () => {
    const w = tlsWorld(pki);
    const { managerCache, workerCache } = caches();
    w.serve({ sessionCache: managerCache });
    connectAt(w, 0, { sessionCache: workerCache }, true);
    const second = connectAt(w, 100_000, { sessionCache: workerCache }, true);
    w.run();
    expect(second().log.secure?.resumed).toBe(true);
    second().session.write(text("heartbeat"));
    w.run();
    expect(new TextDecoder().decode(w.servers[1]!.log.received())).toBe("heartbeat");
  });

  it("does a full handshake when the server has no cache", () => {
    const w = tlsWorld(pki);
    w.serve();
    connectAt(w, 0, { sessionCache: new TlsSessionCache() });
    const cache = new TlsSessionCache();
    const first = connectAt(w, hours(1), { sessionCache: cache });
    const second = connectAt(w, hours(2), { sessionCache: cache });
    w.run();
    expect(first().log.secure?.resumed).toBe(false);
    expect(second().log.secure?.resumed).toBe(false);
    // The cacheless server answers the offered ID with a fresh one, not an echo.
    expect(second().log.secure?.sessionId).not.toBe(first().log.secure?.sessionId);
    expect(clearHandshakeTypes(second().fromServer.bytes())).toContain(HandshakeType.certificate);
  });

  it("offers a session only to the server it was made with", () => {
    const w = tlsWorld(pki);
    const { workerCache } = caches();
    const manager2 = w.fabric.addHost("manager-2");
    w.serve({ sessionCache: new TlsSessionCache() });
    w.serve({ sessionCache: new TlsSessionCache() }, manager2);
    connectAt(w, 0, { sessionCache: workerCache });
    w.run();
    expect(workerCache.size).toBe(1);
    const toOther = w.connect({ sessionCache: workerCache }, w.worker, manager2);
    w.run();
    expect(toOther.log.secure?.resumed).toBe(false);
    const hello = clearHandshakeMessages(w.servers.at(-1)!.fromClient.bytes())[0]!.body;
    expect(sessionIdLength(hello)).toBe(0);
    expect(workerCache.size).toBe(2);
  });

  it("does not resume a session made without verifying where verification is now required", () => {
    const w = tlsWorld(pki);
    const { managerCache, workerCache } = caches();
    w.serve({ sessionCache: managerCache });
    // The join flow's first call: no certificate, nothing verified.
    const join = connectAt(w, 0, { sessionCache: workerCache, identity: undefined, peerAuth: "none", trust: TrustStore.empty, serverName: undefined });
    // Then the root is pinned and the node has its certificate.
    const pinned = connectAt(w, hours(1), { sessionCache: workerCache });
    w.run();
    expect(join().log.secure?.peer?.verified).toBe(false);
    expect(pinned().log.secure?.resumed).toBe(false);
    expect(pinned().log.secure?.peer?.verified).toBe(true);
    expect(w.servers[1]!.log.secure?.peer?.commonName).toBe(WORKER_ID);
  });

  it("does not resume a session whose client certificate has expired since: the full handshake refuses it", () => {
    const shortLived = issueLeaf(pki.root, {
      nodeId: WORKER_ID, role: "swarm-worker", clusterId: CLUSTER_ID, keys: pki.workerKeys,
      notBefore: instant(-hours(1)), notAfter: instant(days(1)),
    });
    const w = tlsWorld(pki);
    const { managerCache, workerCache } = caches();
    w.serve({ sessionCache: managerCache });
    const first = connectAt(w, 0, { sessionCache: workerCache, identity: shortLived });
    const late = connectAt(w, days(2), { sessionCache: workerCache, identity: shortLived });
    w.run();
    expect(first().log.secure?.resumed).toBe(false);
    expect(late().log.failure).toMatchObject({ reason: "expired", origin: "peer" });
    expect(w.servers[1]!.log.failure).toMatchObject({ reason: "expired", origin: "local" });
    // It was offered, and the server declined: a full handshake, certificates and all.
    expect(sessionIdLength(clearHandshakeMessages(w.servers[1]!.fromClient.bytes())[0]!.body)).toBe(32);
    expect(clearHandshakeTypes(late().fromServer.bytes())).toContain(HandshakeType.certificate);
  });

  it("checks a kept session against a new trust store: resumes under a bundle that still holds the root, not one that dropped it", () => {
    const w = tlsWorld(pki);
    const { managerCache, workerCache } = caches();
    w.serve({ sessionCache: managerCache });
    connectAt(w, 0, { sessionCache: workerCache });
    // A root rotation in progress: the client trusts the old and the new root.
    const bundle = new TrustStore([pki.root.pem, pki.foreignRoot.pem]);
    const during = connectAt(w, hours(1), { sessionCache: workerCache, trust: bundle });
    // The old root dropped: the manager's certificate no longer verifies, so no resumption (and no handshake).
    const after = connectAt(w, hours(2), { sessionCache: workerCache, trust: new TrustStore([pki.foreignRoot.pem]) });
    w.run();
    expect(during().log.secure?.resumed).toBe(true);
    expect(after().log.secure).toBeUndefined();
    expect(after().log.failure).toMatchObject({ reason: "unknown-ca", origin: "local" });
    expect(clearHandshakeTypes(after().fromServer.bytes())).toContain(HandshakeType.certificate);
  });

  it("keeps at most `capacity` sessions, forgetting the least recently used", () => {
    expect(() => new TlsSessionCache(0)).toThrow(`"capacity" expected a whole number >= 1, got 0`);
    const w = tlsWorld(pki);
    const managerCache = new TlsSessionCache(1);
    w.serve({ sessionCache: managerCache });
    connectAt(w, 0, { sessionCache: new TlsSessionCache() });
    connectAt(w, hours(1), { sessionCache: new TlsSessionCache() });
    w.run();
    expect(managerCache.size).toBe(1);
  });
});
