import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BulkSyncMessage,
  type CompoundMessage,
  type NetworkDbMessage,
  type NetworkEvent,
  type NetworkPushPull,
  type NodeEvent,
  type TableEvent,
  MessageType,
  NetworkEventType,
  NodeEventType,
  TableEventType,
  networkdbCompoundHeaderOverheadBytes,
  networkdbCompoundOverheadBytes,
  decodeBulkSyncMessage,
  decodeCompoundMessage,
  decodeGossipMessage,
  decodeNetworkDbMessage,
  decodeNetworkEvent,
  decodeNetworkPushPull,
  decodeNodeEvent,
  decodeTableEvent,
  encodeBulkSyncMessage,
  encodeCompoundMessage,
  encodeGossipMessage,
  encodeMessage,
  encodeNetworkEvent,
  encodeNetworkPushPull,
  encodeNodeEvent,
  encodeTableEvent,
  makeCompoundMessage,
} from "../../src/gossip/networkdb-messages.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";

const empty = new Uint8Array(0);

const text = fc.string({ unit: "binary", maxLength: 12 });
const blob = fc.uint8Array({ maxLength: 24 });
const lTime = fc.maxSafeNat();
const int32 = fc.integer({ min: 0, max: 0x7fff_ffff });

const arbNodeEvent: fc.Arbitrary<NodeEvent> = fc.record({ type: fc.nat(2), lTime, nodeName: text });
const arbNetworkEvent: fc.Arbitrary<NetworkEvent> = fc.record({ type: fc.nat(2), lTime, nodeName: text, networkId: text });
const arbPushPull: fc.Arbitrary<NetworkPushPull> = fc.record({
  lTime,
  networks: fc.array(fc.record({ networkId: text, lTime, nodeName: text, leaving: fc.boolean() }), { maxLength: 4 }),
  nodeName: text,
});
const arbTableEvent: fc.Arbitrary<TableEvent> = fc.record({
  type: fc.nat(3),
  lTime,
  nodeName: text,
  networkId: text,
  tableName: text,
  key: text,
  value: blob,
  residualReapTime: int32,
});
const arbBulkSync: fc.Arbitrary<BulkSyncMessage> = fc.record({
  lTime,
  unsolicited: fc.boolean(),
  nodeName: text,
  networks: fc.array(text, { maxLength: 4 }),
  payload: blob,
});
const arbCompound: fc.Arbitrary<CompoundMessage> = fc.record({ messages: fc.array(fc.record({ payload: blob }), { maxLength: 4 }) });

const arbTyped: fc.Arbitrary<NetworkDbMessage> = fc.oneof(
  arbNetworkEvent.map((message) => ({ type: MessageType.networkEvent, message })),
  arbTableEvent.map((message) => ({ type: MessageType.tableEvent, message })),
  arbPushPull.map((message) => ({ type: MessageType.pushPull, message })),
  arbBulkSync.map((message) => ({ type: MessageType.bulkSync, message })),
  arbCompound.map((message) => ({ type: MessageType.compound, message })),
  arbNodeEvent.map((message) => ({ type: MessageType.nodeEvent, message })),
);

const decoders: ReadonlyArray<(b: Uint8Array) => { ok: boolean; reason?: string }> = [
  decodeGossipMessage,
  decodeNodeEvent,
  decodeNetworkEvent,
  decodeNetworkPushPull,
  decodeTableEvent,
  decodeBulkSyncMessage,
  decodeCompoundMessage,
  decodeNetworkDbMessage,
];

describe("networkdb enums", () => {
  it("use networkdb.proto's numbers", () => {
    expect(MessageType).toEqual({ invalid: 0, networkEvent: 1, tableEvent: 2, pushPull: 3, bulkSync: 4, compound: 5, nodeEvent: 6 });
    expect(NodeEventType).toEqual({ invalid: 0, join: 1, leave: 2 });
    expect(NetworkEventType).toEqual({ invalid: 0, join: 1, leave: 2 });
    expect(TableEventType).toEqual({ invalid: 0, create: 1, update: 2, delete: 3 });
  });
});

