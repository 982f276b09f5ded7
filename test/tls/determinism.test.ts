/**
 * A seed fixes every byte: forge draws only from the session's seeded stream
 * and reads only the simulated clock, and it gets its own globals back after
 * every call, so nothing leaks in or out.
 */
import forge from "node-forge";
import { beforeAll, describe, expect, it } from "vitest";
import { forgeRandomFrom } from "../../src/crypto/index.js";
import { Rng, dateAt, instant, instantOfDate, seconds, unixMillisAt } from "../../src/sim/index.js";
import { inForgeScope } from "../../src/tls/forge-scope.js";
import { simulatedDateConstructor } from "../../src/tls/simulated-date.js";
import { type SwarmPki, swarmPki } from "./pki-fixtures.js";
import { concat, text, tlsWorld } from "./tls-world.js";

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});

/** A handshake plus a request and an answer; the tapped bytes, both directions, and the whole wire. */
function exchange(seed: number, tlsStream = "tls") {
  const w = tlsWorld(pki, seed, tlsStream);
  w.serve();
  const client = w.connect();
  client.session.write(text("IssueNodeCertificate"));
  w.run();
  w.servers[0]!.session.write(text("ISSUED"));
  w.run();
  return {
    toServer: w.servers[0]!.fromClient.bytes(),
    toClient: client.fromServer.bytes(),
    wire: concat(w.wire.filter((p) => p.outcome === "sent").map((p) => p.bytes)),
    keyLog: w.keyLog.text(),
    fingerprint: w.sim.trace.fingerprint(),
  };
}

describe("determinism", () => {
  it("gives byte-identical handshake records, wire and trace for the same seed", () => {
    const a = exchange(7);
    const b = exchange(7);
    expect(b.toServer).toEqual(a.toServer);
    expect(b.toClient).toEqual(a.toClient);
    expect(b.wire).toEqual(a.wire);
    expect(b.keyLog).toBe(a.keyLog);
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it("gives different records for another TLS stream (same TCP underneath), and for another seed", () => {
    const a = exchange(7);
    const otherStream = exchange(7, "tls-other");
    expect(otherStream.toServer.length).toBe(a.toServer.length); // same messages, other randoms
    expect(otherStream.toServer).not.toEqual(a.toServer);
    expect(otherStream.toClient).not.toEqual(a.toClient);
    expect(otherStream.keyLog).not.toBe(a.keyLog);
    const otherSeed = exchange(8);
    expect(otherSeed.toServer).not.toEqual(a.toServer);
    expect(otherSeed.wire).not.toEqual(a.wire);
  });
});

describe("the forge scope", () => {
  it("restores forge's random source, the global Date, privateKeyFromPem and the version list after every call", () => {
    const before = {
      getBytes: forge.random.getBytes,
      getBytesSync: forge.random.getBytesSync,
      date: globalThis.Date,
      privateKeyFromPem: forge.pki.privateKeyFromPem,
      versions: JSON.stringify(forge.tls.SupportedVersions),
    };
    const w = tlsWorld(pki);
    w.serve();
    w.connect();
    w.run();
    expect(forge.random.getBytes).toBe(before.getBytes);
    expect(forge.random.getBytesSync).toBe(before.getBytesSync);
    expect(globalThis.Date).toBe(before.date);
    expect(forge.pki.privateKeyFromPem).toBe(before.privateKeyFromPem);
    expect(JSON.stringify(forge.tls.SupportedVersions)).toBe(before.versions);
    expect(before.versions).toBe('[{"major":3,"minor":2},{"major":3,"minor":1}]');
  });

  it("restores them when the call throws", () => {
    const date = globalThis.Date;
    const scope = { random: forgeRandomFrom(Rng.root(1)), at: instant(0), privateKey: undefined };
    expect(() =>
      inForgeScope(scope, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(globalThis.Date).toBe(date);
  });

  it("lends the seeded stream and the simulated clock inside", () => {
    const at = instant(seconds(90061.25));
    const scope = { random: forgeRandomFrom(Rng.root(5).fork("tls")), at, privateKey: undefined };
    const inside = inForgeScope(scope, () => ({
      bytes: forge.random.getBytesSync(8),
      now: new Date().getTime(),
      dateNow: Date.now(),
      versions: forge.tls.SupportedVersions.map((v) => v.minor),
    }));
    expect(forge.util.bytesToHex(inside.bytes)).toBe(Buffer.from(Rng.root(5).fork("tls").bytes(8)).toString("hex"));
    expect(inside.now).toBe(unixMillisAt(at));
    expect(inside.dateNow).toBe(unixMillisAt(at));
    expect(inside.versions).toEqual([2, 2, 1]); // TLS 1.1 first: the server's scan starts at index 1
  });
});

describe("the simulated Date", () => {
  const at = instant(seconds(3 * 86_400 + 1.999));
  const Simulated = simulatedDateConstructor(Date, unixMillisAt(at));

  it("is a real Date at the simulated instant, and builds ordinary dates from arguments", () => {
    const now = new Simulated();
    expect(now).toBeInstanceOf(Date);
    expect(instantOfDate(now)).toBe(instant(seconds(3 * 86_400 + 1.999)));
    expect(new Simulated(0).toISOString()).toBe("1970-01-01T00:00:00.000Z");
    expect(new Simulated("2030-05-06T07:08:09Z").getTime()).toBe(Date.UTC(2030, 4, 6, 7, 8, 9));
    expect(Simulated.UTC(2026, 0, 1)).toBe(dateAt(instant(0)).getTime());
    expect(typeof (Simulated as unknown as () => string)()).toBe("string");
  });

  it("makes forge's createRandom arithmetic come out as the Unix seconds", () => {
    for (const micros of [0, 999_999, 1_000_000, seconds(1.999), seconds(86_400 * 365 * 50 + 0.5)]) {
      const unixMs = unixMillisAt(instant(micros));
      const d = new (simulatedDateConstructor(Date, unixMs))();
      // tls.js createRandom: utc = +d + d.getTimezoneOffset() * 60000, written with putInt32 (which truncates).
      const utc = +d + d.getTimezoneOffset() * 60000;
      const buffer = forge.util.createBuffer();
      buffer.putInt32(utc);
      expect(buffer.getInt32() >>> 0).toBe(Math.floor(unixMs / 1000));
    }
  });
});
