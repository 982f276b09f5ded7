import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ConfChangeType,
  RaftEntryType,
  RaftMessageType,
  type RaftMessage,
  campaignTransferContext,
  decodeConfChange,
  decodeProcessRaftMessageRequest,
  decodeProcessRaftMessageResponse,
  decodeRaftEntry,
  decodeRaftMessage,
  encodeConfChange,
  encodeProcessRaftMessageRequest,
  encodeProcessRaftMessageResponse,
  encodeRaftEntry,
  encodeRaftMessage,
  raftMethod,
} from "../../../src/control/raft/index.js";
import { propertyRuns } from "../../support/properties.js";
import { fromHex, toHex as hex } from "../../support/bytes.js";


/** Raft IDs, terms and indexes: the whole range a JavaScript number holds exactly. */
const id = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat());

const entry = fc.record({
  term: id,
  index: id,
  type: fc.constantFrom(RaftEntryType.EntryNormal, RaftEntryType.EntryConfChange),
  data: fc.uint8Array({ maxLength: 64 }),
});

const message: fc.Arbitrary<RaftMessage> = fc.record(
  {
    type: fc.constantFrom(...Object.values(RaftMessageType)),
    to: id,
    from: id,
    term: id,
    logTerm: id,
    index: id,
    entries: fc.array(entry, { maxLength: 4 }),
    commit: id,
    reject: fc.boolean(),
    rejectHint: id,
    context: fc.uint8Array({ maxLength: 24 }),
  },
  { requiredKeys: ["type", "to", "from", "term", "logTerm", "index", "entries", "commit", "reject", "rejectHint"] },
);

const heartbeat: RaftMessage = {
  type: RaftMessageType.MsgHeartbeat,
  to: 2,
  from: 1,
  term: 3,
  logTerm: 0,
  index: 0,
  entries: [],
  commit: 5,
  reject: false,
  rejectHint: 0,
};

