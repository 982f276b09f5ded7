import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NodeObject } from "../../src/control/dispatcher-messages.js";
import { ProtoWriter } from "../../src/encoding/index.js";
import {
  type ClusterObject,
  type InternalRaftRequest,
  type NetworkObject,
  type StoreActionMessage,
  StoreActionKind,
  StoreObjectField,
  decodeClusterObject,
  decodeInternalRaftRequest,
  decodeNetworkObject,
  decodeStoreAction,
  encodeClusterObject,
  encodeInternalRaftRequest,
  encodeNetworkObject,
  encodeStoreAction,
} from "../../src/control/store-actions.js";
import { propertyRuns } from "../support/properties.js";
import { fromHex as bytes, toHex as hex } from "../support/bytes.js";

const text = fc.string({ unit: "binary", maxLength: 12 });
const blob = fc.uint8Array({ maxLength: 24 });
const u64 = fc.maxSafeNat();

const arbNode: fc.Arbitrary<NodeObject> = fc.record(
  {
    id: text,
    meta: fc.record({ version: u64, createdAt: u64 }, { requiredKeys: ["version"] }),
    spec: fc.record({ annotations: fc.record({ name: text }), desiredRole: fc.nat(1), membership: fc.nat(1), availability: fc.nat(2) }),
    status: fc.record({ state: fc.nat(3), message: text, addr: text }),
    managerStatus: fc.record({ raftId: u64, addr: text, leader: fc.boolean(), reachability: fc.nat(2) }),
    certificate: fc.record({ role: fc.nat(1), csr: blob, state: fc.nat(5), err: text, certificate: blob, cn: text }),
    role: fc.nat(1),
  },
  { requiredKeys: ["id", "meta", "spec", "status", "certificate", "role"] },
);

const arbBlacklist = fc
  .uniqueArray(fc.tuple(text, fc.record({ expiry: u64 }, { requiredKeys: [] })), { selector: ([cn]) => cn, maxLength: 4 })
  .map((entries) => new Map(entries));

const arbCluster: fc.Arbitrary<ClusterObject> = fc.record({
  id: text,
  meta: fc.record({ version: u64, createdAt: u64, updatedAt: u64 }, { requiredKeys: ["version"] }),
  spec: fc.record({
    annotations: fc.record({ name: text }),
    dispatcher: fc.record({ heartbeatPeriodUs: u64 }, { requiredKeys: [] }),
    caConfig: fc.record({ nodeCertExpiryUs: u64, forceRotate: u64 }, { requiredKeys: ["forceRotate"] }),
    encryptionConfig: fc.record({ autoLockManagers: fc.boolean() }),
  }),
  rootCa: fc.record(
    {
      caKey: blob,
      caCert: blob,
      caCertHash: text,
      joinTokens: fc.record({ worker: text, manager: text }),
      rootRotation: fc.record({ caCert: blob, caKey: blob, crossSignedCaCert: blob }),
      lastForcedRotation: u64,
    },
    { requiredKeys: ["caKey", "caCert", "caCertHash", "joinTokens", "lastForcedRotation"] },
  ),
  networkBootstrapKeys: fc.array(fc.record({ subsystem: text, algorithm: fc.nat(1), key: blob, lamportTime: u64 }), { maxLength: 6 }),
  encryptionKeyLamportClock: u64,
  blacklistedCertificates: arbBlacklist,
});

const arbStringMap = fc.uniqueArray(fc.tuple(text, text), { selector: ([k]) => k, maxLength: 3 }).map((entries) => new Map(entries));
const arbDriver = fc.record({ name: text, options: arbStringMap });
const arbIpam = fc.record({ driver: arbDriver, configs: fc.array(fc.record({ subnet: text, gateway: text }), { maxLength: 2 }) });

const arbNetwork: fc.Arbitrary<NetworkObject> = fc.record({
  id: text,
  meta: fc.record({ version: u64, createdAt: u64 }, { requiredKeys: ["version"] }),
  spec: fc.record({
    annotations: fc.record({ name: text, labels: arbStringMap }),
    driverConfig: arbDriver,
    ipv6Enabled: fc.boolean(),
    internal: fc.boolean(),
    ipam: arbIpam,
    attachable: fc.boolean(),
    ingress: fc.boolean(),
  }),
  driverState: arbDriver,
  ipam: arbIpam,
});

const arbAction: fc.Arbitrary<StoreActionMessage> = fc.record({
  kind: fc.constantFrom("create", "update", "remove"),
  target: fc.oneof(
    arbNode.map((node) => ({ node })),
    arbCluster.map((cluster) => ({ cluster })),
    arbNetwork.map((network) => ({ network })),
    fc.record({ opaque: fc.record({ type: fc.constantFrom("service", "task", "secret", "config", "volume"), bytes: blob }) }),
  ),
});

