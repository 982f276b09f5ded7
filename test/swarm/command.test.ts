import { describe, expect, it } from "vitest";
import { parseCommand } from "../../src/swarm/docker/command.js";
import { swarmCommandSpecs } from "../../src/swarm/docker/swarm-commands.js";

// The real declarations, so the test also pins what the CLI accepts.
const { join, joinToken, update } = swarmCommandSpecs;

describe("docker command parsing, as cobra and pflag do it", () => {
  it("reads long flags with a space or =, shorthand bools, and arguments anywhere", () => {
    const r = parseCommand(join, ["--token", "SWMTKN-1-x", "10.0.0.1:2377"]);
    expect(r.ok && Object.fromEntries(r.command.flags)).toEqual({ token: "SWMTKN-1-x" });
    expect(r.ok && r.command.args).toEqual(["10.0.0.1:2377"]);
    const t = parseCommand(joinToken, ["-q", "worker", "--rotate=false"]);
    expect(t.ok && Object.fromEntries(t.command.flags)).toEqual({ quiet: true, rotate: false });
    const u = parseCommand(update, ["--cert-expiry=720h"]);
    expect(u.ok && u.command.flags.get("cert-expiry")).toBe(720 * 3_600_000_000);
  });

  it.each([
    [join, ["--tokn", "x", "a"], "unknown flag: --tokn\nSee 'docker swarm join --help'.\n"],
    [joinToken, ["-x", "worker"], "unknown shorthand flag: 'x' in -x\nSee 'docker swarm join-token --help'.\n"],
    [join, ["a", "--token"], "flag needs an argument: --token\nSee 'docker swarm join --help'.\n"],
    [update, ["--cert-expiry", "soon"], 'invalid argument "soon" for "--cert-expiry" flag: time: invalid duration "soon"\nSee \'docker swarm update --help\'.\n'],
  ])("flag errors exit 125 with pflag's message", (spec, words, stderr) => {
    expect(parseCommand(spec, words)).toEqual({ ok: false, output: { stdout: "", stderr, exitCode: 125 } });
  });

  it("a wrong argument count exits 1 with the usage", () => {
    expect(parseCommand(join, [])).toEqual({
      ok: false,
      output: {
        stdout: "",
        stderr:
          '"docker swarm join" requires exactly 1 argument.\nSee \'docker swarm join --help\'.\n\nUsage:  docker swarm join [OPTIONS] HOST:PORT\n\nJoin a swarm as a node and/or manager\n',
        exitCode: 1,
      },
    });
    const r = parseCommand(update, ["extra"]);
    expect(!r.ok && r.output.stderr).toContain('"docker swarm update" requires exactly 0 arguments.');
  });
});

describe("--help", () => {
  it("prints the usage, the description and the flags as docker does, exit 0", () => {
    expect(parseCommand(swarmCommandSpecs.joinToken, ["--help"])).toEqual({
      ok: false,
      output: {
        stdout:
          "\nUsage:  docker swarm join-token [OPTIONS] (worker|manager)\n\nManage join tokens\n\nOptions:\n  -q, --quiet    Only display token\n      --rotate   Rotate join token\n",
        stderr: "",
        exitCode: 0,
      },
    });
    const join = parseCommand(swarmCommandSpecs.join, ["-h"]);
    expect(!join.ok && join.output.stdout).toContain(
      'Options:\n      --advertise-addr string   Advertised address (format: "<ip|interface>[:port]")\n      --availability string',
    );
    expect(!join.ok && join.output.stdout).toContain("      --listen-addr node-addr   Listen address");
    expect(!join.ok && join.output.stdout).toMatch(/ {6}--token string {12}Token for entry into the swarm\n$/);
  });
});
