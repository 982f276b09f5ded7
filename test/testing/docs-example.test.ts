/**
 * docs/testing.md cannot rot: its marked examples are taken from the page and
 * run here, with `swarmsim` and `swarmsim/testing` pointed at the sources.
 */

import fc from "fast-check";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { type ScenarioDescription, loadDescription } from "../../src/index.js";

const page = readFileSync("docs/testing.md", "utf8");

/** The ```ts block that follows `<!-- example: NAME -->` on the page. */
function example(name: string): string {
  const found = new RegExp(`<!-- example: ${name} -->\\n\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\`\\n`).exec(page);
  if (found === null) throw new Error(`docs/testing.md has no \`\`\`ts block marked <!-- example: ${name} -->`);
  return found[1]!;
}

/** Loads `code` as a module that imports the sources instead of the package (from a file of its own, removed once loaded). */
async function load(name: string, code: string): Promise<Record<string, unknown>> {
  const source = (entry: string) => pathToFileURL(resolve("src", entry)).href;
  const text = code.replace(/from "swarmsim\/testing"/g, `from "${source("testing/index.ts")}"`).replace(/from "swarmsim"/g, `from "${source("index.ts")}"`);
  const dir = mkdtempSync(join(tmpdir(), "swarmsim-docs-"));
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, text);
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("docs/testing.md", () => {
  it("imports only the public entry points in its examples", () => {
    for (const name of ["property-suite", "compose"]) {
      for (const [, from] of example(name).matchAll(/from "([^"]+)"/g)) expect(["fast-check", "vitest", "swarmsim", "swarmsim/testing"]).toContain(from);
    }
  });

  it("composes a cluster, a timeline and faults into scenarios that load", async () => {
    const preamble = 'import fc from "fast-check";\nimport { arb } from "swarmsim/testing";\n';
    const { cases } = (await load("compose", `${preamble}${example("compose")}\nexport { cases };\n`)) as { cases: fc.Arbitrary<ScenarioDescription> };
    for (const description of fc.sample(cases, { seed: 5, numRuns: 20 })) expect(() => loadDescription(description)).not.toThrow();
  });
});

// The complete suite registers its own describe and it blocks here, as a test file of its own would.
await load("property-suite", example("property-suite"));