const arbRequest: fc.Arbitrary<InternalRaftRequest> = fc.record({ id: u64, actions: fc.array(arbAction, { maxLength: 4 }) });

/** The smallest node, every field at its proto3 default (encoded in dispatcher-messages.test.ts by hand). */
const bareNode: NodeObject = {
  id: "n",
  meta: { version: 0 },
  spec: { annotations: { name: "" }, desiredRole: 0, membership: 0, availability: 0 },
  status: { state: 0, message: "", addr: "" },
  certificate: { role: 0, csr: new Uint8Array(0), state: 0, err: "", certificate: new Uint8Array(0), cn: "" },
  role: 0,
};
const bareNodeHex = "0a016e 1202 0a00 1a02 0a00 2a00 4202 1a00";

const defaultCluster: ClusterObject = {
  id: "c",
  meta: { version: 0 },
  spec: {
    annotations: { name: "default" },
    dispatcher: { heartbeatPeriodUs: 5_000_000 },
    caConfig: { nodeCertExpiryUs: 90 * 86_400_000_000, forceRotate: 0 },
    encryptionConfig: { autoLockManagers: false },
  },
  rootCa: { caKey: new Uint8Array(0), caCert: new Uint8Array(0), caCertHash: "", joinTokens: { worker: "w", manager: "m" }, lastForcedRotation: 0 },
  networkBootstrapKeys: [],
  encryptionKeyLamportClock: 0,
  blacklistedCertificates: new Map([["n", { expiry: 1_500_000 }]]),
};

describe("raft log entry bytes, checked by hand", () => {
  it("writes an InternalRaftRequest that creates a node", () => {
    const request: InternalRaftRequest = { id: 7, actions: [{ kind: "create", target: { node: bareNode } }] };
    // id 08 07; action 12 15 {action 08 01 (STORE_ACTION_CREATE), node 12 11 {...}}
    const expected = `0807 1215 0801 1211 ${bareNodeHex}`.replace(/ /g, "");
    expect(hex(encodeInternalRaftRequest(request))).toBe(expected);
    expect(decodeInternalRaftRequest(bytes(expected))).toEqual({ ok: true, value: request });
  });

  it("writes a StoreAction that removes a node with its kind and the node in field 2", () => {
    const expected = `0803 1211 ${bareNodeHex}`.replace(/ /g, "");
    expect(hex(encodeStoreAction({ kind: "remove", target: { node: bareNode } }))).toBe(expected);
  });

  it("writes the default cluster, with every non-nullable spec part present", () => {
    const expected = [
      "0a0163", // id "c"
      "12020a00", // meta {version {}}
      // spec (1a 24): annotations {name "default"}; acceptance_policy, orchestration, raft empty;
      // dispatcher {heartbeat_period {seconds 5}}; ca_config {node_cert_expiry {seconds 7776000 = 80 ce da 03}};
      // task_defaults, encryption_config empty
      "1a24 0a09 0a07 64656661756c74 1200 1a00 2200 2a04 0a02 0805 3207 0a05 0880ceda03 3a00 4200",
      "2208 2206 0a0177 12016d", // root_ca {join_tokens {worker "w", manager "m"}}
      // blacklisted_certificates entry (42 0f): key "n", value {expiry {seconds 1, nanos 500000000}}
      "420f 0a016e 120a 0a08 08011080cab5ee01",
    ]
      .join("")
      .replace(/ /g, "");
    expect(hex(encodeClusterObject(defaultCluster))).toBe(expected);
    expect(decodeClusterObject(bytes(expected))).toEqual({ ok: true, value: defaultCluster });
  });

  it("numbers the kinds and targets as raft.proto does", () => {
    expect(StoreActionKind).toEqual({ unknown: 0, create: 1, update: 2, remove: 3 });
    expect(StoreObjectField.cluster).toBe(6);
    expect(StoreObjectField.network).toBe(5);
    expect(hex(encodeStoreAction({ kind: "update", target: { opaque: { type: "service", bytes: Uint8Array.of(0x0a, 0x01, 0x78) } } }))).toBe("08021a030a0178");
  });
});

