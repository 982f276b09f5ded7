import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instant, seconds } from "../../src/sim/index.js";
import { parseCurlArgs, parseCurlUrl } from "../../src/workload/curl-args.js";
import { max5data, meterLine, time2str } from "../../src/workload/curl-meter.js";
import { httpDate, nginxErrorLogTime, nginxLocalTime } from "../../src/workload/http-date.js";
import { parseRequestHead } from "../../src/workload/http-request.js";
import { HttpResponseReader, type ResponseEnd } from "../../src/workload/http-response.js";
import { LogLines } from "../../src/workload/log-lines.js";
import { nginxAccessLogLine, nginxLogValue } from "../../src/workload/nginx-log.js";
import { nginxRespond } from "../../src/workload/nginx-response.js";
import { sleepDuration } from "../../src/workload/sh-applets.js";
import { parseShell } from "../../src/workload/sh-parser.js";
import { evaluateTest } from "../../src/workload/sh-test.js";
import { inSubnet } from "../../src/workload/subnet.js";
import { propertyRuns } from "../support/properties.js";

describe("curl's progress meter", () => {
  it("formats sizes and times as progress.c does", () => {
    expect([0, 615, 99_999, 100_000, 307_500, 10_240_000, 52_428_800].map(max5data)).toEqual(["    0", "  615", "99999", "  97k", " 300k", " 9.7M", "50.0M"]);
    expect([0, 1, 75, 3_600, 360_000].map(time2str)).toEqual(["--:--:--", " 0:00:01", " 0:01:15", " 1:00:00", "  4d 04h"]);
  });

  it("reproduces a real busyboxplus line: 612 bytes at 74625 B/s, current 597k", () => {
    const line = meterLine({ timeSpent: 612 / 74_625.5, downloaded: 612, sizeDownload: 612, currentSpeed: 612_000 });
    expect(line).toBe("100   612  100   612    0     0  74625      0 --:--:-- --:--:-- --:--:--  597k");
  });
});

