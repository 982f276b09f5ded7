/**
 * src/pki runs in browsers: it names no node module except through
 * `process.getBuiltinModule` and type-only imports.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = join(import.meta.dirname, "..", "..", "src", "pki");

describe("src/pki portability", () => {
  it("has no static import of a node: module (type-only imports are erased)", () => {
    const offenders: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(dir, file), "utf8");
      for (const line of text.split("\n")) {
        if (/^\s*import\s+(?!type\b)[^;]*from\s+["']node:/.test(line) || /require\(["']node:/.test(line)) offenders.push(`${file}: ${line.trim()}`);
        if (/^\s*import\s+["']node:/.test(line) || /\bimport\(["']node:/.test(line)) offenders.push(`${file}: ${line.trim()}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("never uses forge's own randomness", () => {
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
      const code = readFileSync(join(dir, file), "utf8")
        .split("\n")
        .filter((l) => !/^\s*(\*|\/\/)/.test(l))
        .join("\n");
      expect(code, file).not.toMatch(/forge\.random|generateKeyPair|\.prng\b/);
    }
  });
});
