import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IssuanceState, NodeRoleCode } from "../../src/control/ca-messages.js";
import {
  type NodeObject,
  type SessionMessage,
  DispatcherMethod,
  NodeStatusState,
  Reachability,
  decodeDuration,
  decodeHeartbeatRequest,
  decodeHeartbeatResponse,
  decodeNodeObject,
  decodeSessionMessage,
  decodeSessionRequest,
  decodeTimestamp,
  encodeDuration,
  encodeHeartbeatRequest,
  encodeHeartbeatResponse,
  encodeNodeObject,
  encodeSessionMessage,
  encodeSessionRequest,
  encodeTimestamp,
  encryptionKeyMessageOf,
  instantOfUnixMicros,
  unixMicrosAt,
} from "../../src/control/dispatcher-messages.js";
import { subsystemGossip } from "../../src/control/keymanager.js";
import { ProtoWriter } from "../../src/encoding/index.js";
import { instant } from "../../src/sim/index.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";

const text = fc.string({ unit: "binary", maxLength: 12 });
const blob = fc.uint8Array({ maxLength: 24 });
const u64 = fc.maxSafeNat();
const micros = fc.maxSafeNat();

const arbDescription = fc.record(
  {
    hostname: text,
    platform: fc.record({ architecture: text, os: text }),
    tlsInfo: fc.record({ trustRoot: blob, certIssuerSubject: blob, certIssuerPublicKey: blob }),
  },
  { requiredKeys: ["hostname", "platform"] },
);

const arbNode: fc.Arbitrary<NodeObject> = fc.record(
  {
    id: text,
    meta: fc.record({ version: u64, createdAt: micros, updatedAt: micros }, { requiredKeys: ["version"] }),
    spec: fc.record({ annotations: fc.record({ name: text }), desiredRole: fc.nat(1), membership: fc.nat(1), availability: fc.nat(2) }),
    description: arbDescription,
    status: fc.record({ state: fc.nat(3), message: text, addr: text }),
    managerStatus: fc.record({ raftId: u64, addr: text, leader: fc.boolean(), reachability: fc.nat(2) }),
    certificate: fc.record({ role: fc.nat(1), csr: blob, state: fc.nat(5), err: text, certificate: blob, cn: text }),
    role: fc.nat(1),
  },
  { requiredKeys: ["id", "meta", "spec", "status", "certificate", "role"] },
);

const arbSessionMessage: fc.Arbitrary<SessionMessage> = fc.record({
  sessionId: text,
  node: arbNode,
  managers: fc.array(fc.record({ peer: fc.record({ nodeId: text, addr: text }), weight: u64 }), { maxLength: 3 }),
  networkBootstrapKeys: fc.array(fc.record({ subsystem: text, algorithm: fc.nat(1), key: blob, lamportTime: u64 }), { maxLength: 6 }),
  rootCa: blob,
});

/** The smallest node: every field at its proto3 default. */
const bareNode: NodeObject = {
  id: "n",
  meta: { version: 0 },
  spec: { annotations: { name: "" }, desiredRole: 0, membership: 0, availability: 0 },
  status: { state: 0, message: "", addr: "" },
  certificate: { role: 0, csr: new Uint8Array(0), state: 0, err: "", certificate: new Uint8Array(0), cn: "" },
  role: 0,
};

