import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UsageError, parseArgs } from "../../src/cli/args.js";
import { parseSeedList } from "../../src/cli/seed-list.js";
import { takeOverrides } from "../../src/cli/set-flags.js";
import { sweepFlags } from "../../src/cli/sweep-command.js";
import { SweepProgress } from "../../src/cli/sweep-progress.js";
import { type SweepRow, runSeed } from "../../src/cli/sweep-row.js";
import { loadScenario } from "../../src/scenario/index.js";
import { formatSweep, reproduceSeed, shellQuote, summaryLine } from "../../src/cli/sweep-table.js";
import { swarmsim } from "../support/cli.js";

// One manager and one worker with small keys and no gossip: a run takes a few hundred milliseconds.
const TINY = "cluster: {managers: 1, workers: 1, rsaBits: 512, gossip: false}\n";
// The manager's node ID is drawn from the seed: its first character is in [0-9a-h] for seeds 1, 3 and 5, not for 2 and 4.
const SOME_SEEDS_PASS = `name: some-seeds\n${TINY}steps:\n  - {wait: 5s}\n  - run: docker node ls\n    expect: {stdout-matches: '^[0-9a-h]\\w+ +\\*'}\n`;
const ALWAYS_PASSES = `name: passes\n${TINY}steps:\n  - {wait: 5s}\n  - docker node ls\n`;

let dir: string;
let someSeeds: string;
let passes: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "swarmsim-sweep-"));
  someSeeds = join(dir, "some-seeds.yaml");
  passes = join(dir, "passes.yaml");
  writeFileSync(someSeeds, SOME_SEEDS_PASS);
  writeFileSync(passes, ALWAYS_PASSES);
});

const row = (seed: number, result: SweepRow["result"], more: Partial<SweepRow> = {}): SweepRow => ({
  seed,
  result,
  failures: result === "failed" ? 1 : 0,
  simulatedTime: 5_026_000,
  events: 72,
  fingerprint: `${seed}`.repeat(64).slice(0, 64),
  ...more,
});

describe("--seeds lists", () => {
  it("reads ranges, single seeds and mixes into ascending seeds without repeats", () => {
    expect(parseSeedList("1..5")).toEqual([1, 2, 3, 4, 5]);
    expect(parseSeedList("3,5,9")).toEqual([3, 5, 9]);
    expect(parseSeedList("10,1..4,3")).toEqual([1, 2, 3, 4, 10]);
    expect(parseSeedList("0..0")).toEqual([0]);
  });

  it.each([
    ["5..1", /^--seeds 5\.\.1: the range runs backwards; expected FROM\.\.TO with FROM at most TO, such as 1\.\.5$/],
    ["x", /^--seeds expected seeds such as 1\.\.50, 3,5,9 or 1\.\.4,10, got "x"$/],
    ["1..", /got "1\.\."$/],
    ["1,,2", /got "1,,2"$/],
    ["-3", /got "-3"$/],
    ["99999999999999999", /^--seeds expected whole numbers from 0 to 9007199254740991, got 99999999999999999$/],
    ["1..1000000000", /^--seeds 1\.\.1000000000: at most 10000 seeds in one sweep$/],
  ])("refuses %s with a UsageError that says what was expected", (text, message) => {
    expect(() => parseSeedList(text)).toThrow(UsageError);
    expect(() => parseSeedList(text)).toThrow(message);
  });
});

describe("the flags of a sweep", () => {
  const flags = (...argv: string[]) => sweepFlags(parseArgs(argv, [{ name: "--seeds", takesValue: true }, { name: "--jobs", takesValue: true }, { name: "--seed", takesValue: true }]));

  it("reads --seeds and --jobs, and nothing without --seeds", () => {
    expect(flags("--seeds", "1..3", "--jobs", "2")).toEqual({ seeds: [1, 2, 3], jobs: 2 });
    expect(flags("--seeds", "4")).toEqual({ seeds: [4] });
    expect(flags("--seed", "4")).toBeUndefined();
  });

  it.each([
    [["--seeds", "1,2", "--jobs", "0"], '--jobs expected a whole number from 1 to 256, got "0"'],
    [["--seeds", "1,2", "--jobs", "two"], '--jobs expected a whole number from 1 to 256, got "two"'],
    [["--jobs", "2"], "--jobs sets the worker threads of a sweep: use it with --seeds"],
  ])("refuses %j", (argv, message) => {
    expect(() => flags(...argv)).toThrow(message);
  });
});

