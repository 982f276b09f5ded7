/**
 * `swarmsim validate` on a set of broken scenario files: each file states, in
 * its leading `# expect:` comments, every problem it must be refused with,
 * at its exact line and column.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { swarmsim } from "../support/cli.js";

const dir = "test/scenario/broken";
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort();

describe("swarmsim validate on broken files", () => {
  it("has a set of broken files to check", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)("refuses %s with every problem at its place, and runs nothing", (file) => {
    const path = `${dir}/${file}`;
    const expected = readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line.startsWith("# expect: "))
      .map((line) => `${path}:${line.slice("# expect: ".length)}`);
    expect(expected.length).toBeGreaterThan(0);
    const r = swarmsim("validate", path);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toEqual(expected);
    // `run` refuses the same file the same way, before anything runs.
    const run = swarmsim("run", path);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(r.stderr);
  });
});
