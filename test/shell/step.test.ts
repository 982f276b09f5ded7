/**
 * `swarmsim step`: a run that pauses at every key rotation once every node
 * has the new keys, and shows each node's keys (and what they were) side by
 * side; in process through `runStepper`, and as the built CLI with stdin a
 * pipe, where it prints each pause and goes on.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type PauseAnswer, runStepper } from "../../src/shell/index.js";
import { repoRoot } from "../support/cli.js";
import { scenarioOf } from "./shell-support.js";

// Two rotations (at 1 h and 2 h) in 2 h 30 min; the gossip plane off keeps it quick.
const rotations = `name: two-rotations
seed: 9
cluster: {managers: 1, workers: 1, rsaBits: 1024, gossip: false, keyRotation: 1h}
steps:
  - docker node ls
  - wait: 2h30m
`;

/** Runs the stepper, answering each pause from `answers` (then "next"), and returns what it wrote. */
function step(options: { answers?: PauseAnswer[]; breakKind?: string; width?: number } = {}) {
  let out = "";
  const asked: number[] = [];
  const result = runStepper(scenarioOf(rotations), {
    width: options.width ?? 120,
    ...(options.breakKind === undefined ? {} : { breakKind: options.breakKind }),
    write: (text) => (out += text),
    pause: (n) => {
      asked.push(n);
      return options.answers?.[n - 1] ?? "next";
    },
  });
  return { out, asked, result };
}

describe("runStepper", () => {
  it("pauses at each rotation once every node holds the new keys, the middle one primary, beside what they held", () => {
    const { out, asked, result } = step();
    expect(result.quit).toBe(false);
    expect(result.report?.ok).toBe(true);
    expect(asked).toEqual([1, 2]);
    const pause = /── pause 1 at \+01:00:00\.\d{6}: key rotation on manager-1 at \+01:00:00\.000000 ──\ngossip keys (\d+) (\d+) (\d+), IPsec keys (\d+) (\d+) (\d+) /.exec(out);
    expect(pause, out).not.toBeNull();
    const [, oldMiddle, middle, newest] = pause!;
    expect(out).toContain("manager-1                    worker-1\nleader                       worker\n");
    expect(out).toContain(`gossip ${oldMiddle} [${middle}] ${newest}   gossip ${oldMiddle} [${middle}] ${newest}\n`);
    expect(out).toMatch(new RegExp(`^ {2}was {2}\\d+ \\[${oldMiddle}\\] ${middle} +was {2}\\d+ \\[${oldMiddle}\\] ${middle}$`, "m"));
    // The wait is said before it runs, so the pauses inside it come after it.
    expect(out.indexOf("] wait 2h30m\n")).toBeLessThan(out.indexOf("── pause 1"));
    expect(out).toMatch(/── pause 2 at \+02:00:00\.\d{6}: key rotation on manager-1/);
    expect(out).toMatch(/\nOK: scenario "two-rotations" \(seed 9\)\n/);
  });

  it("stops at once on quit, and waits no more after continue", () => {
    const quit = step({ answers: ["quit"] });
    expect(quit.result).toEqual({ pauses: 1, quit: true });
    expect(quit.out).toMatch(/quit at \+01:00:00\.\d{6}\n$/);
    const goOn = step({ answers: ["continue"] });
    expect(goOn.asked).toEqual([1]);
    expect(goOn.out).toContain("── pause 2 ");
  });

  it("pauses at every trace record of a kind with a break, and sets panels one under the other when they do not fit", () => {
    const { out, asked } = step({ breakKind: "agent.keys", width: 30 });
    expect(asked).toEqual([1, 2, 3, 4, 5, 6]); // each node's first keys, then both nodes at each of the two rotations
    expect(out).toMatch(/── pause 1 at \+00:00:00\.000000: agent\.keys on manager-1 at \+00:00:00\.000000 ──\nagent\.keys gossipRing=\[/);
    expect(out).toMatch(/\nmanager-1\n {2}leader\n {2}gossip \d+ \[\d+\] \d+\n {2}ipsec {2}\d+ \[\d+\] \d+\nworker-1\n {2}not in a swarm\n/);
  });
});

describe("swarmsim step (the built CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "swarmsim-step-"));
  const file = join(dir, "two-rotations.yaml");
  writeFileSync(file, rotations);
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, "dist", "cli", "main.js"), "step", ...args], { cwd: repoRoot, encoding: "utf8", input: "\n\nq\n" });

  it("with stdin a pipe, prints every pause side by side and runs to the end", () => {
    const r = cli(file);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^swarmsim step: scenario "two-rotations" \(seed 9\), pausing at every key rotation\n/);
    expect(r.stdout.match(/── pause \d /g)).toEqual(["── pause 1 ", "── pause 2 "]);
    expect(r.stdout).toMatch(/^manager-1 +worker-1$/m);
    expect(r.stdout).not.toContain("Enter: next pause");
    expect(r.stdout).toMatch(/OK: scenario "two-rotations" \(seed 9\)\n/);
  });

  it("refuses a missing scenario and a bad flag with status 2", () => {
    expect(cli().status).toBe(2);
    const bad = cli(file, "--until", "soon");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^swarmsim: --until: invalid duration "soon"/);
  });
});
