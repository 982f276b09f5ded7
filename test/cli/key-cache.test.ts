import { mkdtempSync, readFileSync, readdirSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swarmsim } from "../support/cli.js";

const fingerprintOf = (stdout: string) => /fingerprint: +([0-9a-f]{64})/.exec(stdout)?.[1];

describe("swarmsim run --key-cache", () => {
  it("gives the same fingerprint as a run without it, and a second run takes every key from the cache", () => {
    const uncached = swarmsim("run", "scenarios/default.yaml", "--quiet");
    expect(uncached.status).toBe(0);
    const fingerprint = fingerprintOf(uncached.stdout);
    expect(fingerprint).toBeDefined();

    const dir = join(mkdtempSync(join(tmpdir(), "swarmsim-key-cache-")), "keys");
    const first = swarmsim("run", "scenarios/default.yaml", "--quiet", "--key-cache", dir);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(fingerprintOf(first.stdout)).toBe(fingerprint);

    // The root CA's key and one key per node (one manager, two workers), one PEM file each.
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(4);
    for (const file of files) {
      expect(file).toMatch(/^[0-9a-f]{64}\.pem$/);
      expect(readFileSync(join(dir, file), "utf8")).toMatch(/^-----BEGIN RSA PRIVATE KEY-----/);
      // Back-date each file: a key drawn again would be written again, with a new time.
      utimesSync(join(dir, file), 1_000_000_000, 1_000_000_000);
    }

    const second = swarmsim("run", "scenarios/default.yaml", "--quiet", "--key-cache", dir);
    expect(second.status).toBe(0);
    expect(fingerprintOf(second.stdout)).toBe(fingerprint);
    expect(readdirSync(dir).sort()).toEqual(files);
    for (const file of files) expect(statSync(join(dir, file)).mtimeMs).toBe(1_000_000_000_000);
  });

  it("is listed in the help", () => {
    expect(swarmsim("--help").stdout).toContain("--key-cache DIR");
  });
});