describe("networkdb messages, byte for byte", () => {
  /*
   * Derived by hand from networkdb.proto and the MarshalTo of networkdb.pb.go.
   * A key byte is (field number << 3) | wire type, wire type 0 for varints and
   * 2 for length-delimited fields, so TableEvent's keys are 08 10 1a 22 2a 32
   * 3a 40. Varints are little-endian groups of 7 bits with the high bit set on
   * all but the last: 300 = 2·128 + 44 → ac 02; 1800 = 14·128 + 8 → 88 0e.
   * Strings are their length then their ASCII bytes.
   */
  const tableEvent: TableEvent = {
    type: TableEventType.create,
    lTime: 300,
    nodeName: "a1b2c3d4e5f6",
    networkId: "qmv3k9",
    tableName: "overlay_peer_table",
    key: "ep1",
    value: bytes("dead"),
    residualReapTime: 1800,
  };
  const tableEventHex =
    "08 01" + // type = CREATE (1)
    "10 ac 02" + // l_time = 300
    "1a 0c 61 31 62 32 63 33 64 34 65 35 66 36" + // node_name = "a1b2c3d4e5f6" (12 bytes)
    "22 06 71 6d 76 33 6b 39" + // network_id = "qmv3k9"
    "2a 12 6f 76 65 72 6c 61 79 5f 70 65 65 72 5f 74 61 62 6c 65" + // table_name = "overlay_peer_table" (18 = 0x12)
    "32 03 65 70 31" + // key = "ep1"
    "3a 02 de ad" + // value
    "40 88 0e"; // residual_reap_time = 1800 s

  it("encodes a TableEvent as gogoproto does", () => {
    expect(hex(encodeTableEvent(tableEvent))).toBe(hex(bytes(tableEventHex)));
    expect(decodeTableEvent(bytes(tableEventHex))).toEqual({ ok: true, value: tableEvent });
  });

  it("wraps a TableEvent in a GossipMessage of type TABLE_EVENT", () => {
    // GossipMessage: type (key 08) = 2, data (key 12) of 2+3+14+8+20+5+4+3 = 59 = 0x3b bytes.
    const wrapped = bytes("08 02 12 3b" + tableEventHex);
    expect(hex(encodeMessage(MessageType.tableEvent, tableEvent))).toBe(hex(wrapped));
    expect(decodeNetworkDbMessage(wrapped)).toEqual({ ok: true, value: { type: MessageType.tableEvent, message: tableEvent } });
  });

  const networkEvent: NetworkEvent = { type: NetworkEventType.join, lTime: 7, nodeName: "a1b2c3d4e5f6", networkId: "qmv3k9" };
  const networkEventHex =
    "08 01" + // type = JOIN (1)
    "10 07" + // l_time = 7
    "1a 0c 61 31 62 32 63 33 64 34 65 35 66 36" + // node_name
    "22 06 71 6d 76 33 6b 39"; // network_id

  it("encodes a NetworkEvent as gogoproto does, and wraps it as NETWORK_EVENT", () => {
    expect(hex(encodeNetworkEvent(networkEvent))).toBe(hex(bytes(networkEventHex)));
    // 2 + 2 + 14 + 8 = 26 = 0x1a bytes of data.
    expect(hex(encodeMessage(MessageType.networkEvent, networkEvent))).toBe(hex(bytes("08 01 12 1a" + networkEventHex)));
    expect(decodeNetworkEvent(bytes(networkEventHex))).toEqual({ ok: true, value: networkEvent });
  });

  it("leaves out zero scalars and empty strings, l_time included", () => {
    expect(encodeNetworkEvent({ type: NetworkEventType.invalid, lTime: 0, nodeName: "", networkId: "" })).toEqual(empty);
    expect(hex(encodeNodeEvent({ type: NodeEventType.leave, lTime: 0, nodeName: "" }))).toBe("0802");
    const deleted = { ...tableEvent, type: TableEventType.delete, value: empty, residualReapTime: 0 };
    expect(hex(encodeTableEvent(deleted))).not.toContain("3a");
    expect(hex(encodeBulkSyncMessage({ lTime: 0, unsolicited: false, nodeName: "", networks: [], payload: empty }))).toBe("");
    // An INVALID GossipMessage with no data is no bytes at all.
    expect(encodeGossipMessage({ type: MessageType.invalid, data: empty })).toEqual(empty);
  });

  it("writes every element of a repeated field, even an empty one", () => {
    expect(hex(encodeNetworkPushPull({ lTime: 0, networks: [{ networkId: "", lTime: 0, nodeName: "", leaving: false }], nodeName: "" }))).toBe("1200");
    expect(hex(encodeBulkSyncMessage({ lTime: 0, unsolicited: true, nodeName: "", networks: ["", "w"], payload: empty }))).toBe(hex(bytes("1001 2200 220177")));
    expect(hex(encodeCompoundMessage({ messages: [{ payload: empty }] }))).toBe("0a00");
  });

  it("encodes a NetworkEntry's leaving flag as field 4", () => {
    const pp = encodeNetworkPushPull({ lTime: 2, networks: [{ networkId: "w", lTime: 1, nodeName: "n", leaving: true }], nodeName: "n" });
    // l_time, then entry {0a 01 "w", 10 01, 1a 01 "n", 20 01} (10 bytes), then node_name.
    expect(hex(pp)).toBe("0802" + "120a" + "0a0177" + "1001" + "1a016e" + "2001" + "1a016e");
  });
});

