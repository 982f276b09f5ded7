/**
 * One node's SA database against moby's encryption.go: what setupEncryption,
 * removeEncryption, setKeys and updateKeys program into the kernel, in
 * which order, and what the node can seal and open at every step.
 */
import { describe, expect, it } from "vitest";
import { IpProtocol } from "../../src/net/index.js";
import { type OverlayKey, type SaStep, SaDatabase, spiPair } from "../../src/overlay/index.js";
import { ivSalts, noble, overlayKey } from "./helpers.js";

const A = "10.0.0.1";
const B = "10.0.0.2";
const C = "10.0.0.3";
// Four consecutive keys as the key manager makes them; Docker's primary is the middle one.
const [k1, k2, k3, k4, k5] = [0x8181, 0x8182, 0x8183, 0x8184, 0x8185].map(overlayKey) as [OverlayKey, OverlayKey, OverlayKey, OverlayKey, OverlayKey];
/** agent.go getKeys: sorted by tag, the first two swapped, so the primary (middle) comes first. */
const initialKeys = [k2, k1, k3];

function database(localIp: string, seed = 1, replayWindow?: number): SaDatabase {
  return new SaDatabase({ localIp, ivSalts: ivSalts(seed, localIp), ...(replayWindow === undefined ? {} : { replayWindow }) });
}

/** The node's kernel state towards `remote` in words: its SAs by direction and key tag, and the policy's key. */
function kernelState(db: SaDatabase, remote: string): string[] {
  const sas = db
    .associations()
    .filter((sa) => sa.remote === remote)
    .map((sa) => `${sa.direction} ${sa.keyTag.toString(16)}`);
  const policy = db.outboundSa(remote);
  return [...sas, ...(policy === undefined ? [] : [`policy ${policy.keyTag.toString(16)}`])].sort();
}

/** Replays `steps` over a state in words, one state per step: the kernel as each operation leaves it. */
function statesAlong(before: string[], steps: readonly SaStep[]): string[][] {
  let state = new Set(before);
  return steps.map((step) => {
    state = new Set(state);
    if (step.op === "add-sa") state.add(`${step.direction} ${step.keyTag.toString(16)}`);
    if (step.op === "remove-sa") state.delete(`${step.direction} ${step.keyTag.toString(16)}`);
    if (step.op === "add-policy" || step.op === "update-policy" || step.op === "remove-policy") {
      for (const s of [...state]) if (s.startsWith("policy ")) state.delete(s);
      if (step.op !== "remove-policy") state.add(`policy ${step.keyTag.toString(16)}`);
    }
    return [...state].sort();
  });
}

function describeSteps(steps: readonly SaStep[]): string[] {
  return steps.map((s) => ("direction" in s ? `${s.op} ${s.direction} ${s.keyTag.toString(16)}` : `${s.op} ${s.keyTag.toString(16)}`));
}

