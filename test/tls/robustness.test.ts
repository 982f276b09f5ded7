/**
 * Hostile or broken peers: what arrives on port 2377 that is not TLS, a peer
 * that hangs up or resets mid-handshake, a key that fails. Each becomes a
 * failure with a reason, the stream is closed or reset, nothing throws out of
 * the simulation, and the server goes on serving.
 */
import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import { instant } from "../../src/sim/index.js";
import { TlsSession } from "../../src/tls/index.js";
import { type SwarmPki, WORKER_ID, swarmPki } from "./pki-fixtures.js";
import { ContentType, parseRecords } from "./records.js";
import { CONTROL_PORT, type TlsWorld, concat, text, tlsWorld } from "./tls-world.js";

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});

/** A plain TCP client that sends `bytes` to the manager's 2377 and records what comes back. */
function rawClient(w: TlsWorld, bytes: Uint8Array) {
  const stream = w.worker.connect(w.manager.ip, CONTROL_PORT);
  const received: Uint8Array[] = [];
  const events: string[] = [];
  stream.on("connect", () => stream.write(bytes));
  stream.on("data", (b) => received.push(b.slice()));
  stream.on("end", () => {
    events.push("end");
    stream.close();
  });
  stream.on("close", () => events.push("close"));
  stream.on("reset", (r) => events.push(`reset:${r}`));
  return { stream, events, received: () => concat(received) };
}

function expectServesAGoodClient(w: TlsWorld): void {
  const good = w.connect();
  w.run();
  expect(good.log.events).toEqual(["secure"]);
  expect(w.servers.at(-1)!.log.secure?.peer?.commonName).toBe(WORKER_ID);
}

describe("garbage and broken peers", () => {
  it("fails a session fed an HTTP request with a reason and an alert, then serves a good client", () => {
    const w = tlsWorld(pki);
    w.serve();
    const raw = rawClient(w, text("GET / HTTP/1.1\r\nHost: manager-1\r\n\r\n"));
    expect(() => w.run()).not.toThrow();
    const server = w.servers[0]!;
    expect(server.log.events).toEqual(["failure:handshake-failure"]);
    expect(server.log.failure).toMatchObject({ origin: "local", alert: "protocol_version", detail: "Incompatible TLS version." });
    // The alert went back before the FIN.
    const records = parseRecords(raw.received());
    expect(records.map((r) => r.type)).toContain(ContentType.alert);
    expect(raw.events).toEqual(["end", "close"]);
    expect(w.trace.records.filter((r) => r.kind === "tls.handshake.failed")).toHaveLength(1);
    expectServesAGoodClient(w);
  });

  it("fails a session fed a handshake record holding an unknown message", () => {
    const w = tlsWorld(pki);
    w.serve();
    const junk = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    junk.set([0x16, 0x03, 0x02, 0x01, 0x27], 0); // handshake, TLS 1.1, 295 bytes
    junk.set([0x63, 0x00, 0x01, 0x00], 5); // message type 99, 256 bytes
    rawClient(w, junk);
    expect(() => w.run()).not.toThrow();
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "handshake-failure", alert: "unexpected_message" });
    expectServesAGoodClient(w);
  });

  it("gives up after 120 s on a handshake that stalls: a message announced and never sent", () => {
    const w = tlsWorld(pki);
    w.serve();
    const stall = new Uint8Array([0x16, 0x03, 0x02, 0x00, 0x08, 0x01, 0xff, 0xff, 0xff, 1, 2, 3, 4]); // a 16 MiB ClientHello
    const raw = rawClient(w, stall);
    w.run();
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "handshake-timeout", origin: "local", detail: "no handshake within 120 s" });
    expect(w.sim.now).toBeGreaterThanOrEqual(120_000_000);
    expect(raw.events).toEqual(["end", "close"]);
    expectServesAGoodClient(w);
  });

  it("fails with peer-closed when the client hangs up mid-handshake", () => {
    const w = tlsWorld(pki);
    w.serve();
    const raw = rawClient(w, new Uint8Array([0x16, 0x03, 0x02, 0x00, 0x40, 0x01])); // a record promising 64 bytes
    raw.stream.on("connect", () => raw.stream.close());
    w.run();
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "peer-closed", origin: "peer" });
    expectServesAGoodClient(w);
  });

  it("fails with stream-reset when the stream resets mid-handshake", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect();
    // The server resets the moment its TLS session has sent its first flight.
    w.sim.scheduler.at(instant(3_500), "test.reset", () => w.servers[0]!.session.stream.reset());
    w.run();
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "stream-reset", origin: "local", streamReset: "local" });
    expect(client.log.failure).toMatchObject({ reason: "stream-reset", origin: "peer", streamReset: "peer-reset" });
    expectServesAGoodClient(w);
  });

  it("fails with stream-reset (refused) when nothing listens", () => {
    const w = tlsWorld(pki);
    const client = w.connect();
    w.run();
    expect(client.log.failure).toMatchObject({ reason: "stream-reset", streamReset: "refused" });
  });

  it("turns forge throwing into internal-error and a reset, not an exception", () => {
    const brokenKey = forge.pki.privateKeyFromPem(forge.pki.privateKeyToPem(pki.workerKeys.privateKey));
    brokenKey.sign = () => {
      throw new Error("the key is in a locked HSM");
    };
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect({ identity: { chainPem: pki.worker.chainPem, privateKey: brokenKey } });
    expect(() => w.run()).not.toThrow();
    expect(client.log.failure).toMatchObject({ reason: "internal-error", origin: "local" });
    expect(client.log.failure?.detail).toMatch(/locked HSM/);
    expect(client.session.stream.state).toBe("reset");
    expect(w.servers[0]!.log.failure).toMatchObject({ reason: "stream-reset", streamReset: "peer-reset" });
    expectServesAGoodClient(w);
  });

  it("reports failure exactly once and nothing after it", () => {
    const w = tlsWorld(pki);
    w.serve();
    const intruder = w.connect({ identity: pki.foreignWorker });
    w.run();
    expect(intruder.log.events).toEqual(["failure:unknown-ca"]);
    expect(intruder.session.write(text("after"))).toBe(false);
    intruder.session.close();
    w.run();
    expect(intruder.log.events).toEqual(["failure:unknown-ca"]);
  });
});

describe("programming mistakes throw, naming the option", () => {
  it("refuses a server without an identity, a bad peerAuth, a stream that has ended", () => {
    const w = tlsWorld(pki);
    const stream = w.worker.connect(w.manager.ip, CONTROL_PORT);
    const base = { stream, clock: () => w.sim.now, rng: w.sim.rng.fork("x"), peerAuth: "require" as const };
    expect(() => new TlsSession({ ...base, role: "server" })).toThrow(`"identity" is required on a server`);
    expect(() => new TlsSession({ ...base, role: "client", peerAuth: "maybe" as never })).toThrow(/"peerAuth" expected/);
    expect(() => new TlsSession({ ...base, role: "server", identity: pki.manager, serverName: "x" })).toThrow(/client option/);
    w.run(); // refused: nothing listens
    expect(() => new TlsSession({ ...base, role: "client" })).toThrow(/connecting or open stream, got one that is reset/);
  });
});