describe("dispatcher message bytes, checked by hand", () => {
  it("names the Session and Heartbeat RPCs by their gRPC paths", () => {
    expect(DispatcherMethod).toEqual({ session: "/docker.swarmkit.v1.Dispatcher/Session", heartbeat: "/docker.swarmkit.v1.Dispatcher/Heartbeat" });
  });

  it("writes a 5.2 s heartbeat period as Duration{seconds 5, nanos 200000000}", () => {
    // 0a 07: field 1, 7 bytes; 08 05: seconds = 5; 10 80 84 af 5f: nanos = 200000000 (varint, 7 bits a byte, low first).
    expect(hex(encodeHeartbeatResponse({ periodUs: 5_200_000 }))).toBe("0a070805108084af5f");
    expect(decodeHeartbeatResponse(bytes("0a070805108084af5f"))).toEqual({ ok: true, value: { periodUs: 5_200_000 } });
    // The period is nullable=false: a zero period is still written, as an empty Duration.
    expect(hex(encodeHeartbeatResponse({ periodUs: 0 }))).toBe("0a00");
  });

  it("writes a HeartbeatRequest as its session ID", () => {
    expect(hex(encodeHeartbeatRequest({ sessionId: "abc" }))).toBe("0a03616263");
    expect(decodeHeartbeatRequest(bytes("0a03616263"))).toEqual({ ok: true, value: { sessionId: "abc" } });
  });

  it("writes a SessionRequest with the node's hostname and platform", () => {
    const m = { description: { hostname: "h", platform: { architecture: "x86_64", os: "linux" } }, sessionId: "" };
    // description (0a 14): hostname (0a 01 'h'), platform (12 0f: architecture 0a 06 "x86_64", os 12 05 "linux").
    const expected = "0a14 0a0168 120f 0a06 7838365f3634 1205 6c696e7578".replace(/ /g, "");
    expect(hex(encodeSessionRequest(m))).toBe(expected);
    expect(decodeSessionRequest(bytes(expected))).toEqual({ ok: true, value: m });
  });

  it("writes a SessionMessage, with the node's non-nullable parts present even when empty", () => {
    const m: SessionMessage = {
      sessionId: "s",
      node: bareNode,
      managers: [{ peer: { nodeId: "m", addr: "a:1" }, weight: 10 }],
      networkBootstrapKeys: [{ subsystem: "g", algorithm: 0, key: Uint8Array.of(1, 2), lamportTime: 300 }],
      rootCa: Uint8Array.of(0xff),
    };
    const expected = [
      "0a0173", // session_id = "s"
      // node (12 11): id 0a 01 'n'; meta 12 02 {version 0a 00}; spec 1a 02 {annotations 0a 00}; status 2a 00; certificate 42 02 {status 1a 00}
      "1211 0a016e 1202 0a00 1a02 0a00 2a00 4202 1a00",
      // managers (1a 0c): peer 0a 08 {node_id 0a 01 'm', addr 12 03 "a:1"}, weight 10 0a
      "1a0c 0a08 0a016d 1203 613a31 100a",
      // network_bootstrap_keys (22 0a): subsystem 0a 01 'g', algorithm 0 left out, key 1a 02 01 02, lamport_time 20 ac 02 (300)
      "220a 0a0167 1a020102 20ac02",
      "2a01ff", // RootCA
    ]
      .join("")
      .replace(/ /g, "");
    expect(hex(encodeSessionMessage(m))).toBe(expected);
    expect(decodeSessionMessage(bytes(expected))).toEqual({ ok: true, value: m });
  });

  it("writes timestamps as Unix seconds and nanoseconds from the simulation calendar", () => {
    // Simulated time zero is 2026-01-01T00:00:00Z = 1767225600 s: varint 80 f2 d6 ca 06.
    expect(hex(encodeTimestamp(unixMicrosAt(instant(0))))).toBe("0880f2d6ca06");
    // 1.5 s after the Unix epoch: seconds 1, nanos 500000000 (80 ca b5 ee 01).
    expect(hex(encodeTimestamp(1_500_000))).toBe("08011080cab5ee01");
    expect(instantOfUnixMicros(unixMicrosAt(instant(42)))).toBe(42);
  });

  it("writes a manager node's status with leader as a bool and its reachability", () => {
    const node: NodeObject = {
      ...bareNode,
      managerStatus: { raftId: 1, addr: "", leader: true, reachability: Reachability.reachable },
      role: NodeRoleCode.manager,
    };
    // ... status 2a 00, manager_status 32 06 {raft_id 08 01, leader 18 01, reachability 20 02}, certificate, role 48 01
    expect(hex(encodeNodeObject(node))).toBe("0a016e12020a001a020a002a00320608011801200242021a004801");
  });
});