describe("setting up a tunnel (encryption.go setupEncryption)", () => {
  it("programs 3 inbound SAs, 1 outbound SA with the primary key, and the policy", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    const r = db.setupEncryption(B);
    expect(r.ok).toBe(true);
    expect(describeSteps(r.steps)).toEqual([
      "add-sa in 8182",
      "add-sa out 8182",
      "add-policy 8182",
      "add-sa in 8181",
      "add-sa in 8183",
    ]);
    expect(kernelState(db, B)).toEqual(["in 8181", "in 8182", "in 8183", "out 8182", "policy 8182"]);
    const pair = spiPair(A, B, k2.tag);
    expect(db.policySpi(B)).toBe(pair.forward);
    expect(db.inboundSa(pair.reverse)?.keyTag).toBe(k2.tag);
  });

  it("shares the tunnel between networks: a second setup programs nothing and counts a reference", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    db.seal(B, new Uint8Array(10), IpProtocol.udp, noble);
    expect(db.setupEncryption(B)).toEqual({ ok: true, steps: [] });
    expect(db.refCount(B)).toBe(2);
    expect(db.outboundSa(B)?.sequenceReport().sent).toBe(1); // the SA was kept, not remade
  });

  it("removes the SAs only with the last reference, in Docker's order", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    db.setupEncryption(B);
    expect(db.removeEncryption(B)).toEqual({ ok: true, steps: [] });
    expect(db.refCount(B)).toBe(1);
    const last = db.removeEncryption(B);
    expect(describeSteps(last.steps)).toEqual(["remove-sa in 8182", "remove-sa out 8182", "remove-policy 8182", "remove-sa in 8181", "remove-sa in 8183"]);
    expect(db.associations()).toEqual([]);
    expect(db.remotes()).toEqual([]);
  });

  it("reproduces Go's count for a peer removed before it was set up: it goes negative and the SAs then stay", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    expect(db.removeEncryption(B)).toEqual({ ok: true, steps: [] });
    expect(db.refCount(B)).toBe(-1);
    db.setupEncryption(B);
    expect(db.refCount(B)).toBe(0);
    expect(db.removeEncryption(B).steps).toEqual([]);
    expect(kernelState(db, B)).toHaveLength(5);
  });

  it("refuses without keys, with the driver's error", () => {
    expect(database(A).setupEncryption(B)).toEqual({ ok: false, reason: "no-keys", message: "encryption key is not present", steps: [] });
  });

  it("refuses a bad address or this node itself as a peer", () => {
    const db = database(A);
    expect(() => db.setupEncryption("10.0.0")).toThrow(/"remote" "10.0.0" is not an IPv4 address/);
    expect(() => db.setupEncryption(A)).toThrow(/"remote" expected another host/);
    expect(() => database("x")).toThrow(/"localIp"/);
    expect(() => database(A, 1, 5000)).toThrow(/"replayWindow" expected a whole number from 0 to 4096, got 5000/);
  });

  it("clears everything on new first keys (setKeys: policies first, then SAs)", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    const r = db.setKeys([k3, k2, k4]);
    expect(describeSteps(r.steps)).toEqual(["remove-policy 8182", "remove-sa in 8182", "remove-sa out 8182", "remove-sa in 8181", "remove-sa in 8183"]);
    expect(db.remotes()).toEqual([]);
    expect(db.keys()).toEqual([k3, k2, k4]);
  });
});

