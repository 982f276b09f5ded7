/**
 * The official nginx image's main process: /docker-entrypoint.sh, then
 * `nginx -g 'daemon off;'` serving the default site on port 80. Requests are
 * parsed one after another on each connection (keep-alive), answered as
 * nginx 1.25.3 answers them, and logged as the image logs them: access log
 * to stdout, error log to stderr.
 */

import type { Binding, Stream } from "../net/index.js";
import { type EventHandle, seconds } from "../sim/index.js";
import type { App, AppContext, Signal } from "./app.js";
import { headerValue, latin1, latin1Bytes, parseRequestHead } from "./http-request.js";
import {
  nginxBuiltBy,
  nginxClientHeaderTimeoutSeconds,
  nginxEntrypointLines,
  nginxHostOs,
  nginxKeepaliveRequests,
  nginxKeepaliveTimeoutSeconds,
  nginxMaxRequestHeadBytes,
  nginxRlimitNofile,
  nginxVersion,
  nginxWorkerPids,
} from "./nginx-content.js";
import { nginxAccessLogLine, nginxErrorLogLine } from "./nginx-log.js";
import { type NginxResponse, nginxBadRequest, nginxRespond } from "./nginx-response.js";

/** The port the default server listens on. */
export const nginxPort = 80;

const MASTER_PID = 1;