describe("dispatcher message round trips", () => {
  it("round-trips any node object", () => {
    fc.assert(
      fc.property(arbNode, (node) => {
        expect(decodeNodeObject(encodeNodeObject(node))).toEqual({ ok: true, value: node });
      }),
      { seed: 401, numRuns: propertyRuns(300) },
    );
  });

  it("round-trips any session request and session message", () => {
    fc.assert(
      fc.property(arbDescription, text, (description, sessionId) => {
        expect(decodeSessionRequest(encodeSessionRequest({ description, sessionId }))).toEqual({ ok: true, value: { description, sessionId } });
      }),
      { seed: 402, numRuns: propertyRuns(200) },
    );
    fc.assert(
      fc.property(arbSessionMessage, (m) => {
        expect(decodeSessionMessage(encodeSessionMessage(m))).toEqual({ ok: true, value: m });
      }),
      { seed: 403, numRuns: propertyRuns(200) },
    );
  });

  it("round-trips heartbeat periods, durations and timestamps to the microsecond", () => {
    fc.assert(
      fc.property(micros, text, (us, sessionId) => {
        expect(decodeHeartbeatResponse(encodeHeartbeatResponse({ periodUs: us }))).toEqual({ ok: true, value: { periodUs: us } });
        expect(decodeHeartbeatRequest(encodeHeartbeatRequest({ sessionId }))).toEqual({ ok: true, value: { sessionId } });
        expect(decodeDuration(encodeDuration(us))).toEqual({ ok: true, value: us });
        expect(decodeTimestamp(encodeTimestamp(us))).toEqual({ ok: true, value: us });
      }),
      { seed: 404, numRuns: propertyRuns(500) },
    );
  });

  it("carries a key manager's key as EncryptionKey with algorithm AES_128_GCM = 0", () => {
    const key = { subsystem: subsystemGossip, algorithm: "AES_128_GCM", key: new Uint8Array(16).fill(7), lamportTime: 9 } as const;
    expect(encryptionKeyMessageOf(key)).toEqual({ subsystem: "networking:gossip", algorithm: 0, key: key.key, lamportTime: 9 });
  });

  it("refuses to write what the wire cannot carry, naming the argument", () => {
    expect(() => encodeDuration(-1)).toThrow(/"micros" expected a whole number of microseconds/);
    expect(() => encodeTimestamp(1.5)).toThrow(/"unixMicros"/);
  });
});

describe("dispatcher messages from hostile bytes", () => {
  const decoders = [decodeNodeObject, decodeSessionMessage, decodeSessionRequest, decodeHeartbeatRequest, decodeHeartbeatResponse, decodeDuration, decodeTimestamp];

  it("never throws on random bytes, and gives a reason when it refuses", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => {
        for (const decode of decoders) {
          const d = decode(b);
          if (!d.ok) expect(d.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed: 405, numRuns: propertyRuns(2000) },
    );
  });

  it("never throws on a session message cut short or with a byte changed", () => {
    fc.assert(
      fc.property(arbSessionMessage, fc.nat(), fc.nat(255), (m, at, value) => {
        const full = encodeSessionMessage(m);
        const cut = at % (full.length + 1);
        decodeSessionMessage(full.subarray(0, cut));
        const changed = full.slice();
        if (changed.length > 0) changed[at % changed.length] = value;
        decodeSessionMessage(changed);
      }),
      { seed: 406, numRuns: propertyRuns(500) },
    );
  });

  it("keeps reading past fields it does not model", () => {
    const node = { ...bareNode, role: NodeRoleCode.manager };
    // Node.vxlanUDPPort = 11 and attachments = 10, which are not modelled, appended.
    const extra = new ProtoWriter().message(10, Uint8Array.of(0x0a, 0x00)).uint(11, 4789).finish();
    const withExtra = Uint8Array.from([...encodeNodeObject(node), ...extra]);
    expect(decodeNodeObject(withExtra)).toEqual({ ok: true, value: node });
  });

  it("says where a nested field is malformed", () => {
    const badHostname = new ProtoWriter().message(1, new ProtoWriter().bytes(1, Uint8Array.of(0xff)).finish()).finish();
    expect(decodeSessionRequest(badHostname)).toEqual({ ok: false, reason: "description: field 1: not UTF-8" });
    const badState = new ProtoWriter().message(8, new ProtoWriter().message(3, Uint8Array.of(0x08)).finish()).finish();
    expect(decodeNodeObject(badState)).toEqual({ ok: false, reason: "certificate: status: field 1: truncated or oversized varint" });
    expect(decodeHeartbeatResponse(bytes("0a06 1080 94eb dc03".replace(/ /g, "")))).toEqual({ ok: false, reason: "period: nanos 1000000000 out of range" });
  });

  it("reads Go's nanosecond timestamps to the microsecond, dropping the rest", () => {
    expect(decodeTimestamp(new ProtoWriter().uint(1, 2).uint(2, 1_999).finish())).toEqual({ ok: true, value: 2_000_001 });
  });

  it("keeps enum values it does not know, as proto3 does", () => {
    const node = { ...bareNode, status: { state: 9, message: "", addr: "" }, certificate: { ...bareNode.certificate, state: IssuanceState.rotate } };
    expect(decodeNodeObject(encodeNodeObject(node))).toEqual({ ok: true, value: node });
    expect(NodeStatusState.ready).toBe(2);
  });
});
