import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swarmsim } from "../support/cli.js";

const fingerprintOf = (stdout: string) => /fingerprint: +([0-9a-f]{64})/.exec(stdout)?.[1];

describe("swarmsim run", () => {
  it("runs the default scenario: steps, expectations, summary, exit 0", () => {
    const r = swarmsim("run", "scenarios/default.yaml");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("manager-1$ docker swarm init\nSwarm initialized: current node (");
    expect(r.stdout).toContain("worker-1$ docker swarm join --token SWMTKN-1-");
    expect(r.stdout).toContain("manager-1$ docker node ls");
    expect(r.stdout).toContain("docker: 'frobnicate' is not a docker command.");
    expect(r.stdout).toMatch(/OK: scenario "default" \(seed 42\)/);
    expect(r.stdout).toMatch(/simulated: +\+00:01:00\.\d{6}/);
    expect(fingerprintOf(r.stdout)).toBeDefined();
  });

  it("is deterministic across processes, and the seed matters", () => {
    const quiet = swarmsim("run", "scenarios/default.yaml", "--quiet").stdout;
    expect(quiet).not.toContain("docker node ls");
    expect(quiet).toMatch(/^OK: scenario "default"/);
    const a = fingerprintOf(quiet);
    const b = fingerprintOf(swarmsim("run", "scenarios/default.yaml", "--quiet").stdout);
    const c = fingerprintOf(swarmsim("run", "scenarios/default.yaml", "--quiet", "--seed", "7").stdout);
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).toBeDefined();
    expect(c).not.toBe(a);
  });

  it("writes a JSONL trace whose SHA-256 is the fingerprint, and a pcap file", () => {
    const dir = mkdtempSync(join(tmpdir(), "swarmsim-cli-"));
    const trace = join(dir, "trace.jsonl");
    const pcap = join(dir, "run.pcap");
    const r = swarmsim("run", "scenarios/default.yaml", "--trace", trace, "--pcap", pcap, "--keys", join(dir, "keys"), "--json");
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { fingerprint: string; ok: boolean; seed: number };
    expect(report.ok).toBe(true);
    const lines = readFileSync(trace, "utf8");
    expect(createHash("sha256").update(lines).digest("hex")).toBe(report.fingerprint);
    expect(lines.split("\n")[0]).toMatch(/^\{"kind":"sim.start",.*"t":0\}$/);
    const keylog = readFileSync(join(dir, "keys", "tls-keylog.txt"), "utf8").trim().split("\n");
    expect(keylog.length).toBeGreaterThanOrEqual(4); // two joins, two TLS sessions each
    for (const line of keylog) expect(line).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    // The three gossip keys of the swarm's key manager, as moby's memberlist dissector reads them.
    expect(readFileSync(join(dir, "keys", "gossip-keys.txt"), "utf8")).toMatch(/^([0-9a-f]{32}\n){3}$/);
    const header = readFileSync(pcap);
    expect(header.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(header.readUInt32LE(20)).toBe(101);
  });

  it("exits 1 when an expectation fails, saying what was expected, what was seen, and how to reproduce", () => {
    const dir = mkdtempSync(join(tmpdir(), "swarmsim-cli-"));
    const file = join(dir, "fails.yaml");
    writeFileSync(file, "name: fails\nseed: 9\ncluster: {managers: 1}\nsteps:\n  - run: docker version\n    expect: {stdout-contains: Podman}\n");
    const r = swarmsim("run", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAILED stdout contains "Podman" (${file}:5)`);
    expect(r.stdout).toContain("expected: Podman");
    expect(r.stdout).toContain("seen:     Client:");
    expect(r.stdout).toContain(`reproduce with: swarmsim run ${file} --seed 9`);
  });

  it("exits 2 on an invalid scenario, with file:line:column, and runs nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "swarmsim-cli-"));
    const file = join(dir, "bad.yaml");
    const trace = join(dir, "t.jsonl");
    writeFileSync(file, "name: bad\ncluster: {managers: 1}\nunderlay: {latency: fast}\nsteps: []\n");
    const r = swarmsim("run", file, "--trace", trace);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`${file}:3:21: invalid duration "fast"`);
    expect(() => readFileSync(trace)).toThrow();
  });

  it("exits 2 on bad flags and bad values", () => {
    expect(swarmsim("run", "scenarios/default.yaml", "--sede", "1").status).toBe(2);
    const bad = swarmsim("run", "scenarios/default.yaml", "--until", "soon");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--until: invalid duration "soon"');
    expect(swarmsim("run", "no/such/file.yaml").stderr).toContain("no/such/file.yaml:1:1: cannot read the scenario: no such file");
  });

  it("--until stops the timeline and reports the steps not reached", () => {
    const r = swarmsim("run", "scenarios/default.yaml", "--until", "30s");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/steps: +3 run, 1 not reached before --until \(after 3 bootstrap commands\)/);
    expect(r.stdout).toMatch(/simulated: +\+00:00:30\.000000/);
  });
});

describe("swarmsim validate, --help, --version", () => {
  it("validates without running", () => {
    const r = swarmsim("validate", "scenarios/default.yaml");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('valid scenario "default" (3 nodes, 4 steps, seed 42)');
  });

  it("prints help and version", () => {
    expect(swarmsim("--help").stdout).toContain("swarmsim run SCENARIO");
    expect(swarmsim("--version").stdout).toMatch(/^swarmsim \d+\.\d+\.\d+\n$/);
    expect(swarmsim("launch").status).toBe(2);
  });
});