describe("raft log entry round trips", () => {
  it("round-trips any cluster object", () => {
    fc.assert(
      fc.property(arbCluster, (cluster) => {
        expect(decodeClusterObject(encodeClusterObject(cluster))).toEqual({ ok: true, value: cluster });
      }),
      { seed: 501, numRuns: propertyRuns(300) },
    );
  });

  it("round-trips any network object", () => {
    fc.assert(
      fc.property(arbNetwork, (network) => {
        expect(decodeNetworkObject(encodeNetworkObject(network))).toEqual({ ok: true, value: network });
      }),
      { seed: 504, numRuns: propertyRuns(300) },
    );
  });

  it("writes a network's maps in key order with empty values kept, as gogoproto does", () => {
    const driver = { name: "overlay", options: new Map([["encrypted", ""], ["a", "b"]]) };
    const network: NetworkObject = {
      id: "n",
      meta: { version: 0 },
      spec: { annotations: { name: "x", labels: new Map() }, driverConfig: driver, ipv6Enabled: false, internal: false, ipam: { driver: { name: "", options: new Map() }, configs: [] }, attachable: false, ingress: false },
      driverState: { name: "", options: new Map() },
      ipam: { driver: { name: "", options: new Map() }, configs: [] },
    };
    // Driver { name = 1 "overlay"; options = 2 {key "a", value "b"}; options = 2 {key "encrypted", value ""} }
    expect(hex(encodeNetworkObject(network))).toContain("0a076f7665726c617912060a0161120162120d0a09656e637279707465641200");
  });

  it("round-trips any InternalRaftRequest of node, cluster, network and opaque actions", () => {
    fc.assert(
      fc.property(arbRequest, (request) => {
        expect(decodeInternalRaftRequest(encodeInternalRaftRequest(request))).toEqual({ ok: true, value: request });
      }),
      { seed: 502, numRuns: propertyRuns(200) },
    );
  });

  it("writes the removed-node map in key order, whatever order it was filled in", () => {
    fc.assert(
      fc.property(arbBlacklist, (blacklist) => {
        const reversed = new Map([...blacklist].reverse());
        const a = encodeClusterObject({ ...defaultCluster, blacklistedCertificates: blacklist });
        const b = encodeClusterObject({ ...defaultCluster, blacklistedCertificates: reversed });
        expect(hex(a)).toBe(hex(b));
      }),
      { seed: 503, numRuns: propertyRuns(200) },
    );
  });
});

describe("raft log entries from hostile bytes", () => {
  it("never throws on random bytes, and gives a reason when it refuses", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 128 }), (b) => {
        for (const decode of [decodeInternalRaftRequest, decodeStoreAction, decodeClusterObject]) {
          const d = decode(b);
          if (!d.ok) expect(d.reason.length).toBeGreaterThan(0);
        }
      }),
      { seed: 504, numRuns: propertyRuns(2000) },
    );
  });

  it("never throws on an entry cut short or with a byte changed", () => {
    fc.assert(
      fc.property(arbRequest, fc.nat(), fc.nat(255), (request, at, value) => {
        const full = encodeInternalRaftRequest(request);
        decodeInternalRaftRequest(full.subarray(0, at % (full.length + 1)));
        const changed = full.slice();
        if (changed.length > 0) changed[at % changed.length] = value;
        decodeInternalRaftRequest(changed);
      }),
      { seed: 505, numRuns: propertyRuns(500) },
    );
  });

  it("refuses actions swarmkit's store would not apply", () => {
    const node = new ProtoWriter().string(1, "n").finish();
    const noKind = new ProtoWriter().message(2, node).finish();
    expect(decodeStoreAction(noKind)).toEqual({ ok: false, reason: "store action kind 0 is not create, update or remove" });
    const noTarget = new ProtoWriter().uint(1, 1).finish();
    expect(decodeStoreAction(noTarget)).toEqual({ ok: false, reason: "store action without a target" });
    const twoTargets = new ProtoWriter().uint(1, 1).message(2, node).message(6, node).finish();
    expect(decodeStoreAction(twoTargets)).toEqual({ ok: false, reason: "store action with 2 targets" });
    const inRequest = new ProtoWriter().uint(1, 1).message(2, noTarget).finish();
    expect(decodeInternalRaftRequest(inRequest)).toEqual({ ok: false, reason: "action: store action without a target" });
  });

  it("keeps reading past cluster fields it does not model, and lets a repeated map key keep its last value", () => {
    const extra = new ProtoWriter()
      .message(9, new ProtoWriter().string(1, "manager").finish()) // unlock_keys
      .uint(10, 1) // fips
      .uint(13, 4789) // vxlanUDPPort
      .message(8, new ProtoWriter().string(1, "n").message(2, new Uint8Array(0)).finish()) // "n" again, no expiry
      .finish();
    const decoded = decodeClusterObject(Uint8Array.from([...encodeClusterObject(defaultCluster), ...extra]));
    expect(decoded).toEqual({ ok: true, value: { ...defaultCluster, blacklistedCertificates: new Map([["n", {}]]) } });
  });
});
