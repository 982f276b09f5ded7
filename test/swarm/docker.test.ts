import { describe, expect, it } from "vitest";
import { loadScenario } from "../../src/scenario/index.js";
import { Simulation } from "../../src/sim/index.js";
import { Cluster, type CommandOutput, type CommandResult, CommandRegistry, isDeferred, ok } from "../../src/swarm/index.js";

/** The output of a command that answers at once. */
function now(result: CommandResult): CommandOutput {
  if (isDeferred(result)) throw new Error("expected an immediate answer");
  return result;
}

const scenario = loadScenario(
  "name: t\nseed: 5\ncluster:\n  nodes:\n    - {name: m, role: manager}\n    - {name: w, role: worker, os: windows}\nsteps: []\n",
  "t.yaml",
);
const cluster = () => new Cluster(new Simulation({ seed: 5 }), scenario.cluster, scenario.underlay);

describe("the docker CLI of a simulated node", () => {
  it("answers docker version with the node's OS", () => {
    const c = cluster();
    expect(now(c.docker("m", ["docker", "version"])).stdout).toContain("OS/Arch:           linux/amd64");
    expect(now(c.docker("w", ["docker", "version"])).stdout).toContain("OS/Arch:           windows/amd64");
    expect(c.docker("m", ["docker", "version", "x"])).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('"docker version" accepts no arguments.') });
  });

  it("fails an unknown command in the real CLI's words", () => {
    expect(cluster().docker("m", ["docker", "plugin", "ls"])).toEqual({
      stdout: "",
      stderr: "docker: 'plugin' is not a docker command.\nSee 'docker --help'\n",
      exitCode: 1,
    });
  });

  it("serves the longest registered path", () => {
    const r = new CommandRegistry<null>()
      .register("network", () => ok("network\n"))
      .register("network create", (_c, args) => ok(`create ${args.join(",")}\n`));
    expect(now(r.run(null, ["docker", "network", "create", "-d", "overlay"])).stdout).toBe("create -d,overlay\n");
    expect(now(r.run(null, ["docker", "network", "ls"])).stdout).toBe("network\n");
    expect(() => r.register("network", () => ok(""))).toThrow(/already registered/);
  });

  it("gives every node an underlay address in order, and no swarm identity before it joins", () => {
    const a = cluster();
    expect(a.node("m").host.ip).toBe("10.0.0.1");
    expect(a.node("w").host.ip).toBe("10.0.0.2");
    expect(a.node("m").id).toBeUndefined();
    expect(a.node("m").membership.state).toBe("inactive");
  });
});
