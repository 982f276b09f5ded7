import { describe, expect, it } from "vitest";
import { addDuration, seconds } from "../../src/sim/index.js";
import { nginxIndexHtml } from "../../src/workload/index.js";
import { output, workloadWorld } from "./harness.js";

const CLIENT = "10.0.1.7";

/** Runs `sh -c script` in radial/busyboxplus:curl until it exits (or `limitSeconds` pass). */
function sh(script: string, limitSeconds = 60, setup?: (world: ReturnType<typeof workloadWorld>) => void) {
  const world = workloadWorld();
  setup?.(world);
  const container = world.run("radial/busyboxplus:curl", ["sh", "-c", script], CLIENT);
  world.sim.scheduler.run({ until: addDuration(world.sim.now, seconds(limitSeconds)) });
  return { world, container, stdout: output(container, "stdout"), stderr: output(container, "stderr") };
}

describe("busybox sh -c", () => {
  it("sleeps in simulated time", () => {
    const { container, stdout, world } = sh("echo start && sleep 3600 && echo done", 4000);
    expect(stdout).toBe("start\ndone\n");
    expect(container.exitCode).toBe(0);
    expect(container.finishedAt).toBe(seconds(3600));
    const done = container.logs.find((l) => l.text === "done")!;
    expect(done.at).toBe(seconds(3600));
    expect(world.sim.now).toBe(seconds(4000));
  });

  it("is still sleeping before the time is up", () => {
    const { container, stdout } = sh("sleep 3600; echo late", 3599);
    expect(container.state).toBe("running");
    expect(stdout).toBe("");
  });

  it("prints curl 7.35's (6) for an unknown name, exits 6 and skips what follows &&", () => {
    const { container, stdout, stderr } = sh("curl nosuchname && echo reached");
    expect(stderr).toBe("curl: (6) Couldn't resolve host 'nosuchname'\n");
    expect(stdout).toBe("");
    expect(container.exitCode).toBe(6);
  });

  it("runs what follows || after a failure, and ; regardless", () => {
    const { container, stdout } = sh("curl -s nosuchname || echo fallback; echo after");
    expect(stdout).toBe("fallback\nafter\n");
    expect(container.exitCode).toBe(0);
  });

  it("says `sh: NAME: not found` and exits 127 for an unknown command", () => {
    const { container, stderr } = sh("nosuchcommand --flag");
    expect(stderr).toBe("sh: nosuchcommand: not found\n");
    expect(container.exitCode).toBe(127);
  });

  it("takes docker's argv form: sh, -c, the whole script as one word", () => {
    const { container, stdout, world } = sh("curl -s x:80 && sleep 3600", 60, (w) => {
      w.names.set("x", ["10.0.1.3"]);
      w.run("nginx", [], "10.0.1.3");
    });
    expect(stdout).toBe(nginxIndexHtml);
    expect(container.state).toBe("running"); // sleeping after the fetch
    expect(world.segments().some((s) => s.segment.dstPort === 80)).toBe(true);
  });

  it("keeps quoted words together and expands variables outside single quotes", () => {
    const { stdout } = sh(`echo 'a  b' "c  d" e\\ f; X=world; echo "hello $X" 'hello $X' $HOSTNAME-ok`);
    const [first, second] = stdout.split("\n");
    expect(first).toBe("a  b c  d e f");
    expect(second).toMatch(/^hello world hello \$X [0-9a-f]{12}-ok$/);
  });

  it("substitutes commands and reports syntax errors as ash does", () => {
    expect(sh('echo "host=$(hostname)"').stdout).toMatch(/^host=[0-9a-f]{12}\n$/);
    const bad = sh("echo 'unterminated");
    expect([bad.stderr, bad.container.exitCode]).toEqual(["sh: syntax error: unterminated quoted string\n", 2]);
    const loop = sh("while true; do echo x");
    expect([loop.stderr, loop.container.exitCode]).toEqual(['sh: syntax error: unexpected end of file (expecting "done")\n', 2]);
    expect(sh("echo a && && echo b").stderr).toBe('sh: syntax error: unexpected "&&"\n');
  });

  it("loops with while, if, break and exit N", () => {
    const { stdout, stderr, container } = sh(`i=0; while true; do i=$(echo x$i); echo $i; if [ "$i" = x0 ]; then break; fi; echo never; done; for w in one two; do echo $w; done; [ -z "" ] && [ 3 -gt 2 ] && exit 3`);
    expect([stdout, stderr]).toEqual(["x0\none\ntwo\n", ""]);
    expect(container.exitCode).toBe(3);
  });

  it("pipes curl into busybox grep and head", () => {
    const serve = (w: ReturnType<typeof workloadWorld>) => {
      w.names.set("web", ["10.0.1.3"]);
      w.run("nginx", [], "10.0.1.3");
    };
    const count = nginxIndexHtml.split("\n").filter((l) => l.includes("nginx")).length;
    expect(sh("curl -s web | grep -c nginx", 60, serve).stdout).toBe(`${count}\n`);
    expect(sh("curl -s web | head -n 4", 60, serve).stdout).toBe("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n");
    const quiet = sh("curl -s web | grep -q Welcome && echo up", 60, serve);
    expect([quiet.stdout, quiet.container.exitCode]).toEqual(["up\n", 0]);
  });

  it("runs a nested sh -c and gives its status to $?", () => {
    expect(sh(`sh -c 'echo in $0; exit 3'; echo "status $?"`).stdout).toBe("in sh\nstatus 3\n");
  });

  it("exits 0 at once for a bare sh (no TTY: stdin is empty)", () => {
    const world = workloadWorld();
    const container = world.run("radial/busyboxplus:curl", [], CLIENT);
    expect(container.argv).toEqual(["/bin/sh"]);
    expect([container.state, container.exitCode]).toEqual(["exited", 0]);
  });

  it("reports a refused connection with curl's (7) after the meter line", () => {
    const { stderr, container } = sh("curl web", 60, (w) => w.names.set("web", ["10.0.1.3"]) && w.run("busybox", ["sleep", "100"], "10.0.1.3"));
    expect(stderr).toBe(
      "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
        "                                 Dload  Upload   Total   Spent    Left  Speed\n" +
        "\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0curl: (7) Failed to connect to web port 80: Connection refused\n",
    );
    expect(container.exitCode).toBe(7);
  });
});
