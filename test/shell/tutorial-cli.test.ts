/**
 * The `swarmsim` command blocks of docs/tutorial-key-rotation.md, run by the
 * built CLI as a student would run them with stdin not a terminal (so
 * `swarmsim step` prints its pauses and goes on); the output must hold the
 * excerpt the page shows. Run `npm run build` first (npm test does).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitCommandLine } from "../../src/swarm/index.js";
import { repoRoot } from "../support/cli.js";
import { excerptMismatch, explainMismatch } from "./excerpt.js";
import { runnableBlocks } from "./tutorial-blocks.js";

const page = "docs/tutorial-key-rotation.md";
const commands = runnableBlocks(readFileSync(join(repoRoot, page), "utf8"))
  .filter((b) => b.tag === "swarmsim")
  .flatMap((b) => b.inputs);

describe(`${page}: swarmsim commands`, () => {
  it.each(commands.map((c) => [c.line, c] as const))("%s", (_line, command) => {
    const argv = splitCommandLine(command.line);
    if (!argv.ok || argv.argv[0] !== "swarmsim") throw new Error(`${page}:${command.docLine}: expected a swarmsim command, got "${command.line}"`);
    const run = spawnSync(process.execPath, [join(repoRoot, "dist", "cli", "main.js"), ...argv.argv.slice(1)], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(run.stderr, `${page}:${command.docLine}: stderr`).toBe("");
    expect(run.status).toBe(0);
    const missing = excerptMismatch(command.excerpt, run.stdout);
    if (missing !== undefined) expect.fail(explainMismatch(`${page}:${command.docLine}: $ ${command.line}`, missing, run.stdout));
  });
});