describe("--set on the command line", () => {
  const specs = [
    { name: "--trace", takesValue: true },
    { name: "--quiet", takesValue: false },
  ];

  it("takes every --set out, in order, in both spellings, and leaves the rest", () => {
    const r = takeOverrides(["f.yaml", "--set", "cluster.workers=2", "--quiet", "--set=underlay.latency=[1ms, 5ms]", "--trace", "--set"], specs);
    expect(r.overrides).toEqual([
      { path: ["cluster", "workers"], value: "2" },
      { path: ["underlay", "latency"], value: "[1ms, 5ms]" },
    ]);
    expect(r.rest).toEqual(["f.yaml", "--quiet", "--trace", "--set"]);
    expect(takeOverrides(["--", "--set", "x=1"], specs)).toEqual({ overrides: [], rest: ["--", "--set", "x=1"] });
  });

  it("refuses a --set without KEY=VALUE", () => {
    expect(() => takeOverrides(["--set"], specs)).toThrow(/^flag --set needs a value/);
    expect(() => takeOverrides(["--set", "workers"], specs)).toThrow(/^--set expected KEY=VALUE/);
  });
});

describe("one seed of a sweep", () => {
  it("reduces the run to a row with its first failed step", () => {
    const r = runSeed(loadScenario(SOME_SEEDS_PASS, "s.yaml"), 2);
    expect(r).toMatchObject({ seed: 2, result: "failed", failures: 1, simulatedTime: 5_026_000, firstFailure: { line: 5, step: "docker node ls" } });
    expect(r.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("turns a run that throws into an ERROR row instead of ending the sweep", () => {
    const scenario = loadScenario(SOME_SEEDS_PASS, "s.yaml");
    const r = runSeed({ ...scenario, cluster: { ...scenario.cluster, nodes: [] } }, 3);
    expect(r).toMatchObject({ seed: 3, result: "error", fingerprint: "", error: expect.stringMatching(/Error/) });
  });
});

describe("the sweep's report", () => {
  const context = { file: "my scenario.yaml", overrides: [{ path: ["underlay", "latency"], value: "{uniform: [1ms, 5ms]}" }], until: "1m" };

  it("prints a row per seed, a summary, and a reproduce command for every seed that did not pass", () => {
    const rows = [
      row(1, "ok"),
      row(2, "failed", { firstFailure: { line: 5, step: "docker node ls", check: "stdout matches /x/" } }),
      row(3, "error", { error: "Error: boom" }),
    ];
    expect(formatSweep(rows, context).split("\n")).toEqual([
      "SEED  RESULT  FAILURES  SIMULATED         EVENTS  FINGERPRINT   FIRST FAILURE",
      "1     ok      0         +00:00:05.026000  72      111111111111",
      "2     FAILED  1         +00:00:05.026000  72      222222222222  line 5: docker node ls",
      "3     ERROR   -         -                 -       -             Error: boom",
      "",
      "1 of 3 seeds ok; failed: 2; error: 3",
      "reproduce:",
      "  swarmsim run 'my scenario.yaml' --seed 2 --until 1m --set 'underlay.latency={uniform: [1ms, 5ms]}'",
      "  swarmsim run 'my scenario.yaml' --seed 3 --until 1m --set 'underlay.latency={uniform: [1ms, 5ms]}'",
      "",
    ]);
    expect(formatSweep(rows, context, true)).not.toContain("\n1     ok");
  });

  it("says all seeds passed without a reproduce section", () => {
    expect(formatSweep([row(1, "ok")], { file: "f.yaml", overrides: [] })).toMatch(/\n\n1 of 1 seed ok\n$/);
    expect(summaryLine([row(4, "ok"), row(9, "failed"), row(17, "failed")])).toBe("1 of 3 seeds ok; failed: 9, 17");
  });

  it("quotes for a POSIX shell only what needs it", () => {
    expect(shellQuote("scenarios/default.yaml")).toBe("scenarios/default.yaml");
    expect(shellQuote("cluster.workers=5")).toBe("cluster.workers=5");
    expect(shellQuote("it's here")).toBe("'it'\\''s here'");
    expect(reproduceSeed(7, { file: "f.yaml", overrides: [] })).toBe("swarmsim run f.yaml --seed 7");
  });

  it("draws progress only on a terminal, after two seconds, and clears it", () => {
    let now = 0;
    const written: string[] = [];
    const tty = { isTTY: true, columns: 200, write: (t: string) => written.push(t) };
    const progress = new SweepProgress(tty, 4, 2, () => now);
    progress.seedDone(true);
    expect(written).toEqual([]);
    now = 3_000;
    progress.seedDone(false);
    expect(written.at(-1)).toBe(`\r[============            ] 2/4 seeds  1 failed  2 running  3s\x1b[K`);
    progress.done();
    expect(written.at(-1)).toBe("\r\x1b[K");
    const pipe = { isTTY: false, write: (t: string) => written.push(t) };
    const quiet = new SweepProgress(pipe, 4, 2, () => now);
    now = 10_000;
    const before = written.length;
    quiet.seedDone(true);
    quiet.done();
    expect(written).toHaveLength(before);
  });
});

describe("swarmsim run --seeds", () => {
  it("prints one row per seed in seed order, failing seeds with their first failure, and exits 1", () => {
    const r = swarmsim("run", someSeeds, "--seeds", "4,1..3,5", "--jobs", "2");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("SEED  RESULT  FAILURES  SIMULATED         EVENTS  FINGERPRINT   FIRST FAILURE");
    expect(lines.slice(1, 6).map((l) => l.split(/\s+/).slice(0, 3).join(" "))).toEqual(["1 ok 0", "2 FAILED 1", "3 ok 0", "4 FAILED 1", "5 ok 0"]);
    expect(lines[2]).toMatch(/^2 +FAILED +1 +\+00:00:05\.026000 +\d+ +[0-9a-f]{12} +line 5: docker node ls$/);
    expect(r.stdout).toContain("\n3 of 5 seeds ok; failed: 2, 4\n");
    expect(r.stdout).toContain(`reproduce:\n  swarmsim run ${someSeeds} --seed 2\n  swarmsim run ${someSeeds} --seed 4\n`);
  });

  it("gives each seed the fingerprint of a single run with --seed N, and exits 0 when every seed passes", () => {
    const sweep = swarmsim("run", passes, "--seeds", "2,3", "--json");
    expect(sweep.status).toBe(0);
    const rows = JSON.parse(sweep.stdout) as SweepRow[];
    expect(rows.map((r) => [r.seed, r.result])).toEqual([
      [2, "ok"],
      [3, "ok"],
    ]);
    for (const { seed, fingerprint } of rows) {
      const single = swarmsim("run", passes, "--seed", String(seed), "--quiet");
      expect(/fingerprint: +([0-9a-f]{64})/.exec(single.stdout)?.[1]).toBe(fingerprint);
    }
    const table = swarmsim("run", passes, "--seeds", "1", "--quiet");
    expect(table.status).toBe(0);
    expect(table.stdout).toBe("1 of 1 seed ok\n");
  });

  it.each([
    [["--seeds", "5..1"], "--seeds 5..1: the range runs backwards"],
    [["--seeds", "x"], '--seeds expected seeds such as 1..50, 3,5,9 or 1..4,10, got "x"'],
    [["--seeds", "1,2", "--seed", "3"], "--seed and --seeds do not go together"],
    [["--seeds", "1,2", "--trace", "t.jsonl"], "--trace writes the files of one run and does not go with --seeds"],
  ])("exits 2 on %j, saying what was expected", (flags, message) => {
    const r = swarmsim("run", passes, ...flags);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`swarmsim: ${message}`);
  });
});

describe("swarmsim run --set", () => {
  it("changes the scenario before it runs, in a single run and in a sweep", () => {
    const single = swarmsim("run", passes, "--set", "cluster.workers=2", "--set", "seed=7");
    expect(single.status).toBe(0);
    const nodeLs = single.stdout.split("manager-1$ docker node ls\n")[1]?.split("\n\n")[0]?.split("\n") ?? [];
    expect(nodeLs.slice(1).map((line) => line.split(/\s+/).find((word) => /^(manager|worker)-\d$/.test(word)))).toEqual(["manager-1", "worker-1", "worker-2"]);
    expect(single.stdout).toContain('OK: scenario "passes" (seed 7)');
    const sweep = swarmsim("run", someSeeds, "--seeds", "2", "--set", "cluster.workers=2", "--set", "underlay.latency={uniform: [1ms, 5ms]}");
    expect(sweep.status).toBe(1);
    expect(sweep.stdout).toContain(`  swarmsim run ${someSeeds} --seed 2 --set cluster.workers=2 --set 'underlay.latency={uniform: [1ms, 5ms]}'\n`);
  });

  it("puts the --set flags in a failed single run's reproduce command", () => {
    const r = swarmsim("run", someSeeds, "--seed", "2", "--set", "cluster.keyRotation=6h", "--quiet");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`reproduce:    swarmsim run ${someSeeds} --seed 2 --set cluster.keyRotation=6h\n`);
  });

  it("exits 2 on a bad value, naming the flag, and runs nothing", () => {
    const r = swarmsim("run", passes, "--seeds", "1..2", "--set", "cluster.keyRotation=abc");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^--set cluster\.keyRotation=abc: invalid duration "abc" .*expected a duration/);
    const unknown = swarmsim("validate", passes, "--set", "colour=red");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('--set colour=red: unknown key "colour" in the scenario');
  });
});
