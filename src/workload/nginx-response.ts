/**
 * The answer nginx's default server (the image's conf.d/default.conf: root
 * /usr/share/nginx/html, index index.html) gives one request: pure, so the
 * headers can be checked against a real `curl -i` line by line.
 * Header order is ngx_http_header_filter_module.c's.
 */

import type { Instant } from "../sim/index.js";
import { httpDate } from "./http-date.js";
import { type HttpRequest, headerValue } from "./http-request.js";
import {
  nginxDocumentRoot,
  nginxErrorPage,
  nginxIndexEtag,
  nginxIndexHtml,
  nginxIndexLastModified,
  nginxStatusText,
  nginxVersion,
} from "./nginx-content.js";

/** A response, and what the server does after it. */
export interface NginxResponse {
  readonly status: number;
  /** Status line and header fields, ending with the blank line. */
  readonly head: string;
  /** The body sent: empty for HEAD. */
  readonly body: string;
  /** True: the connection stays open for the next request. */
  readonly keepAlive: boolean;
  /** Why a file was not served, as the error log says it (before `, client: ...`). */
  readonly error?: string;
}

/** The files the default server has: `/` is `/index.html` through the index module. */
function fileFor(path: string): string | undefined {
  return path === "/index.html" ? nginxIndexHtml : undefined;
}

/** The path of a target: without its query, percent-decoded; undefined if it does not decode. */
function pathOf(target: string): string | undefined {
  const raw = target.split("?")[0]!;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

function keepAliveWanted(request: HttpRequest): boolean {
  const connection = headerValue(request, "Connection")?.toLowerCase();
  return request.minorVersion >= 1 ? connection !== "close" : connection === "keep-alive";
}

function head(status: number, at: Instant, contentLength: number, keepAlive: boolean, file: boolean): string {
  const fields = [
    `HTTP/1.1 ${nginxStatusText[status]!}`,
    `Server: ${nginxVersion}`,
    `Date: ${httpDate(at)}`,
    "Content-Type: text/html",
    `Content-Length: ${contentLength}`,
    ...(file ? [`Last-Modified: ${nginxIndexLastModified}`] : []),
    `Connection: ${keepAlive ? "keep-alive" : "close"}`,
    ...(file ? [`ETag: ${nginxIndexEtag}`, "Accept-Ranges: bytes"] : []),
  ];
  return `${fields.join("\r\n")}\r\n\r\n`;
}

function errorResponse(status: number, at: Instant, keepAlive: boolean, headOnly: boolean, error?: string): NginxResponse {
  const page = nginxErrorPage(status);
  return { status, head: head(status, at, page.length, keepAlive, false), body: headOnly ? "" : page, keepAlive, ...(error === undefined ? {} : { error }) };
}

/** The answer to a request line nginx could not parse: 400, and the connection closes. */
export function nginxBadRequest(at: Instant): NginxResponse {
  return errorResponse(400, at, false, false);
}

/**
 * The answer to `request` at `at`. `mayKeepAlive` is false when the server
 * will close anyway (keepalive_requests reached, or shutting down).
 */
export function nginxRespond(request: HttpRequest, at: Instant, mayKeepAlive: boolean): NginxResponse {
  if (request.minorVersion >= 1 && headerValue(request, "Host") === undefined) return nginxBadRequest(at);
  const path = pathOf(request.target);
  if (path === undefined || !path.startsWith("/")) return nginxBadRequest(at);
  const keepAlive = mayKeepAlive && keepAliveWanted(request);
  const headOnly = request.method === "HEAD";
  // ngx_http_static_handler: only GET, HEAD and POST reach a file; POST to a file is not allowed.
  if (!["GET", "HEAD", "POST"].includes(request.method)) return errorResponse(405, at, keepAlive, headOnly);
  const filePath = path.endsWith("/") ? `${path}index.html` : path;
  const file = fileFor(filePath);
  if (file === undefined) {
    const error = path.endsWith("/")
      ? `"${nginxDocumentRoot}${filePath}" is not found (2: No such file or directory)`
      : `open() "${nginxDocumentRoot}${filePath}" failed (2: No such file or directory)`;
    return errorResponse(404, at, keepAlive, headOnly, error);
  }
  if (request.method === "POST") return errorResponse(405, at, keepAlive, headOnly);
  return { status: 200, head: head(200, at, file.length, keepAlive, true), body: headOnly ? "" : file, keepAlive };
}
