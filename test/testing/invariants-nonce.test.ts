import { createCipheriv, createDecipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type CapturedPacket, instant, loadScenario } from "../../src/index.js";
import { type Verdict, invariants, runForTesting } from "../../src/testing/index.js";

// Gossip over UDP and TCP, ESP between nginx and curl, then an attacker
// replaying captured ESP and gossip byte for byte.
const run = runForTesting(
  loadScenario(
    `
name: nonces
seed: 9
cluster: {managers: 1, workers: 2, rsaBits: 1024}
steps:
  - docker network create --driver overlay --opt encrypted --attachable net
  - {run: docker run -d --name web --network net nginx, on: worker-1}
  - wait: 10s
  - {run: docker run --network net radial/busyboxplus:curl curl -s web, on: worker-2, expect: {stdout-contains: Welcome}}
  - wait: 40s
  - replay: {to: worker-1, path: esp, last: 4}
  - replay: {to: worker-2, path: gossip, transport: udp, last: 4}
  - wait: 1s
`,
    "nonces.yaml",
  ),
);

/** AES-GCM with a `tagBytes` tag: the sealed bytes are ciphertext ‖ tag. */
function gcmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, tagBytes: number, aad: Uint8Array): Uint8Array | undefined {
  const decipher = createDecipheriv("aes-128-gcm", key, nonce, { authTagLength: tagBytes });
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - tagBytes));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tagBytes)), decipher.final()]));
  } catch {
    return undefined;
  }
}

function gcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, tagBytes: number, aad: Uint8Array): Uint8Array {
  const cipher = createCipheriv("aes-128-gcm", key, nonce, { authTagLength: tagBytes });
  cipher.setAAD(aad);
  return new Uint8Array(Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]));
}

/**
 * A copy of `packet` whose sealed region (from `at`: nonce bytes, then ciphertext ‖ tag) carries another
 * message under the same key and nonce: the plaintext with its first byte changed, sealed again.
 */
function resealed(packet: CapturedPacket, keys: readonly Uint8Array[], region: { nonce: [number, number]; sealed: number; tagBytes: number; aad: Uint8Array; nonceBytes?: Uint8Array }): CapturedPacket {
  const bytes = packet.bytes.slice();
  const nonce = region.nonceBytes ?? bytes.slice(region.nonce[0], region.nonce[1]);
  const sealed = bytes.subarray(region.sealed);
  const key = keys.find((k) => gcmOpen(k, nonce, sealed, region.tagBytes, region.aad) !== undefined)!;
  expect(key).toBeDefined();
  const plaintext = gcmOpen(key, nonce, sealed, region.tagBytes, region.aad)!;
  plaintext[0] = plaintext[0]! ^ 0xff;
  bytes.set(gcmSeal(key, nonce, plaintext, region.tagBytes, region.aad), region.sealed);
  return { ...packet, index: run.capture.length, at: instant(packet.at + 1_000_000), bytes };
}

const nodes = [...run.cluster.nodes.values()];
const ipHeader = (p: CapturedPacket) => (p.bytes[0]! & 0x0f) * 4;

function reuse(verdict: Verdict): Record<string, unknown> {
  expect(verdict.ok).toBe(false);
  if (verdict.ok) return {};
  expect(verdict.reason).toBe("a key and nonce sealed two different messages (1)");
  return (verdict.evidence["violations"] as Array<Record<string, unknown>>)[0]!;
}

describe("invariants.noNonceReuse", () => {
  it("holds over gossip packets, gossip streams and ESP; replayed copies are repeats, not reuse", () => {
    expect(run.report.ok).toBe(true);
    const verdict = invariants.noNonceReuse(run);
    expect(verdict).toMatchObject({ ok: true, info: { repeats: 8, unopened: 0 } });
    expect((verdict.ok ? verdict.info!["frames"] : 0) as number).toBeGreaterThan(300);
  });

  it("catches two gossip frames sealed under one key and nonce", () => {
    const first = run.capture.find((p) => p.path === "gossip" && p.bytes[9] === 17 && p.bytes.length > 100)!;
    const udp = ipHeader(first);
    const again = resealed(
      first,
      nodes.flatMap((n) => n.gossipKeysSeen().map((k) => k.key)),
      { nonce: [udp + 9, udp + 21], sealed: udp + 21, tagBytes: 16, aad: new Uint8Array(0) }, // [0x01][nonce][ciphertext][tag]
    );
    again.bytes[udp + 6] = 0; // no UDP checksum
    again.bytes[udp + 7] = 0;
    const violation = reuse(invariants.noNonceReuse({ ...run, capture: [...run.capture, again] }));
    expect(violation["key"]).toMatch(/^gossip \d+ \([0-9a-f]{8}…\)$/);
    expect(violation["nonce"]).toBe(Buffer.from(first.bytes.subarray(udp + 9, udp + 21)).toString("hex"));
    expect(violation).toMatchObject({ first: { packet: first.index, kind: "gossip-packet", src: first.src }, again: { packet: again.index, at: expect.any(String) } });
  });

  it("catches two ESP packets under one key, salt and IV", () => {
    const first = run.capture.find((p) => p.path === "esp")!;
    const esp = ipHeader(first);
    const salt = first.bytes.subarray(esp, esp + 4); // the SPI, big-endian
    const iv = first.bytes.subarray(esp + 8, esp + 16);
    const again = resealed(
      first,
      nodes.flatMap((n) => n.keys?.ipsecKeys.keys.map((k) => k.key) ?? []),
      { nonce: [0, 0], nonceBytes: new Uint8Array([...salt, ...iv]), sealed: esp + 16, tagBytes: 8, aad: first.bytes.slice(esp, esp + 8) }, // AAD: SPI ‖ seq
    );
    const violation = reuse(invariants.noNonceReuse({ ...run, capture: [...run.capture, again] }));
    expect(violation["key"]).toMatch(/^ipsec \d+ /);
    expect(violation["nonce"]).toBe(Buffer.from([...salt, ...iv]).toString("hex"));
    expect(violation).toMatchObject({ first: { packet: first.index, kind: "esp", src: first.src, dst: first.dst }, again: { packet: again.index } });
  });
});
