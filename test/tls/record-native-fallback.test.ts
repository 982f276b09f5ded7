/**
 * Where node:crypto is missing (a browser), sessions keep forge's record
 * layer: the fast path steps aside and nothing else changes.
 */
import forge from "node-forge";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { nativeRecordsAvailable } from "../../src/tls/record-native.js";
import { type SwarmPki, swarmPki } from "./pki-fixtures.js";
import { openRecords, sessionKeys } from "./record-crypto.js";
import { ContentType } from "./records.js";
import { pattern, tlsWorld } from "./tls-world.js";

vi.mock("../../src/crypto/index.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/crypto/index.js")>()),
  nodeCrypto: () => undefined,
}));

let pki: SwarmPki;
beforeAll(() => {
  pki = swarmPki();
});

describe("native record layer without node:crypto", () => {
  it("is not available", () => {
    expect(nativeRecordsAvailable()).toBe(false);
  });

  it("leaves every record to forge, and the records are the same TLS 1.1", () => {
    const forgeMac = vi.spyOn(forge.tls as unknown as { hmac_sha1(...args: unknown[]): string }, "hmac_sha1");
    const w = tlsWorld(pki, 11);
    w.serve({ nativeRecords: true });
    const client = w.connect({ nativeRecords: true });
    w.run();
    const afterHandshake = forgeMac.mock.calls.length;
    const sizes = [1, 16, 1000];
    for (const size of sizes) client.session.write(pattern(size));
    w.run();
    expect(forgeMac.mock.calls.length - afterHandshake).toBe(2 * sizes.length); // sealed and opened by forge
    const keys = sessionKeys(w.keyLog.lines[0]!, client.fromServer.bytes());
    const opened = openRecords(w.servers[0]!.fromClient.bytes(), keys.client).slice(1);
    expect(opened).toEqual(sizes.map((size) => ({ type: ContentType.applicationData, content: Buffer.from(pattern(size)) })));
    forgeMac.mockRestore();
  });
});
