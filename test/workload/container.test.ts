import { describe, expect, it } from "vitest";
import { defaultTcpSettings } from "../../src/net/index.js";
import { instant, seconds } from "../../src/sim/index.js";
import { createContainer, imageKnown, noSuchImageError, parseImageReference } from "../../src/workload/index.js";
import { output, workloadWorld } from "./harness.js";

describe("containers", () => {
  it("have a 64-hex ID from their stream, the first 12 as hostname, and the image's CMD by default", () => {
    const world = workloadWorld(3);
    const web = world.run("nginx:1.25", [], "10.0.1.3");
    expect(web.id).toMatch(/^[0-9a-f]{64}$/);
    expect(web.hostname).toBe(web.id.slice(0, 12));
    expect(web.argv).toEqual(["nginx", "-g", "daemon off;"]);
    expect(workloadWorld(3).run("nginx:1.25", [], "10.0.1.3").id).toBe(web.id);
    expect(workloadWorld(4).run("nginx:1.25", [], "10.0.1.3").id).not.toBe(web.id);
  });

  it("print the nginx image's startup lines: entrypoint on stdout, notices on stderr", () => {
    const web = workloadWorld().run("nginx", [], "10.0.1.3");
    expect(output(web, "stdout")).toContain("/docker-entrypoint.sh: Configuration complete; ready for start up\n");
    expect(output(web, "stderr").split("\n").slice(0, 3)).toEqual([
      '2026/01/01 00:00:00 [notice] 1#1: using the "epoll" event method',
      "2026/01/01 00:00:00 [notice] 1#1: nginx/1.25.3",
      "2026/01/01 00:00:00 [notice] 1#1: built by gcc 12.2.0 (Debian 12.2.0-14) ",
    ]);
  });

  it("stop nginx with SIGQUIT: a graceful shutdown, exit 0, and the port refuses afterwards", () => {
    const world = workloadWorld();
    world.names.set("web", ["10.0.1.3"]);
    const web = world.run("nginx", [], "10.0.1.3");
    const exits: number[] = [];
    web.on("exit", (code) => exits.push(code));
    world.sim.scheduler.run({ until: instant(seconds(1)) });
    web.stop();
    expect([web.state, web.exitCode, exits]).toEqual(["exited", 0, [0]]);
    expect(output(web, "stderr")).toContain("[notice] 1#1: signal 3 (SIGQUIT) received, shutting down\n");
    expect(output(web, "stderr").trimEnd().split("\n").at(-1)).toBe("2026/01/01 00:00:01 [notice] 1#1: exit");
    const client = world.run("radial/busyboxplus:curl", ["sh", "-c", "curl -sS web"], "10.0.1.7");
    world.sim.scheduler.run({ until: instant(seconds(2)) });
    expect(output(client, "stderr")).toBe("curl: (7) Failed to connect to web port 80: Connection refused\n");
  });

  it("kill a shell that ignores SIGTERM (PID 1) after the grace period: exit 137", () => {
    const world = workloadWorld();
    const sleeper = world.run("busybox", ["sh", "-c", "sleep 3600"], "10.0.1.5");
    world.sim.scheduler.run({ until: instant(seconds(5)) });
    sleeper.stop();
    world.sim.scheduler.run({ until: instant(seconds(14)) });
    expect(sleeper.state).toBe("running");
    world.sim.scheduler.run({ until: instant(seconds(16)) });
    expect([sleeper.state, sleeper.exitCode, sleeper.finishedAt]).toEqual(["exited", 137, seconds(15)]);
  });

  it("trace their start and exit", () => {
    const world = workloadWorld();
    const c = world.run("alpine", ["sh", "-c", "exit 4"], "10.0.1.5");
    const records = world.trace.records.filter((r) => r.kind.startsWith("workload."));
    expect(records.map((r) => [r.kind, r.id])).toEqual([
      ["workload.container.start", c.id],
      ["workload.container.exit", c.id],
    ]);
    expect(records[1]!.exitCode).toBe(4);
  });

  it("refuse an unknown image with Docker's task error", () => {
    const world = workloadWorld();
    const made = createContainer({ image: "nginxx", rng: world.sim.rng, scheduler: world.sim.scheduler, trace: world.sim.trace, tcp: defaultTcpSettings, lookup: world.lookup });
    expect(made).toEqual({ ok: false, error: "No such image: nginxx:latest" });
    expect(noSuchImageError("example/app:2")).toBe("No such image: example/app:2");
    expect(imageKnown("docker.io/library/nginx:latest")).toBe(true);
    expect(parseImageReference("localhost:5000/web")).toEqual({ repository: "localhost:5000/web", tag: "latest" });
  });

  it("refuse a command the image does not have, as runc does", () => {
    const world = workloadWorld();
    const made = createContainer({ image: "busybox", argv: ["curl", "web"], rng: world.sim.rng, scheduler: world.sim.scheduler, trace: world.sim.trace, tcp: defaultTcpSettings, lookup: world.lookup });
    if (!made.ok) throw new Error(made.error);
    const started = made.container.start();
    expect(started.ok).toBe(false);
    if (!started.ok) expect(started.error).toContain('exec: "curl": executable file not found in $PATH');
    expect(made.container.state).toBe("created");
  });

  it("run a program as PID 1 when the command is not a shell", () => {
    const world = workloadWorld();
    const c = world.run("radial/busyboxplus:curl", ["curl", "-s", "nosuchname"], "10.0.1.7");
    expect([c.state, c.exitCode, c.logs]).toEqual(["exited", 6, []]);
  });
});
