/**
 * Determinism is the product: nothing under src/ outside cli/ may read the wall
 * clock, OS randomness or real timers. A line that must (the TLS layer's
 * controlled clock, say) carries `tidy-allow: <reason>` and is listed here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const FORBIDDEN: ReadonlyArray<[RegExp, string]> = [
  [/\bMath\.random\s*\(/, "Math.random"],
  [/\bDate\.now\s*\(/, "Date.now"],
  [/\bnew Date\s*\(/, "new Date("],
  [/\bperformance\.now\s*\(/, "performance.now"],
  [/\bprocess\.hrtime\b/, "process.hrtime"],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, "a real timer"],
  [/\brandomBytes\s*\(/, "crypto.randomBytes"],
  [/\brandomUUID\s*\(/, "crypto.randomUUID"],
  [/\bgetRandomValues\s*\(/, "getRandomValues"],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Calls `visit` with every line of every source file under src/ outside cli/, and its place (`src/x.ts:12`). */
function eachLibraryLine(visit: (line: string, place: string) => void): void {
  const root = join(import.meta.dirname, "..", "src");
  for (const file of sourceFiles(root)) {
    const rel = relative(root, file).replaceAll("\\", "/");
    if (rel.startsWith("cli/")) continue;
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((line, i) => visit(line, `src/${rel}:${i + 1}`));
  }
}

describe("tidy", () => {
  it("src/ outside cli/ uses no wall clock, OS randomness or real timers", () => {
    const hits: string[] = [];
    eachLibraryLine((line, place) => {
      const code = line.trim();
      if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) return;
      if (/tidy-allow: \S+/.test(line)) return;
      for (const [pattern, name] of FORBIDDEN) if (pattern.test(line)) hits.push(`${place}: ${name}: ${code}`);
    });
    expect(hits, "use the simulation's scheduler and seeded streams instead").toEqual([]);
  });

  it("the forbidden patterns catch what they should", () => {
    const samples = ["const x = Math.random();", "Date.now()", "new Date()", "setTimeout(f, 1)", "crypto.randomBytes(16)", "crypto.getRandomValues(a)"];
    for (const s of samples) expect(FORBIDDEN.some(([p]) => p.test(s)), s).toBe(true);
  });

  it("the library (src/ outside cli/) loads in a browser bundle: no static import of a Node built-in", () => {
    // Node built-ins are reached through process.getBuiltinModule where they exist (node:crypto, node:fs),
    // so a bundle of "swarmsim" needs no alias; a type-only import vanishes from the JavaScript.
    const hits: string[] = [];
    eachLibraryLine((line, place) => {
      if (/^\s*import\s+(?!type\b)[^;]*from\s+"node:/.test(line) || /\brequire\(\s*"node:/.test(line)) hits.push(`${place}: ${line.trim()}`);
    });
    expect(hits).toEqual([]);
  });
});
