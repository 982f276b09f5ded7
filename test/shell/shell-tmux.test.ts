/**
 * `swarmsim shell` on a real terminal: a tmux session (a pseudo-terminal)
 * types the encrypted overlay tutorial's commands (seed 000), uses tab
 * completion and history, lets 13 hours pass and finds the keys rotated.
 * The screen is polled until what is awaited shows, within a bound; no
 * assertion rests on a fixed sleep. Needs tmux (`.ci/run` installs it) and a
 * build (`npm run build`; npm test does).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../support/cli.js";

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
// A server of its own, without the user's configuration, so nothing else's sessions are touched.
const socket = `swarmsim-shell-test-${process.pid}`;
const tmux = (...args: string[]) => spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "shell").stdout;
const POLL_LIMIT_MS = 60_000;

/** Polls the screen until `ready` holds; fails with the screen after POLL_LIMIT_MS. */
async function waitFor(what: string, ready: (text: string) => boolean): Promise<string> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  for (;;) {
    const text = screen();
    if (ready(text)) return text;
    if (Date.now() > deadline) throw new Error(`waited ${POLL_LIMIT_MS / 1000}s for ${what}; the screen:\n${text}`);
    await sleep(100);
  }
}

const prompts = (text: string) => text.split("\n").filter((l) => l.startsWith("manager-1$ ")).length;
const atPrompt = (text: string) => text.trimEnd().split("\n").pop() === "manager-1$";

/** Sends keys (tmux key names such as Enter, Tab, Up) and waits for the next prompt; returns the screen. */
async function keys(what: string, ...names: string[]): Promise<string> {
  const before = prompts(screen());
  tmux("send-keys", "-t", "shell", ...names);
  return waitFor(what, (text) => prompts(text) > before && atPrompt(text));
}

/** Types a line and waits for the next prompt. */
const typeLine = async (line: string) => {
  tmux("send-keys", "-t", "shell", "-l", line);
  return keys(line, "Enter");
};

/** The manager-1 row of the last keyring table on the screen: tags and primaries. */
function lastKeyring(text: string): { gossip: number[]; primary: number } {
  const row = text.split("\n").filter((l) => /^manager-1 +leader +\d/.test(l)).pop() ?? "";
  const gossip = / (\d+) \[(\d+)\] (\d+) /.exec(row);
  if (gossip === null) throw new Error(`no keyring row on the screen:\n${text}`);
  return { gossip: [Number(gossip[1]), Number(gossip[2]), Number(gossip[3])], primary: Number(gossip[2]) };
}

afterAll(() => {
  if (hasTmux) tmux("kill-server");
});

describe.skipIf(!hasTmux)("swarmsim shell on a terminal", () => {
  it("takes the encrypted overlay tutorial's commands, completes, recalls history, and shows rotated keys 13 h later", async () => {
    // The gossip plane off keeps 13 simulated hours quick; the keys still rotate and reach every node.
    // The shell's exit status is echoed after it: tmux records a dead pane's status only sometimes (3.3a).
    const command = `${process.execPath} ${join("dist", "cli", "main.js")} shell --set cluster.gossip=false --set cluster.rsaBits=1024; echo "shell exited with $?"`;
    expect(tmux("new-session", "-d", "-s", "shell", "-x", "200", "-y", "50", "-c", repoRoot, command).status).toBe(0);
    tmux("set-option", "-t", "shell", "remain-on-exit", "on");
    await waitFor("the prompt", (text) => text.includes("swarmsim shell: manager-1, worker-1 and worker-2") && atPrompt(text));

    expect(await typeLine("docker swarm init")).toMatch(/Swarm initialized: current node \([0-9a-z]{25}\) is now a manager\./);
    expect(await typeLine("docker network create --opt encrypted --driver overlay my-encrypted-net")).toMatch(/my-encrypted-net\n[0-9a-z]{25}\n/);
    expect(await typeLine("docker service create --name encrypted-overlay-nginx --network my-encrypted-net --replicas 3 nginx")).toMatch(/--replicas 3 nginx\n[0-9a-z]{25}\n/);

    // "keyr" completes to "keyring", the common start of keyring and keyrings.
    tmux("send-keys", "-t", "shell", "-l", "show keyr");
    tmux("send-keys", "-t", "shell", "Tab");
    await waitFor("show keyr completed", (text) => text.trimEnd().endsWith("manager-1$ show keyring"));
    const shown = await keys("show keyring", "Enter");
    expect(shown).toContain("manager-1$ show keyring\nNODE");
    const before = lastKeyring(shown);

    expect(await typeLine("advance 13h")).toMatch(/now \+13:00:00\.\d{6} \(13h later, \d+ events\)\n {2}\+12:00:00\.000000 {2}key rotation on manager-1: /);
    // Up, Up: back past "advance 13h" to "show keyring".
    tmux("send-keys", "-t", "shell", "Up", "Up");
    await waitFor("show keyring recalled", (text) => text.trimEnd().endsWith("manager-1$ show keyring"));
    const after = lastKeyring(await keys("show keyring", "Enter"));
    expect(after.gossip[2]).toBeGreaterThan(before.gossip[2]!);
    expect(after.gossip.slice(0, 2)).toEqual(before.gossip.slice(1));
    expect(after.primary).toBe(before.gossip[2]); // the newest key of before is the middle one now, and primary

    tmux("send-keys", "-t", "shell", "-l", "exit");
    tmux("send-keys", "-t", "shell", "Enter");
    await waitFor("the shell to exit", (text) => text.includes("shell exited with 0"));
  });
});
