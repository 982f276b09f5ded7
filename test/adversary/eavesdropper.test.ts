/**
 * The eavesdropper on the underlay: what it keeps, and where it finds
 * plaintext. On an encrypted overlay the nginx page never crosses in clear;
 * on a plain one it crosses in VXLAN, with the packets to show for it.
 */
import { describe, expect, it } from "vitest";
import { Eavesdropper, findPlaintext, secretLabel } from "../../src/adversary/index.js";
import { Fabric, wirePathOf } from "../../src/net/index.js";
import { Simulation, ms } from "../../src/sim/index.js";
import { attackWorld, servePage } from "./world.js";

const text = new TextEncoder();

function twoHosts() {
  const sim = new Simulation({ seed: 3 });
  const fabric = new Fabric(sim);
  const a = fabric.addHost("a");
  const b = fabric.addHost("b");
  b.udp.bind(7946, () => {});
  return { sim, fabric, a, b };
}

describe("Eavesdropper", () => {
  it("keeps every packet put on the wire from its creation: time, hosts, path and its own copy of the bytes", () => {
    const { sim, fabric, a } = twoHosts();
    a.udp.send(7946, "10.0.0.2", 7946, text.encode("before"));
    sim.scheduler.run({ until: ms(5) as never });
    const eve = new Eavesdropper(fabric);
    a.udp.send(7946, "10.0.0.2", 7946, text.encode("after"));
    a.udp.send(40000, "10.0.0.9", 53, text.encode("nowhere"));
    sim.scheduler.run({ until: ms(10) as never });
    expect(eve.packets.map((p) => [p.index, p.at, p.src, p.dst, p.path])).toEqual([
      [0, ms(5), "a", "b", "gossip"],
      [1, ms(5), "a", "10.0.0.9", "other"],
    ]);
    expect(eve.count()).toBe(2);
    expect(eve.count("gossip")).toBe(1);
    expect(eve.count("esp")).toBe(0);
    expect(wirePathOf(eve.packets[0]!.bytes)).toBe("gossip");
    expect(eve.findPlaintext(["before", "after"]).findings.map((f) => f.total)).toEqual([0, 1]);
    eve.stop();
    a.udp.send(7946, "10.0.0.2", 7946, text.encode("stopped"));
    expect(eve.count()).toBe(2);
  });

  it("keeps at most `limit` packets and counts the rest as missed", () => {
    const { fabric, a } = twoHosts();
    const eve = new Eavesdropper(fabric, { limit: 2 });
    for (let i = 0; i < 5; i++) a.udp.send(7946, "10.0.0.2", 7946, text.encode(`n${i}`));
    expect([eve.count(), eve.missed]).toEqual([2, 3]);
    expect(() => new Eavesdropper(fabric, { limit: -1 })).toThrow(/"limit" expected a whole number >= 0, got -1/);
  });

  it("never finds the nginx page or the request in clear on an encrypted overlay: ESP, gossip and control are all ciphertext", () => {
    const w = attackWorld();
    servePage(w, true);
    const verdict = w.eve.findPlaintext(["Welcome to nginx!", "GET / HTTP/1.1"]);
    expect(verdict.ok).toBe(true);
    expect(verdict.leakyPaths).toEqual([]);
    expect(verdict.findings.map((f) => [f.secret, f.total, f.evidence])).toEqual([
      ["Welcome to nginx!", 0, []],
      ["GET / HTTP/1.1", 0, []],
    ]);
    for (const path of ["esp", "gossip", "control"] as const) expect(verdict.searched[path], path).toBeGreaterThan(0);
    expect(verdict.searched.vxlan).toBe(0);
  });

  it("no network key crosses the wire in clear: the session messages carry them inside TLS", () => {
    const w = attackWorld();
    servePage(w, true);
    const keys = w.cluster.node("w1").keys!;
    const secrets = [...keys.gossipRing, ...keys.ipsecKeys.keys.map((k) => k.key)];
    expect(secrets).toHaveLength(6);
    const verdict = w.eve.findPlaintext(secrets);
    expect(verdict.ok).toBe(true);
    expect(verdict.findings[0]!.secret).toBe(secretLabel(secrets[0]!));
    expect(verdict.findings[0]!.secret).toMatch(/^0x[0-9a-f]{32}$/);
  });

  it("finds the page in clear in VXLAN on a plain overlay, with the packets as evidence", () => {
    const w = attackWorld();
    const client = servePage(w, false);
    const verdict = w.eve.findPlaintext(["Welcome to nginx!", "GET / HTTP/1.1"], { evidence: 2 });
    expect(verdict.ok).toBe(false);
    expect(verdict.leakyPaths).toEqual(["vxlan"]);
    const [page, request] = verdict.findings;
    expect(page!.packets).toMatchObject({ esp: 0, gossip: 0, control: 0, other: 0 });
    expect(page!.packets.vxlan).toBeGreaterThan(0);
    expect(page!.evidence).toHaveLength(Math.min(2, page!.total));
    const hit = page!.evidence[0]!;
    expect(hit).toMatchObject({ path: "vxlan", dst: client });
    const packet = w.eve.packets[hit.packet]!;
    expect(new TextDecoder().decode(packet.bytes.subarray(hit.offset, hit.offset + 17))).toBe("Welcome to nginx!");
    expect(hit.at).toBe(packet.at);
    expect(request!.evidence[0]).toMatchObject({ path: "vxlan", src: client });
    // Searching only the encrypted paths, the same capture holds no plaintext.
    expect(w.eve.findPlaintext(["Welcome to nginx!"], { paths: ["esp", "gossip", "control"] }).ok).toBe(true);
  });

  it("refuses an empty secret, an unknown path and a negative evidence count, naming the argument", () => {
    expect(() => findPlaintext([], ["ok", ""])).toThrow(/"secrets\[1\]" expected a non-empty string or Uint8Array, got length=0/);
    expect(() => findPlaintext([], ["ok"], { paths: ["tls" as never] })).toThrow(/"paths" expected some of esp, vxlan, gossip, control, other, got "tls"/);
    expect(() => findPlaintext([], ["ok"], { evidence: -1 })).toThrow(/"evidence" expected a whole number >= 0, got -1/);
  });
});
