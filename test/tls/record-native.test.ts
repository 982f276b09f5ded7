/**
 * The native record layer (src/tls/record-native.ts) against forge's own: the
 * same seed gives the same bytes on the wire with it on and off, records of
 * every size, both directions; a broken record is refused the same way; and
 * what it writes is TLS 1.1 as RFC 4346 has it, read back with the key log.
 */
import fc from "fast-check";
import forge from "node-forge";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type TlsSession, TlsSessionCache } from "../../src/tls/index.js";
import type { ForgeConnection } from "../../src/tls/forge-api.js";
import { nativeRecordsAvailable, protectRecordsNatively } from "../../src/tls/record-native.js";
import { propertyRuns } from "../support/properties.js";
import { type SwarmPki, swarmPki } from "./pki-fixtures.js";
import { BLOCK_BYTES, type DirectionKeys, MAC_BYTES, encryptFragment, frame, openRecords, padding, recordMac, sealRecord, sessionKeys } from "./record-crypto.js";
import { ContentType } from "./records.js";
import { concat, pattern, text, tlsWorld } from "./tls-world.js";

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});

/** Calls of forge's HMAC-SHA1 record MAC (tls.js hmac_sha1): each record forge protects or opens itself makes one. */
let forgeMacCalls: { mock: { calls: unknown[] } };
beforeEach(() => {
  forgeMacCalls = vi.spyOn(forge.tls as unknown as { hmac_sha1(...args: unknown[]): string }, "hmac_sha1");
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The record sizes the layer must get right: empty, under, at and over a block, large, and forge's largest fragment. */
const SIZES = [0, 1, 15, 16, 17, 1000, 15360] as const;

type Side = "client" | "server";
interface Write {
  readonly from: Side;
  readonly bytes: Uint8Array;
  /** Run the simulation after this write, so the records of both directions interleave differently. */
  readonly settle: boolean;
}

/**
 * Sends an application_data record of `bytes`, empty ones included: the
 * session's `write` sends nothing for no bytes, but a peer may send an empty
 * record (RFC 4346 §6.2.1), so the test asks the session's forge for one.
 */
function sendRecord(session: TlsSession, bytes: Uint8Array): void {
  if (bytes.length > 0) session.write(bytes);
  else (session as unknown as { call(action: (c: ForgeConnection) => void): void }).call((c) => c.prepare(""));
}

/** A handshake, then `writes`, in one world with the native record layer on or off at both ends. */
function conversation(native: boolean, writes: readonly Write[], seed = 11) {
  const macsBefore = forgeMacCalls.mock.calls.length;
  const w = tlsWorld(pki, seed);
  w.serve({ nativeRecords: native });
  const client = w.connect({ nativeRecords: native });
  w.run();
  const server = w.servers[0]!;
  const handshakeMacs = forgeMacCalls.mock.calls.length - macsBefore;
  const forgeCalls = [client.session, server.session].map(forgeCallsOf);
  for (const write of writes) {
    sendRecord(write.from === "client" ? client.session : server.session, write.bytes);
    if (write.settle) w.run();
  }
  w.run();
  return {
    toServer: server.fromClient.bytes(),
    toClient: client.fromServer.bytes(),
    wire: concat(w.wire.map((p) => p.bytes)),
    fingerprint: w.sim.trace.fingerprint(),
    atServer: server.log.received(),
    atClient: client.log.received(),
    events: [client.log.events, server.log.events],
    keyLogLine: w.keyLog.lines[0]!,
    handshakeMacs,
    recordMacs: forgeMacCalls.mock.calls.length - macsBefore - handshakeMacs,
    forgeCalls: forgeCalls.reduce((sum, count) => sum + count(), 0),
  };
}

/** Counts the calls a session makes from here on into its forge connection's prepare and process: records forge writes or reads. */
function forgeCallsOf(session: TlsSession): () => number {
  const connection = (session as unknown as { connection: ForgeConnection }).connection;
  let calls = 0;
  for (const name of ["prepare", "process"] as const) {
    const original = connection[name].bind(connection);
    connection[name] = (data: string) => {
      calls++;
      return original(data) as never;
    };
  }
  return () => calls;
}

function expectSameBytes(a: ReturnType<typeof conversation>, b: ReturnType<typeof conversation>): void {
  expect(b.toServer).toEqual(a.toServer);
  expect(b.toClient).toEqual(a.toClient);
  expect(b.wire).toEqual(a.wire);
  expect(b.fingerprint).toBe(a.fingerprint);
  expect(b.atServer).toEqual(a.atServer);
  expect(b.atClient).toEqual(a.atClient);
  expect(b.events).toEqual(a.events);
}

describe("native record layer", () => {
  it("runs here", () => {
    expect(nativeRecordsAvailable()).toBe(true);
  });

  it("writes byte-identical records to forge's, every size, both directions, and none of them through forge", () => {
    const writes: Write[] = SIZES.flatMap((size, i) => [
      { from: "client" as const, bytes: pattern(size, 3 + i), settle: i % 2 === 0 },
      { from: "server" as const, bytes: pattern(size, 5 + i), settle: i % 3 === 0 },
    ]);
    writes.push({ from: "server", bytes: pattern(40_000), settle: false }); // three records
    const byForge = conversation(false, writes);
    const native = conversation(true, writes);
    expectSameBytes(byForge, native);

    const sent = (from: Side) => concat(writes.filter((x) => x.from === from).map((x) => x.bytes));
    expect(native.atServer).toEqual(sent("client"));
    expect(native.atClient).toEqual(sent("server"));
    // The handshake's records (the two Finished, sealed and opened) go through forge either way; the rest do not.
    expect(native.handshakeMacs).toBe(byForge.handshakeMacs);
    expect(byForge.recordMacs).toBe(2 * (2 * SIZES.length + 3));
    expect(native.recordMacs).toBe(0);
    // Application data never enters forge: the session seals and opens its records itself
    // (the empty records, which the session never writes, are asked of forge by the test).
    expect(byForge.forgeCalls).toBeGreaterThan(writes.length);
    expect(native.forgeCalls).toBe(writes.filter((x) => x.bytes.length === 0).length);
  });

  it("writes TLS 1.1 records that RFC 4346's arithmetic opens: MAC, padding and sequence numbers", () => {
    const writes: Write[] = SIZES.map((size) => ({ from: "client", bytes: pattern(size), settle: false }));
    const native = conversation(true, writes);
    const keys = sessionKeys(native.keyLogLine, native.toClient);
    const opened = openRecords(native.toServer, keys.client);
    expect(opened[0]).toMatchObject({ type: ContentType.handshake }); // Finished
    expect(opened.slice(1)).toEqual(SIZES.map((size) => ({ type: ContentType.applicationData, content: Buffer.from(pattern(size)) })));
    expect(openRecords(native.toClient, keys.server)).toEqual([{ type: ContentType.handshake, content: expect.any(Buffer) }]);
  });

  it("writes byte-identical records on a resumed session, and a closed one", () => {
    const resumedConversation = (native: boolean) => {
      const w = tlsWorld(pki, 13);
      const managerCache = new TlsSessionCache();
      const workerCache = new TlsSessionCache();
      w.serve({ nativeRecords: native, sessionCache: managerCache });
      const first = w.connect({ nativeRecords: native, sessionCache: workerCache });
      first.session.on("secure", () => first.session.close());
      w.run();
      const second = w.connect({ nativeRecords: native, sessionCache: workerCache });
      w.run();
      for (const size of SIZES) {
        sendRecord(second.session, pattern(size, 9));
        sendRecord(w.servers[1]!.session, pattern(size, 11));
      }
      w.run();
      second.session.close();
      w.run();
      return { wire: concat(w.wire.map((p) => p.bytes)), fingerprint: w.sim.trace.fingerprint(), resumed: second.log.secure?.resumed, events: second.log.events };
    };
    const byForge = resumedConversation(false);
    const native = resumedConversation(true);
    expect(native.resumed).toBe(true);
    expect(native.events).toEqual(["secure", "data", "close"]);
    expect(native).toEqual(byForge);
  });

  it("leaves forge's records when switched off", () => {
    const byForge = conversation(false, [{ from: "client", bytes: text("heartbeat"), settle: false }]);
    expect(byForge.recordMacs).toBe(2);
  });
});

/** What a fake connection's test may change. */
type FakeFields = { entity: number; version: { major: number; minor: number }; sp: Record<string, unknown> };

/** A connection as forge leaves it after a handshake, as far as the fast path reads it; `change` edits it first. */
function fakeConnection(change: (fields: FakeFields) => void = () => {}) {
  const keys = { client_write_MAC_key: "a".repeat(20), server_write_MAC_key: "b".repeat(20), client_write_key: "c".repeat(16), server_write_key: "d".repeat(16) };
  const sp: Record<string, unknown> = { bulk_cipher_algorithm: 2, cipher_type: 1, block_length: 16, record_iv_length: 16, mac_algorithm: 1, mac_length: 20, enc_key_length: 16, keys };
  const forgeFunction = () => true;
  const mode = (macKey: string) => ({ sequenceNumber: [0, 0], macKey, macLength: 20, cipherState: { init: false, iv: undefined, cipher: null }, cipherFunction: forgeFunction, updateSequenceNumber() {} });
  const fields: FakeFields = { entity: 1, version: { major: 3, minor: 2 }, sp };
  const client = fields.entity === 1;
  const state = { write: mode(client ? keys.client_write_MAC_key : keys.server_write_MAC_key), read: mode(client ? keys.server_write_MAC_key : keys.client_write_MAC_key) };
  change(fields);
  const connection = { entity: fields.entity, version: fields.version, session: { sp: fields.sp }, state: { pending: null, current: state } } as unknown as ForgeConnection;
  return { connection, forgeFunction };
}

describe("protectRecordsNatively", () => {
  it("takes over a TLS 1.1 AES-CBC-SHA connection's current state, once", () => {
    const { connection, forgeFunction } = fakeConnection();
    expect(protectRecordsNatively(connection)).toBeDefined();
    expect(connection.state.current.write.cipherFunction).not.toBe(forgeFunction);
    expect(connection.state.current.read.cipherFunction).not.toBe(forgeFunction);
    expect(protectRecordsNatively(connection)).toBeUndefined();
  });

  it.each<[string, (fields: FakeFields) => void]>([
    ["TLS 1.0, whose CBC chains from record to record", (f) => (f.version = { major: 3, minor: 1 })],
    ["a key length AES does not have", (f) => (f.sp.enc_key_length = 24)],
    ["another MAC", (f) => (f.sp.mac_algorithm = 2)],
    ["MAC keys that are not where tls.js puts them (the other end's)", (f) => (f.entity = 0)],
    ["no key block", (f) => (f.sp.keys = null)],
  ])("leaves forge's functions for %s", (_name, change) => {
    const { connection, forgeFunction } = fakeConnection(change);
    expect(protectRecordsNatively(connection)).toBeUndefined();
    expect(connection.state.current.write.cipherFunction).toBe(forgeFunction);
    expect(connection.state.current.read.cipherFunction).toBe(forgeFunction);
  });
});

/** A record a peer could send, from the client's keys and the sequence number the server expects. */
type Craft = (keys: DirectionKeys, seq: number) => Uint8Array;

const IV = pattern(BLOCK_BYTES, 29);
const CONTENT = text("GetRootCACertificate");

/** IV ‖ CBC(content ‖ `mac` ‖ `pad`), as an application_data record. */
function sealWith(keys: DirectionKeys, content: Uint8Array, mac: Uint8Array, pad: Uint8Array): Uint8Array {
  return frame(ContentType.applicationData, encryptFragment(keys.key, IV, concat([content, mac, pad])));
}

function flipBit(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at < 0 ? copy.length + at : at]! ^= 0x01;
  return copy;
}

const macOf = (keys: DirectionKeys, seq: number, content: Uint8Array) => recordMac(keys.macKey, seq, ContentType.applicationData, content);

const ACCEPTED: Record<string, Craft> = {
  "a well-formed record": (k, seq) => sealRecord(k, seq, IV, CONTENT),
  "an empty record": (k, seq) => sealRecord(k, seq, IV, new Uint8Array(0)),
  "a record padded three blocks beyond the least (RFC 4346 allows up to 255 bytes)": (k, seq) => {
    const bytes = padding(CONTENT.length + MAC_BYTES).length + 3 * BLOCK_BYTES;
    return sealWith(k, CONTENT, macOf(k, seq, CONTENT), Buffer.alloc(bytes, bytes - 1));
  },
};

const REFUSED: Record<string, Craft> = {
  "a bit flipped in the ciphertext": (k, seq) => flipBit(sealRecord(k, seq, IV, CONTENT), 5 + BLOCK_BYTES + 2),
  "a bit flipped in the last block (the padding)": (k, seq) => flipBit(sealRecord(k, seq, IV, CONTENT), -1),
  "a bit flipped in the MAC": (k, seq) => sealWith(k, CONTENT, flipBit(macOf(k, seq, CONTENT), 7), padding(CONTENT.length + MAC_BYTES)),
  "the MAC of another sequence number": (k, seq) => sealWith(k, CONTENT, macOf(k, seq + 1, CONTENT), padding(CONTENT.length + MAC_BYTES)),
  "padding bytes that disagree, under a good MAC": (k, seq) =>
    sealWith(k, CONTENT, macOf(k, seq, CONTENT), flipBit(padding(CONTENT.length + MAC_BYTES), 0)),
  // 12 + 20 bytes fill two blocks: the MAC's last byte is read as the padding length, and the padding alone is wrong.
  "no padding at all, under a good MAC": (k, seq) => sealWith(k, CONTENT.subarray(0, 12), macOf(k, seq, CONTENT.subarray(0, 12)), new Uint8Array(0)),
  "a padding length beyond the record": (k, seq) => sealWith(k, CONTENT.subarray(0, 5), macOf(k, seq, CONTENT.subarray(0, 5)), Buffer.from([1, 2, 3, 4, 5, 6, 200])),
  "too few bytes for a MAC": (k) => frame(ContentType.applicationData, encryptFragment(k.key, IV, concat([text("tiny"), Buffer.alloc(12, 11)]))),
  "a fragment that is not whole blocks": (k, seq) => {
    const whole = sealRecord(k, seq, IV, CONTENT);
    return frame(ContentType.applicationData, whole.subarray(5, whole.length - 4));
  },
  "a fragment of only an IV": () => frame(ContentType.applicationData, IV),
  "an empty fragment": () => frame(ContentType.applicationData, new Uint8Array(0)),
};

/** A handshake, two good records from the client, then `craft`'s record written straight onto the client's stream. */
function deliverCrafted(native: boolean, craft: Craft) {
  const w = tlsWorld(pki, 23);
  w.serve({ nativeRecords: native });
  const client = w.connect({ nativeRecords: native });
  w.run();
  const server = w.servers[0]!;
  client.session.write(text("first"));
  client.session.write(text("second"));
  w.run();
  const keys = sessionKeys(w.keyLog.lines[0]!, client.fromServer.bytes());
  client.session.stream.write(craft(keys.client, 3)); // the Finished was 0
  w.run();
  server.session.write(text("after")); // no record once it has failed; its random draws show here if not
  w.run();
  return {
    events: server.log.events,
    failure: server.log.failure,
    atServer: server.log.received(),
    toClient: client.fromServer.bytes(),
    clientEvents: client.log.events,
    wire: concat(w.wire.map((p) => p.bytes)),
    fingerprint: w.sim.trace.fingerprint(),
  };
}

describe("a record a peer crafted", () => {
  for (const [name, craft] of Object.entries(ACCEPTED)) {
    it(`accepts ${name}, as forge does`, () => {
      const byForge = deliverCrafted(false, craft);
      const native = deliverCrafted(true, craft);
      expect(native).toEqual(byForge);
      expect(native.failure).toBeUndefined();
      expect(native.atServer).toEqual(concat([text("firstsecond"), craft === ACCEPTED["an empty record"] ? new Uint8Array(0) : CONTENT]));
    });
  }

  for (const [name, craft] of Object.entries(REFUSED)) {
    it(`refuses ${name} the way forge does`, () => {
      const byForge = deliverCrafted(false, craft);
      const native = deliverCrafted(true, craft);
      expect(native).toEqual(byForge);
      expect(native.atServer).toEqual(text("firstsecond"));
      if (name !== "an empty fragment") {
        expect(native.failure).toMatchObject({ reason: "protocol-error", origin: "local", alert: "bad_record_mac", detail: "Could not decrypt record or bad MAC." });
        expect(native.clientEvents).toEqual(["secure", "failure:protocol-error"]);
      } else {
        // forge throws on a fragment too short for an IV (cipherModes.js transformIV): the session resets the stream.
        expect(native.failure).toMatchObject({ reason: "internal-error" });
      }
    });
  }
});

describe("native record layer, property", () => {
  it("gives forge's bytes for any sequence of writes, both directions", () => {
    const arbWrite = fc.record({
      from: fc.constantFrom<Side>("client", "server"),
      size: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 20_000 })),
      step: fc.integer({ min: 1, max: 255 }),
      settle: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(arbWrite, { maxLength: 12 }), fc.integer({ min: 1, max: 1000 }), (spec, seed) => {
        const writes = spec.map((x) => ({ from: x.from, bytes: pattern(x.size, x.step), settle: x.settle }));
        expectSameBytes(conversation(false, writes, seed), conversation(true, writes, seed));
      }),
      { seed: 2377, numRuns: propertyRuns(15) },
    );
  });
});
