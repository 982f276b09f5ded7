import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { legacyGoMsgpack } from "../../src/encoding/msgpack.js";
import { type GossipMessage, MessageType, type PushNodeState, decodeMessage, encodeGossipMessage, encodeMessage } from "../../src/gossip/messages.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";

const ip = Uint8Array.of(10, 0, 0, 1);
/** config.go BuildVsnArray for protocol 1..5 speaking 2, delegate 0: pmin, pmax, pcur, dmin, dmax, dcur. */
const vsn = Uint8Array.of(1, 5, 2, 0, 0, 0);

describe("memberlist messages, byte for byte", () => {
  it("encodes a ping, an ack and an alive as memberlist does", () => {
    // net.go encode: the type byte, then go-msgpack's map of the struct, keys sorted by name.
    // ping{SeqNo: 7, Node: "node-b"} (state.go probeNode also sets the omitempty Source* fields):
    //   00 | 82 (2 entries) | a4 "Node" a6 "node-b" | a5 "SeqNo" 07
    expect(hex(encodeMessage(MessageType.ping, { SeqNo: 7, Node: "node-b" }))).toBe("0082a44e6f6465a66e6f64652d62a55365714e6f07");
    // ackResp{SeqNo: 7} as handlePing sends it without a ping delegate: Payload is a nil slice, so nil c0.
    //   02 | 82 | a7 "Payload" c0 | a5 "SeqNo" 07
    expect(hex(encodeMessage(MessageType.ack, { SeqNo: 7, Payload: null }))).toBe("0282a75061796c6f6164c0a55365714e6f07");
    // alive as memberlist.go setAlive builds it under networkdb: Meta is NodeMeta's []byte{} (a0), Addr a
    // 4-byte net.IP, Port 7946 (uint16 cd1f0a), Vsn six bytes as raw (a6 …), the 12-hex-digit node name:
    //   04 | 86 | "Addr" a40a000001 | "Incarnation" 01 | "Meta" a0 | "Node" ac"0123456789ab" | "Port" cd1f0a | "Vsn" a6010502000000
    expect(hex(encodeMessage(MessageType.alive, { Incarnation: 1, Node: "0123456789ab", Addr: ip, Port: 7946, Meta: new Uint8Array(0), Vsn: vsn }))).toBe(
      "0486a441646472a40a000001ab496e6361726e6174696f6e01a44d657461a0a44e6f6465ac303132333435363738396162a4506f7274cd1f0aa356736ea6010502000000",
    );
  });

  it("encodes the other structs (checked against go-msgpack v0.5.5, which agrees with v2 for these values)", () => {
    const cases: [GossipMessage, string][] = [
      [{ type: MessageType.indirectPing, SeqNo: 5, Target: ip, Port: 7946, Node: "t", Nack: true }, "0185a44e61636bc3a44e6f6465a174a4506f7274cd1f0aa55365714e6f05a6546172676574a40a000001"],
      [{ type: MessageType.suspect, Incarnation: 3, Node: "a", From: "b" }, "0383a446726f6da162ab496e6361726e6174696f6e03a44e6f6465a161"],
      [{ type: MessageType.dead, Incarnation: 3, Node: "a", From: "a" }, "0583a446726f6da161ab496e6361726e6174696f6e03a44e6f6465a161"],
      [{ type: MessageType.nack, SeqNo: 9 }, "0b81a55365714e6f09"],
      [{ type: MessageType.err, Error: "boom" }, "0d81a54572726f72a4626f6f6d"],
      [{ type: MessageType.compress, Algo: 0, Buf: Uint8Array.of(1, 2, 3) }, "0982a4416c676f00a3427566a3010203"],
      [{ type: MessageType.user, Payload: Uint8Array.of(1, 2) }, "080102"],
      [{ type: MessageType.compound, Payload: Uint8Array.of(0) }, "0700"],
    ];
    for (const [message, expected] of cases) expect(hex(encodeGossipMessage(message)), `type ${message.type}`).toBe(expected);
  });

  it("writes a push/pull as sendLocalState does: header, each node state, then the user state's raw bytes", () => {
    const node: PushNodeState = { Name: "n1", Addr: ip, Port: 7946, Meta: null, Incarnation: 1, State: 0, Vsn: vsn };
    const header = "83a44a6f696ec3a54e6f64657301ac5573657253746174654c656e03"; // Join true, Nodes 1, UserStateLen 3
    const state = "87a441646472a40a000001ab496e6361726e6174696f6e01a44d657461c0a44e616d65a26e31a4506f7274cd1f0aa5537461746500a356736ea6010502000000";
    const encoded = encodeMessage(MessageType.pushPull, { join: true, nodes: [node], userState: Uint8Array.of(0xaa, 0xbb, 0xcc) });
    expect(hex(encoded)).toBe(`06${header}${state}aabbcc`);
    expect(decodeMessage(encoded)).toEqual({ ok: true, value: { type: MessageType.pushPull, join: true, nodes: [node], userState: Uint8Array.of(0xaa, 0xbb, 0xcc) } });
  });

  it("writes a push/pull's lengths as signed Go ints: int16 from 128 in go-msgpack/v2, uint8 in v0.5.5", () => {
    const body = { join: false, nodes: [], userState: new Uint8Array(200) };
    expect(hex(encodeMessage(MessageType.pushPull, body)).slice(0, 62)).toBe("0683a44a6f696ec2a54e6f64657300ac5573657253746174654c656ed100c8");
    expect(hex(encodeMessage(MessageType.pushPull, body, { flavor: legacyGoMsgpack })).slice(0, 60)).toBe("0683a44a6f696ec2a54e6f64657300ac5573657253746174654c656eccc8");
  });

  it("frames a user message with a userMsgHeader on a stream only (net.go sendUserMsg, readUserMsg)", () => {
    const stream = encodeMessage(MessageType.user, { Payload: Uint8Array.of(7, 8) }, { via: "stream" });
    expect(hex(stream)).toBe("0881aa557365724d73674c656e020708");
    expect(decodeMessage(stream, { via: "stream" })).toEqual({ ok: true, value: { type: MessageType.user, Payload: Uint8Array.of(7, 8) } });
    expect(decodeMessage(bytes("0881aa557365724d73674c656e0507"), { via: "stream" })).toEqual({ ok: false, reason: "Failed to read full user message (1 / 5)" });
  });

  it("round-trips every message type", () => {
    fc.assert(
      fc.property(gossipMessage, (message) => {
        expect(decodeMessage(encodeGossipMessage(message))).toEqual({ ok: true, value: message });
      }),
      { seed: 71, numRuns: propertyRuns(400) },
    );
  });

  it("decodes as Go's decoder does: any key order, unknown keys skipped, trailing bytes ignored", () => {
    // ping with SeqNo first, an unknown "Extra" key, and one byte after the map.
    expect(decodeMessage(bytes("0083a55365714e6f07a5457874726191c0a44e6f6465a162ff"))).toEqual({
      ok: true,
      value: { type: MessageType.ping, SeqNo: 7, Node: "b", SourceAddr: null, SourcePort: 0, SourceNode: "" },
    });
  });

  it("refuses what memberlist would refuse, with a reason", () => {
    expect(decodeMessage(new Uint8Array(0))).toEqual({ ok: false, reason: "missing message type byte" });
    expect(decodeMessage(Uint8Array.of(99))).toEqual({ ok: false, reason: "msg type (99) not supported" });
    expect(decodeMessage(bytes("0281a55365714e6fff"))).toEqual({ ok: false, reason: "ackResp.SeqNo: negative value -1 for uint32" });
    expect(decodeMessage(bytes("0481a4506f7274ce00010000"))).toEqual({ ok: false, reason: "alive.Port: 65536 overflows uint16" });
    const short = encodeMessage(MessageType.pushPull, { join: false, nodes: [], userState: Uint8Array.of(1, 2, 3) }).subarray(0, -1);
    expect(decodeMessage(short)).toEqual({ ok: false, reason: "Failed to read full user state (2 / 3)" });
    expect(decodeMessage(bytes("0683a44a6f696ec2a54e6f646573ffac5573657253746174654c656e00"))).toEqual({ ok: false, reason: "pushPullHeader: -1 nodes cannot follow in 0 bytes" });
  });

  it("never throws on hostile bytes, and refuses every truncated struct", () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 8, 9, 11, 13, 42), fc.uint8Array({ maxLength: 60 }), (type, rest) => {
        const r = decodeMessage(Uint8Array.of(type, ...rest), { via: rest.length % 2 === 0 ? "packet" : "stream" });
        return r.ok || r.reason.length > 0;
      }),
      { seed: 72, numRuns: propertyRuns(2000) },
    );
    fc.assert(
      fc.property(gossipMessage, fc.nat(), (message, cut) => {
        fc.pre(message.type !== MessageType.user && message.type !== MessageType.compound && message.type !== MessageType.encrypt);
        fc.pre(message.type !== MessageType.hasCrc && message.type !== MessageType.hasLabel);
        const encoded = encodeGossipMessage(message);
        return !decodeMessage(encoded.subarray(0, cut % encoded.length)).ok;
      }),
      { seed: 73, numRuns: propertyRuns(400) },
    );
  });
});

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const name = fc.string({ maxLength: 20 });
const slice = fc.option(fc.uint8Array({ maxLength: 40 }), { nil: null });
/** An omitempty slice decodes as nil when empty, so round trips use nil or a non-empty one. */
const omitSlice = fc.option(fc.uint8Array({ minLength: 1, maxLength: 16 }), { nil: null });
const raw = fc.uint8Array({ maxLength: 300 });
const pushNodeState = fc.record({ Name: name, Addr: slice, Port: u16, Meta: slice, Incarnation: u32, State: fc.integer({ min: -5, max: 300 }), Vsn: slice });