describe("compound messages", () => {
  it("are a CompoundMessage of SimpleMessages inside a COMPOUND GossipMessage", () => {
    // SimpleMessage{aa} = 0a 01 aa; SimpleMessage{bb cc} = 0a 02 bb cc; each inside CompoundMessage field 1.
    const compound = makeCompoundMessage([bytes("aa"), bytes("bbcc")]);
    expect(hex(compound)).toBe("0805" + "120b" + "0a03" + "0a01aa" + "0a04" + "0a02bbcc");
    const envelope = decodeGossipMessage(compound);
    expect(envelope).toEqual({ ok: true, value: { type: MessageType.compound, data: compound.subarray(4) } });
    if (!envelope.ok) return;
    const parts = decodeCompoundMessage(envelope.value.data);
    expect(parts.ok && parts.value.messages.map((m) => hex(m.payload))).toEqual(["aa", "bbcc"]);
  });

  it("carry whole GossipMessages that decode one by one", () => {
    const node = encodeMessage(MessageType.nodeEvent, { type: NodeEventType.join, lTime: 1, nodeName: "n1" });
    const network = encodeMessage(MessageType.networkEvent, { type: NetworkEventType.leave, lTime: 2, nodeName: "n1", networkId: "w" });
    const decoded = decodeNetworkDbMessage(makeCompoundMessage([node, network]));
    expect(decoded.ok && decoded.value.type).toBe(MessageType.compound);
    if (!decoded.ok || decoded.value.type !== MessageType.compound) return;
    const inner = decoded.value.message.messages.map((m) => decodeNetworkDbMessage(m.payload));
    expect(inner.map((d) => d.ok && d.value.type)).toEqual([MessageType.nodeEvent, MessageType.networkEvent]);
  });

  it("cost 4 bytes per part under 126 bytes, more above: networkdb's budget is a floor", () => {
    const overhead = (partLength: number) => encodeCompoundMessage({ messages: [{ payload: new Uint8Array(partLength) }] }).length - partLength;
    expect(overhead(1)).toBe(networkdbCompoundOverheadBytes);
    expect(overhead(125)).toBe(4);
    expect(overhead(126)).toBe(5);
    expect(overhead(200)).toBe(6);
    // The envelope: 08 05 12 <length>, 4 bytes under 128 bytes of parts, 5 up to 16 KiB.
    expect(makeCompoundMessage([new Uint8Array(1300)]).length - encodeCompoundMessage({ messages: [{ payload: new Uint8Array(1300) }] }).length).toBe(
      networkdbCompoundHeaderOverheadBytes,
    );
  });
});

describe("networkdb messages round trip", () => {
  const roundTrip = <T>(name: string, arb: fc.Arbitrary<T>, encode: (m: T) => Uint8Array, decode: (b: Uint8Array) => unknown, seed: number) =>
    it(`${name} decodes to what was encoded`, () => {
      fc.assert(
        fc.property(arb, (m) => {
          expect(decode(encode(m))).toEqual({ ok: true, value: m });
        }),
        { seed, numRuns: propertyRuns(300) },
      );
    });
  roundTrip("NodeEvent", arbNodeEvent, encodeNodeEvent, decodeNodeEvent, 601);
  roundTrip("NetworkEvent", arbNetworkEvent, encodeNetworkEvent, decodeNetworkEvent, 602);
  roundTrip("NetworkPushPull", arbPushPull, encodeNetworkPushPull, decodeNetworkPushPull, 603);
  roundTrip("TableEvent", arbTableEvent, encodeTableEvent, decodeTableEvent, 604);
  roundTrip("BulkSyncMessage", arbBulkSync, encodeBulkSyncMessage, decodeBulkSyncMessage, 605);
  roundTrip("CompoundMessage", arbCompound, encodeCompoundMessage, decodeCompoundMessage, 606);
  roundTrip("GossipMessage", fc.record({ type: int32, data: blob }), encodeGossipMessage, decodeGossipMessage, 607);

  it("a typed message decodes to its type and payload", () => {
    fc.assert(
      fc.property(arbTyped, (m) => {
        const encoded = (encodeMessage as (type: number, message: unknown) => Uint8Array)(m.type, m.message);
        expect(decodeNetworkDbMessage(encoded)).toEqual({ ok: true, value: m });
      }),
      { seed: 608, numRuns: propertyRuns(300) },
    );
  });
});

