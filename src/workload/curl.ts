/**
 * curl 7.35.0, the one radial/busyboxplus:curl ships (built with OpenSSL
 * 1.0.1f, zlib and libssh2 by buildroot 2014.02): an HTTP/1.1 GET (or HEAD)
 * per URL over the container's namespace, the body to stdout, and on stderr
 * the progress meter, the -v trace and errors in that version's words
 * (lib/url.c, lib/connect.c, lib/transfer.c, lib/http.c, src/tool_*.c).
 */

import type { Stream, StreamEvents, StreamResetReason } from "../net/index.js";
import { type EventHandle, type Instant, seconds } from "../sim/index.js";
import { type CurlOptions, type CurlUrl, isIpv4Literal, parseCurlArgs, parseCurlUrl } from "./curl-args.js";
import { type CurlConnection, CurlConnectionCache } from "./curl-connection.js";
import { CurlMeter } from "./curl-meter.js";
import { latin1Bytes } from "./http-request.js";
import { HttpResponseReader, type ResponseEnd, type ResponseHead } from "./http-response.js";
import type { Program, ProgramSystem, ShellIo } from "./sh-program.js";

/** The modelled release. */
export const curlVersion = "7.35.0";

/** The tool's default User-Agent (src/tool_operate.c: `curl/` + version). */
export const curlUserAgent = `curl/${curlVersion}`;

/** strerror texts of the socket errors a connect can end with. */
const CONNECT_ERRORS: Partial<Record<StreamResetReason, string>> = {
  refused: "Connection refused",
  timeout: "Connection timed out",
  "peer-reset": "Connection reset by peer",
  "host-down": "Network is unreachable",
};

/**
 * The curl program: fetches each URL in turn, on one connection while the
 * host and port stay the same and the server keeps it alive; the exit status
 * is the last transfer's (0, or a CURLcode such as 6, 7, 22, 28, 52, 56).
 *
 * @example
 * // sh -c 'curl -s web' prints nginx's welcome page
 */
export const curlProgram: Program = (args, io, system, done) => {
  const parsed = parseCurlArgs(args);
  if (!parsed.ok) {
    io.stderr(parsed.message);
    return done(parsed.status);
  }
  const options = parsed.options;
  const cache = new CurlConnectionCache();
  const next = (index: number, status: number): void => {
    if (index === options.urls.length) {
      cache.closeAll();
      return done(status);
    }
    new CurlTransfer(options, cache, io, system, (s) => next(index + 1, s)).start(options.urls[index]!);
  };
  next(0, 0);
};