describe("key rotation (encryption.go updateKeys, updateNodeKey)", () => {
  // The key manager drops k1, adds k4; the new middle key k3 becomes primary.
  const rotation = { newKey: k4, primary: k3, prune: k1 };

  it("runs −inbound(old), +inbound(new), +outbound(new primary), the policy switch, −outbound(old primary)", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    const r = db.updateKeys(rotation);
    expect(r.ok).toBe(true);
    expect(describeSteps(r.steps)).toEqual(["remove-sa in 8181", "add-sa in 8184", "add-sa out 8183", "update-policy 8183", "remove-sa out 8182"]);
    const pairs = { k1: spiPair(A, B, k1.tag), k2: spiPair(A, B, k2.tag), k3: spiPair(A, B, k3.tag), k4: spiPair(A, B, k4.tag) };
    expect(r.steps.map((s) => s.spi)).toEqual([pairs.k1.reverse, pairs.k4.reverse, pairs.k3.forward, pairs.k3.forward, pairs.k2.forward]);
  });

  it("passes through exactly Docker's intermediate SA sets", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    const before = kernelState(db, B);
    expect(before).toEqual(["in 8181", "in 8182", "in 8183", "out 8182", "policy 8182"]);
    const r = db.updateKeys(rotation);
    expect(statesAlong(before, r.steps)).toEqual([
      ["in 8182", "in 8183", "out 8182", "policy 8182"],
      ["in 8182", "in 8183", "in 8184", "out 8182", "policy 8182"],
      ["in 8182", "in 8183", "in 8184", "out 8182", "out 8183", "policy 8182"],
      ["in 8182", "in 8183", "in 8184", "out 8182", "out 8183", "policy 8183"],
      ["in 8182", "in 8183", "in 8184", "out 8183", "policy 8183"],
    ]);
    expect(kernelState(db, B)).toEqual(["in 8182", "in 8183", "in 8184", "out 8183", "policy 8183"]);
  });

  it("leaves the keys primary first, and the same SAs a fresh setup with those keys makes", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    db.updateKeys(rotation);
    expect(db.keys()).toEqual([k3, k2, k4]);
    const fresh = database(A);
    fresh.setKeys(db.keys());
    fresh.setupEncryption(B);
    const ids = (d: SaDatabase) => d.associations().map((sa) => `${sa.direction}/${sa.spi}`).sort();
    expect(ids(db)).toEqual(ids(fresh));
    expect(db.policySpi(B)).toBe(fresh.policySpi(B));
  });

  it("keeps rotating: a second rotation prunes k2 and makes k4 primary", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    db.updateKeys(rotation);
    const r = db.updateKeys({ newKey: k5, primary: k4, prune: k2 });
    expect(describeSteps(r.steps)).toEqual(["remove-sa in 8182", "add-sa in 8185", "add-sa out 8184", "update-policy 8184", "remove-sa out 8183"]);
    expect(db.keys()).toEqual([k4, k3, k5]);
  });

  it("updates every peer, walking them by address where Go walks its map at random", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    for (const peer of [C, B]) db.setupEncryption(peer);
    const r = db.updateKeys(rotation);
    expect(r.steps.map((s) => s.remote)).toEqual([B, B, B, B, B, C, C, C, C, C]);
  });

  it("starts the new outbound SA's sequence numbers at 1: rotation restores the headroom", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    db.outboundSa(B)!.consumeSequence(4_000_000_000);
    db.updateKeys(rotation);
    expect(db.sequenceReports()).toEqual([expect.objectContaining({ remote: B, sent: 0, headroom: 0xffffffff })]);
    const sealed = db.seal(B, new Uint8Array(4), IpProtocol.udp, noble);
    expect(sealed.ok && sealed.seq).toBe(1);
  });

  it("refuses key indices it cannot find, keeping a new key it already appended, as Go does", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    const r = db.updateKeys({ newKey: k4, primary: k5, prune: k1 });
    expect(r).toEqual({
      ok: false,
      reason: "key-not-found",
      message: "cannot find proper key indices while processing key update:(newIdx,priIdx,delIdx):(3, -1, 1)",
      steps: [],
    });
    expect(db.keys()).toEqual([k2, k1, k3, k4]);
    expect(kernelState(db, B)).toEqual(["in 8181", "in 8182", "in 8183", "out 8182", "policy 8182"]);
  });

  it("refuses making a key primary and pruning it at once", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    expect(db.updateKeys({ primary: k3, prune: k3 })).toMatchObject({
      ok: false,
      reason: "primary-pruned",
      message: "attempting to both make a key (index 2) primary and delete it",
    });
  });

  it("refuses pruning the primary with no new primary, where dockerd would panic", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    expect(db.updateKeys({ prune: k2 })).toMatchObject({ ok: false, reason: "prune-without-primary" });
    expect(db.keys()).toEqual(initialKeys);
    expect(kernelState(db, B)).toHaveLength(5);
  });

  it("makes an existing key primary without a new key or a pruned one", () => {
    const db = database(A);
    db.setKeys(initialKeys);
    db.setupEncryption(B);
    const r = db.updateKeys({ primary: k3 });
    expect(describeSteps(r.steps)).toEqual(["add-sa out 8183", "update-policy 8183", "remove-sa out 8182"]);
    expect(db.keys()).toEqual([k3, k1, k2]);
    expect(db.updateKeys({ primary: k3 }).steps).toEqual([]); // already primary: priIdx 0, nothing to do
  });
});

