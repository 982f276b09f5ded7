/**
 * docs/tutorial-key-rotation.md cannot rot: every shell session it shows is
 * played here, command by command, through the shell's core, and what each
 * command printed must hold the excerpt the page shows (see excerpt.ts for
 * how excerpts match). Each line typed must also be typed at the prompt the
 * page shows, so a `node use` the page forgot is caught. The `swarmsim`
 * command blocks run in tutorial-cli.test.ts, in parallel with this file.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shellSetup } from "../../src/cli/shell-command.js";
import { ShellSession } from "../../src/shell/index.js";
import { splitCommandLine } from "../../src/swarm/index.js";
import { repoRoot } from "../support/cli.js";
import { excerptMismatch, explainMismatch } from "./excerpt.js";
import { runnableBlocks } from "./tutorial-blocks.js";

const page = "docs/tutorial-key-rotation.md";
const blocks = runnableBlocks(readFileSync(join(repoRoot, page), "utf8"));

describe(page, () => {
  it("has shell sessions and swarmsim commands to run", () => {
    expect(blocks.filter((b) => b.tag === "swarmsim-shell").length).toBeGreaterThan(3);
    expect(blocks.some((b) => b.tag === "swarmsim")).toBe(true);
  });

  it("prints what the page shows for every command typed in its shell sessions", () => {
    let session: ShellSession | undefined;
    for (const block of blocks.filter((b) => b.tag === "swarmsim-shell")) {
      for (const input of block.inputs) {
        const where = `${page}:${input.docLine}`;
        let printed: string;
        if (input.prompt === "$ ") {
          const argv = splitCommandLine(input.line);
          expect(argv.ok && argv.argv.slice(0, 2), `${where}: a session opens with "$ swarmsim shell"`).toEqual(["swarmsim", "shell"]);
          const { scenario, options } = shellSetup(argv.ok ? argv.argv.slice(2) : []);
          session = new ShellSession(scenario, options);
          printed = session.start();
        } else {
          if (session === undefined) throw new Error(`${where}: a command before any "$ swarmsim shell"`);
          expect(input.prompt, `${where}: the prompt`).toBe(session.prompt);
          printed = session.run(input.line).text;
        }
        const missing = excerptMismatch(input.excerpt, printed);
        if (missing !== undefined) expect.fail(explainMismatch(`${where}: ${input.prompt}${input.line}`, missing, printed));
      }
    }
  });
});