/** The request head curl 7.35.0 sends: its fields in its order (User-Agent before Host), then -H fields. */
export function curlRequestHead(options: CurlOptions, url: CurlUrl): string {
  const method = options.method ?? (options.head ? "HEAD" : "GET");
  const fields: Array<[string, string]> = [
    ["User-Agent", options.userAgent ?? curlUserAgent],
    ["Host", url.hostHeader],
    ["Accept", "*/*"],
  ];
  for (const header of options.headers) {
    const colon = header.indexOf(":");
    if (colon <= 0) continue;
    const name = header.slice(0, colon);
    const value = header.slice(colon + 1).trim();
    const at = fields.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (at >= 0) fields.splice(at, 1);
    // "Name:" with nothing after it removes a default header, as curl does.
    if (value !== "") fields.push([name, value]);
  }
  return `${method} ${url.target} HTTP/1.1\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
}

/** One URL's transfer. */
class CurlTransfer {
  private meter: CurlMeter | undefined;
  private stream: Stream | undefined;
  private connection: CurlConnection | undefined;
  /** Listeners this transfer put on its stream, removed when it ends (the stream may serve the next URL). */
  private readonly listeners: Array<() => void> = [];
  /** The response allows the connection to be kept. */
  private keepAlive = false;
  private url: CurlUrl | undefined;
  private readonly timers: EventHandle[] = [];
  private meterTimer: EventHandle | undefined;
  private downloaded = 0;
  private size: number | undefined;
  private finished = false;
  private tracedData = false;
  /** The TCP handshake completed: a reset from now on is a receive failure, not a connect failure. */
  private wasConnected = false;
  private readonly decoder = new TextDecoder("utf-8");
  /** When the transfer began (progress.c start: before the name is resolved). */
  private readonly startedAt: Instant;

  constructor(
    private readonly options: CurlOptions,
    private readonly cache: CurlConnectionCache,
    private readonly io: ShellIo,
    private readonly system: ProgramSystem,
    private readonly done: (status: number) => void,
  ) {
    this.startedAt = system.clock.now();
  }

  start(text: string): void {
    const parsed = parseCurlUrl(text);
    if (!parsed.ok) {
      if (!this.options.silent || this.options.showError) this.io.stderr(parsed.message);
      return this.end(parsed.status);
    }
    const url = (this.url = parsed.url);
    if (url.rebuilt) this.trace(`* Rebuilt URL to: ${url.text}\n`);
    const reused = this.cache.take(url.host, url.port);
    if (reused !== undefined) {
      this.startTimers();
      this.trace(`* Re-using existing connection! (#${reused.number}) with host ${url.host}\n`);
      this.trace(`* Connected to ${url.host} (${reused.address}) port ${url.port} (#${reused.number})\n`);
      return this.connected(reused, true);
    }
    this.trace("* Hostname was NOT found in DNS cache\n");
    const addresses = isIpv4Literal(url.host) ? [url.host] : this.system.lookup.resolve(url.host, this.system.networkIds());
    // lib/url.c: a name the resolver does not know fails before any progress is shown.
    if (addresses.length === 0) return this.fail(6, `Couldn't resolve host '${url.host}'`);
    this.startTimers();
    this.connect(addresses, 0);
  }

  /** The meter (unless -s) and the -m timer start once the transfer has somewhere to go. */
  private startTimers(): void {
    if (!this.options.silent) this.meter = new CurlMeter(this.startedAt, (t) => this.io.stderr(t));
    this.showProgress();
    if (this.options.maxTimeSeconds !== undefined) {
      this.timers.push(this.system.clock.after(seconds(this.options.maxTimeSeconds), "workload.curl.max-time", () => this.maxTimeReached()));
    }
  }

  /** Puts a listener on the stream for this transfer only. */
  private listen<E extends "connect" | "data" | "end" | "reset">(stream: Stream, event: E, handler: (...args: StreamEvents[E]) => void): void {
    stream.on(event, handler as never);
    this.listeners.push(() => stream.off(event, handler as never));
  }

  /** Tries each address in turn (lib/connect.c trynextip); the error names the host, not the address. */
  private connect(addresses: readonly string[], index: number): void {
    const url = this.url!;
    const address = addresses[index]!;
    this.trace(`*   Trying ${address}...\n`);
    const opened = this.system.netns.connect(address, url.port);
    if (!opened.ok) return this.fail(7, `Failed to connect to ${url.host} port ${url.port}: Network is unreachable`);
    const stream = (this.stream = opened.stream);
    const connectTimer = this.system.clock.after(seconds(this.options.connectTimeoutSeconds), "workload.curl.connect-timeout", () => {
      if (stream.state === "connecting") this.fail(28, "Connection time-out");
    });
    this.timers.push(connectTimer);
    const connection: CurlConnection = { host: url.host, port: url.port, address, number: this.cache.newNumber(), stream };
    this.listen(stream, "connect", () => {
      this.system.clock.cancel(connectTimer);
      this.trace(`* Connected to ${url.host} (${address}) port ${url.port} (#${connection.number})\n`);
      this.connected(connection, false);
    });
    this.listen(stream, "reset", (reason) => {
      if (this.finished || reason === "local") return;
      if (!this.wasConnected) {
        if (reason === "refused" && index + 1 < addresses.length) return this.connect(addresses, index + 1);
        return this.fail(7, `Failed to connect to ${url.host} port ${url.port}: ${CONNECT_ERRORS[reason] ?? "Connection refused"}`);
      }
      this.fail(56, `Recv failure: ${CONNECT_ERRORS[reason] ?? "Connection reset by peer"}`);
    });
  }

  /** The connection is up (new or reused): send the request and read the response. */
  private connected(connection: CurlConnection, reused: boolean): void {
    const url = this.url!;
    const stream = (this.stream = connection.stream);
    this.connection = connection;
    this.wasConnected = true;
    if (reused) {
      // A new connection's reset listener came with it (connect); a reused one needs this transfer's own.
      this.listen(stream, "reset", (reason) => {
        if (!this.finished && reason !== "local") this.fail(56, `Recv failure: ${CONNECT_ERRORS[reason] ?? "Connection reset by peer"}`);
      });
    }
    const head = curlRequestHead(this.options, url);
    if (this.options.verbose) for (const line of head.split("\r\n").slice(0, -1)) this.io.stderr(`> ${line}\r\n`);
    const reader = new HttpResponseReader(
      { head: (h) => this.receivedHead(h), body: (b) => this.receivedBody(b), end: (e) => this.receivedEnd(e) },
      (this.options.method ?? (this.options.head ? "HEAD" : "GET")) === "HEAD",
    );
    this.listen(stream, "data", (bytes) => reader.push(bytes));
    this.listen(stream, "end", () => reader.close());
    stream.write(latin1Bytes(head));
  }

  private receivedHead(head: ResponseHead): void {
    if (this.options.verbose) {
      for (const line of head.text.split("\r\n").slice(0, -1)) {
        if (/^server:/i.test(line)) this.io.stderr(`* Server ${line.slice(7).trim()} is not blacklisted\n`);
        this.io.stderr(`< ${line}\r\n`);
      }
    }
    const header = (name: string): string | undefined => head.headers.find(([n]) => n.toLowerCase() === name)?.[1];
    const connectionHeader = header("connection")?.toLowerCase();
    this.keepAlive = head.version === "1.1" ? connectionHeader !== "close" : connectionHeader === "keep-alive";
    const length = header("content-length");
    if (length !== undefined && /^\d+$/.test(length)) this.size = Number(length);
    // lib/http.c print_http_error: the status line's code and reason.
    if (this.options.fail && head.status >= 400) return this.fail(22, `The requested URL returned error: ${head.status} ${head.reason}`.trimEnd());
    if (this.options.head || this.options.include) this.io.stdout(head.text);
  }

  private receivedBody(bytes: Uint8Array): void {
    if (this.finished) return;
    if (this.options.verbose && !this.tracedData && this.meter !== undefined) {
      this.tracedData = true;
      this.io.stderr("{ [data not shown]\n");
    }
    this.downloaded += bytes.length;
    if (this.options.output === undefined || this.options.output === "-") this.io.stdout(this.decoder.decode(bytes, { stream: true }));
    this.meter?.update(this.system.clock.now(), this.downloaded, this.size);
  }

  private receivedEnd(end: ResponseEnd): void {
    if (this.finished) return;
    if (!end.ok) {
      if (end.reason === "empty-reply" || end.reason === "bad-head") return this.fail(52, "Empty reply from server");
      if (end.reason === "bad-chunk") return this.fail(56, "Received problem 2 in the chunky parser");
      return this.fail(18, end.remaining === undefined ? "transfer closed with outstanding read data remaining" : `transfer closed with ${end.remaining} bytes remaining to read`);
    }
    this.io.stdout(this.decoder.decode());
    this.meter?.done(this.system.clock.now(), this.downloaded, this.size);
    const connection = this.connection!;
    this.end(0, () => {
      if (this.keepAlive && connection.stream.state === "open") {
        this.trace(`* Connection #${connection.number} to host ${this.url!.host} left intact\n`);
        this.cache.keep(connection);
      } else {
        this.trace(`* Closing connection ${connection.number}\n`);
        connection.stream.close();
      }
    });
  }

  private maxTimeReached(): void {
    const elapsedMs = Math.floor((this.system.clock.now() - this.startedAt) / 1_000);
    if (this.stream === undefined || !this.wasConnected) return this.fail(28, "Connection time-out");
    const of = this.size === undefined ? "" : ` out of ${this.size}`;
    this.fail(28, `Operation timed out after ${elapsedMs} milliseconds with ${this.downloaded}${of} bytes received`);
  }

  /** Shows a meter line now (if the second changed) and every second until the transfer ends. */
  private showProgress(): void {
    if (this.meter === undefined || this.finished) return;
    this.meter.update(this.system.clock.now(), this.downloaded, this.size);
    this.meterTimer = this.system.clock.after(seconds(1), "workload.curl.progress", () => this.showProgress());
  }

  /** Ends with a CURLcode: -v traces it, the message goes to stderr unless -s (without -S). */
  private fail(code: number, message: string): void {
    if (this.finished) return;
    this.trace(`* ${message}\n* Closing connection ${this.connection?.number ?? 0}\n`);
    if (!this.options.silent || this.options.showError) this.io.stderr(`curl: (${code}) ${message}\n`);
    if (this.stream !== undefined) {
      if (this.stream.state === "connecting") this.stream.reset();
      else this.stream.close();
    }
    this.end(code);
  }

  /** Stops the timers and the listeners, runs `before` (keep or close the connection), then reports `status`. */
  private end(status: number, before?: () => void): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) this.system.clock.cancel(timer);
    if (this.meterTimer !== undefined) this.system.clock.cancel(this.meterTimer);
    for (const remove of this.listeners) remove();
    before?.();
    this.done(status);
  }

  private trace(text: string): void {
    if (this.options.verbose) this.io.stderr(text);
  }
}