const gossipMessage: fc.Arbitrary<GossipMessage> = fc.oneof(
  fc.record({ type: fc.constant(MessageType.ping), SeqNo: u32, Node: name, SourceAddr: omitSlice, SourcePort: u16, SourceNode: name }),
  fc.record({
    type: fc.constant(MessageType.indirectPing),
    SeqNo: u32,
    Target: slice,
    Port: u16,
    Node: name,
    Nack: fc.boolean(),
    SourceAddr: omitSlice,
    SourcePort: u16,
    SourceNode: name,
  }),
  fc.record({ type: fc.constant(MessageType.ack), SeqNo: u32, Payload: slice }),
  fc.record({ type: fc.constant(MessageType.nack), SeqNo: u32 }),
  fc.record({ type: fc.constant(MessageType.err), Error: name }),
  fc.record({ type: fc.constant(MessageType.suspect), Incarnation: u32, Node: name, From: name }),
  fc.record({ type: fc.constant(MessageType.dead), Incarnation: u32, Node: name, From: name }),
  fc.record({ type: fc.constant(MessageType.alive), Incarnation: u32, Node: name, Addr: slice, Port: u16, Meta: slice, Vsn: slice }),
  fc.record({ type: fc.constant(MessageType.compress), Algo: fc.integer({ min: 0, max: 255 }), Buf: slice }),
  fc.record({ type: fc.constant(MessageType.pushPull), join: fc.boolean(), nodes: fc.array(pushNodeState, { maxLength: 4 }), userState: raw }),
  fc.record({ type: fc.constantFrom(MessageType.user, MessageType.compound, MessageType.encrypt, MessageType.hasCrc, MessageType.hasLabel), Payload: raw }),
);
