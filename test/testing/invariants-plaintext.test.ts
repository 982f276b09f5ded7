import { describe, expect, it } from "vitest";
import { type CapturedPacket, loadScenario } from "../../src/index.js";
import { type FinishedRun, invariants, runForTesting } from "../../src/testing/index.js";

const page = "Welcome to nginx!";

/** nginx on one node and curl on another, over an attachable overlay network. */
function overlayRun(options: { encrypted: boolean; os: "linux" | "windows" }): FinishedRun {
  const text = `
name: plaintext-${options.encrypted ? "encrypted" : "plain"}-${options.os}
seed: 5
cluster:
  rsaBits: 1024
  nodes:
    - {name: manager-1, role: manager}
    - {name: node-a, role: worker, os: ${options.os}}
    - {name: node-b, role: worker, os: ${options.os}}
steps:
  - docker network create --driver overlay --attachable ${options.encrypted ? "--opt encrypted " : ""}net
  - {run: docker run -d --name web --network net nginx, on: node-a}
  - wait: 10s
  - {run: docker run --network net radial/busyboxplus:curl curl -s -m 5 web, on: node-b, expect: {stdout-contains: "${page}"}}
`;
  const run = runForTesting(loadScenario(text, "plaintext.yaml"));
  expect(run.report.ok).toBe(true);
  return run;
}

const encrypted = overlayRun({ encrypted: true, os: "linux" });

describe("invariants.noPlaintextLeak", () => {
  it("finds neither the page nor any network key in clear when the overlay is encrypted", () => {
    const verdict = invariants.noPlaintextLeak(encrypted, [page, "GET / HTTP/1.1"]);
    expect(verdict).toMatchObject({ ok: true, info: { secrets: 2, networkKeys: 6, clear: [] } });
  });

  it("reports where a plain overlay carries the page in clear, as information and not as a leak", () => {
    const verdict = invariants.noPlaintextLeak(overlayRun({ encrypted: false, os: "linux" }), [page]);
    expect(verdict.ok).toBe(true);
    const clear = (verdict.ok ? verdict.info?.["clear"] : []) as Array<{ secret: string; packets: Record<string, number>; first: Array<{ path: string; src: string }> }>;
    expect(clear).toHaveLength(1);
    expect(clear[0]).toMatchObject({ secret: page, packets: { vxlan: 1 } });
    expect(clear[0]!.first[0]).toMatchObject({ path: "vxlan", src: "node-a" });
  });

  it("catches Windows nodes that send an encrypted network's traffic in cleartext VXLAN", () => {
    const verdict = invariants.noPlaintextLeak(overlayRun({ encrypted: true, os: "windows" }), [page]);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.reason).toBe("secrets crossed encrypted paths in clear (1)");
    const [leak] = verdict.evidence["violations"] as Array<{ secret: string; first: Array<Record<string, unknown>> }>;
    expect(leak!.secret).toBe(page);
    expect(leak!.first[0]).toMatchObject({ src: "node-a", dst: "node-b", path: "vxlan of encrypted VNI 4097" });
    expect(leak!.first[0]!["packet"]).toEqual(expect.any(Number));
  });

  it("catches a network key that crosses the wire in clear, naming the key and the packet", () => {
    const key = encrypted.cluster.node("node-a").gossipKeysSeen()[1]!;
    const carrier = encrypted.capture.find((p) => p.path === "gossip" && p.bytes[9] === 17 && p.bytes.length > 80)!; // a gossip UDP datagram
    const bytes = carrier.bytes.slice();
    bytes.set(key.key, 40); // past the IPv4 and UDP headers: inside the gossip envelope
    const leaked: CapturedPacket = { ...carrier, index: encrypted.capture.length, bytes };
    const verdict = invariants.noPlaintextLeak({ ...encrypted, capture: [...encrypted.capture, leaked] });
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    const [leak] = verdict.evidence["violations"] as Array<{ secret: string; packets: Record<string, number>; first: Array<Record<string, unknown>> }>;
    expect(leak!.secret).toMatch(new RegExp(`^gossip ${key.lamportTime} `));
    expect(leak!.packets).toEqual({ gossip: 1 });
    expect(leak!.first[0]).toMatchObject({ packet: leaked.index, src: carrier.src, path: "gossip", offset: 40 });
  });
});
