/**
 * A mutual-TLS handshake over the simulated stream: both ends learn who the
 * other is, they speak TLS 1.1 on the wire, and application data flows both
 * ways afterwards, in records of at most 15 360 bytes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { days, instant, seconds, unixSecondsAt } from "../../src/sim/index.js";
import { cipherSuiteId, cipherSuiteName, recordMaxPlaintextBytes } from "../../src/tls/index.js";
import { CLUSTER_ID, MANAGER_ID, type SwarmPki, WORKER_ID, swarmPki } from "./pki-fixtures.js";
import { ContentType, HandshakeType, clearHandshakeMessages, clearHandshakeTypes, parseRecords } from "./records.js";
import { type ClientSide, pattern, text, tlsWorld, utf8 } from "./tls-world.js";

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});

describe("mutual TLS handshake", () => {
  it("completes, and each end sees the other's CN, OU and O", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect();
    w.run();
    const server = w.servers[0]!;
    expect(client.log.events).toEqual(["secure"]);
    expect(server.log.events).toEqual(["secure"]);
    expect(client.log.secure).toMatchObject({ version: "TLS 1.1", cipherSuite: cipherSuiteName, resumed: false });
    expect(client.log.secure?.peer).toMatchObject({
      commonName: MANAGER_ID,
      organizationalUnit: "swarm-manager",
      organization: CLUSTER_ID,
      dnsNames: ["swarm-manager", MANAGER_ID, "swarm-ca"],
      verified: true,
    });
    expect(server.log.secure?.peer).toMatchObject({
      commonName: WORKER_ID,
      organizationalUnit: "swarm-worker",
      organization: CLUSTER_ID,
      verified: true,
    });
    // The PEM reported is the certificate issued, byte for byte.
    expect(server.log.secure?.peer?.leafPem.trim()).toBe(pki.worker.pem.trim());
    expect(client.log.secure?.peer?.leafPem.trim()).toBe(pki.manager.pem.trim());
    expect(client.session.state).toBe("secure");
    expect(server.log.secure?.sessionId).toBe(client.log.secure?.sessionId);
    expect(client.log.secure?.sessionId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("puts the full handshake on the wire, both certificates in the clear", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect();
    w.run();
    const toServer = w.servers[0]!.fromClient.bytes();
    const toClient = client.fromServer.bytes();
    expect(clearHandshakeTypes(toClient)).toEqual([
      HandshakeType.serverHello,
      HandshakeType.certificate,
      HandshakeType.certificateRequest,
      HandshakeType.serverHelloDone,
    ]);
    expect(clearHandshakeTypes(toServer)).toEqual([
      HandshakeType.clientHello,
      HandshakeType.certificate,
      HandshakeType.clientKeyExchange,
      HandshakeType.certificateVerify,
    ]);
    // ChangeCipherSpec, then the encrypted Finished, each way.
    const types = (bytes: Uint8Array) => parseRecords(bytes).map((r) => r.type);
    expect(types(toServer).slice(-2)).toEqual([ContentType.changeCipherSpec, ContentType.handshake]);
    expect(types(toClient).slice(-2)).toEqual([ContentType.changeCipherSpec, ContentType.handshake]);
  });

  it("negotiates TLS 1.1 (0x0302) and TLS_RSA_WITH_AES_128_CBC_SHA on the wire", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect();
    w.run();
    const toClient = client.fromServer.bytes();
    const serverHello = clearHandshakeMessages(toClient)[0]!;
    expect(serverHello.type).toBe(HandshakeType.serverHello);
    // server_version, the first two bytes of the ServerHello body.
    expect([serverHello.body[0], serverHello.body[1]]).toEqual([0x03, 0x02]);
    // cipher_suite follows the 32-byte random and the session ID.
    const sessionIdLength = serverHello.body[34]!;
    const suite = (serverHello.body[35 + sessionIdLength]! << 8) | serverHello.body[36 + sessionIdLength]!;
    expect(suite).toBe(cipherSuiteId);
    // Every record each way carries 0x0302.
    for (const bytes of [toClient, w.servers[0]!.fromClient.bytes()]) {
      for (const record of parseRecords(bytes)) expect(record.version).toBe(0x0302);
    }
  });

  it("stamps each random with the simulated Unix time in seconds", () => {
    const w = tlsWorld(pki);
    w.serve();
    const start = instant(days(3) + seconds(1.5));
    let client: ClientSide | undefined;
    w.sim.scheduler.at(start, "test.connect", () => {
      client = w.connect();
    });
    w.run();
    const clientHello = clearHandshakeMessages(w.servers[0]!.fromClient.bytes())[0]!;
    const serverHello = clearHandshakeMessages(client!.fromServer.bytes())[0]!;
    const gmtUnixTime = (body: Uint8Array) => new DataView(body.buffer, body.byteOffset + 2, 4).getUint32(0);
    // Both hellos leave a few milliseconds after `start`, within the same second.
    expect(gmtUnixTime(clientHello.body)).toBe(unixSecondsAt(start));
    expect(gmtUnixTime(serverHello.body)).toBe(unixSecondsAt(start));
    expect(unixSecondsAt(start)).toBe(1_767_225_600 + 3 * 86_400 + 1);
  });

  it("carries application data both ways, a 40 KiB write across several records", () => {
    const w = tlsWorld(pki);
    const big = pattern(40 * 1024);
    w.serve();
    const client = w.connect();
    client.session.write(text("GET /ca\n")); // before the handshake: sent once it completes
    client.session.on("secure", () => client.session.write(big));
    w.run();
    const server = w.servers[0]!;
    expect(utf8(server.log.received().subarray(0, 8))).toBe("GET /ca\n");
    expect(server.log.received().subarray(8)).toEqual(big);
    // The answer, as large, from the server's data handler.
    server.session.write(pattern(40 * 1024, 13));
    w.run();
    expect(client.log.received()).toEqual(pattern(40 * 1024, 13));
    const appRecords = parseRecords(server.fromClient.bytes()).filter((r) => r.type === ContentType.applicationData);
    expect(appRecords.length).toBeGreaterThanOrEqual(4); // 8 bytes, then 40 KiB in 3 records
    // A record is the IV (16), at most 15 360 bytes of plaintext, the MAC (20) and CBC padding.
    for (const r of appRecords) expect(r.fragment.length).toBeLessThanOrEqual(16 + recordMaxPlaintextBytes + 20 + 16);
    // Nothing of the plaintext is visible on the wire.
    const wire = Buffer.from(server.fromClient.bytes()).toString("latin1");
    expect(wire).not.toContain("GET /ca");
  });

  it("closes with close_notify both ways, then the stream", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect();
    client.session.on("secure", () => client.session.close());
    w.run();
    const server = w.servers[0]!;
    expect(client.log.events).toEqual(["secure", "close"]);
    expect(server.log.events).toEqual(["secure", "close"]);
    expect(client.session.stream.state).toBe("closed");
    const alerts = (bytes: Uint8Array) => parseRecords(bytes).filter((r) => r.type === ContentType.alert).length;
    expect(alerts(server.fromClient.bytes())).toBe(1);
    expect(alerts(client.fromServer.bytes())).toBe(1);
    expect(() => client.session.write(text("late"))).toThrow(/write after close/);
    const kinds = w.trace.records.filter((r) => r.kind.startsWith("tls.")).map((r) => `${r.node} ${r.kind}`);
    expect(kinds).toEqual([
      "manager-1 tls.handshake.done",
      "worker-1 tls.handshake.done",
      "worker-1 tls.session.closed",
      "manager-1 tls.session.closed",
    ]);
  });

  it("traces each completed handshake with version, suite and the peer's CN and OU", () => {
    const w = tlsWorld(pki);
    w.serve();
    w.connect();
    w.run();
    const done = w.trace.records.filter((r) => r.kind === "tls.handshake.done");
    expect(done).toHaveLength(2);
    expect(done.find((r) => r.node === "manager-1")).toMatchObject({
      role: "server",
      local: "10.0.0.1:2377",
      remote: "10.0.0.2:32768",
      version: "TLS 1.1",
      cipherSuite: cipherSuiteName,
      resumed: false,
      peerCN: WORKER_ID,
      peerOU: "swarm-worker",
      peerO: CLUSTER_ID,
    });
    expect(done.find((r) => r.node === "worker-1")).toMatchObject({ role: "client", peerCN: MANAGER_ID, peerOU: "swarm-manager" });
  });

  it("logs one NSS key log line per session, shared by both ends", () => {
    const w = tlsWorld(pki);
    w.serve();
    const client = w.connect();
    w.run();
    expect(w.keyLog.lines).toHaveLength(1);
    const line = w.keyLog.lines[0]!;
    expect(line).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    const clientHello = clearHandshakeMessages(w.servers[0]!.fromClient.bytes())[0]!;
    expect(line.split(" ")[1]).toBe(Buffer.from(clientHello.body.subarray(2, 34)).toString("hex"));
    expect(w.keyLog.text()).toBe(`${line}\n`);
    expect(client.log.secure).toBeDefined();
  });
});