describe("HTTP pieces", () => {
  it("dates: IMF-fixdate and nginx's two log formats", () => {
    const at = instant(seconds(86_400 * 325 + 36_000));
    expect(httpDate(at)).toBe("Sun, 22 Nov 2026 10:00:00 GMT");
    expect(nginxLocalTime(at)).toBe("22/Nov/2026:10:00:00 +0000");
    expect(nginxErrorLogTime(at)).toBe("2026/11/22 10:00:00");
  });

  it("parses request heads, with CRLF or bare LF, and says when one is incomplete or bad", () => {
    const parsed = parseRequestHead("\r\nGET /x?y HTTP/1.0\nHost: web\nUser-Agent:  a b \n\nrest");
    expect(parsed.kind === "request" && [parsed.request.method, parsed.request.target, parsed.request.minorVersion, parsed.request.headers, parsed.headLength]).toEqual([
      "GET", "/x?y", 0, [["Host", "web"], ["User-Agent", "a b"]], 49,
    ]);
    expect(parseRequestHead("GET / HTTP/1.1\r\nHost: w").kind).toBe("incomplete");
    expect(parseRequestHead("get / HTTP/1.1\r\n\r\n").kind).toBe("bad");
  });

  it("answers as nginx's default server: keep-alive rules, HEAD, 405 and 400", () => {
    const at = instant(0);
    const req = (line: string, ...headers: string[]) => {
      const p = parseRequestHead(`${line}\r\n${headers.map((h) => `${h}\r\n`).join("")}\r\n`);
      if (p.kind !== "request") throw new Error(p.kind);
      return nginxRespond(p.request, at, true);
    };
    expect(req("GET / HTTP/1.0").head).toContain("Connection: close\r\n");
    expect(req("GET / HTTP/1.0", "Connection: keep-alive").keepAlive).toBe(true);
    expect(req("GET / HTTP/1.1", "Host: w", "Connection: close").keepAlive).toBe(false);
    const head = req("HEAD / HTTP/1.1", "Host: w");
    expect([head.status, head.body, head.head.includes("Content-Length: 615\r\n")]).toEqual([200, "", true]);
    expect(req("POST / HTTP/1.1", "Host: w").status).toBe(405);
    expect(req("DELETE /x HTTP/1.1", "Host: w").status).toBe(405);
    expect(req("GET / HTTP/1.1").status).toBe(400); // HTTP/1.1 without Host
    expect(req("GET /dir/ HTTP/1.1", "Host: w").error).toBe('"/usr/share/nginx/html/dir/index.html" is not found (2: No such file or directory)');
  });

  it("logs in the image's main format, escaping as ngx_http_log_escape", () => {
    expect(nginxLogValue('a"b\x01')).toBe("a\\x22b\\x01");
    const line = nginxAccessLogLine({ at: instant(0), remoteAddress: "10.0.1.7", requestLine: "GET / HTTP/1.1", status: 200, bodyBytesSent: 615, referer: undefined, userAgent: "curl/7.35.0", forwardedFor: undefined });
    expect(line).toBe('10.0.1.7 - - [01/Jan/2026:00:00:00 +0000] "GET / HTTP/1.1" 200 615 "-" "curl/7.35.0" "-"');
  });

  function read(chunks: string[], headRequest = false, close = false) {
    const log: string[] = [];
    let end: ResponseEnd | undefined;
    const reader = new HttpResponseReader({ head: (h) => log.push(`head ${h.status}`), body: (b) => log.push(Buffer.from(b).toString()), end: (e) => (end = e) }, headRequest);
    for (const c of chunks) reader.push(Buffer.from(c));
    if (close) reader.close();
    return { log, end };
  }

  it("reads bodies framed by Content-Length, chunks, or the close, and names a short one", () => {
    expect(read(["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", "lo"])).toEqual({ log: ["head 200", "hel", "lo"], end: { ok: true } });
    expect(read(["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"])).toEqual({ log: ["head 200", "abc"], end: { ok: true } });
    expect(read(["HTTP/1.0 200 OK\r\n\r\nall"], false, true)).toEqual({ log: ["head 200", "all"], end: { ok: true } });
    expect(read(["HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc"], false, true).end).toEqual({ ok: false, reason: "short-body", remaining: 6 });
    expect(read([], false, true).end).toEqual({ ok: false, reason: "empty-reply" });
    expect(read(["HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"], true).end).toEqual({ ok: true });
  });

  it("never throws on hostile bytes (requests and responses)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), fc.boolean(), (chunks, close) => {
        parseRequestHead(Buffer.concat(chunks).toString("latin1"));
        const reader = new HttpResponseReader({ head: () => {}, body: () => {}, end: () => {} }, false);
        for (const c of chunks) reader.push(c);
        if (close) reader.close();
      }),
      { seed: 4242, numRuns: propertyRuns(300) },
    );
  });
});

describe("curl's command line", () => {
  it("reads bundled flags, attached values and URLs", () => {
    const parsed = parseCurlArgs(["-sSo/dev/null", "-m", "5", "-H", "X-A: 1", "web:8080/p"]);
    expect(parsed.ok && [parsed.options.silent, parsed.options.showError, parsed.options.output, parsed.options.maxTimeSeconds, parsed.options.headers, parsed.options.urls]).toEqual([
      true, true, "/dev/null", 5, ["X-A: 1"], ["web:8080/p"],
    ]);
  });

  it("reads URLs as curl does: no scheme is http, no path is rebuilt to /", () => {
    const url = parseCurlUrl("web:8080");
    expect(url.ok && [url.url.host, url.url.port, url.url.target, url.url.rebuilt, url.url.text, url.url.hostHeader]).toEqual(["web", 8080, "/", true, "web:8080/", "web:8080"]);
    const full = parseCurlUrl("http://10.0.1.3/a/b?c=d");
    expect(full.ok && [full.url.host, full.url.port, full.url.target, full.url.hostHeader]).toEqual(["10.0.1.3", 80, "/a/b?c=d", "10.0.1.3"]);
    expect(parseCurlUrl("https://web")).toMatchObject({ ok: false, status: 1, message: "curl: (1) Protocol https not supported or disabled in libcurl\n" });
  });
});