/** Signal numbers and names as nginx's log prints them (ngx_process.c signals[]). */
const SIGNAL_NUMBERS: Record<Signal, number> = { SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

/**
 * Starts nginx for `argv` (`nginx [-g 'daemon off;']`, `nginx -v`, `nginx -t`).
 *
 * @example
 * const app = startNginx(context); // listens on port 80 of every interface
 */
export function startNginx(context: AppContext): App {
  const flags = context.argv.slice(1);
  if (flags.includes("-v") || flags.includes("-t")) return runNginxCommand(context, flags);
  return new NginxServer(context);
}

/** `nginx -v` and `nginx -t`: print to stderr and exit 0 (the entrypoint only configures for a bare `nginx`). */
function runNginxCommand(context: AppContext, flags: readonly string[]): App {
  if (flags.includes("-v")) context.write("stderr", `nginx version: ${nginxVersion}\n`);
  else {
    context.write("stderr", "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n");
    context.write("stderr", "nginx: configuration file /etc/nginx/nginx.conf test is successful\n");
  }
  context.exit(0);
  return { signal: () => {} };
}

class NginxServer implements App {
  private readonly listener: Binding;
  private readonly connections = new Set<NginxConnection>();
  /** nginx numbers connections from 1 (`*1` in the error log). */
  private nextConnection = 1;
  private stopping = false;

  constructor(private readonly context: AppContext) {
    const entrypoint = context.argv[0] === "nginx" || context.argv[0] === "nginx-debug";
    if (entrypoint) for (const line of nginxEntrypointLines) context.write("stdout", `${line}\n`);
    this.notice(MASTER_PID, 'using the "epoll" event method');
    this.notice(MASTER_PID, nginxVersion);
    this.notice(MASTER_PID, nginxBuiltBy);
    this.notice(MASTER_PID, `OS: ${nginxHostOs}`);
    this.notice(MASTER_PID, nginxRlimitNofile);
    this.notice(MASTER_PID, "start worker processes");
    for (const pid of nginxWorkerPids) this.notice(MASTER_PID, `start worker process ${pid}`);
    this.listener = context.netns.listen(nginxPort, (stream) => this.accept(stream));
  }

  /** SIGQUIT (the image's STOPSIGNAL): graceful shutdown; SIGTERM and SIGINT: fast shutdown. Both exit 0. */
  signal(signal: Signal): void {
    if (this.stopping) return;
    this.stopping = true;
    const graceful = signal === "SIGQUIT";
    const action = graceful ? "shutting down" : "exiting";
    this.notice(MASTER_PID, `signal ${SIGNAL_NUMBERS[signal]} (${signal}) received, ${action}`);
    this.listener.close();
    // Every connection is idle between requests here, so both kinds of shutdown close them all at once.
    for (const connection of [...this.connections]) connection.close();
    for (const pid of nginxWorkerPids) {
      if (graceful) this.notice(pid, "gracefully shutting down");
      this.notice(pid, "exiting");
      this.notice(pid, "exit");
    }
    this.notice(MASTER_PID, `signal 17 (SIGCHLD) received from ${nginxWorkerPids[nginxWorkerPids.length - 1]}`);
    for (const pid of nginxWorkerPids) this.notice(MASTER_PID, `worker process ${pid} exited with code 0`);
    this.notice(MASTER_PID, "exit");
    this.context.exit(0);
  }

  /** @internal For connections: the shutdown state and the context. */
  get isStopping(): boolean {
    return this.stopping;
  }

  get app(): AppContext {
    return this.context;
  }

  forget(connection: NginxConnection): void {
    this.connections.delete(connection);
  }

  notice(pid: number, message: string, connection?: number): void {
    this.context.write("stderr", `${nginxErrorLogLine(this.context.clock.now(), "notice", pid, message, connection)}\n`);
  }

  private accept(stream: Stream): void {
    const number = this.nextConnection++;
    const workerPid = nginxWorkerPids[(number - 1) % nginxWorkerPids.length]!;
    this.connections.add(new NginxConnection(this, stream, number, workerPid));
  }
}

/** One client connection: requests in order, each answered before the next is read. */
class NginxConnection {
  /** What arrived and is not yet parsed, as latin1 text. */
  private buffer = "";
  /** Request-body bytes still to skip (nginx discards bodies it does not use). */
  private discard = 0;
  private requests = 0;
  private closing = false;
  private idleTimer: EventHandle | undefined;

  constructor(
    private readonly server: NginxServer,
    private readonly stream: Stream,
    private readonly number: number,
    private readonly workerPid: number,
  ) {
    stream.on("data", (bytes) => this.receive(bytes));
    stream.on("end", () => this.close());
    stream.on("close", () => this.finish());
    stream.on("reset", () => this.finish());
    this.armIdleTimer(nginxClientHeaderTimeoutSeconds);
  }

  /** Closes our side (FIN after what was written) and reads nothing more. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.cancelIdleTimer();
    this.stream.close();
  }

  private finish(): void {
    this.closing = true;
    this.cancelIdleTimer();
    this.server.forget(this);
  }

  private receive(bytes: Uint8Array): void {
    if (this.closing) return; // lingering close: read and drop
    this.cancelIdleTimer();
    this.buffer += latin1(bytes);
    this.serve();
    if (!this.closing) this.armIdleTimer(this.requests === 0 ? nginxClientHeaderTimeoutSeconds : nginxKeepaliveTimeoutSeconds);
  }

  private serve(): void {
    while (!this.closing) {
      if (this.discard > 0) {
        const skipped = Math.min(this.discard, this.buffer.length);
        this.buffer = this.buffer.slice(skipped);
        this.discard -= skipped;
        if (this.discard > 0) return;
      }
      const parsed = parseRequestHead(this.buffer);
      if (parsed.kind === "incomplete") {
        if (this.buffer.length > nginxMaxRequestHeadBytes) this.answer(this.buffer.split(/\r?\n/)[0]!, nginxBadRequest(this.now()));
        return;
      }
      if (parsed.kind === "bad") {
        this.answer(parsed.line, nginxBadRequest(this.now()));
        return;
      }
      const request = parsed.request;
      this.buffer = this.buffer.slice(parsed.headLength);
      this.requests++;
      const mayKeepAlive = this.requests < nginxKeepaliveRequests && !this.server.isStopping;
      const length = headerValue(request, "Content-Length");
      if (length !== undefined && !/^\d{1,15}$/.test(length)) {
        this.answer(request.line, nginxBadRequest(this.now()));
        return;
      }
      this.discard = length === undefined ? 0 : Number(length);
      const response = nginxRespond(request, this.now(), mayKeepAlive);
      if (response.error !== undefined) this.logError(response.error, request.line, headerValue(request, "Host"), headerValue(request, "Referer"));
      this.answer(request.line, response, headerValue(request, "Referer"), headerValue(request, "User-Agent"), headerValue(request, "X-Forwarded-For"));
    }
  }

  /** Sends a response, logs it, and closes if the response says so. */
  private answer(line: string, response: NginxResponse, referer?: string, userAgent?: string, forwardedFor?: string): void {
    this.stream.write(latin1Bytes(response.head + response.body));
    const entry = {
      at: this.now(),
      remoteAddress: this.stream.remoteAddress,
      requestLine: line,
      status: response.status,
      bodyBytesSent: response.body.length,
      referer,
      userAgent,
      forwardedFor,
    };
    this.server.app.write("stdout", `${nginxAccessLogLine(entry)}\n`);
    if (!response.keepAlive) this.close();
  }

  /** ngx_http_log_error: the message, then the client, server, request, host and referrer. */
  private logError(message: string, line: string, host: string | undefined, referer: string | undefined): void {
    let text = `${message}, client: ${this.stream.remoteAddress}, server: localhost, request: "${line}"`;
    if (host !== undefined) text += `, host: "${host}"`;
    if (referer !== undefined) text += `, referrer: "${referer}"`;
    this.server.app.write("stderr", `${nginxErrorLogLine(this.now(), "error", this.workerPid, text, this.number)}\n`);
  }

  private now() {
    return this.server.app.clock.now();
  }

  private armIdleTimer(timeoutSeconds: number): void {
    this.cancelIdleTimer();
    this.idleTimer = this.server.app.clock.after(seconds(timeoutSeconds), "workload.nginx.idle", () => {
      this.idleTimer = undefined;
      this.close();
    });
  }

  private cancelIdleTimer(): void {
    if (this.idleTimer !== undefined) this.server.app.clock.cancel(this.idleTimer);
    this.idleTimer = undefined;
  }
}