describe("raftpb wire format", () => {
  it("encodes a MsgHeartbeat as etcd raft 3.5 does: every non-nullable field, zeros included, and an empty snapshot", () => {
    // Hand-computed: type=8 to=2 from=1 term=3 logTerm=0 index=0 commit=5,
    // snapshot = { metadata = { conf_state = { auto_leave = false }, index = 0, term = 0 } }, reject=false, rejectHint=0.
    const expected = "0808 1002 1801 2003 2800 3000 4005 4a0a 1208 0a02 2800 1000 1800 5000 5800";
    expect(hex(encodeRaftMessage(heartbeat))).toBe(expected.replaceAll(" ", ""));
    expect(decodeRaftMessage(fromHex(expected))).toEqual({ ok: true, value: heartbeat });
  });

  it("writes a transfer's MsgVote with its context, CampaignTransfer, after rejectHint (field 12)", () => {
    const vote: RaftMessage = { ...heartbeat, type: RaftMessageType.MsgVote, commit: 0, index: 4, logTerm: 3, context: campaignTransferContext };
    // type=5 to=2 from=1 term=3 logTerm=3 index=4 commit=0, the empty snapshot, reject, rejectHint, then context = "CampaignTransfer".
    const expected = `0805 1002 1801 2003 2803 3004 4000 4a0a 1208 0a02 2800 1000 1800 5000 5800 6210 ${hex(new TextEncoder().encode("CampaignTransfer"))}`;
    expect(hex(encodeRaftMessage(vote))).toBe(expected.replaceAll(" ", ""));
    expect(decodeRaftMessage(fromHex(expected.replaceAll(" ", "")))).toEqual({ ok: true, value: vote });
  });

  it("encodes an Entry as Type, Term, Index, then Data, leaving out empty data", () => {
    const e = { term: 2, index: 7, type: RaftEntryType.EntryNormal, data: new TextEncoder().encode("ab") };
    expect(hex(encodeRaftEntry(e))).toBe("080010021807" + "22026162");
    expect(hex(encodeRaftEntry({ ...e, type: RaftEntryType.EntryConfChange, data: new Uint8Array(0) }))).toBe("080110021807");
  });

  it("encodes a ConfChange as ID, Type, NodeID, then Context only when set", () => {
    expect(hex(encodeConfChange({ id: 0, type: ConfChangeType.ConfChangeRemoveNode, nodeId: 300 }))).toBe("08001001" + "18ac02");
    const withContext = { id: 9, type: ConfChangeType.ConfChangeAddNode, nodeId: 2, context: new Uint8Array(0) };
    expect(hex(encodeConfChange(withContext))).toBe("080910001802" + "2200");
    expect(decodeConfChange(encodeConfChange(withContext))).toEqual({ ok: true, value: withContext });
  });

  it("decodes a message from a newer raft without the snapshot and with vote = 13", () => {
    // go.etcd.io/raft/v3 (3.6) leaves out a nil snapshot and writes vote (field 13).
    const bytes = fromHex("0808 1002 1801 2003 2800 3000 4005 5000 5800 6800");
    expect(decodeRaftMessage(bytes)).toEqual({ ok: true, value: heartbeat });
  });

  it("round-trips every message, entry and conf change, with IDs up to 2^53-1", () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(decodeRaftMessage(encodeRaftMessage(m))).toEqual({ ok: true, value: m });
        expect(decodeProcessRaftMessageRequest(encodeProcessRaftMessageRequest(m))).toEqual({ ok: true, value: m });
      }),
      { seed: 7101, numRuns: propertyRuns(300) },
    );
    const change = fc.record(
      { id, type: fc.constantFrom(...Object.values(ConfChangeType)), nodeId: id, context: fc.uint8Array({ maxLength: 32 }) },
      { requiredKeys: ["id", "type", "nodeId"] },
    );
    fc.assert(
      fc.property(change, (c) => {
        expect(decodeConfChange(encodeConfChange(c))).toEqual({ ok: true, value: c });
      }),
      { seed: 7102, numRuns: propertyRuns(300) },
    );
  });

  it("never throws on hostile bytes, and says why it refuses them", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (bytes) => {
        for (const result of [
          decodeRaftMessage(bytes),
          decodeRaftEntry(bytes),
          decodeConfChange(bytes),
          decodeProcessRaftMessageRequest(bytes),
          decodeProcessRaftMessageResponse(bytes),
        ]) {
          if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed: 7103, numRuns: propertyRuns(3000) },
    );
    // Bit flips in a real message, which mostly keep the framing intact.
    const valid = encodeRaftMessage({ ...heartbeat, type: RaftMessageType.MsgApp, entries: [{ term: 3, index: 6, type: 0, data: Uint8Array.of(1, 2, 3) }] });
    fc.assert(
      fc.property(fc.nat(valid.length * 8 - 1), (bit) => {
        const flipped = valid.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        decodeRaftMessage(flipped);
      }),
      { seed: 7104, numRuns: propertyRuns(500) },
    );
  });

  it("refuses what raftpb does not allow, naming the field", () => {
    expect(decodeRaftMessage(fromHex("0813"))).toEqual({ ok: false, reason: "raftpb.Message: unknown MessageType 19" });
    expect(decodeRaftMessage(fromHex("3a02 0802"))).toEqual({ ok: false, reason: "raftpb.Entry: unknown EntryType 2" });
    expect(decodeRaftMessage(fromHex("3801"))).toEqual({ ok: false, reason: "raftpb.Message: entries (field 7) expected bytes" });
    expect(decodeRaftMessage(fromHex("2203 0102"))).toMatchObject({ ok: false });
    expect(decodeConfChange(fromHex("1003"))).toEqual({ ok: false, reason: "raftpb.ConfChange: unknown ConfChangeType 3" });
    expect(decodeProcessRaftMessageRequest(new Uint8Array(0))).toEqual({ ok: false, reason: "ProcessRaftMessageRequest: no message provided" });
  });

  it("wraps a message in swarmkit's ProcessRaftMessageRequest and answers with an empty response", () => {
    expect(raftMethod).toBe("/docker.swarmkit.v1.Raft/ProcessRaftMessage");
    const inner = encodeRaftMessage(heartbeat);
    expect(hex(encodeProcessRaftMessageRequest(heartbeat))).toBe("0a" + inner.length.toString(16).padStart(2, "0") + hex(inner));
    expect(encodeProcessRaftMessageResponse()).toEqual(new Uint8Array(0));
    expect(decodeProcessRaftMessageResponse(new Uint8Array(0))).toEqual({ ok: true, value: {} });
  });
});
