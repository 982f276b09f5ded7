import { describe, expect, it } from "vitest";
import { instant, seconds } from "../../src/sim/index.js";
import { output, workloadWorld } from "./harness.js";

function curl(script: string, limitSeconds = 400, serve = true) {
  const world = workloadWorld();
  world.names.set("web", ["10.0.1.3"]);
  world.names.set("ghost", ["10.0.1.99"]);
  if (serve) world.run("nginx", [], "10.0.1.3");
  const client = world.run("radial/busyboxplus:curl", ["sh", "-c", script], "10.0.1.7");
  world.sim.scheduler.run({ until: instant(seconds(limitSeconds)) });
  return { client, stdout: output(client, "stdout"), stderr: output(client, "stderr") };
}

describe("curl 7.35.0's errors", () => {
  it("a host that never answers: the kernel's SYN retries run out first, (7) Connection timed out", () => {
    const { client, stderr } = curl("curl -sS ghost");
    expect(stderr).toBe("curl: (7) Failed to connect to ghost port 80: Connection timed out\n");
    expect(client.exitCode).toBe(7);
    expect(client.finishedAt).toBeGreaterThan(seconds(20));
  });

  it("--connect-timeout: (28) Connection time-out", () => {
    const { client, stderr } = curl("curl -sS --connect-timeout 2 ghost");
    expect([stderr, client.exitCode, client.finishedAt]).toEqual(["curl: (28) Connection time-out\n", 28, seconds(2)]);
  });

  it("-s alone says nothing; -f fails an error status with (22) and the status line", () => {
    expect(curl("curl -s nosuchname").stderr).toBe("");
    const failed = curl("curl -sSf web/missing");
    expect([failed.stdout, failed.stderr, failed.client.exitCode]).toEqual(["", "curl: (22) The requested URL returned error: 404 Not Found\n", 22]);
  });

  it("unknown options and missing URLs get the tool's messages and exit 2", () => {
    expect(curl("curl -Z web").stderr).toBe("curl: option -Z: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
    const none = curl("curl -s");
    expect([none.stderr, none.client.exitCode]).toEqual(["curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n", 2]);
  });

  it("-v traces the exchange as 7.35 does", () => {
    const { stderr } = curl("curl -sv web");
    expect(stderr.split("\n").slice(0, 8)).toEqual([
      "* Rebuilt URL to: web/",
      "* Hostname was NOT found in DNS cache",
      "*   Trying 10.0.1.3...",
      "* Connected to web (10.0.1.3) port 80 (#0)",
      "> GET / HTTP/1.1\r",
      "> User-Agent: curl/7.35.0\r",
      "> Host: web\r",
      "> Accept: */*\r",
    ]);
    expect(stderr).toContain("< HTTP/1.1 200 OK\r\n* Server nginx/1.25.3 is not blacklisted\n< Server: nginx/1.25.3\r\n");
    expect(stderr.endsWith("* Connection #0 to host web left intact\n")).toBe(true);
  });

  it("-v shows the second URL to the same host going over the kept connection", () => {
    const { stderr, stdout } = curl("curl -sv web web/index.html");
    expect(stderr).toContain("* Connection #0 to host web left intact\n* Re-using existing connection! (#0) with host web\n* Connected to web (10.0.1.3) port 80 (#0)\n> GET /index.html HTTP/1.1\r\n");
    expect(stdout.length).toBe(1230);
  });
});
