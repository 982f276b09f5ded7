/**
 * `swarmsim shell` with commands piped on stdin: each line is echoed after
 * its prompt and followed by what it printed, so the output is a
 * transcript; `exit` ends it. Run `npm run build` first (npm test does).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

const shell = (input: string, ...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, "dist", "cli", "main.js"), "shell", ...args], { cwd: repoRoot, encoding: "utf8", input });

// The default cluster, quick: small keys, no gossip plane.
const quick = ["--set", "cluster.rsaBits=1024", "--set", "cluster.gossip=false"];

describe("swarmsim shell with stdin a pipe", () => {
  it("prints a transcript: the greeting, then each command after its prompt and its output", () => {
    const r = shell(
      ["docker swarm init", "TOKEN=$(docker swarm join-token -q worker)", "node use worker-1", "docker swarm join --token $TOKEN manager-1:2377", "node ls", "exit", "docker node ls"].join("\n"),
      ...quick,
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("swarmsim shell: manager-1, worker-1 and worker-2 (seed 1), now +00:00:00.000000, not yet a swarm: start with docker swarm init. Type help for the commands.");
    expect(lines[1]).toBe("manager-1$ docker swarm init");
    expect(lines[2]).toMatch(/^Swarm initialized: current node \([0-9a-z]{25}\) is now a manager\.$/);
    expect(r.stdout).toContain("\nmanager-1$ TOKEN=$(docker swarm join-token -q worker)\nmanager-1$ node use worker-1\nworker-1$ docker swarm join --token $TOKEN manager-1:2377\nThis node joined a swarm as a worker.\n");
    expect(r.stdout).toMatch(/\nworker-1\$ node ls\nNAME .*\nmanager-1 +10\.0\.0\.1 .*\nworker-1 \* +10\.0\.0\.2 +linux +worker +active +up\n/);
    expect(r.stdout.endsWith("worker-1$ exit\n")).toBe(true);
  });

  it("opens a scenario after its timeline, or before it with --before-steps", () => {
    const file = join(mkdtempSync(join(tmpdir(), "swarmsim-shell-")), "two.yaml");
    writeFileSync(file, "name: two\nseed: 2\ncluster: {managers: 1, workers: 1, rsaBits: 1024, gossip: false}\nsteps:\n  - docker node ls\n");
    const after = shell("docker node ls -q\n", file);
    expect(after.status).toBe(0);
    expect(after.stdout).toMatch(/^\[\+00:00:00\.000000\] manager-1\$ docker swarm init\n/);
    expect(after.stdout).toMatch(/swarmsim shell: manager-1 and worker-1 \(seed 2, its timeline of 1 step run\)/);
    expect(after.stdout).toMatch(/\nmanager-1\$ docker node ls -q\n[0-9a-z]{25}\n[0-9a-z]{25}\n$/);
    const before = shell("next\n", file, "--before-steps", "--seed", "3");
    expect(before.stdout).toMatch(/\(seed 3, 1 step of its timeline to go \(next\)\)/);
    expect(before.stdout).toMatch(/\nmanager-1\$ next\n\[\+00:00:00\.\d{6}\] manager-1\$ docker node ls\nID +HOSTNAME/);
  });

  it("refuses bad input with status 2: two scenarios, a bad seed, a bad --set", () => {
    expect(shell("", "a.yaml", "b.yaml").stderr).toContain('"swarmsim shell" takes at most one scenario file, got 2');
    expect(shell("", "--seed", "x").status).toBe(2);
    const badSet = shell("", "--set", "cluster.workers=lots");
    expect(badSet.status).toBe(2);
    expect(badSet.stderr).toMatch(/cluster\.workers/);
  });
});
