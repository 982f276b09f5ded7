import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/sim/index.js";
import { createRsaKey, fileKeyCache, keyCacheKey } from "../../src/pki/index.js";

const dir = mkdtempSync(join(tmpdir(), "swarmsim-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("fileKeyCache", () => {
  it("keeps keys across caches on the same directory, one file per key", () => {
    const first = createRsaKey(Rng.root(1).fork("pki"), "k", { bits: 512, cache: fileKeyCache(dir) });
    expect(readdirSync(dir).filter((f) => f.endsWith(".pem"))).toHaveLength(1);
    const cache = fileKeyCache(dir);
    expect(cache.get(keyCacheKey(1, "pki/k", 512))).toContain("BEGIN RSA PRIVATE KEY");
    expect(createRsaKey(Rng.root(1).fork("pki"), "k", { bits: 512, cache }).n.equals(first.n)).toBe(true);
  });

  it("treats a missing or corrupted file as a miss", () => {
    const cache = fileKeyCache(join(dir, "nested", "deeper"));
    expect(cache.get("nothing")).toBeUndefined();
    const key = createRsaKey(Rng.root(2).fork("pki"), "k", { bits: 512, cache });
    for (const f of readdirSync(join(dir, "nested", "deeper"))) writeFileSync(join(dir, "nested", "deeper", f), "corrupted");
    expect(createRsaKey(Rng.root(2).fork("pki"), "k", { bits: 512, cache }).n.equals(key.n)).toBe(true);
  });
});
