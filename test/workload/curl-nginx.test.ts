import { describe, expect, it } from "vitest";
import { TcpFlag } from "../../src/net/index.js";
import { addDuration, seconds } from "../../src/sim/index.js";
import { nginxIndexHtml } from "../../src/workload/index.js";
import { output, streamBytes, workloadWorld } from "./harness.js";

const WEB = "10.0.1.3";
const CLIENT = "10.0.1.7";

describe("curl against nginx", () => {
  function fetchOnce(script: string) {
    const world = workloadWorld();
    world.names.set("web", [WEB]);
    const web = world.run("nginx", [], WEB);
    const client = world.run("radial/busyboxplus:curl", ["sh", "-c", script], CLIENT);
    world.sim.scheduler.run({ until: addDuration(world.sim.now, seconds(5)) });
    return { world, web, client };
  }

  it("prints exactly the welcome page, 615 bytes, and exits 0", () => {
    const { client } = fetchOnce("curl -s web");
    expect(nginxIndexHtml.length).toBe(615);
    expect(output(client, "stdout")).toBe(nginxIndexHtml);
    expect(output(client, "stderr")).toBe("");
    expect(client.state).toBe("exited");
    expect(client.exitCode).toBe(0);
  });

  it("logs the request in the image's access-log format", () => {
    const { web } = fetchOnce("curl -s web");
    const access = web.logs.filter((l) => l.stream === "stdout" && l.text.startsWith(CLIENT));
    expect(access.map((l) => l.text)).toEqual([`${CLIENT} - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/7.35.0" "-"`]);
    expect(web.state).toBe("running");
  });

  it("puts real HTTP/1.1 in real IPv4/TCP on the wire", () => {
    const { world } = fetchOnce("curl -s web");
    const segments = world.segments();
    const first = segments[0]!;
    expect([first.src, first.dst, first.segment.dstPort, first.segment.flags]).toEqual([CLIENT, WEB, 80, TcpFlag.SYN]);
    expect(streamBytes(segments, CLIENT, WEB)).toBe("GET / HTTP/1.1\r\nUser-Agent: curl/7.35.0\r\nHost: web\r\nAccept: */*\r\n\r\n");
    const response = streamBytes(segments, WEB, CLIENT);
    expect(response).toBe(
      "HTTP/1.1 200 OK\r\n" +
        "Server: nginx/1.25.3\r\n" +
        "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n" +
        "Content-Type: text/html\r\n" +
        "Content-Length: 615\r\n" +
        "Last-Modified: Tue, 24 Oct 2023 13:46:47 GMT\r\n" +
        "Connection: keep-alive\r\n" +
        'ETag: "6537cac7-267"\r\n' +
        "Accept-Ranges: bytes\r\n" +
        "\r\n" +
        nginxIndexHtml,
    );
    // Both sides closed with FIN: curl first (it is done), then nginx on end of input.
    expect(segments.filter((s) => (s.segment.flags & TcpFlag.FIN) !== 0).map((s) => s.src)).toEqual([CLIENT, WEB]);
    expect(segments.every((s) => s.segment.payload.length <= 1410)).toBe(true);
  });

  it("shows curl's progress meter on stderr without -s", () => {
    const { client } = fetchOnce("curl web");
    const stderr = output(client, "stderr").split("\n");
    expect(stderr[0]).toBe("  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current");
    expect(stderr[1]).toBe("                                 Dload  Upload   Total   Spent    Left  Speed");
    expect(stderr[2]).toMatch(/^\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0\r100   615  100   615    0     0  [ \d]{4}[\dk]      0 --:--:-- --:--:-- --:--:-- [ \d]{4}[\dk]$/);
    expect(stderr.slice(3)).toEqual([""]);
    expect(output(client, "stdout")).toBe(nginxIndexHtml);
  });

  it("serves several requests on one kept-alive connection, and 404 with nginx's page and error log", () => {
    const { client, web, world } = fetchOnce("curl -s web/ web/nope");
    const page404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n";
    expect(page404.length).toBe(153);
    expect(output(client, "stdout")).toBe(nginxIndexHtml + page404);
    expect(client.exitCode).toBe(0);
    expect(output(web, "stderr")).toContain(
      `[error] 29#29: *1 open() "/usr/share/nginx/html/nope" failed (2: No such file or directory), client: ${CLIENT}, server: localhost, request: "GET /nope HTTP/1.1", host: "web"\n`,
    );
    expect(web.logs.filter((l) => l.stream === "stdout" && l.text.startsWith(CLIENT)).map((l) => l.text.split('"').slice(1, 3).join(""))).toEqual([
      "GET / HTTP/1.1 200 615 ",
      "GET /nope HTTP/1.1 404 153 ",
    ]);
    expect(world.segments().filter((s) => (s.segment.flags & TcpFlag.SYN) !== 0 && s.src === CLIENT)).toHaveLength(1);
  });

  it("answers HEAD with the headers only (curl -I)", () => {
    const { client } = fetchOnce("curl -sI web");
    expect(output(client, "stdout")).toMatch(/^HTTP\/1\.1 200 OK\r\nServer: nginx\/1\.25\.3\r\n[^]*Content-Length: 615\r\n[^]*\r\n\r\n$/);
  });
});