describe("networkdb messages from hostile bytes", () => {
  it("never throw on random bytes, and give a reason when they refuse", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => {
        for (const decode of decoders) {
          const d = decode(b);
          if (!d.ok) expect(d.reason?.length).toBeGreaterThan(0);
        }
      }),
      { seed: 611, numRuns: propertyRuns(2000) },
    );
  });

  it("never throw on a message cut short or with a byte changed", () => {
    fc.assert(
      fc.property(arbTyped, fc.nat(), fc.nat(255), (m, at, value) => {
        const full = (encodeMessage as (type: number, message: unknown) => Uint8Array)(m.type, m.message);
        for (const decode of decoders) {
          decode(full.subarray(0, at % (full.length + 1)));
          const changed = full.slice();
          if (changed.length > 0) changed[at % changed.length] = value;
          decode(changed);
        }
      }),
      { seed: 612, numRuns: propertyRuns(500) },
    );
  });

  it("refuse what gogoproto's unmarshalers refuse, saying where", () => {
    expect(decodeTableEvent(bytes("10 ac"))).toEqual({ ok: false, reason: "TableEvent: field 2: truncated or oversized varint" });
    expect(decodeTableEvent(bytes("32 05 65 70"))).toEqual({ ok: false, reason: "TableEvent: field 6: length runs past the end" });
    expect(decodeTableEvent(bytes("0a 01 41"))).toEqual({ ok: false, reason: "TableEvent: field 1: expected a varint" });
    expect(decodeNodeEvent(bytes("1a 01 ff"))).toEqual({ ok: false, reason: "NodeEvent: field 3: not UTF-8" });
    expect(decodeNetworkPushPull(bytes("12 03 0a 01 ff"))).toEqual({ ok: false, reason: "NetworkPushPull: networks[0]: field 1: not UTF-8" });
    expect(decodeBulkSyncMessage(bytes("20 01"))).toEqual({ ok: false, reason: "BulkSyncMessage: field 4: expected bytes" });
  });

  it("refuse an int32 field beyond 2^31-1 rather than truncate it as Go does", () => {
    expect(decodeTableEvent(bytes("40 80 80 80 80 08"))).toEqual({ ok: false, reason: "TableEvent: field 8: 2147483648 is out of int32 range" });
    // A negative int32, which Go writes as a 10-byte sign-extended varint, is beyond the modelled 2^53-1.
    expect(decodeTableEvent(bytes("40 ff ff ff ff ff ff ff ff ff 01")).ok).toBe(false);
  });

  it("refuse an unknown message type, as handleMessage drops it", () => {
    expect(decodeNetworkDbMessage(bytes("08 07"))).toEqual({ ok: false, reason: "unknown message type 7" });
    expect(decodeNetworkDbMessage(empty)).toEqual({ ok: false, reason: "unknown message type 0" });
    expect(decodeGossipMessage(bytes("08 07"))).toEqual({ ok: true, value: { type: 7, data: empty } });
  });

  it("reads any non-zero varint as true, as Go does", () => {
    expect(decodeBulkSyncMessage(bytes("10 02"))).toMatchObject({ ok: true, value: { unsolicited: true } });
  });
});

describe("networkdb encoders", () => {
  it("throw on arguments no Go peer could send, naming them", () => {
    const event: NodeEvent = { type: 1, lTime: 1, nodeName: "" };
    expect(() => encodeNodeEvent({ ...event, lTime: -1 })).toThrow(/"lTime" expected a whole number from 0 to 2\^53-1, got -1/);
    expect(() => encodeNodeEvent({ ...event, type: 2 ** 31 })).toThrow(RangeError);
    expect(() => encodeTableEvent({ type: 1, lTime: 1, nodeName: "", networkId: "", tableName: "", key: "", value: empty, residualReapTime: 1.5 })).toThrow(
      /"residualReapTime"/,
    );
    expect(() => (encodeMessage as (type: number, message: unknown) => Uint8Array)(MessageType.invalid, {})).toThrow(/"type" expected a networkdb message type/);
  });
});