describe("shell pieces", () => {
  it("parses lists, and-or, loops and redirections; reports the token that does not fit", () => {
    expect(parseShell("a && b || c; d &").ok).toBe(true);
    expect(parseShell("while true; do curl web >/dev/null 2>&1; sleep 1; done").ok).toBe(true);
    expect(parseShell("if [ x ]; then a; elif b; then c; else d; fi | cat").ok).toBe(true);
    expect(parseShell("done")).toEqual({ ok: false, error: { kind: "unexpected", token: '"done"' } });
    expect(parseShell("if a; then b")).toEqual({ ok: false, error: { kind: "unexpected", token: "end of file", expecting: '"fi"' } });
    expect(parseShell("echo 'x")).toEqual({ ok: false, error: { kind: "unterminated-quote" } });
  });

  it("never throws while parsing any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80, unit: fc.constantFrom(..."ab $'\"`(){};&|<>\\\n#=!12".split("")) }), (text) => {
        parseShell(text);
      }),
      { seed: 1717, numRuns: propertyRuns(500) },
    );
  });

  it("sleep sums its arguments with BusyBox's suffixes; test compares strings and numbers", () => {
    expect(sleepDuration(["1m", "30", "0.5"])).toEqual({ ok: true, micros: 90_500_000 });
    expect(sleepDuration(["infinity"])).toEqual({ ok: true, micros: "forever" });
    expect(sleepDuration(["1x"])).toEqual({ ok: false, bad: "1x" });
    expect(evaluateTest("[", ["3", "-lt", "10", "]"]).status).toBe(0);
    expect(evaluateTest("test", ["!", "a", "=", "a"]).status).toBe(1);
    expect(evaluateTest("[", ["a"])).toEqual({ status: 2, error: "sh: [: missing ]" });
  });

  it("cuts output into log lines and keeps an open line until the exit", () => {
    let now = instant(0);
    const lines = new LogLines(() => now);
    lines.write("stdout", "a\nb");
    now = instant(5);
    lines.write("stdout", "c\n");
    lines.write("stderr", "partial");
    lines.flush();
    expect(lines.all).toEqual([
      { at: 0, stream: "stdout", text: "a" },
      { at: 5, stream: "stdout", text: "bc" },
      { at: 5, stream: "stderr", text: "partial" },
    ]);
  });

  it("routes by subnet", () => {
    expect([inSubnet("10.0.1.200", "10.0.1.3", 24), inSubnet("10.0.2.1", "10.0.1.3", 24), inSubnet("1.2.3.4", "10.0.1.3", 0)]).toEqual([true, false, true]);
  });
});

describe("log lines", () => {
  it("cuts lines longer than Docker's 16 KiB copier buffer into parts", () => {
    const lines = new LogLines(() => instant(0));
    lines.write("stdout", `${"a".repeat(16_384)}${"b".repeat(10)}\n${"c".repeat(16_384 * 2 + 1)}`);
    lines.flush();
    expect(lines.all.map((l) => [l.text[0], l.text.length])).toEqual([["a", 16_384], ["b", 10], ["c", 16_384], ["c", 16_384], ["c", 1]]);
  });

  it("keeps a bounded number of lines, dropping the oldest", () => {
    const lines = new LogLines(() => instant(0), 10);
    for (let i = 0; i < 25; i++) lines.write("stdout", `${i}\n`);
    expect(lines.all.length).toBeLessThanOrEqual(11);
    expect(lines.all.at(-1)!.text).toBe("24");
    expect(lines.discarded + lines.all.length).toBe(25);
  });
});