describe("traffic through the tunnel", () => {
  function pair(replayWindow?: number): [SaDatabase, SaDatabase] {
    const a = database(A, 1, replayWindow);
    const b = database(B, 1, replayWindow);
    for (const [db, peer] of [[a, B], [b, A]] as const) {
      db.setKeys(initialKeys);
      db.setupEncryption(peer);
    }
    return [a, b];
  }
  const payload = new TextEncoder().encode("vxlan datagram");

  it("opens on the peer what was sealed for it", () => {
    const [a, b] = pair();
    for (const [from, to, peer] of [[a, b, B], [b, a, A]] as const) {
      const sealed = from.seal(peer, payload, IpProtocol.udp, noble);
      expect(sealed.ok).toBe(true);
      if (!sealed.ok) continue;
      expect(sealed.spi).toBe(spiPair(from.localIp, peer, k2.tag).forward);
      const opened = to.open(sealed.packet, noble);
      expect(opened.ok && new TextDecoder().decode(opened.value.payload)).toBe("vxlan datagram");
    }
  });

  it("loses nothing while the two ends rotate minutes apart", () => {
    const [a, b] = pair();
    const inFlight = a.seal(B, payload, IpProtocol.udp, noble); // sealed with k2 before anyone rotates
    a.updateKeys({ newKey: k4, primary: k3, prune: k1 }); // a rotated, b not yet
    for (const [from, to, peer] of [[a, b, B], [b, a, A]] as const) {
      const sealed = from.seal(peer, payload, IpProtocol.udp, noble);
      expect(sealed.ok && to.open(sealed.packet, noble).ok).toBe(true);
    }
    b.updateKeys({ newKey: k4, primary: k3, prune: k1 });
    expect(inFlight.ok && b.open(inFlight.packet, noble).ok).toBe(true); // k2 is still installed inbound
    for (const [from, to, peer] of [[a, b, B], [b, a, A]] as const) {
      const sealed = from.seal(peer, payload, IpProtocol.udp, noble);
      expect(sealed.ok && sealed.spi).toBe(spiPair(from.localIp, peer, k3.tag).forward);
      expect(sealed.ok && to.open(sealed.packet, noble).ok).toBe(true);
    }
  });

  it("accepts a replayed packet with Docker's settings, and refuses it with a 64-packet window", () => {
    for (const [window, secondTime] of [[undefined, true], [64, false]] as const) {
      const [a, b] = pair(window);
      const sealed = a.seal(B, payload, IpProtocol.udp, noble);
      if (!sealed.ok) throw new Error(sealed.message);
      expect(b.open(sealed.packet, noble).ok).toBe(true);
      expect(b.open(sealed.packet, noble).ok).toBe(secondTime);
    }
  });

  it("drops a packet whose SA is gone: after the peer's tunnel is removed", () => {
    const [a, b] = pair();
    const sealed = a.seal(B, payload, IpProtocol.udp, noble);
    b.removeEncryption(A);
    expect(sealed.ok && b.open(sealed.packet, noble)).toMatchObject({ ok: false, reason: "unknown-spi" });
  });

  it("has nothing to seal with towards a host without a tunnel", () => {
    const [a] = pair();
    expect(a.seal(C, payload, IpProtocol.udp, noble)).toEqual({
      ok: false,
      reason: "no-policy",
      message: "no IPsec policy towards 10.0.0.3: Linux would send this in cleartext",
    });
  });

  it("stops sending when the outbound SA's sequence numbers run out", () => {
    const [a] = pair();
    a.outboundSa(B)!.consumeSequence(0xffffffff);
    expect(a.seal(B, payload, IpProtocol.udp, noble)).toMatchObject({ ok: false, reason: "seq-exhausted" });
    expect(a.sequenceReports()).toEqual([expect.objectContaining({ exhausted: true, headroom: 0 })]);
  });

  it("gives the same bytes for the same seed", () => {
    const seal = () => {
      const [a] = pair();
      const r = a.seal(B, payload, IpProtocol.udp, noble);
      return r.ok ? r.packet : undefined;
    };
    expect(seal()).toEqual(seal());
  });
});
